"""Dark mode in the browser (real Pyodide): live figures are drawn in the
page's palette, a palette switch redraws them without running the demo
again, and no figure is a white panel on a dark page."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from conftest import ARTIFACTS
from test_every_demo import PAGES, RECORD, wait_shown

# What the page asks of the worker, and each redraw for a palette
WATCH = (
    RECORD
    + """
document.addEventListener("demo:restyled", event => (window.__restyled ??= []).push(event.target.id))
const post = Worker.prototype.postMessage
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type) (window.__sent ??= []).push(message.type)
  return post.call(this, message, ...rest)
}
"""
)

NEAR_WHITE = 235  # every channel at least this: white, as far as a reader in the dark is concerned
# A light figure is mostly white (the dice figure: about 0.7); a dark one has
# none but what a picture shows as white pixels (the 2x2 images, about 0.05).
MOST_WHITE_IN_THE_DARK = 0.1


def white_share(png: bytes) -> float:
    """Share of near-white pixels in a screenshot."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return float((pixels.min(axis=2) >= NEAR_WHITE).mean())


def switch_palette_to_dark(page) -> None:
    """Press the palette toggle, as a reader does, until the page is dark
    (from automatic it goes to light, then to dark)."""
    for _ in range(3):
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            return
        page.locator(".md-header__option label:not([hidden])").click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def sent(page, kind: str) -> int:
    return page.evaluate("kind => (window.__sent || []).filter(type => type === kind).length", kind)


def live_light_demo(browser, server):
    """The sampling page's first demo, live and idle, in the light palette: (context, page, demo, its id)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.add_init_script(WATCH)
    page.goto(server + "/part1/sampling/")
    demo = page.locator(".demo").first
    demo_id = demo.get_attribute("id")
    demo.scroll_into_view_if_needed()
    wait_shown(page, demo_id, 1)
    page.wait_for_function("id => !document.getElementById(id).hasAttribute('aria-busy')", arg=demo_id)
    return context, page, demo, demo_id


def test_a_palette_switch_redraws_a_live_figure_without_running_the_demo(browser, server):
    context, page, demo, demo_id = live_light_demo(browser, server)
    plot = demo.locator(".demo__plot")
    readout = demo.locator(".demo__readout").inner_text()
    light = plot.screenshot()
    runs = sent(page, "run")

    switch_palette_to_dark(page)
    page.wait_for_function("id => (window.__restyled || []).includes(id)", arg=demo_id)
    dark = plot.screenshot(path=ARTIFACTS / "dark-mode-live-dice.png")

    assert white_share(light) > 0.5, "the light figure is mostly white: the measure sees white"
    assert white_share(dark) < 0.01
    assert sent(page, "restyle") >= 1
    assert sent(page, "run") == runs, "the palette switch ran the demo again"
    assert demo.locator(".demo__readout").inner_text() == readout
    context.close()


def test_in_the_automatic_palette_the_systems_switch_to_dark_redraws_a_live_figure(browser, server):
    """A reader who leaves the palette on automatic and whose system turns dark at dusk."""
    context, page, demo, demo_id = live_light_demo(browser, server)
    runs = sent(page, "run")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("id => (window.__restyled || []).includes(id)", arg=demo_id)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert white_share(demo.locator(".demo__plot").screenshot()) < 0.01
    assert sent(page, "run") == runs
    context.close()


def test_live_figures_start_in_the_dark_palette_of_a_dark_system(browser, server):
    """Material's automatic palette follows the system; the first live figure is drawn dark."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.add_init_script(WATCH)
    page.goto(server + "/part2/scores-sdes/")  # a density shaded in greys, and histograms
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    demos = page.locator(".demo")
    for index in range(demos.count()):
        demo = demos.nth(index)
        demo.scroll_into_view_if_needed()
        wait_shown(page, demo.get_attribute("id"), 1)
        share = white_share(demo.locator(".demo__plot").screenshot(path=ARTIFACTS / f"dark-mode-live-{index}.png"))
        assert share < 0.01, f"demo {index} of the page is {share:.0%} white in the dark"
    assert sent(page, "restyle") == 0, "drawn dark from the start: nothing to redraw"
    context.close()


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/authoring/"])
def test_dark_mode_screenshots_of_every_page_contain_no_white_figure_panel(browser, server, path):
    """Every figure of every page, as shown before Python starts (the worker is
    refused, so the static figures stay), is dark in the dark palette."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", color_scheme="dark")
    page = context.new_page()
    page.route("**/javascripts/demo/worker.js", lambda route: route.abort())
    page.goto(server + path)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    plots = page.locator(".demo__plot")
    for index in range(plots.count()):
        plot = plots.nth(index)
        plot.scroll_into_view_if_needed()
        # the other palette's images are hidden and, lazy, never load: wait for the shown ones
        page.wait_for_function(
            "el => [...el.querySelectorAll('img')].filter(img => img.checkVisibility()).every(img => img.complete && img.naturalWidth > 0)",
            arg=plot.element_handle(),
        )
        share = white_share(plot.screenshot())
        assert share < MOST_WHITE_IN_THE_DARK, f"{path}: figure {index} is {share:.0%} near-white in the dark palette"
    context.close()
