"""Make ``mkdocs serve`` cross-origin isolated, so Stop can interrupt Python.

MkDocs' development server takes no header settings, hence this hook; the
built site carries the same headers in a ``_headers`` file for static hosts
(see ``textbook.isolation``).
"""

from __future__ import annotations

from textbook.isolation import isolated


def on_serve(server, **kwargs):
    server.set_app(isolated(server.get_app()))
    return server
