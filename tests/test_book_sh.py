"""./book.sh as an author meets it: its usage, serve's port and rebuilds, a
stale .venv, and new-demo. Each works on a copy in a temporary folder, except
serve, which serves this checkout."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port

COMMANDS = ("serve", "build", "test", "bench", "new-demo")


def book_sh(folder: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run(["bash", str(folder / "book.sh"), *args], env=env, capture_output=True, text=True, timeout=300)


def test_without_a_command_it_prints_every_command():
    result = book_sh(ROOT)
    assert result.returncode == 2
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\b", result.stderr, re.M), f"{command} missing from:\n{result.stderr}"
    assert "--port" in result.stderr


@pytest.mark.parametrize("args", [("serve", "--port", "eighty"), ("serve", "8001"), ("new-demo",), ("bench-press",)])
def test_a_mistyped_command_gets_the_usage_before_any_setup(args):
    started = time.monotonic()
    result = book_sh(ROOT, *args)
    assert result.returncode == 2 and "usage:" in result.stderr
    assert time.monotonic() - started < 5  # nothing was installed


# A copied checkout -----------------------------------------------------------


def stub_python3(tmp_path: Path) -> tuple[str, Path]:
    """A PATH whose python3 only records how it was called, and fails."""
    bin_dir, log = tmp_path / "bin", tmp_path / "python3.log"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\necho "python3 $*" >> {log}\nexit 1\n')
    (bin_dir / "python3").chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}", log


def checkout_with_venv(folder: Path) -> Path:
    """A checkout (book.sh is all it needs here) with a small real venv made in it."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "book.sh", folder)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / ".venv")], check=True)
    return folder


def test_a_venv_copied_from_another_checkout_is_made_anew(tmp_path):
    original = checkout_with_venv(tmp_path / "original")
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, symlinks=True)
    path, log = stub_python3(tmp_path)
    result = book_sh(copy, "build", path=path)
    assert f".venv was made for {original / '.venv'}, not for this checkout" in result.stderr
    assert not (copy / ".venv").exists()  # the copied one is gone ...
    assert "python3 -m venv .venv" in log.read_text()  # ... and a new one was being made
    assert (original / ".venv").exists()  # the other checkout keeps its own


def test_a_checkout_without_a_venv_gets_one(tmp_path):
    checkout = tmp_path / "fresh"
    checkout.mkdir()
    shutil.copy(ROOT / "book.sh", checkout)
    path, log = stub_python3(tmp_path)
    book_sh(checkout, "build", path=path)
    assert "python3 -m venv .venv" in log.read_text()


def test_a_venv_made_in_this_checkout_is_kept(tmp_path):
    checkout = checkout_with_venv(tmp_path / "checkout")
    path, log = stub_python3(tmp_path)
    result = book_sh(checkout, "build", path=path)  # stops at pip, which this small venv lacks
    assert "made for" not in result.stderr
    assert (checkout / ".venv" / "bin" / "python").exists()
    assert not log.exists()


# new-demo --------------------------------------------------------------------


