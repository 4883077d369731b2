"""The book's service worker in real Chromium: isolation on a host that sends
no headers, reading offline after one visit, and a new deployment's update."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS, PageWatch, free_port, serve
from test_browser import SAMPLING, live
from test_editing import append_code, open_editor, run_when_python_is_free
from test_exercise_page import RIGHT, check, first_exercise

from textbook.offline import write_service_worker

CONTROL = ".md-footer-meta .offline"
COUNT_LOADS = "sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)"


@pytest.fixture
def reader(browser):
    """A fresh profile that accepts service workers, as readers' browsers do."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = PageWatch(page)
    page.set_default_timeout(90_000)
    yield page
    context.close()


def settled(page, script: str, seconds: float = 60) -> object:
    """Evaluate script until it is truthy, across the page's own reloads."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(script)
            if value:
                return value
        except Exception:  # the page was reloading
            pass
        time.sleep(0.25)
    raise AssertionError(f"never true: {script}")


def arrive(page, path: str, title: str) -> None:
    """Wait until a chapter's address and its content are both the page's."""
    page.wait_for_url(re.compile(rf".*{path}(\?[^#]*)?(#.*)?$"))
    page.wait_for_function("title => document.querySelector('.md-content h1')?.innerText.startsWith(title)", arg=title)


def stop_an_endless_loop(page, demo) -> str:
    """Run `while True: pass` in a demo's editor, press Stop, return the output."""
    append_code(page, demo, "\nwhile True:\npass\n")
    run_when_python_is_free(page, demo)
    demo.locator(".demo__stop").click()
    output = demo.locator(".demo__output")
    page.wait_for_function("el => el.innerText.includes('Stopped')", arg=output.element_handle())
    return output.inner_text()


def test_on_a_host_without_headers_one_reload_isolates_the_page_and_stop_keeps_python(reader, subpath_server):
    page = reader
    page.add_init_script(COUNT_LOADS)
    page.goto(subpath_server + "part1/sampling/")
    settled(page, "crossOriginIsolated")
    page.wait_for_timeout(3000)  # no second reload comes
    assert page.evaluate("sessionStorage.loads") == "2"
    assert page.evaluate("crossOriginIsolated") is True

    output = stop_an_endless_loop(page, open_editor(page))
    assert "while True" in output and "KeyboardInterrupt" in output  # interrupted, not restarted
    assert "Python was restarted" not in output
    assert page.watch.errors == []


