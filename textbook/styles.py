"""KaTeX's stylesheet, made ready to inline into every page's head, and
Material's two stylesheets lightened: the palette one without its one rule
that restyles a whole page, the main one without the rules of content tabs
when the book does not use them (and with its table styles also for the
tables the build frames).

Only Material's own stylesheets may block a page's first paint; the book's
small stylesheets are inlined by the template (overrides/main.html), and so
is KaTeX's, which the template gets from here: it lists three formats of
every font, of which the site serves only WOFF2 (every browser that runs
the demos reads it), so the others are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

from textbook import tables

ROOT = Path(__file__).resolve().parent.parent
KATEX_CSS = ROOT / "node_modules" / "katex" / "dist" / "katex.min.css"
# The template rewrites this to the fonts' address as seen from each page
FONTS = "url(fonts/"
_OTHER_FORMATS = re.compile(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)')


def katex_css() -> str:
    """KaTeX's stylesheet with its fonts in WOFF2 only."""
    return _OTHER_FORMATS.sub("", KATEX_CSS.read_text(encoding="utf-8"))


# Material sets, then removes, data-md-color-switching on <body> as a page
# starts (and on every palette switch) so that colours change without
# transitions. A rule that selects every element under an attribute makes
# each change restyle the whole page: two full restyles of the page's
# thousands of formula elements at start-up, the largest part of a long
# chapter's blocking time on a phone. Without it a switch fades for a moment.
_SWITCHING_RULE = re.compile(r"\[data-md-color-switching\] \*(?:,\[data-md-color-switching\] :(?:after|before))*\{[^}]*\}")


PALETTE_CSS = re.compile(r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css")  # Material's, named by its digest


def palette_css(text: str) -> str:
    """Material's palette stylesheet without the rule that restyles every element during a switch."""
    return _SWITCHING_RULE.sub("", text)


MAIN_CSS = re.compile(r"assets/stylesheets/main\.[0-9a-f]+\.min\.css")  # Material's, named by its digest
TABS_EXTENSION = "pymdownx.tabbed"

# Content tabs (pymdownx.tabbed) take about 150 of Material's selectors, each
# ending in a bare `:nth-child(n)`: the browser tries every one of them on
# every element it styles, thousands of formula elements per chapter, which
# made them the larger part of matching selectors while a chapter opens.
_is_tabs_selector = re.compile(r"\btabbed-").search


# Material styles the tables it frames as a page opens, those without a class;
# the build frames them itself (textbook/tables.py) and marks them with one
_MATERIAL_TABLE = "table:not([class])"
_ANY_TABLE = f"table:is(:not([class]),.{tables.CLASS})"  # of the same specificity


def main_css(text: str, extensions: list[str]) -> str:
    """Material's main stylesheet, its table rules also for the tables the build
    framed, and without the content tabs' rules unless the book uses them."""
    text = text.replace(_MATERIAL_TABLE, _ANY_TABLE)
    if TABS_EXTENSION in extensions:
        return text
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return "".join(_without(rule, _is_tabs_selector) for rule in rules)


def _without(rule, dropped) -> str:
    """A rule serialised without the selectors `dropped` matches (nothing if none is left);
    the rules of a @media, @supports or similar block are taken one by one."""
    if rule.type == "qualified-rule":
        kept = [selector for selector in _selectors(tinycss2.serialize(rule.prelude)) if not dropped(selector)]
        return ",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}" if kept else ""
    if rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports", "layer", "container"):
        inner = "".join(_without(r, dropped) for r in tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
        return f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}" if inner else ""
    return tinycss2.serialize([rule])


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(), :not() and the like)."""
    selectors, depth, start = [], 0, 0
    for at, char in enumerate(prelude):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            selectors.append(prelude[start:at].strip())
            start = at + 1
    return [*selectors, prelude[start:].strip()]