def scratch_checkout(tmp_path: Path) -> Path:
    """Just enough of a checkout to write a demo into and build it: its own
    demos/, tests/ and docs/; the build code and theme are this checkout's."""
    folder = tmp_path / "book"
    for name in ("demos", "tests", "docs"):
        (folder / name).mkdir(parents=True)
    (folder / "demos" / "__init__.py").write_text("")
    shutil.copy(ROOT / "book.sh", folder)
    for name in ("textbook", "overrides", "includes"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "docs" / "index.md").write_text("# Home\n")
    (folder / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\nnav:\n  - index.md\n")
    return folder


def run_python(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Python as book.sh runs it, in the folder: its demos/ come first."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_new_demo_writes_a_demo_its_test_and_a_page_that_builds_once_listed_in_nav(tmp_path):
    book = scratch_checkout(tmp_path)
    result = book_sh(book, "new-demo", "coin_flips")
    assert result.returncode == 0, result.stderr
    for path in ("demos/coin_flips.py", "tests/test_coin_flips.py", "docs/coin_flips.md"):
        assert (book / path).is_file() and path in result.stdout

    tested = run_python(book, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_coin_flips.py")
    assert tested.returncode == 0 and "3 passed" in tested.stdout, tested.stdout + tested.stderr

    unlisted = run_python(book, "mkdocs", "build", "--strict")
    assert unlisted.returncode != 0
    assert '"nav" configuration' in unlisted.stderr and "coin_flips.md" in unlisted.stderr

    (nav_entry,) = re.findall(r"^\s+- .*: coin_flips\.md$", result.stdout, re.M)  # as new-demo says
    with open(book / "mkdocs.yml", "a") as config:
        config.write(f"  {nav_entry.strip()}\n")
    built = run_python(book, "mkdocs", "build", "--strict")
    assert built.returncode == 0, built.stderr
    page = (book / "site" / "coin_flips" / "index.html").read_text()
    assert 'class="demo"' in page and "1,000 samples" in page  # the block and its readout
    figure = re.search(r'<img src="\.\./(assets/figures/coin_flips-\w+\.svg)"', page)  # its static figure
    assert figure and (book / "site" / figure[1]).read_text().startswith("<svg")

    # the authoring guide's example of a build error, on this page
    page = book / "docs" / "coin_flips.md"
    page.write_text(page.read_text().replace("max: 3.0, value: 1.0", "max: 3.0, value: 5.0"))
    broken = run_python(book, "mkdocs", "build", "--strict")
    guide = (ROOT / "docs" / "authoring.md").read_text()
    (example,) = re.findall(r"^ERROR   -  Error reading page 'coin_flips\.md':\nERROR   -  line .*$", guide, re.M)
    assert example in broken.stderr


@pytest.mark.parametrize(
    "name, reason",
    [
        ("Coin-Flips", "cannot name a demo"),
        ("class", "cannot name a demo"),
        ("2coins", "cannot name a demo"),
        ("existing", "'existing' is taken: demos/existing.py already exists"),
    ],
)
def test_new_demo_refuses_a_bad_or_taken_name_and_writes_nothing(tmp_path, name, reason):
    book = scratch_checkout(tmp_path)
    (book / "demos" / "existing.py").write_text("")
    before = sorted(p.relative_to(book) for p in book.rglob("*"))
    result = book_sh(book, "new-demo", name)
    assert result.returncode != 0 and reason in result.stderr
    assert sorted(p.relative_to(book) for p in book.rglob("*")) == before


# serve -----------------------------------------------------------------------


def test_serve_takes_a_port_serves_its_own_address_and_rebuilds_when_a_demo_changes():
    port = free_port()
    server = subprocess.Popen(
        ["bash", str(ROOT / "book.sh"), "serve", "--port", str(port)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    log: list[str] = []
    touched = ROOT / "demos" / "__init__.py"
    before = touched.stat()
    try:
        wait_for(server, log, "Serving on")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sitemap.xml") as response:
            sitemap = response.read().decode()
        # instant navigation follows only the sitemap's addresses: they must be this server's
        assert f"<loc>http://127.0.0.1:{port}/</loc>" in sitemap and ":8000/" not in sitemap
        os.utime(touched)  # an author saves a demo module
        wait_for(server, log, "Detected file changes")
        wait_for(server, log, "Documentation built")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        # as it was, so that this test process does not take the demos for edited
        os.utime(touched, ns=(before.st_atime_ns, before.st_mtime_ns))


def wait_for(server: subprocess.Popen, log: list[str], text: str, seconds: float = 240) -> None:
    """Read the server's log until a line holds text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if not line and server.poll() is not None:
            pytest.fail(f"serve ended before '{text}':\n{''.join(log)}")
        log.append(line)
        if text in line:
            return
    pytest.fail(f"no '{text}' in serve's log:\n{''.join(log)}")