def test_a_browser_that_refuses_service_workers_reads_the_book_as_before(browser, subpath_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.watch = PageWatch(page)
    page.add_init_script(COUNT_LOADS)
    page.goto(subpath_server + "part1/sampling/")
    live(page)
    page.wait_for_timeout(2000)
    assert page.evaluate("sessionStorage.loads") == "1"
    assert page.evaluate("crossOriginIsolated") is False
    assert page.locator(CONTROL).count() == 0  # no offline copy to offer
    assert page.watch.errors == []
    context.close()


def test_on_an_isolated_page_the_offline_copy_starts_once_python_is_ready(reader, server):
    # It waits for Python's start, so that the two downloads do not compete,
    # and no longer: a reader who leaves soon should still have the book stored
    page = reader
    page.goto(server + SAMPLING)
    assert page.evaluate("crossOriginIsolated") is True
    live(page)
    settled(page, "navigator.serviceWorker.getRegistration().then(registration => !!registration)", seconds=10)


def test_after_one_visit_the_whole_book_reads_and_runs_offline(reader, built_site):
    page = reader
    httpd = serve(built_site, free_port())
    page.goto(f"http://127.0.0.1:{httpd.server_address[1]}{SAMPLING}")
    live(page)  # running a demo stores Python's runtime
    page.wait_for_function(
        "sel => document.querySelector(sel)?.innerText.includes('Available offline, demos included')", arg=CONTROL
    )
    httpd.shutdown()  # the network is gone, server included
    page.context.set_offline(True)

    page.reload()
    live(page)
    output = stop_an_endless_loop(page, open_editor(page))
    assert "KeyboardInterrupt" in output  # Python kept, offline too
    assert "passed" in check(page, first_exercise(page), RIGHT)[0]

    page.click("a.md-footer__link--next")  # by link
    arrive(page, "/part1/noise-to-data/", "From noise to data")
    page.locator(".demo").first.scroll_into_view_if_needed()
    live(page)

    page.keyboard.press("/")  # by search
    page.keyboard.type("discriminator")
    result = page.locator(".md-search-result__item a[href*='/gans/']").first
    result.click()
    arrive(page, "/part1/gans/", "Adversarial")
    page.locator(".demo").first.scroll_into_view_if_needed()
    live(page)

    page.click("a.md-footer__link--next")
    arrive(page, "/part1/probability-paths/", "Deep dive")
    assert page.locator(".arithmatex .katex").count() > 5
    assert page.watch.errors == []


def traced(page, categories: str, action) -> set[str]:
    """The names of the trace events the browser records while action runs."""
    cdp = page.context.new_cdp_session(page)
    names, done = set(), []
    cdp.on("Tracing.dataCollected", lambda data: names.update(event.get("name") for event in data["value"]))
    cdp.on("Tracing.tracingComplete", lambda _: done.append(True))
    cdp.send("Tracing.start", {"categories": categories, "transferMode": "ReportEvents"})
    action()
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(100)
    return names


def test_a_second_visit_reuses_python_compiled_on_the_first(browser, built_site, tmp_path):
    # Each visit is a browser of its own on one profile, as a reader's days are:
    # a browser still open would keep the compiled module in memory
    httpd = serve(built_site, free_port())
    address = f"http://127.0.0.1:{httpd.server_address[1]}{SAMPLING}"
    profile = str(tmp_path / "profile")

    def visit():
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900}
        )
        return context, context.new_page()

    context, page = visit()
    page.goto(address)
    live(page)
    page.wait_for_function(
        "sel => document.querySelector(sel)?.innerText.includes('Available offline, demos included')", arg=CONTROL
    )
    page.wait_for_timeout(5000)  # the browser keeps compiled code a few seconds after Python first runs
    context.close()

    context, page = visit()
    events = traced(page, "v8.wasm", lambda: (page.goto(address), live(page)))
    assert page.evaluate("navigator.serviceWorker.controller") is not None  # the offline copy served this visit
    context.close()
    httpd.shutdown()
    assert "wasm.Deserialize" in events  # compiled Python read back, not compiled again


def test_a_new_deployment_waits_for_the_reader_and_then_replaces_the_whole_page(reader, built_site, tmp_path):
    page = reader
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    httpd = serve(site, free_port())
    address = f"http://127.0.0.1:{httpd.server_address[1]}/"
    page.goto(address)
    page.wait_for_function("sel => document.querySelector(sel)?.innerText.includes('Pages available offline')", arg=CONTROL)
    first = page.evaluate("document.querySelector('article').innerText")

    # Deploy a changed book: a page's text and its stylesheet, then the build's last step
    home = site / "index.html"
    home.write_text(home.read_text().replace("<article", '<p id="deployed">Second edition</p><article', 1))
    css = site / "assets" / "stylesheets" / "offline.css"
    css.write_text(css.read_text() + "\n#deployed { color: rgb(1, 2, 3) }\n")
    write_service_worker(site)

    page.reload()  # the browser finds the new worker; the old one keeps serving
    prompt = page.locator(".offline-update")
    prompt.wait_for()
    assert "A new version of the book is available" in prompt.inner_text()
    assert page.locator("#deployed").count() == 0 and page.evaluate("document.querySelector('article').innerText") == first

    page.click("a.md-footer__link--next")  # until accepted, links still give the old edition
    page.wait_for_load_state("networkidle")
    page.go_back()
    assert page.locator("#deployed").count() == 0

    prompt.locator("button").click()
    page.wait_for_selector("#deployed")  # the new page, and with it the new stylesheet
    page.wait_for_function("() => getComputedStyle(document.querySelector('#deployed')).color === 'rgb(1, 2, 3)'")
    assert page.locator(".offline-update").count() == 0
    httpd.shutdown()
    assert page.watch.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_offline_control_passes_axe_in_either_palette(browser, server, scheme):
    from test_accessibility import axe_violations

    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    page.goto(server + "/notation/")
    page.wait_for_function("sel => document.querySelector(sel)?.innerText.includes('Pages available offline')", arg=CONTROL)
    assert page.locator(CONTROL).get_by_role("button", name=re.compile(r"Store it \(\d+ MB\)")).is_visible()
    assert axe_violations(page) == []
    context.close()
