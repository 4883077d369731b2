"""The book in real Chromium with real Pyodide, served from 127.0.0.1."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlparse

import pytest

from conftest import ARTIFACTS, PageWatch

SAMPLING = "/part1/sampling/"


def live(page, selector: str = ".demo") -> None:
    """Wait until the first demo matching selector shows a live figure."""
    page.wait_for_selector(f"{selector}.demo--live canvas")


def canvas_pixels(page, index: int) -> str:
    return page.eval_on_selector_all(".demo canvas", f"els => els[{index}].toDataURL()")


def readout(page, index: int) -> str:
    return page.locator(".demo__readout").nth(index).inner_text()


def set_slider(page, index: int, name: str, value: float) -> None:
    """Move a range input the way a reader's drag does: set it and fire input."""
    page.locator(f".demo >> nth={index}").locator(f"input[name={name}]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})) }", value
    )


def test_the_static_figure_is_there_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + SAMPLING)
    plots = page.locator(".demo__plot img:visible")  # one per demo, of its palettes and layouts
    assert plots.count() == page.locator(".demo").count() >= 2
    assert plots.first.bounding_box()["width"] > 300
    assert "600 rolls" in readout(page, 0)
    context.close()


def test_a_demo_loads_with_progress_runs_and_follows_its_slider(page, server):
    page.goto(server + SAMPLING)
    page.wait_for_selector(".demo__status progress")  # the reader sees start-up progress
    live(page)
    assert page.locator(".demo__status").first.inner_text() == ""
    before_text, before_pixels = readout(page, 0), canvas_pixels(page, 0)
    assert "600 rolls" in before_text

    set_slider(page, 0, "n_rolls", 5)  # log10: 100,000 rolls
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('100,000 rolls')")
    assert canvas_pixels(page, 0) != before_pixels
    assert page.locator(".demo__value").first.inner_text() == "100,000"
    assert page.watch.errors == []


def test_a_demo_that_raises_shows_its_traceback_and_the_other_demo_still_works(page, server):
    page.goto(server + SAMPLING)
    loaded = page.locator(".demo").nth(1)
    loaded.scroll_into_view_if_needed()
    live(page, f"#{loaded.get_attribute('id')}")
    loaded.locator("input[name=weights]").fill("1 2 3")
    error = loaded.locator(".demo__output--error")
    error.wait_for()
    assert "Traceback" in error.inner_text()
    assert "ValueError: a die has six faces: give six weights, got 3" in error.inner_text()

    fair = page.locator(".demo").first
    fair.scroll_into_view_if_needed()
    live(page)
    set_slider(page, 0, "n_rolls", 3)
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('1,000 rolls')")

    loaded.locator("input[name=weights]").fill("1 2 3 4 5 6")
    page.wait_for_function("() => !document.querySelectorAll('.demo')[1].classList.contains('demo--error')")
    assert loaded.locator(".demo__output").is_hidden()
    assert page.watch.errors == []


def fetched(page, name: str) -> int:
    """How many times the page (or one of its workers) asked for a file."""
    return sum(url.rsplit("/", 1)[-1] == name for url in page.watch.requests)


def test_a_demo_on_the_first_screen_starts_python_before_the_page_has_loaded(page, server):
    # early.js, in the page's head, boots Python as soon as the first demo is
    # parsed, instead of waiting for the page's scripts
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => { window.bootedBeforeLoad = !!self.demoWorker?.booted })"
    )
    page.goto(server + SAMPLING)
    live(page)
    assert page.evaluate("window.bootedBeforeLoad") is True
    # ...and the page's scripts adopt that worker rather than starting a second one
    assert fetched(page, "worker.js") == fetched(page, "pyodide.asm.wasm") == fetched(page, "snapshot.bin.gz") == 1
    assert page.watch.errors == []


