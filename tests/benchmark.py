"""Performance figures of the book, measured in real Chromium with real Pyodide.

    ./book.sh bench [--runs 3] [--updates 20] [--all-demos]

Prints, on a cold browser profile each run (a new browser, given time to
finish starting up before it opens the page): time from navigation to runtime
ready and to the first live figure (and to it again on a second visit, with
the browser's caches warm), slider update times (median and p95),
bytes a chapter page transfers before any demo runs, how long Stop takes to
interrupt an endless loop, and the build time.
With --all-demos, also every demo's first run and update times.
Targets on a 2-core machine: first live result <= 3 s, update <= 50 ms median
and <= 100 ms p95, chapter page <= 600 KB before a demo runs.
This is a script, not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).parent))
from conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, _QuietHandler, free_port, mkdocs_build, serve  # noqa: E402

PAGE = "/part1/sampling/"
RUNTIME = ("/assets/pyodide/", "/assets/python/")
# The worker's start-up stages (worker.js), in order
STAGES = ("runtime", "packages", "numpy", "matplotlib", "ready")


def build(port: int) -> tuple[Path, float]:
    project = Path(tempfile.mkdtemp(prefix="bench-"))
    (project / "docs").symlink_to(ROOT / "docs")
    (project / "overrides").symlink_to(ROOT / "overrides")
    (project / "includes").symlink_to(ROOT / "includes")
    (project / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\nsite_url: http://127.0.0.1:{port}/\n")
    start = time.perf_counter()
    result = mkdocs_build(project)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(result.stderr)
    return project / "site", seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


RECORD = """document.addEventListener("demo:shown", event => {
    (window.__shown ??= []).push({ id: event.target.id, at: performance.now(), ...event.detail })
})"""


def shown(page, demo_id: str, count: int) -> dict:
    """Wait for the count-th repaint of one demo; return its timing."""
    page.wait_for_function(
        "([id, n]) => (window.__shown || []).filter(e => e.id === id).length >= n", arg=[demo_id, count], timeout=60_000
    )
    return page.evaluate("([id, n]) => window.__shown.filter(e => e.id === id)[n - 1]", [demo_id, count])


def browser_cpu_ms() -> int:
    """CPU time Chromium's processes have used so far (Linux: from /proc)."""
    total = 0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if Path((process / "cmdline").read_bytes().split(b"\0")[0].decode()).name != "chromium":
                continue
            fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has just ended
            continue
        total += (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")  # user + system
    return total


def settle(most: float = 10.0) -> None:
    """Wait for a freshly launched browser to finish starting up: it works
    for about a second of CPU at first (its own pages, such as the omnibox's),
    which a reader's running browser has long done before they open the book."""
    deadline, used = time.monotonic() + most, browser_cpu_ms()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        used, before = browser_cpu_ms(), used
        if used - before < 30:  # idle: under 6% of one core
            return


def visit(playwright, profile: str):
    """A browser on a profile folder (kept between visits), started up, and
    a tab that records repaints."""
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.add_init_script(RECORD)
    settle()
    return context, page


def first_result(playwright, base: str, updates: int) -> dict:
    """One cold visit: open the page, wait for the first figure, move the slider.
    Then a second visit with the same profile, its caches warm, to the first figure."""
    with tempfile.TemporaryDirectory() as profile:
        context, page = visit(playwright, profile)
        fetched = []
        context.on("requestfinished", lambda request: fetched.append(request))
        page.goto(base + PAGE)
        demo_id = page.locator(".demo").first.get_attribute("id")
        shown(page, demo_id, 1)
        marks = page.evaluate("({ready: window.__demoTimings.readyAt, first: window.__shown[0].at, stages: window.__demoTimings})")
        runtime_bytes = sum(request.sizes()["responseBodySize"] for request in fetched if any(p in request.url for p in RUNTIME))
        times = []
        slider = page.locator(".demo input[type=range]").first
        for i in range(updates):
            slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})) }", 1.5 + 3 * i / updates)
            times.append(shown(page, demo_id, 2 + i)["ms"])
        context.close()
        context, page = visit(playwright, profile)
        page.goto(base + PAGE)
        revisit = shown(page, demo_id, 1)["at"]
        context.close()
    stages = {stage: at / 1000 for stage, at in marks["stages"].items() if stage in STAGES}
    return {
        "ready": marks["ready"] / 1000,
        "first": marks["first"] / 1000,
        "revisit": revisit / 1000,
        "stages": stages,
        "updates": times,
        "runtime_bytes": runtime_bytes,
    }


def chapter_pages() -> list[str]:
    """The site paths of the book's chapters (Part 1's pages)."""
    return [f"/part1/{source.stem}/" for source in sorted((ROOT / "docs" / "part1").glob("*.md")) if source.stem != "index"]


