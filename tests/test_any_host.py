"""The book served from an address it was not built for: another port, under a
sub-path, by a server that sends no special headers (as GitHub Pages does)."""

from __future__ import annotations

import re

from conftest import PageWatch
from test_browser import fetched, live, set_slider


def test_under_a_sub_path_on_another_port_links_swap_pages_and_python_starts_once(page, subpath_server):
    # The site was built for http://127.0.0.1:<port>/; this serves it elsewhere
    assert "/some/book/" in subpath_server
    page.goto(subpath_server + "part1/sampling/")
    live(page)
    page.evaluate("window.sameDocument = true")  # gone if a link reloads the page
    page.click("a.md-footer__link--prev")
    page.wait_for_url(re.compile(r".*/some/book/part1/generative-vs-discriminative/(#.*)?$"))
    page.click("a.md-footer__link--next")
    page.wait_for_url(re.compile(r".*/some/book/part1/sampling/(#.*)?$"))
    live(page)
    set_slider(page, 0, "n_rolls", 2)
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('100 rolls')")
    assert page.evaluate("window.sameDocument") is True, "a chapter link reloaded the page"
    assert fetched(page, "worker.js") == fetched(page, "pyodide.asm.wasm") == 1
    assert page.watch.errors == []


CHAPTERS = [
    ("generative-vs-discriminative", "Generative and discriminative"),
    ("sampling", "Generating means sampling"),
    ("noise-to-data", "From noise to data"),
    ("losses", "Loss functions"),
    ("gans", "Adversarial"),
    ("probability-paths", "Deep dive: probability paths"),
    ("normalising-constant", "Deep dive: why"),
    ("flow-matching", "Finale"),
]


def test_under_a_sub_path_without_headers_every_demo_of_every_chapter_runs_isolated(browser, subpath_server):
    """As a reader of a GitHub Pages copy: one reload for isolation (the service
    worker's), then every chapter by its Next link, in one page and one Python."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = PageWatch(page)
    page.set_default_timeout(90_000)
    page.add_init_script("sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)")
    page.goto(subpath_server + f"part1/{CHAPTERS[0][0]}/")
    page.wait_for_function("() => navigator.serviceWorker.controller && crossOriginIsolated", timeout=60_000)
    for number, (slug, title) in enumerate(CHAPTERS):
        if number:
            page.click("a.md-footer__link--next")
        page.wait_for_url(re.compile(rf".*/some/book/part1/{slug}/(#.*)?$"))
        page.wait_for_function("t => document.querySelector('.md-content h1')?.innerText.startsWith(t)", arg=title)
        demos = page.locator(".demo")
        assert demos.count() >= 1, slug
        for index in range(demos.count()):
            demo = demos.nth(index)
            demo.scroll_into_view_if_needed()
            if demo.locator(".demo__run").count():
                demo.locator(".demo__run").click()
            page.wait_for_selector(f"#{demo.get_attribute('id')}.demo--live .demo__plot canvas")
            page.wait_for_function("id => !document.getElementById(id).hasAttribute('aria-busy')", arg=demo.get_attribute("id"))
            assert "demo--error" not in demo.get_attribute("class"), f"{slug}: {demo.locator('.demo__output').inner_text()}"
    assert page.evaluate("[sessionStorage.loads, crossOriginIsolated]") == ["2", True]  # one reload, then swaps only
    assert page.watch.errors == []
    context.close()
