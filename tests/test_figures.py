"""Static figures are files the page refers to (issue 15 §1): pages stay
light, a phone fetches only its own layout, a reader sees them with
JavaScript off, the palette swaps them in place, and nothing on a page moves
as it loads or as its first demo goes live."""

from __future__ import annotations

import gzip
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS
from test_browser import SAMPLING, live

from textbook import fence

PHONE_LAYOUT = "/part1/generative-vs-discriminative/"  # its demo has a phone layout (NARROW_FIGSIZE)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MOST_SHIFT = 0.02  # Cumulative Layout Shift; 0.1 is Google's "good"
# Sums the page's layout shifts not caused by the reader, from the very start
RECORD_SHIFTS = """
window.shift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.shift += entry.value
}).observe({type: "layout-shift", buffered: true})
"""


class _Figures(HTMLParser):
    """The <img> and <source> elements inside each demo's plot."""

    def __init__(self):
        super().__init__()
        self.depth, self.elements, self.inline_svg = 0, [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "demo__plot":
            self.depth = 1
        elif self.depth:
            self.depth += tag == "div"
            self.inline_svg += tag == "svg"
            if tag in ("img", "source"):
                self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "search" not in p.parts)


def address(site: Path, page: Path) -> str:
    return "/" + "".join(f"{part}/" for part in page.parent.relative_to(site).parts)


def test_no_page_inlines_a_figure_and_every_figure_is_a_sized_described_file(built_site):
    figures = 0
    for page in pages(built_site):
        parser = _Figures()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.inline_svg == 0, f"{page}: a demo's figure is inlined"
        for tag, attrs in parser.elements:
            figures += 1
            assert int(attrs["width"]) > 100 and int(attrs["height"]) > 100, (page, attrs)  # reserves its box
            if tag == "img":
                assert len(attrs["alt"]) > 10 and attrs["decoding"] == "async", (page, attrs)
            file = (page.parent / attrs["src" if tag == "img" else "srcset"]).resolve()
            assert file.is_file() and file.read_text().startswith("<svg"), (page, attrs)
            assert re.fullmatch(r"\w+-[0-9a-f]{12}\.svg", file.name)  # named by content: cached for good
    assert figures >= 2 * 20  # two palettes of every demo


def test_every_page_is_at_most_60_kb_gzipped(built_site):
    sizes = {address(built_site, page): len(gzip.compress(page.read_bytes())) for page in pages(built_site)}
    assert len(sizes) >= 15
    heavy = {page: f"{size / 1000:.0f} KB" for page, size in sizes.items() if size > 60_000}
    assert not heavy


def test_without_javascript_every_figure_shows(browser, server):
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    page.goto(server + SAMPLING)
    page.wait_for_load_state("networkidle")
    shown = page.locator(".demo__plot img:visible")
    assert shown.count() == page.locator(".demo").count() >= 2  # one figure per demo
    for index in range(shown.count()):
        figure = shown.nth(index)
        figure.scroll_into_view_if_needed()
        figure.evaluate("img => img.decode()")
        assert figure.evaluate("img => img.naturalWidth") > 300
    context.close()


def test_a_phone_fetches_only_its_own_layout_of_the_figure(browser, server):
    context = browser.new_context(service_workers="block", **PHONE)
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: "/assets/figures/" in request.url and fetched.append(request.url))
    page.goto(server + PHONE_LAYOUT)
    narrow = page.locator(".demo__static--light source").first.evaluate("s => new URL(s.srcset, location).href")
    wide = page.locator(".demo__static--light img").first.evaluate("img => new URL(img.getAttribute('src'), location).href")
    page.locator(".demo").first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.demo__plot img:not([hidden])').complete")
    page.wait_for_load_state("networkidle")
    assert narrow in fetched and wide not in fetched
    context.close()


