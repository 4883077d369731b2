"""The book's offline copy: write its service worker into a built site.

The work is done by ``build_sw.mjs`` (Workbox is a Node library); this runs
it after every build, so ``mkdocs build`` and the tests' builds get the same
``sw.js``. The page side is ``overrides/assets/javascripts/offline.js``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from textbook.csp import WORKER_POLICY

SCRIPT = Path(__file__).with_name("build_sw.mjs")
# What `mkdocs serve` writes instead: an author's pages change with every save,
# so no copy may outlive them; a worker left by an earlier visit removes itself
RETIRED_WORKER = """// The development server keeps no offline copy (see textbook/offline.py)
self.addEventListener("install", () => self.skipWaiting())
self.addEventListener("activate", event => event.waitUntil(self.registration.unregister()))
"""


class OfflineError(RuntimeError):
    """The service worker could not be written."""


def write_service_worker(site_dir: Path) -> str:
    """Write sw.js and assets/offline.json into site_dir; return Workbox's summary."""
    result = subprocess.run(["node", str(SCRIPT), str(site_dir), WORKER_POLICY], capture_output=True, text=True)
    if result.returncode or result.stderr.strip():
        raise OfflineError(f"the service worker could not be written:\n{result.stderr or result.stdout}")
    return result.stdout.strip()


def write_retired_worker(site_dir: Path) -> None:
    """Write a service worker that removes itself, for the development server."""
    (Path(site_dir) / "sw.js").write_text(RETIRED_WORKER)