class _StaticHostHandler(_QuietHandler):
    """Serves the book as static hosts do (GitHub Pages, Netlify, Cloudflare
    Pages): text gzipped on the fly for browsers that accept it; fonts and
    images, already compressed, as they are."""

    TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        kind = self.guess_type(str(path))
        if not (path.is_file() and kind.startswith(self.TEXT) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def page_weight(playwright, site: Path, base: str, path: str) -> tuple[int, int]:
    """Bytes a page transfers for everything but the demo runtime, as the
    browser counts them (headers and encoded bodies), and their size unpacked."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    finished = []
    page.on("requestfinished", lambda request: finished.append((urlparse(request.url).path, request.sizes())))
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    browser.close()
    transferred = unpacked = 0
    for served, sizes in finished:
        if not any(p in served for p in RUNTIME):
            transferred += sizes["responseHeadersSize"] + sizes["responseBodySize"]
            unpacked += (site / served.lstrip("/") / ("index.html" if served.endswith("/") else "")).stat().st_size
    return transferred, unpacked


def stop_times(playwright, base: str, tries: int = 5) -> list[float]:
    """Stop pressed on an endless loop: ms until the page shows the KeyboardInterrupt."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + PAGE)
    demo = page.locator(".demo").first
    page.wait_for_selector(".demo.demo--live canvas", timeout=120_000)
    demo.locator(".demo__code summary").click()
    demo.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nwhile True:\npass\n")
    times = []
    for _ in range(tries):
        demo.locator(".demo__code-run").click()
        stop = demo.locator(".demo__stop")
        stop.wait_for(state="visible")
        page.wait_for_timeout(500)  # let it spin a while
        pressed = page.evaluate("performance.now()")
        stop.click()
        page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('KeyboardInterrupt')")
        times.append(page.evaluate("performance.now()") - pressed)
        page.wait_for_function("() => !document.querySelector('.demo').hasAttribute('aria-busy')")
    browser.close()
    return times


def all_demos(playwright, base: str) -> list[tuple[str, str, float, float, str]]:
    """Each demo's first live run and median update, runtime already warm."""
    rows = []
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD)
    for source in sorted((ROOT / "docs").rglob("*.md")):
        path = "/" + source.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/"
        page.goto(base + path.replace("/index/", "/"))
        for index in range(page.locator(".demo").count()):
            demo = page.locator(".demo").nth(index)
            demo_id = demo.get_attribute("id")
            demo.scroll_into_view_if_needed()
            run = demo.locator(".demo__run")
            if run.count():  # a button-run demo (training): time the whole run and its frames
                started = page.evaluate("performance.now()")
                run.click()
                shown(page, demo_id, 1)
                page.wait_for_function("id => !document.getElementById(id).hasAttribute('aria-busy')", arg=demo_id, timeout=120_000)
                frames = page.evaluate("id => window.__shown.filter(e => e.id === id)", demo_id)
                total = frames[-1]["at"] - started
                rows.append((path, demo_id, total, statistics.median(f["ms"] for f in frames[1:] or frames), f"run of {len(frames)} frames"))
                continue
            first = shown(page, demo_id, 1)
            times = []
            control = demo.locator("input[type=range]").first
            if control.count():
                for i in range(5):
                    control.evaluate("el => { el.stepUp(Math.max(1, (el.max - el.value) / el.step / 8 | 0)); el.dispatchEvent(new Event('input', {bubbles: true})) }")
                    times.append(shown(page, demo_id, 2 + i)["ms"])
            update = statistics.median(times) if times else float("nan")
            rows.append((path, demo_id, first["ms"], update, first.get("error") or ""))
    browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--all-demos", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    site, build_seconds = build(port)
    server = serve(site, port)
    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        runs = [first_result(playwright, base, args.updates) for _ in range(args.runs)]
        stops = stop_times(playwright, base)
        demos = all_demos(playwright, base) if args.all_demos else []
        server.shutdown()
        server.server_close()  # free the port for the next server
        server = serve(site, port, _StaticHostHandler)
        weights = {path: page_weight(playwright, site, base, path) for path in chapter_pages()}
    server.shutdown()

    updates = [ms for run in runs for ms in run["updates"]]
    print(f"cold visits of {PAGE}: {args.runs}, slider updates: {len(updates)}")
    ready = [run["ready"] for run in runs]
    print(f"navigation -> runtime ready    median {statistics.median(ready):.2f} s  (runs: {', '.join(f'{r:.2f}' for r in ready)})")
    print(f"navigation -> first live figure median {statistics.median(r['first'] for r in runs):.2f} s  (target <= 3 s)")
    print(f"  on a second visit, caches warm  median {statistics.median(r['revisit'] for r in runs):.2f} s")
    began = "  ".join(f"{stage} {statistics.median(r['stages'][stage] for r in runs):.2f}" for stage in STAGES)
    print(f"start-up stages began (median s) {began}")
    print(f"slider update                   median {statistics.median(updates):.0f} ms, p95 {percentile(updates, 0.95):.0f} ms  (target <= 50 / 100 ms)")
    print(f"Python runtime downloaded       {runs[0]['runtime_bytes'] / 2**20:.1f} MiB before the first figure (as served here, uncompressed)")
    heaviest = max(weights, key=lambda path: weights[path][0])
    transferred, unpacked = weights[heaviest]
    print(f"heaviest chapter page before any demo {transferred / 1024:.0f} KB transferred: {heaviest}  (target <= 600 KB; served gzipped, as static hosts do)")
    for path, (transferred, unpacked) in weights.items():
        print(f"    {path:<40} {transferred / 1024:4.0f} KB transferred, {unpacked / 1024:5.0f} KB unpacked")
    print(f"Stop -> KeyboardInterrupt shown  median {statistics.median(stops):.0f} ms, max {max(stops):.0f} ms  (target <= 1 s; page cross-origin isolated)")
    print(f"full build                      {build_seconds:.1f} s")
    for path, demo, first, update, note in demos:
        if note.startswith("run of"):
            print(f"{path:<40} {demo:<28} {note}: {first:6.0f} ms in all, {update:4.0f} ms between frames")
            continue
        status = f"  ERROR: {note.splitlines()[-1]}" if note else ""
        print(f"{path:<40} {demo:<28} first run {first:6.0f} ms, update median {update:6.0f} ms{status}")


if __name__ == "__main__":
    main()
