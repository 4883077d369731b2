"""A Content-Security-Policy for every built page, as a ``<meta>`` tag so it
holds on any host: the browser itself refuses any request that would leave
the site.

Scripts, styles, fonts, images, workers and connections come from the site's
own origin only. The few inline scripts (Material's and the book's, in each
page's head) are allowed by their SHA-256 digests: no ``'unsafe-inline'`` for
scripts. Inline styles stay allowed, as styles cannot run code: KaTeX's math
and the figures' SVG position everything with style attributes, and the code
editor (CodeMirror) writes its theme into a ``<style>`` element as it opens.
Python's worker compiles WebAssembly, hence ``'wasm-unsafe-eval'`` (and no
``'unsafe-eval'``: Pyodide does not need it).

The template (overrides/main.html) writes ``PLACEHOLDER``; ``apply`` fills it
in after the build has finished changing the pages. One policy serves every
page, because instant navigation keeps the first page's policy while it
swaps in the others.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

PLACEHOLDER = "book-content-security-policy"
# A dedicated worker does not inherit the page's <meta> policy: Python's worker
# (a reader's code runs there) gets this one as a header, from the service
# worker on any host and from _headers on Netlify and Cloudflare Pages
WORKER_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'"
WORKER_PATH = "/assets/javascripts/demo/worker.js"
# Inline <script> elements; JSON data blocks are not run, so need no digest
INLINE = re.compile(r"<script((?:\s+[^>]*)?)>(.*?)</script>", re.S)
DATA_TYPE = re.compile(r"""type=["']?application/(ld\+)?json""")
SOURCES = re.compile(r"""\ssrc=""")


def digests(html: str) -> set[str]:
    """The SHA-256 sources of a page's inline scripts."""
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attributes, body in INLINE.findall(html)
        if not SOURCES.search(attributes) and not DATA_TYPE.search(attributes)
    }


def policy(scripts: set[str]) -> str:
    """The policy text, allowing inline scripts with these digests."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(scripts)]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",  # Material's icons are data: URLs in its CSS
        "font-src": "'self'",
        "connect-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def apply(site_dir: Path) -> str:
    """Put one policy, allowing every page's inline scripts, into every page."""
    pages = sorted(Path(site_dir).rglob("*.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    text = policy(set().union(*map(digests, texts.values())))
    for page, html in texts.items():
        if PLACEHOLDER in html:
            page.write_text(html.replace(PLACEHOLDER, text), encoding="utf-8")
    return text
