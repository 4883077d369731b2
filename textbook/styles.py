"""KaTeX's stylesheet, made ready to inline into every page's head.

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
