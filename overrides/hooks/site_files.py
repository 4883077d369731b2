"""Add the files the live demos need to the site, from local caches only,
typeset the built pages' math with KaTeX, and write the service worker that
keeps the book offline (``textbook.offline``).

- the Pyodide runtime verified by ``python -m textbook.assets``, with a
  memory snapshot of it (gzipped) that starts Python seconds sooner;
- numpy, matplotlib and their dependencies, from the verified wheels, unpacked
  with their bytecode into one gzipped file (``textbook.pack``) that the worker
  writes straight into its file system;
- KaTeX, from the npm package, so math needs no CDN;
- what the worker writes into its file system (``textbook.bundle``): the
  demos, their runner and a font list, in one JSON file fetched once per tab.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from textbook import assets, csp, fence, offline, styles
from textbook.bundle import data_files, site_path, worker_bundle

ROOT = Path(__file__).resolve().parents[2]
KATEX = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
EDITOR = ROOT / ".cache" / "editor" / "editor.js"  # bundled by `npm run build:editor`

# Hooks ----------------------------------------------------------------------

_serving = False  # under `mkdocs serve`, whose pages change with every save


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"



# Stop early, with the command to run, when a cache is missing
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    problems = assets.missing_or_bad()
    if problems:
        raise PluginError(f"The Pyodide runtime is missing or incomplete ({', '.join(problems[:3])}…); {assets.SETUP_HINT}")
    if not (KATEX / "katex.min.js").exists():
        raise PluginError(f"KaTeX is missing from node_modules; {assets.SETUP_HINT}")
    if not (ROOT / "node_modules" / "workbox-build").exists():
        raise PluginError(f"Workbox is missing from node_modules; {assets.SETUP_HINT}")
    if not EDITOR.exists():
        raise PluginError(f"The code editor is not bundled ({EDITOR} is missing); {assets.SETUP_HINT}")
    return config


# KaTeX's stylesheet, for the template to inline (overrides/main.html)
def on_env(env, *, config: MkDocsConfig, files: Files):
    env.globals["katex_css"] = styles.katex_css()
    return env


def _lighten(files: Files, config: MkDocsConfig, name, lighten) -> None:
    """Replace Material's stylesheets whose path matches name with lighten(their text)."""
    for theme_file in [f for f in files if name.fullmatch(f.src_uri)]:
        files.remove(theme_file)
        text = Path(theme_file.abs_src_path).read_text(encoding="utf-8")
        files.append(File.generated(config, theme_file.src_uri, content=lighten(text)))


# Add the runtime, KaTeX and the demo sources to the site's files; lighten Material's stylesheets
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    for name in (*assets.CORE_FILES, *assets.SERVED_PREPARED):
        if name not in ("pyodide-lock.json", "pyodide.mjs"):
            _add(files, config, f"assets/pyodide/{name}", assets.CACHE / name)
    # The worker writes the packages from the pack, never through loadPackage,
    # so the lock file the runtime reads at start-up lists none
    lock = assets.read_lock(assets.CACHE / "pyodide-lock.json")
    files.append(File.generated(config, "assets/pyodide/pyodide-lock.json", content=json.dumps({**lock, "packages": {}})))
    for name in KATEX_FILES:
        _add(files, config, f"assets/katex/{name}", KATEX / name)
    for font in sorted((KATEX / "fonts").glob("*.woff2")):
        _add(files, config, f"assets/katex/fonts/{font.name}", font)
    _add(files, config, "assets/javascripts/editor.js", EDITOR)
    source = files.get_file_from_path("assets/javascripts/editor/index.js")
    if source:  # the editor's source, bundled above; its bare imports would not load
        files.remove(source)
    extensions = [name for name in config.markdown_extensions if isinstance(name, str)]
    _lighten(files, config, styles.PALETTE_CSS, styles.palette_css)
    _lighten(files, config, styles.MAIN_CSS, lambda text: styles.main_css(text, extensions))
    runtime = {name: assets.sha256(assets.CACHE / name) for name in assets.SERVED_PREPARED}
    files.append(File.generated(config, "assets/python/bundle.json", content=worker_bundle(runtime)))
    for path in data_files():
        _add(files, config, f"assets/{site_path(path)}", path)
    return files


# Typeset math at build time, so readers need no KaTeX script (see render_math.mjs)
def on_post_build(*, config: MkDocsConfig) -> None:
    fence.copy_figures(Path(config.site_dir))  # the demos' static figures the pages use
    pages = sorted(str(p) for p in Path(config.site_dir).rglob("*.html"))
    result = subprocess.run(["node", str(ROOT / "textbook" / "render_math.mjs"), *pages], capture_output=True, text=True)
    if result.returncode:
        raise PluginError(f"KaTeX could not typeset some math:\n{result.stderr}")
    csp.apply(Path(config.site_dir))  # digests of the pages' inline scripts, as typeset
    # Last: the offline copy stores the pages as they are now
    if _serving:
        return offline.write_retired_worker(Path(config.site_dir))
    try:
        offline.write_service_worker(Path(config.site_dir))
    except offline.OfflineError as error:
        raise PluginError(str(error)) from error


# Helper functions -----------------------------------------------------------


def _add(files: Files, config: MkDocsConfig, uri: str, source: Path) -> None:
    files.append(File.generated(config, uri, abs_src_path=str(source)))
