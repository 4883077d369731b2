"""Add the files the live demos need to the site, from local caches only.

- the Pyodide runtime and wheels verified by ``python -m textbook.assets``,
  with a lock file trimmed to the packages served;
- KaTeX, from the npm package, so math needs no CDN;
- the Python the worker runs: ``demos/`` and the shared runner, in one JSON
  file fetched once per tab.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from textbook import assets

ROOT = Path(__file__).resolve().parents[2]
KATEX = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")

# Hooks ----------------------------------------------------------------------


# Stop early, with the command to run, when a cache is missing
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    problems = assets.missing_or_bad()
    if problems:
        raise PluginError(f"The Pyodide runtime is missing or incomplete ({', '.join(problems[:3])}…); {assets.SETUP_HINT}")
    if not (KATEX / "katex.min.js").exists():
        raise PluginError(f"KaTeX is missing from node_modules; {assets.SETUP_HINT}")
    return config


# Add the runtime, KaTeX and the demo sources to the site's files
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    lock = assets.read_lock(assets.CACHE / "pyodide-lock.json")
    trimmed = assets.trimmed_lock(lock)
    for name in assets.CORE_FILES:
        if name != "pyodide-lock.json":
            _add(files, config, f"assets/pyodide/{name}", assets.CACHE / name)
    for entry in trimmed["packages"].values():
        _add(files, config, f"assets/pyodide/{entry['file_name']}", assets.CACHE / entry["file_name"])
    files.append(File.generated(config, "assets/pyodide/pyodide-lock.json", content=json.dumps(trimmed)))
    for name in KATEX_FILES:
        _add(files, config, f"assets/katex/{name}", KATEX / name)
    for font in sorted((KATEX / "fonts").glob("*.woff2")):
        _add(files, config, f"assets/katex/fonts/{font.name}", font)
    files.append(File.generated(config, "assets/python/bundle.json", content=json.dumps(python_bundle())))
    return files


# Helper functions -----------------------------------------------------------


# The Python files the browser worker imports, keyed by their path on sys.path
def python_bundle() -> dict[str, str]:
    sources = {"textbook/__init__.py": "", "textbook/runner.py": (ROOT / "textbook" / "runner.py").read_text()}
    for path in sorted((ROOT / "demos").rglob("*.py")):
        sources[path.relative_to(ROOT).as_posix()] = path.read_text()
    return sources


def _add(files: Files, config: MkDocsConfig, uri: str, source: Path) -> None:
    files.append(File.generated(config, uri, abs_src_path=str(source)))
