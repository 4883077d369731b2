"""Pack the served packages, already unpacked, into one file for the worker.

Pyodide's ``loadPackage`` unzips every wheel with Python's zipfile inside
WebAssembly: about 0.6 s of the worker's time for numpy, matplotlib and the
rest. This pack is inflated natively instead, on a helper thread
(``inflate.js``), and the worker writes its files straight into its file
system; extension modules are loaded later, by the imports that need them.
The pack is made from the verified wheels and the bytecode of
``pycache.zip``, less the files Python in a browser never reads (type stubs,
C headers and libraries, test suites, f2py), and served gzipped.

Layout (before gzip): a 4-byte little-endian length, an index of that many
bytes (JSON: ``[[path, size], …]``, paths relative to site-packages), then
the files' bytes one after the other in index order.
"""

from __future__ import annotations

import gzip
import json
import struct
import zipfile
from pathlib import Path

NAME = "site-packages.pack.gz"

# Files for compilers and type checkers, never for running: 240 files, 1.9 MB
NEVER_READ_SUFFIXES = (".pyi", ".h", ".c", ".a", ".pxd", ".pyx")
NEVER_READ_FOLDERS = ("/tests/", "/include/", "/numpy/f2py/")  # f2py needs a Fortran compiler


def is_read(path: str) -> bool:
    """Whether Python running demos could ever read this file of a package."""
    return not path.endswith(NEVER_READ_SUFFIXES) and not any(folder in f"/{path}" for folder in NEVER_READ_FOLDERS)


def files_of(archive: Path) -> list[tuple[str, bytes]]:
    """The files of a zip (a wheel's root is site-packages) that Python may read."""
    with zipfile.ZipFile(archive) as source:
        return [(info.filename, source.read(info)) for info in source.infolist() if not info.is_dir() and is_read(info.filename)]


def write_pack(target: Path, archives: list[Path]) -> int:
    """Pack the files of the archives, later ones winning; return the file count."""
    files = dict(pair for archive in archives for pair in files_of(archive))
    index = json.dumps([[path, len(data)] for path, data in files.items()]).encode()
    partial = target.with_suffix(".partial")
    with gzip.open(partial, "wb", compresslevel=6) as out:
        out.write(struct.pack("<I", len(index)))
        out.write(index)
        for data in files.values():
            out.write(data)
    partial.replace(target)
    return len(files)


def read_pack(path: Path) -> dict[str, bytes]:
    """The pack's files by path, as the worker reads them (for tests)."""
    raw = gzip.decompress(path.read_bytes())
    (length,) = struct.unpack_from("<I", raw)
    offset = 4 + length
    files = {}
    for name, size in json.loads(raw[4:offset]):
        files[name] = raw[offset : offset + size]
        offset += size
    return files
