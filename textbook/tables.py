"""Put each table in Material's scrolling frame when the page is built.

Material's script frames every table without a class as a page opens
(``<div class="md-typeset__scrollwrap"><div class="md-typeset__table">``),
so that a wide table scrolls instead of widening the page. It does so by
taking the table out of the page and putting it back inside the frame, and
the browser then styles the table's whole contents again: a table of
formulas is hundreds of elements, 50 ms of a phone's main thread on the
notation page. Framed here, the table is already in place; it carries the
class ``framed`` so that Material's script leaves it alone, and
textbook/styles.py gives that class Material's table styles.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

CLASS = "framed"
# The tables Python-Markdown writes: no attributes, never one inside another
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def frame_tables(html: str) -> str:
    def framed(match: re.Match) -> str:
        if "<table" in match.group(1):  # a table inside a table: left to Material's script
            return match.group(0)
        return (
            f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
            f'<table class="{CLASS}">{match.group(1)}</table></div></div>'
        )

    return _TABLE.sub(framed, html)


class _FrameTables(Postprocessor):
    def run(self, text: str) -> str:
        return frame_tables(text)


class TablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After lazy layout (priority 5), which judges a table by its rows
        md.postprocessors.register(_FrameTables(md), "frame_tables", 4)


def makeExtension(**kwargs) -> TablesExtension:
    return TablesExtension(**kwargs)
