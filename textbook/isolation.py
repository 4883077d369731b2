"""Cross-origin isolation: two response headers that let the page share memory
with the Python worker.

With them the page gets ``SharedArrayBuffer``, so Stop interrupts Python
(``KeyboardInterrupt``) and keeps the loaded runtime; without them Stop has to
end the worker and the next run waits for a fresh one. Every file the book
serves is its own, so ``require-corp`` blocks nothing.
"""

from __future__ import annotations

from typing import Callable, Iterable

from textbook.csp import WORKER_PATH, WORKER_POLICY

HEADERS = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
)


def isolated(app: Callable) -> Callable:
    """Wrap a WSGI app (MkDocs' development server) so every response isolates."""

    def with_headers(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list, *exc_info):
            return start_response(status, [*headers, *HEADERS], *exc_info)

        return app(environ, start)

    return with_headers


def netlify_headers() -> str:
    """The same headers as a ``_headers`` file, which Netlify and Cloudflare Pages
    read, with the policy of Python's worker (see ``textbook.csp``)."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in HEADERS) + f"{WORKER_PATH}\n  Content-Security-Policy: {WORKER_POLICY}\n"
