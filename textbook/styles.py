"""KaTeX's stylesheet, made ready to inline into every page's head, and
Material's palette stylesheet without its one rule that restyles a whole page.

Only Material's own stylesheets may block a page's first paint; the book's
small stylesheets are inlined by the template (overrides/main.html), and so
is KaTeX's, which the template gets from here: it lists three formats of
every font, of which the site serves only WOFF2 (every browser that runs
the demos reads it), so the others are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

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
