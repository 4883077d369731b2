"""The runtime cache: only files that match the official lock are served."""

import gzip
import hashlib
import json
import shutil
import zipfile

import pytest

from textbook import assets, pack


@pytest.fixture(scope="module")
def lock():
    return assets.read_lock(assets.NPM_PYODIDE / "pyodide-lock.json")


def test_the_cache_made_by_setup_is_complete_and_verified():
    assert assets.missing_or_bad() == []


def test_demo_packages_resolve_to_numpy_matplotlib_and_their_dependencies(lock):
    names = assets.closure(lock)
    assert {"numpy", "matplotlib", "pillow", "kiwisolver", "python-dateutil", "six"} <= set(names)
    assert "scipy" not in names and "pandas" not in names
    assert set(assets.served(lock)) == set(names) - set(assets.UNUSED)


def test_the_pack_holds_every_served_package_and_its_bytecode(lock):
    files = pack.read_pack(assets.CACHE / pack.NAME)
    assert "numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so" in files
    assert any(name.startswith("matplotlib/__pycache__/figure.cpython-312") for name in files)
    assert any(name.startswith("PIL/") for name in files) and not any(name.startswith("fontTools/") for name in files)
    wheel = assets.CACHE / lock["packages"]["pyparsing"]["file_name"]
    with zipfile.ZipFile(wheel) as source:  # byte for byte what the verified wheel holds
        assert files["pyparsing/core.py"] == source.read("pyparsing/core.py")
    # ...less what only compilers and type checkers read
    assert not [name for name in files if name.endswith((".pyi", ".h")) or "/tests/" in name or "/f2py/" in name]
    assert "numpy/testing/__init__.py" in files  # a reader's exercise may well use it


def test_the_prepared_start_up_files_are_in_the_cache():
    with gzip.open(assets.CACHE / "snapshot.bin.gz") as snapshot:
        assert len(snapshot.read()) > 10 * 2**20
    with zipfile.ZipFile(assets.CACHE / "pycache.zip") as archive:
        names = archive.namelist()
    assert any(n.startswith("matplotlib/__pycache__/figure.cpython-312") for n in names)
    assert (assets.CACHE / assets.STAMP).read_text() == assets.prepare_digest()


def test_prepared_files_are_remade_when_their_scripts_change(tmp_path):
    for name in (*assets.CORE_FILES, *assets.PREPARED):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "pyodide-lock.json").write_bytes((assets.CACHE / "pyodide-lock.json").read_bytes())
    (tmp_path / assets.STAMP).write_text("the digest of older scripts")
    assert set(assets.PREPARED) <= set(assets.missing_or_bad(tmp_path))
    (tmp_path / assets.STAMP).write_text(assets.prepare_digest())
    assert not set(assets.PREPARED) & set(assets.missing_or_bad(tmp_path))


def _fake_source(tmp_path, lock, tamper: str | None):
    """A stand-in for the downloaded archive, built from the verified cache."""
    archive = tmp_path / "source.whl"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in assets.closure(lock):
            file_name = lock["packages"][name]["file_name"]
            data = (assets.CACHE / file_name).read_bytes()
            if name == tamper:
                data = data[:-1] + bytes([data[-1] ^ 1])  # one flipped bit
            zf.writestr(assets.WHEEL_DIR_IN_SOURCE + file_name, data)
    return archive


def test_an_untampered_source_installs_every_wheel(tmp_path, lock):
    cache = tmp_path / "cache"
    cache.mkdir()
    installed = assets.install_wheels(_fake_source(tmp_path, lock, None), cache, lock)
    assert len(installed) == len(assets.closure(lock))
    for file_name in installed:
        digest = hashlib.sha256((cache / file_name).read_bytes()).hexdigest()
        assert digest in {e["sha256"] for e in lock["packages"].values()}


def test_a_tampered_wheel_is_refused_and_not_kept(tmp_path, lock):
    cache = tmp_path / "cache"
    cache.mkdir()
    with pytest.raises(assets.AssetError, match=r"refusing numpy-2\.0\.2-.*sha256"):
        assets.install_wheels(_fake_source(tmp_path, lock, "numpy"), cache, lock)
    assert not (cache / lock["packages"]["numpy"]["file_name"]).exists()


def test_a_tampered_file_in_the_cache_is_reported(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(assets.CACHE, cache)
    wheel = next(cache.glob("matplotlib-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"x")
    assert assets.missing_or_bad(cache) == [wheel.name]


def test_a_lock_for_another_pyodide_version_is_refused(tmp_path, lock):
    other = tmp_path / "pyodide-lock.json"
    other.write_text(json.dumps({**lock, "info": {**lock["info"], "version": "0.26.0"}}))
    with pytest.raises(assets.AssetError, match="0.26.0"):
        assets.read_lock(other)