def test_a_page_whose_demos_are_far_down_loads_no_python_until_one_comes_near(page, server):
    page.goto(server + "/part1/generative-vs-discriminative/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert fetched(page, "pyodide.asm.wasm") == fetched(page, "site-packages.pack.gz") == 0
    page.locator(".demo").first.scroll_into_view_if_needed()
    live(page)
    assert fetched(page, "worker.js") == fetched(page, "pyodide.asm.wasm") == 1
    assert page.watch.errors == []


def test_a_reader_who_has_run_a_demo_gets_python_started_on_later_pages_before_reaching_a_demo(context, server):
    first = context.new_page()
    first.goto(server + SAMPLING)
    live(first)
    first.close()
    page = context.new_page()  # a later visit: the demos of this page are far down
    page.watch = PageWatch(page)
    page.goto(server + "/part1/generative-vs-discriminative/")
    page.wait_for_function("() => window.__demoTimings?.readyAt > 0", timeout=90_000)  # Python ready, nothing touched
    assert page.evaluate("document.querySelector('.demo').getBoundingClientRect().top") > page.viewport_size["height"] + 200
    page.locator(".demo").first.scroll_into_view_if_needed()
    live(page)
    assert page.watch.errors == []


def test_a_later_visit_reads_python_back_inflated_instead_of_inflating_it_again(context, server, built_site):
    # Inflating the snapshot and the packages (70 MB) sits on the way to the
    # first live figure; the helper keeps its inflated copies for later visits
    first = context.new_page()
    first.goto(server + SAMPLING)
    live(first)
    timings = first.evaluate("window.__demoTimings")
    assert "snapshot.bin.gz inflated" in timings and "site-packages.pack.gz inflated" in timings
    stored = "async () => (await (await caches.open('python-inflated')).keys()).map(request => request.url)"
    for _ in range(100):  # each copy is written just after it is handed over
        if len(first.evaluate(stored)) == 2:
            break
        first.wait_for_timeout(100)
    copies = first.evaluate(stored)
    # named after each file's SHA-256 in this build, so a new deployment's files are inflated afresh
    served = {name: hashlib.sha256((built_site / "assets" / "pyodide" / name).read_bytes()).hexdigest() for name in ("snapshot.bin.gz", "site-packages.pack.gz")}
    assert sorted(urlparse(url).path.rsplit("/", 1)[-1] + "?" + urlparse(url).query for url in copies) == sorted(f"{name}?sha256={digest}" for name, digest in served.items())
    first.close()
    later = context.new_page()
    later.watch = PageWatch(later)
    later.goto(server + SAMPLING)
    live(later)
    timings = later.evaluate("window.__demoTimings")
    assert "snapshot.bin.gz read back" in timings and "site-packages.pack.gz read back" in timings
    assert "snapshot.bin.gz inflated" not in timings and "site-packages.pack.gz inflated" not in timings
    # read back in the worker at once: neither the helper nor the gzipped files are downloaded again
    assert not [url for url in later.watch.requests if url.endswith((".gz", "/inflate.js"))]
    assert later.watch.errors == []


def test_search_downloads_its_index_and_worker_only_when_the_reader_reaches_for_it(page, server):
    search_worker = lambda: sum("/workers/search." in url for url in page.watch.requests)  # noqa: E731
    page.goto(server + "/glossary/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert fetched(page, "search_index.json") == search_worker() == 0
    page.keyboard.press("/")  # Material's shortcut opens search
    page.keyboard.type("velocity field")
    result = page.locator(".md-search-result__item a").first
    result.wait_for()
    assert "/part1/" in result.get_attribute("href")
    assert fetched(page, "search_index.json") == search_worker() == 1
    assert page.watch.errors == []


def test_python_starts_without_its_snapshot_only_slower(page, server):
    page.route("**/snapshot.bin.gz", lambda route: route.fulfill(status=404, body="gone"))
    warnings = []
    page.on("console", lambda message: message.type == "warning" and warnings.append(message.text))
    page.goto(server + SAMPLING)
    live(page)
    set_slider(page, 0, "n_rolls", 2)
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('100 rolls')")
    assert any("without its snapshot" in text for text in warnings)


def test_when_the_packages_cannot_be_downloaded_the_reader_is_told_and_the_figure_stays(page, server):
    page.route("**/site-packages.pack.gz", lambda route: route.abort())
    page.goto(server + SAMPLING)
    status = page.locator(".demo__status").first
    page.wait_for_function("() => document.querySelector('.demo__status').innerText.includes('Python could not start')")
    assert "site-packages.pack.gz" in status.inner_text()
    assert page.locator(".demo__plot img").first.is_visible()  # the build-time figure is still there


def test_math_is_typeset_at_build_time_and_shows_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + SAMPLING)
    assert page.locator(".arithmatex").count() > 5
    assert page.locator(".arithmatex").count() == page.locator(".arithmatex .katex").count()
    assert page.locator(".katex-error").count() == 0
    # KaTeX's fonts come from the site; its script is not needed at all
    page.wait_for_load_state("networkidle")
    assert any("/assets/katex/fonts/" in url for url in requests)
    assert not any(url.endswith("katex.min.js") for url in requests)
    context.close()


def test_every_request_stays_on_127_0_0_1(page, server):
    page.goto(server + SAMPLING)
    live(page)
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    hosts = {urlparse(url).hostname for url in page.watch.requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, page.watch.requests
    assert any(url.endswith("pyodide.asm.wasm") for url in page.watch.requests)
    assert page.watch.errors == []


def test_instant_navigation_keeps_the_runtime_and_remounts_demos(page, server):
    page.goto(server + SAMPLING)
    live(page)
    page.click("a.md-footer__link--prev")  # Material swaps the page without a reload
    page.wait_for_url(re.compile(r".*/generative-vs-discriminative/"))
    page.click("a.md-footer__link--next")
    page.wait_for_url(re.compile(r".*/sampling/"))
    live(page)
    set_slider(page, 0, "n_rolls", 2)
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('100 rolls')")
    loads = [url for url in page.watch.requests if url.endswith("pyodide.asm.wasm")]
    assert len(loads) == 1, "Pyodide was loaded again after an instant page swap"
    assert page.watch.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_on_a_phone_a_demo_figure_spans_the_screen_and_its_caption_keeps_a_margin(browser, server, width):
    phone = {"is_mobile": True, "has_touch": True} if width < 700 else {}  # a phone's scrollbars take no room
    context = browser.new_context(viewport={"width": width, "height": 900}, **phone)
    page = context.new_page()
    page.goto(server + SAMPLING)
    block, plot, caption = (page.locator(selector).first.bounding_box() for selector in (".demo", ".demo__plot", ".demo figcaption"))
    if width < 700:  # every pixel counts for the figure's text
        assert (plot["x"], plot["width"]) == (0, width)
    else:  # inside the block, as on paper
        assert block["x"] < plot["x"] and plot["x"] + plot["width"] < block["x"] + block["width"]
    assert caption["x"] >= plot["x"] + 10 and caption["x"] + caption["width"] <= plot["x"] + plot["width"] - 10
    context.close()


def test_on_a_phone_a_demo_with_a_phone_layout_shows_it_static_and_live_and_turned_sideways_the_wide_one(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server + "/part1/generative-vs-discriminative/")
    demo = page.locator(".demo").first
    figure = demo.locator(".demo__plot img:visible")
    assert figure.evaluate("img => img.currentSrc") == demo.locator(".demo__static--light source").evaluate("s => s.srcset && new URL(s.srcset, location).href")
    static = figure.bounding_box()
    assert static["height"] > 1.5 * static["width"]  # panels one above the other
    demo.scroll_into_view_if_needed()
    live(page)
    canvas = demo.locator("canvas").bounding_box()
    assert canvas["width"] == 390 and canvas["height"] > 1.5 * canvas["width"]
    page.set_viewport_size({"width": 844, "height": 390})
    page.wait_for_function("() => { const c = document.querySelector('.demo canvas'); return c.width > 1.5 * c.height }")
    context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_light_and_dark_desktop_and_phone(browser, server, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark" if scheme == "slate" else "light")
    page = context.new_page()
    page.goto(server + SAMPLING)
    assert page.get_attribute("body", "data-md-color-scheme") == scheme
    page.locator(".demo").first.scroll_into_view_if_needed()
    live(page)
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"sampling-{scheme}-{width}.png", full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways"
    context.close()
