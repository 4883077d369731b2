"""The book served from an address it was not built for: another port, under a
sub-path, by a server that sends no special headers (as GitHub Pages does)."""

from __future__ import annotations

import re

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
