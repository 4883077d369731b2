"""The files the browser worker writes into Pyodide's file system at start-up.

One JSON file, fetched once per tab, maps absolute paths to file contents:
the demos and the runner they share, a matplotlib font list, and the
addresses of data files the demos read (trained weights).

The font list matters for speed: the official matplotlib 3.8.4 wheel ships a
``fontlist.json`` stamped with another version (390, not 330), so matplotlib
would rescan its fonts on every start-up. This one is built here, by the very
same matplotlib version, from matplotlib's bundled fonts only (the browser has
no others); it stores paths relative to matplotlib's data folder, so it is
valid in Pyodide. The wheel itself is untouched.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_PACKAGES = "/lib/python3.12/site-packages"
SOURCES = "/home/pyodide/site"


def python_sources() -> dict[str, str]:
    """The demo modules, their runner and its theme, and the exercise checker, keyed by their path in the worker."""
    files = {f"{SOURCES}/textbook/__init__.py": ""}
    for name in ("runner.py", "theme.py", "checks.py"):
        files[f"{SOURCES}/textbook/{name}"] = (ROOT / "textbook" / name).read_text()
    for path in sorted((ROOT / "demos").rglob("*.py")):
        files[f"{SOURCES}/{path.relative_to(ROOT).as_posix()}"] = path.read_text()
    return files


def matplotlib_fontlist() -> str:
    """A font list of matplotlib's own fonts, in the format its version expects."""
    import matplotlib
    from matplotlib import font_manager

    data = Path(matplotlib.get_data_path())
    manager = font_manager.FontManager.__new__(font_manager.FontManager)
    manager.__dict__.update(font_manager.fontManager.__dict__)
    manager.ttflist = [f for f in manager.ttflist if Path(f.fname).is_relative_to(data)]
    manager.afmlist = [f for f in manager.afmlist if Path(f.fname).is_relative_to(data)]
    handle = io.StringIO()
    json.dump(manager, handle, cls=font_manager._JSONEncoder, indent=None)
    return handle.getvalue()


def data_files() -> list[Path]:
    """Files beside the demos that they read (trained weights, small data sets)."""
    return sorted(
        path
        for path in (ROOT / "demos").rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and not path.name.startswith(".") and "__pycache__" not in path.parts
    )


def site_path(path: Path) -> str:
    """Where a file of demos/ is served, relative to the site's assets/ folder."""
    return f"python/{path.relative_to(ROOT).as_posix()}"


def worker_bundle(runtime: dict[str, str] | None = None) -> str:
    """What the worker writes before it imports the runner, as JSON.

    Text files come inline; binary data files are fetched from the site, in
    parallel, and land beside the demos that read them. ``runtime`` gives the
    SHA-256 of the runtime's big gzipped files by name: the worker names its
    inflated copies of them after it, so a later visit finds them without
    downloading anything (runtime_files.js).
    """
    files = python_sources()
    files[f"{SITE_PACKAGES}/matplotlib/fontlist.json"] = matplotlib_fontlist()
    fetch = {f"{SOURCES}/{p.relative_to(ROOT).as_posix()}": site_path(p) for p in data_files()}
    return json.dumps({"files": files, "fetch": fetch, "runtime": runtime or {}})
