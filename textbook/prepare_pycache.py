"""Run inside Pyodide by prepare.mjs: exercise every demo, then compile what was imported.

Reads the global ``booted`` (modules imported at start-up), writes
/tmp/pycache.zip with the pyc files of the packages' modules, laid out as
their ``__pycache__`` folders under site-packages, and sets
``stdlib_modules`` and ``site_modules``: the standard-library and package
modules the demos and the package loader import, which prepare.mjs imports
into the snapshot instead, as far as it can.
"""

import importlib.util
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

sys.path.insert(0, "/repo")
SITE = "/lib/python3.12/site-packages/"
STDLIB = "/lib/python312.zip/"


def exercise_demos() -> list[str]:
    """Import and draw every demo once, so every module it needs is imported."""
    import pkgutil

    import demos
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    skipped = []
    for info in pkgutil.iter_modules(demos.__path__):
        try:
            module = importlib.import_module(f"demos.{info.name}")
            if hasattr(module, "compute") and hasattr(module, "draw"):
                figure = Figure()
                module.draw(module.compute(), figure)
                FigureCanvasAgg(figure).draw()
        except Exception as error:  # a demo that cannot run here only costs speed
            skipped.append(f"{info.name} ({type(error).__name__})")
    return skipped


def bytecode(source: str, filename: str) -> bytes:
    code = compile(source, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source.encode()), checked=False))


def write_zip(skip: set) -> tuple[list[str], list[str]]:
    """Write the packages' bytecode; return the standard-library modules and
    the packages' modules imported."""
    stdlib, site = [], []
    with zipfile.ZipFile("/tmp/pycache.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, module in sorted(sys.modules.items()):
            path = getattr(module, "__file__", None) or ""
            if name in skip or not path.endswith(".py"):
                continue
            if path.startswith(SITE):
                cached = importlib.util.cache_from_source(path)
                with open(path, encoding="utf-8") as handle:
                    archive.writestr(cached[len(SITE) :], bytecode(handle.read(), path))
                site.append(name)
            elif path.startswith(STDLIB):
                stdlib.append(name)
    return stdlib, site


skipped = exercise_demos()
# prepare.mjs imports these into the snapshot: all of the first, and those of the
# second that come from pure-Python packages
stdlib_modules, site_modules = write_zip(set(booted))
f"Compiled the packages' bytecode; found {len(stdlib_modules)} standard-library modules to snapshot" + (
    f"; skipped demos: {', '.join(skipped)}" if skipped else ""
)
