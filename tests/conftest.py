"""Shared fixtures: a built copy of the book, a local server, a real Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from textbook.isolation import HEADERS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "tests" / "artifacts"


def fenced_blocks(kind: str) -> list[tuple[str, str]]:
    """(page, body) of every ```kind block in the book's pages, leaving out
    blocks shown as code inside ```` examples (as on the authoring page)."""
    fence = re.compile(rf"^```{kind}\n(.*?)^```", flags=re.S | re.M)
    shown_as_code = re.compile(r"^````.*?^````", flags=re.S | re.M)
    docs = ROOT / "docs"
    return [
        (str(path.relative_to(docs)), body)
        for path in sorted(docs.rglob("*.md"))
        for body in fence.findall(shown_as_code.sub("", path.read_text(encoding="utf-8")))
    ]


def stated_by(page: str):
    """A check that a page of the book (its path under docs/) still states
    each snippet, wherever its lines happen to break: the facts tests pair
    every number the prose states with the computation behind it."""
    flat = " ".join((ROOT / "docs" / page).read_text(encoding="utf-8").split())

    def states(*snippets: str) -> None:
        for snippet in snippets:
            assert " ".join(snippet.split()) in flat, f"{page} no longer states {snippet!r}"

    return states


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread, for modules that train small networks: native BLAS with
    two threads is many times slower for these tiny products on a busy machine,
    and one thread is what the browser has."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1):
        yield


def mkdocs_build(project: Path) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build --strict` on a project folder."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def scratch_project(tmp: Path, pages: dict[str, str]) -> Path:
    """A small book that inherits the real configuration but has its own pages."""
    (tmp / "docs").mkdir(parents=True)
    for name, text in pages.items():
        (tmp / "docs" / name).write_text(text)
    (tmp / "overrides").symlink_to(ROOT / "overrides")
    (tmp / "includes").symlink_to(ROOT / "includes")
    nav = "\n".join(f"  - {name}" for name in pages)
    (tmp / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\nnav:\n{nav}\n")
    return tmp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book, built strictly as published: for the default site_url
    (port 8000), and served by the tests on other ports and paths, which
    any-origin.js must make work (instant navigation included)."""
    project = tmp_path_factory.mktemp("book")
    (project / "docs").symlink_to(ROOT / "docs")
    (project / "overrides").symlink_to(ROOT / "overrides")
    (project / "includes").symlink_to(ROOT / "includes")
    (project / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built book the way `./book.sh serve` does: cross-origin isolated."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".mjs": "text/javascript"}
    isolation = HEADERS

    def end_headers(self):
        for name, value in self.isolation:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


class _PlainHandler(_QuietHandler):
    """Serves it like a static host that sends no isolation headers."""

    isolation = ()


class _SubPathHandler(_PlainHandler):
    """Serves it under /some/book/, as GitHub Pages serves a project's site: no
    isolation headers, nothing outside the sub-path."""

    prefix = "/some/book/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(self.prefix) :])


def serve(site: Path, port: int, handler: type = _QuietHandler) -> http.server.ThreadingHTTPServer:
    """Serve a folder on 127.0.0.1 only, in a background thread."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="session")
def server(built_site, port):
    """The built book on 127.0.0.1, cross-origin isolated; yields its base URL."""
    httpd = serve(built_site, port)
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def plain_server(built_site):
    """The built book on another port, without isolation headers."""
    httpd = serve(built_site, free_port(), _PlainHandler)
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def subpath_server(built_site):
    """The built book under /some/book/ on another port, without isolation
    headers; yields the book's address, ending in a slash."""
    httpd = serve(built_site, free_port(), _SubPathHandler)
    yield f"http://127.0.0.1:{httpd.server_address[1]}{_SubPathHandler.prefix}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./book.sh test, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class PageWatch:
    """Everything a page asked for and complained about."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url} ({request.failure})"))


@pytest.fixture
def context(browser):
    """A fresh browser profile for one test, as a browser that refuses service
    workers: the book must work without its offline copy (tests of the offline
    copy open their own context, see test_offline.py)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A new tab whose requests and errors are recorded in page.watch."""
    page = context.new_page()
    page.watch = PageWatch(page)
    page.set_default_timeout(90_000)
    return page


def run_like_the_browser(demo: str, *param_sets: dict) -> list[str]:
    """Draw a demo's default figure, then update it in place with each parameter
    set and render every frame, exactly as the browser worker does.

    Returns the readouts, default first.
    """
    from textbook.runner import LiveDemo

    live = LiveDemo(demo)
    readouts = []
    for params in ({}, *param_sets):
        readouts.append(live.run(params))
        live.rgba()
    return readouts


@pytest.fixture(scope="session")
def guided_digits_model():
    """Chapter 2.5's artefacts as the page reads them (demos/digits_cfg.npz and
    demos/digits_data.npz), made if missing, as ./book.sh's set-up makes them."""
    from demos import digits as dg
    from demos import empirical_field as ef
    from demos import guided_digits as gd

    if not Path(dg.resolve(ef.DATA)).exists():
        pytest.importorskip("sklearn", reason="writing the digits needs scikit-learn")
        ef.write_data()
    if not Path(dg.resolve(gd.DEFAULT_WEIGHTS)).exists():
        pytest.importorskip("sklearn", reason="training the guided digits model needs scikit-learn")
        from demos import train_guided_digits as tg

        tg.main([])
    return gd.load()
