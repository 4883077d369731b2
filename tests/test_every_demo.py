"""Every demo of every page runs in real Pyodide in Chromium, and every demo the
concept checklist asks for is on a page."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT

# Checklist items (../shared/reference/concepts.md) that must have a live demo,
# and the finale's demos (the book's own issue list).
REQUIRED_DEMOS = {
    "3 generative vs discriminative": "gen_vs_disc",
    "6 fair and loaded die": "dice",
    "7 2x2 images": "images2x2",
    "8 noise pushed through a map": "noise_to_data",
    "12 fitting house prices": "house_prices",
    "13 L1 vs L2 minimisers": "best_constant",
    "15 a tiny GAN": "gan",
    "18 velocity field": "velocity_field",
    "20 probability path": "probability_path",
    "23 normalising constant": "normalising_constant",
    "finale: train a flow-matching model": "flow_matching",
    "finale: digits from noise": "digits",
}

PAGES = sorted(
    "/" + p.relative_to(ROOT / "docs").with_suffix("").as_posix().removesuffix("index") + ("" if p.stem == "index" else "/")
    for p in (ROOT / "docs").rglob("*.md")
)

RECORD = """document.addEventListener("demo:shown", event => {
    (window.__shown ??= []).push({ id: event.target.id, error: event.detail.error || null })
})"""


def demos_in(built_site) -> dict[str, list[str]]:
    """Demo modules placed on each built page."""
    found = {}
    for page in built_site.rglob("index.html"):
        configs = re.findall(r'<div class="demo" id="[^"]+" data-demo="([^"]+)"', page.read_text())
        found[page.parent.relative_to(built_site).as_posix()] = [json.loads(c.replace("&quot;", '"'))["demo"] for c in configs]
    return found


@pytest.mark.parametrize("item, demo", REQUIRED_DEMOS.items())
def test_each_required_demo_is_on_a_page(built_site, item, demo):
    pages = [page for page, demos in demos_in(built_site).items() if demo in demos]
    assert pages, f"checklist item {item}: no page shows the '{demo}' demo"


def wait_shown(page, demo_id: str, count: int, timeout: float = 90_000) -> dict:
    page.wait_for_function(
        "([id, n]) => (window.__shown || []).filter(e => e.id === id).length >= n", arg=[demo_id, count], timeout=timeout
    )
    return page.evaluate("([id, n]) => window.__shown.filter(e => e.id === id)[n - 1]", [demo_id, count])


def wait_idle(page, demo_id: str) -> None:
    page.wait_for_function("id => !document.getElementById(id).hasAttribute('aria-busy')", arg=demo_id, timeout=90_000)


@pytest.mark.parametrize("width", [1280, 390])  # a phone gets the demos' phone layouts
@pytest.mark.parametrize("path", [p for p in PAGES if p != "/authoring/"])
def test_every_demo_on_the_page_runs_and_follows_a_control(page, server, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(RECORD)
    page.goto(server + path)
    demos = page.locator(".demo")
    for index in range(demos.count()):
        demo = demos.nth(index)
        demo_id = demo.get_attribute("id")
        demo.scroll_into_view_if_needed()
        run = demo.locator(".demo__run")
        if run.count():
            run.click()
        first = wait_shown(page, demo_id, 1)
        assert first["error"] is None, f"{demo_id} failed in Pyodide:\n{first['error']}"
        wait_idle(page, demo_id)

        # Nudge the first slider, as a reader would, and expect a fresh, error-free figure
        slider = demo.locator("input[type=range]")
        if slider.count():
            shown_before = page.evaluate("id => window.__shown.filter(e => e.id === id).length", demo_id)
            slider.first.evaluate("el => { el.stepUp(Math.max(1, (el.max - el.value) / el.step / 4 | 0)); el.dispatchEvent(new Event('input', {bubbles: true})) }")
            if run.count():
                run.click()
            after = wait_shown(page, demo_id, shown_before + 1)
            assert after["error"] is None, f"{demo_id} failed after a slider move:\n{after['error']}"
            wait_idle(page, demo_id)
        assert "demo--error" not in (demo.get_attribute("class") or "")
    assert page.watch.errors == []