def test_switching_the_palette_swaps_the_static_figure_without_a_reload(browser, server):
    context = browser.new_context(service_workers="block", **DESKTOP)
    page = context.new_page()
    page.goto(server + PHONE_LAYOUT)
    page.evaluate("window.notReloaded = true")
    shown = page.locator(".demo").first.locator(".demo__plot picture:visible")
    assert shown.get_attribute("class").endswith("--light")
    page.locator(".md-header__option label:visible").click()  # Material's palette toggle: to light,
    page.locator(".md-header__option label:visible").click()  # then dark
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert shown.get_attribute("class").endswith("--dark")
    image = shown.locator("img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.evaluate("window.notReloaded")
    page.emulate_media(media="print")  # paper is light, whatever the screen's palette
    assert shown.count() == 1 and shown.get_attribute("class").endswith("--light")
    context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_page_shifts_as_it_loads(browser, server, built_site, device):
    context = browser.new_context(service_workers="block", **(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    page.add_init_script(RECORD_SHIFTS)
    shifts = {}
    for path in map(lambda p: address(built_site, p), pages(built_site)):
        page.goto(server + path, wait_until="load")
        page.wait_for_timeout(300)  # late styles, fonts and scripts
        shifts[path] = page.evaluate("window.shift")
    assert {path: shift for path, shift in shifts.items() if shift > MOST_SHIFT} == {}
    context.close()


def test_a_scrollbar_arriving_does_not_move_the_page_sideways(browser, server):
    """A chapter's first screen is painted before the rest is parsed, and the
    scrollbar comes with the rest: it must not narrow the page and move the
    centred header and text (Lighthouse saw the header move 7 px on a desktop)."""
    # Playwright hides scrollbars; a reader's desktop browser shows them
    with_scrollbars = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, ignore_default_args=["--hide-scrollbars"])
    page = with_scrollbars.new_page(**DESKTOP)
    page.goto(server + SAMPLING, wait_until="load")
    header_at = "() => document.querySelector('.md-header__inner').getBoundingClientRect().x"
    scrolling = page.evaluate(header_at)
    page.evaluate("document.querySelector('.md-container').style.display = 'none'")  # now too short to scroll
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert page.evaluate(header_at) == scrolling
    with_scrollbars.close()


@pytest.mark.parametrize("device, path", [("desktop", SAMPLING), ("phone", PHONE_LAYOUT)])
def test_nothing_shifts_as_the_first_demo_goes_live(browser, server, device, path):
    context = browser.new_context(service_workers="block", **(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    page.add_init_script(RECORD_SHIFTS)
    page.goto(server + path)
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    static = demo.locator(".demo__plot").bounding_box()
    live(page)
    page.wait_for_timeout(300)
    assert demo.locator("canvas").bounding_box() == static  # the live figure takes the static one's box
    assert page.evaluate("window.shift") <= MOST_SHIFT
    context.close()


def test_the_figure_store_forgets_what_no_build_has_used_for_a_day(tmp_path, monkeypatch):
    # Every edit of a demo leaves its old figures in the store (.cache/figures)
    monkeypatch.setattr(fence, "FIGURES", tmp_path / "store")
    site = tmp_path / "site"
    site.mkdir()
    day_and_a_bit_ago = time.time() - 25 * 3600
    used = fence.write_figure("dice", "<svg>this build's</svg>")
    (site / "index.html").write_text(f'<img src="{used}">')
    stored = lambda address: fence.FIGURES / address.rsplit("/", 1)[1]  # noqa: E731
    os.utime(stored(used), (day_and_a_bit_ago, day_and_a_bit_ago))  # stored long ago, used now
    stale = fence.write_figure("dice", "<svg>an edited demo's old figure</svg>")
    os.utime(stored(stale), (day_and_a_bit_ago, day_and_a_bit_ago))
    # another build, running alongside, finds its figure stored long ago: it is kept for that build
    other = fence.write_figure("dice", "<svg>another build's</svg>")
    os.utime(stored(other), (day_and_a_bit_ago, day_and_a_bit_ago))
    assert fence.write_figure("dice", "<svg>another build's</svg>") == other
    assert fence.copy_figures(site) == 1
    assert (site / used).read_text() == "<svg>this build's</svg>"
    assert sorted(p.name for p in fence.FIGURES.iterdir()) == sorted([stored(used).name, stored(other).name])
