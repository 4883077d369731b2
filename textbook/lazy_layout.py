"""Let the browser lay out a long chapter's far blocks only as the reader nears them.

A chapter's typeset math makes thousands of elements (KaTeX writes each
formula twice: as HTML to see and as MathML to be read aloud), and styling
and laying them all out at once holds a phone's main thread for hundreds of
milliseconds as the page opens. This Markdown extension marks each block of
prose, list, table, display math, call-out, exercise or glossary entry that
surely lies below the first screen with the attribute ``data-lazy-layout``
(a table gets a marked frame of its own, around the scrolling frame
textbook/tables.py puts it in); the book's stylesheet (lazy-layout.css)
gives those ``content-visibility: auto``, so the browser skips their style,
layout and paint until the reader scrolls near them. They stay in the
accessibility tree and in find-in-page.

"Surely below" is judged without a browser, from a lower bound of each
block's height, so that no block on a first screen is ever marked: there it
would show at a guessed size for a frame and then move the text (a layout
shift). Blocks far down on any screen get ``data-lazy-layout="always"``;
blocks that only a phone's narrow column pushes far down get
``data-lazy-layout="narrow"``, which the stylesheet honours on narrow screens
only. Demos (which start as they come into view) and headings (which the
table of contents measures) are never marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

ATTRIBUTE = "data-lazy-layout"


@dataclass(frozen=True)
class Layout:
    name: str
    fold: float  # blocks starting lower than this (CSS px) are off any first screen, with room to spare
    px_per_char: float  # a lower bound of the height a character of prose adds


# Measured on the book (tests/test_lazy_layout.py checks the outcome: no
# marked block on a first screen, from phones to tall monitors): prose is
# shortest at about 1200 px wide, where a line holds ~120 characters, and on
# the narrow layout at its widest, 480 px. The folds leave room for a
# 1440-pixel-tall display and for the tallest phones.
WIDE = Layout("always", fold=1500, px_per_char=0.16)
NARROW = Layout("narrow", fold=1100, px_per_char=0.33)  # lazy-layout.css: max-width 480px
# Lower bounds of other blocks' heights, the same on every layout (CSS px)
BLOCK_PX = 16  # a paragraph's margin
HEADING_PX = 40
DISPLAY_MATH_PX = 50
TABLE_ROW_PX = 35
DEMO_PX = 500
EXERCISE_PX = 300
LAZY = {"p", "ul", "ol", "dt", "dd", "blockquote", "details", "table"}
LAZY_DIVS = {"arithmatex", "admonition", "highlight", "exercise"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Blocks(HTMLParser):
    """The top-level blocks of a chapter's HTML (and the terms and definitions
    of a top-level list of them): where each starts, its start tag, its
    classes, and how many characters of text and table rows it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        # A definition list (the glossary is one) is taken term by term
        in_list = self.depth == 1 and tag in ("dt", "dd") and self.blocks[-1]["tag"] in ("dl", "dt", "dd")
        if self.depth == 0 or in_list:
            classes = (dict(attrs).get("class") or "").split()
            self.blocks.append({"at": self.getpos(), "tag": tag, "classes": classes, "start": self.get_starttag_text(), "text": 0, "rows": 0})
        elif tag == "tr":
            self.blocks[-1]["rows"] += 1
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.depth -= tag not in VOID

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.depth = max(self.depth - 1, 0)
            if self.depth == 0 and self.blocks:
                self.blocks[-1]["end"] = self.getpos()  # where its end tag starts

    def handle_data(self, data):
        if self.blocks and self.depth:
            self.blocks[-1]["text"] += len(" ".join(data.split()))


def least_height(block: dict, layout: Layout) -> float:
    """A lower bound of the block's height, margins included, in CSS pixels."""
    tag, classes = block["tag"], block["classes"]
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return HEADING_PX
    if "arithmatex" in classes:
        return DISPLAY_MATH_PX
    if "demo" in classes:
        return DEMO_PX
    if "exercise" in classes:
        return EXERCISE_PX
    if tag == "table":
        return TABLE_ROW_PX * block["rows"]
    if tag == "details":  # closed, only its summary shows
        return HEADING_PX
    return BLOCK_PX + layout.px_per_char * block["text"]


def may_be_lazy(block: dict) -> bool:
    if block["tag"] == "div":
        return bool(LAZY_DIVS & set(block["classes"]))
    return block["tag"] in LAZY


def marked(start_tag: str, value: str) -> str:
    """The start tag with the attribute added after the tag's name."""
    name_end = next(i for i, char in enumerate(start_tag) if i > 0 and not char.isalnum())
    return f'{start_tag[:name_end]} {ATTRIBUTE}="{value}"{start_tag[name_end:]}'


def mark_far_blocks(html: str) -> str:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    line_starts = [0]
    for line in html.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    offset = lambda position: line_starts[position[0] - 1] + position[1]  # noqa: E731
    tops, edits = {WIDE: 0.0, NARROW: 0.0}, []
    for block in parser.blocks:
        far = [layout for layout in (WIDE, NARROW) if tops[layout] > layout.fold]
        if far and may_be_lazy(block):
            at, start = offset(block["at"]), block["start"]
            if block["tag"] == "table":
                # Into a frame of its own: the table sits in a frame that
                # scrolls (textbook/tables.py), and a scrolling frame whose
                # table is not laid out yet would not know that it scrolls
                # (nor tell a keyboard)
                end = offset(block["end"]) + len("</table>")
                edits.append((end, "", "</div>"))
                edits.append((at, "", f'<div class="lazy-table" {ATTRIBUTE}="{far[0].name}">'))
            else:
                edits.append((at, start, marked(start, far[0].name)))
        for layout in tops:
            tops[layout] += least_height(block, layout)
    for at, old, new in sorted(edits, key=lambda edit: edit[0], reverse=True):
        html = html[:at] + new + html[at + len(old):]
    return html


class _LazyLayout(Postprocessor):
    def run(self, text: str) -> str:
        return mark_far_blocks(text)


class LazyLayoutExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the raw HTML is put back (priority 30), so the demos are in place
        md.postprocessors.register(_LazyLayout(md), "lazy_layout", 5)


def makeExtension(**kwargs) -> LazyLayoutExtension:
    return LazyLayoutExtension(**kwargs)
