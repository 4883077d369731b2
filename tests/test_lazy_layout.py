"""A chapter's far blocks are laid out only as the reader nears them (issue 15
§1: a phone's main thread is not held up styling thousands of formula
elements), and never a block on the first screen: there it would show at a
guessed size and then move the text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_figures import address, pages

from textbook.lazy_layout import VOID, mark_far_blocks

PROSE = "<p>" + "A sentence of about sixty characters, as prose has it here. " * 8 + "</p>\n"
DEMO = '<div class="demo" data-demo="dice"><div class="demo__plot"></div></div>\n'
FORMULA = '<div class="arithmatex">\\[x = y\\]</div>\n'

# Screens a reader may have: (width, height) in CSS pixels
SCREENS = [(1920, 1200), (1280, 900), (1100, 1400), (768, 1024), (480, 900), (390, 844), (360, 800)]
NARROW = 480  # lazy-layout.css applies "narrow" marks up to this width
MARGIN = 300  # a marked block starts at least this far below the first screen


def marks(html: str) -> list[str | None]:
    """Each top-level block's mark, in order."""
    starts = re.findall(r"^<(\w+)([^>]*)>", html, re.M)
    return [(re.search(r'data-lazy-layout="(\w+)"', attrs) or [None, None])[1] for _, attrs in starts]


def test_a_long_chapter_marks_its_far_prose_and_formulas_but_not_its_start_demos_or_headings():
    chapter = "<h1>A chapter</h1>\n" + PROSE + FORMULA + DEMO + "<h2>Next</h2>\n" + (PROSE + FORMULA) * 30 + DEMO + "<h2>Last</h2>\n" + PROSE
    marked = marks(mark_far_blocks(chapter))
    assert marked[:4] == [None, None, None, None]  # the first screen
    assert marked[-1] == "always" and marked[-4] == "always"  # prose and a formula far down
    assert marked[-3] is None and marked[-2] is None  # a demo and a heading, however far
    assert marked.count("narrow") >= 2  # a phone's column is longer: its marks start sooner
    first_narrow, first_always = marked.index("narrow"), marked.index("always")
    assert first_narrow < first_always


def test_a_short_page_is_left_as_it_is():
    page = "<h1>Short</h1>\n" + PROSE * 3 + FORMULA + DEMO
    assert mark_far_blocks(page) == page


def test_a_long_glossary_is_marked_entry_by_entry():
    entries = "".join(f"<dt>Term {i}</dt>\n<dd>{PROSE[3:-5]}</dd>\n" for i in range(40))
    marked = mark_far_blocks("<h1>Glossary</h1>\n<dl>\n" + entries + "</dl>\n")
    assert "<dl>" in marked and "<dt>Term 0</dt>" in marked  # the list itself and its first entries are laid out at once
    assert '<dt data-lazy-layout="always">Term 39</dt>' in marked and '<dd data-lazy-layout="always">' in marked


def test_a_far_table_gets_a_frame_of_its_own_and_stays_whole():
    table = "<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody>\n</table>\n"
    marked = mark_far_blocks(PROSE * 40 + table + PROSE)
    # Material styles and frames only tables without attributes: the mark goes on a frame around it
    assert '<div class="lazy-table" data-lazy-layout="always">' + table.rstrip() + "</div>\n" in marked


def test_a_mark_keeps_the_blocks_own_attributes():
    chapter = PROSE * 40 + '<div class="admonition note" id="n">\n<p>Note</p>\n</div>\n'
    assert '<div data-lazy-layout="always" class="admonition note" id="n">' in mark_far_blocks(chapter)


class _Elements(HTMLParser):
    """Counts the article's elements, and those inside blocks marked "always"."""

    def __init__(self):
        super().__init__()
        self.depth, self.marked_at, self.all, self.far = None, None, 0, 0

    def handle_starttag(self, tag, attrs):
        if self.depth is None:
            self.depth = 0 if tag == "article" else None
            return
        self.all += 1
        if self.depth == 0 and dict(attrs).get("data-lazy-layout") == "always":
            self.marked_at = 0
        self.far += self.marked_at is not None
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth is None or tag in VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.marked_at = None
        if self.depth < 0:
            self.depth = None


def test_long_chapters_leave_most_of_their_elements_for_later(built_site):
    for chapter in ("part2/scores-sdes", "part2/guidance", "part1/flow-matching"):
        elements = _Elements()
        elements.feed((built_site / chapter / "index.html").read_text())
        assert elements.far > 0.3 * elements.all, chapter


@pytest.mark.parametrize("width, height", SCREENS)
def test_no_block_on_a_first_screen_waits_to_be_laid_out(browser, server, built_site, width, height):
    context = browser.new_context(service_workers="block", viewport={"width": width, "height": height})
    page = context.new_page()
    selector = "[data-lazy-layout]" if width <= NARROW else "[data-lazy-layout=always]"
    nearest = {}
    for path in map(lambda p: address(built_site, p), pages(built_site)):
        page.goto(server + path, wait_until="load")
        tops = page.eval_on_selector_all(selector, "els => els.map(el => el.getBoundingClientRect().top + scrollY)")
        if tops:
            nearest[path] = min(tops)
    assert len(nearest) >= 12  # the chapters
    assert {path: top for path, top in nearest.items() if top < height + MARGIN} == {}
    context.close()


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_a_link_to_a_far_heading_lands_on_it(browser, server, width, height):
    """Opened at #heading, or by a click in the table of contents, the page
    shows the heading at its top: the lazy blocks above it are not left at a
    guessed height (lazy-layout.js)."""
    context = browser.new_context(service_workers="block", viewport={"width": width, "height": height})
    page = context.new_page()
    chapter = server + "/part2/scores-sdes/"
    page.goto(chapter)
    anchors = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.id)")[-3:-1]  # far, but not so near the end that the page cannot scroll it up
    header = page.locator(".md-header").bounding_box()["height"]
    for anchor in anchors:
        opened = context.new_page()
        opened.goto(f"{chapter}#{anchor}")
        opened.wait_for_timeout(500)  # the blocks now on screen are laid out
        assert header <= opened.locator(f"#{anchor}").bounding_box()["y"] < header + 40, anchor
        opened.close()
    if width > 1200:  # the table of contents shows beside the text
        for anchor in anchors:
            page.locator(f".md-sidebar--secondary a[href$='#{anchor}']").click()
            page.wait_for_timeout(500)
            assert header <= page.locator(f"#{anchor}").bounding_box()["y"] < header + 40, anchor
    context.close()


def test_a_wide_formula_far_down_becomes_reachable_by_keyboard_once_laid_out(browser, server):
    """a11y.js makes a formula that scrolls sideways focusable; in a lazy block
    it measures the formula only when the block is laid out, and must not miss it.
    The book's formulas all fit a phone, so one far down is narrowed to scroll."""
    context = browser.new_context(service_workers="block", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/part2/scores-sdes/")
    page.wait_for_load_state("load")
    page.evaluate("() => { const all = document.querySelectorAll('[data-lazy-layout] .katex-display'); all[all.length - 1].style.width = '90px' }")
    page.evaluate("""async () => {
        const frame = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))
        for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) { scrollTo(0, y); await frame() }
    }""")
    narrowed = page.locator("[data-lazy-layout] .katex-display").last
    assert narrowed.evaluate("el => el.scrollWidth > el.clientWidth")
    assert narrowed.get_attribute("tabindex") == "0" and narrowed.get_attribute("role") == "region"
    context.close()
