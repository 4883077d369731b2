"""Performance figures of the book, measured in real Chromium with real Pyodide.

    ./book.sh bench [--runs 3] [--updates 20] [--all-demos] [--lighthouse]
                    [--lighthouse-runs 3] [--pages WORD,WORD] [--no-startup]

Prints, on a cold browser profile each run (a new browser, given time to
finish starting up before it opens the page): time from navigation to runtime
ready and to the first live figure (and to it again on a second and a third
visit, with the browser's caches warm and Python stored by the offline copy,
as for a reader who stayed a while), each start-up step (worker.js's marks), the
"next chapter" time (after a demo ran, follow the link to the next chapter,
bring its first demo into view: time to its live figure), slider update
times (median and p95), bytes a chapter page transfers before any demo runs,
how long Stop takes to interrupt an endless loop, the build time, and the
demos' hot paths timed in CPython (bench_native.py).
With --all-demos, also every demo's first run and update times (median, worst).
With --lighthouse, Lighthouse's performance score, FCP, LCP, CLS and bytes per
page, mobile and desktop (medians), with the page's HTML size and DOM size.
--pages limits both to pages whose path contains one of the words.
Targets on a 2-core machine: first live result <= 3 s, second visit <= 1.2 s,
update <= 50 ms median and <= 100 ms p95, chapter page <= 600 KB before a demo
runs, Lighthouse mobile >= 95 and CLS <= 0.02 on every page.
This is a script, not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).parent))
import bench_native  # noqa: E402
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


ENTERED = """id => {
    window.__entered = null
    const observer = new IntersectionObserver(entries => {
        if (entries.some(entry => entry.isIntersecting)) { observer.disconnect(); window.__entered = performance.now() }
    })
    observer.observe(document.getElementById(id))
}"""


def next_chapter(page, left: str) -> float:
    """After a demo ran: follow the footer's link to the next chapter (Material's
    instant navigation, no reload), bring its first demo into view, and return
    the seconds from the demo entering the viewport to its live figure."""
    page.locator("a.md-footer__link--next").click()
    page.wait_for_function("left => location.pathname !== left && document.querySelector('.demo[id]')", arg=left)
    demo_id = page.locator(".demo").first.get_attribute("id")
    page.evaluate(ENTERED, demo_id)  # watched before it is scrolled in
    page.locator(".demo").first.scroll_into_view_if_needed()
    seen = shown(page, demo_id, 1)["at"]
    return (seen - page.evaluate("window.__entered")) / 1000


def offline_copy_done(page) -> bool:
    """Wait (up to a minute) until the offline copy holds Python, as it does for
    a reader who stays on the page a while; whether it does."""
    try:
        page.wait_for_function("() => document.querySelector('.md-footer-meta .offline')?.innerText.includes('demos included')", timeout=60_000)
        page.wait_for_timeout(2000)  # the worker's helper keeps its inflated copies just after
        return True
    except PlaywrightTimeout:
        return False


def first_result(playwright, base: str, updates: int) -> dict:
    """One cold visit: open the page, wait for the first figure, move the slider,
    go on to the next chapter, and stay until the offline copy holds Python.
    Then a second visit with the same profile, its caches warm, to the first
    figure and on to the next chapter; and a third visit, to the first figure
    (the second is the first one the offline copy serves)."""
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
        next_cold = next_chapter(page, PAGE)
        stored = offline_copy_done(page)
        context.close()
        context, page = visit(playwright, profile)
        page.goto(base + PAGE)
        revisit = shown(page, demo_id, 1)["at"]
        warm = page.evaluate("window.__demoTimings")
        next_warm = next_chapter(page, PAGE)
        offline_copy_done(page)
        context.close()
        context, page = visit(playwright, profile)
        page.goto(base + PAGE)
        later = shown(page, demo_id, 1)["at"]
        context.close()
    stages = {stage: at / 1000 for stage, at in marks["stages"].items() if stage in STAGES}
    steps = lambda timings: {step: at / 1000 for step, at in (timings or {}).items() if isinstance(at, (int, float)) and step != "readyAt"}  # noqa: E731
    return {
        "ready": marks["ready"] / 1000,
        "first": marks["first"] / 1000,
        "revisit": revisit / 1000,
        "later": later / 1000,
        "stored": stored,
        "next_cold": next_cold,
        "next_warm": next_warm,
        "stages": stages,
        "steps": steps(marks["stages"]),
        "warm_steps": steps(warm),
        "updates": times,
        "runtime_bytes": runtime_bytes,
    }


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
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # Lighthouse closes a page mid-download as a run ends
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
        # as a reader who lets the page settle: no other demo's run is queued ahead of the loop
        page.wait_for_function("() => !document.querySelector('.demo[aria-busy]')")
        page.wait_for_timeout(300)
        demo.locator(".demo__code-run").click()
        stop = demo.locator(".demo__stop")
        stop.wait_for(state="visible")
        page.wait_for_timeout(500)  # let it spin a while
        pressed = page.evaluate("performance.now()")
        stop.click()
        # Python gives in (KeyboardInterrupt), or after a second it is restarted (a busy machine)
        page.wait_for_function("() => /KeyboardInterrupt|restarted/.test(document.querySelector('.demo__output').innerText)"
                               " || /restarted/.test(document.querySelector('.demo').innerText)", timeout=60_000)
        interrupted = page.evaluate("document.querySelector('.demo__output').innerText.includes('KeyboardInterrupt')")
        times.append(page.evaluate("performance.now()") - pressed if interrupted else float("inf"))
    browser.close()
    return times


# An eighth of the slider's range on, back to its start from the end
STEP_ON = """el => {
    const min = Number(el.min || 0), max = Number(el.max || 100), step = Number(el.step) || (max - min) / 100
    const value = Number(el.value) + Math.max(1, Math.round((max - min) / 8 / step)) * step
    el.value = value > max + step / 2 ? min : Math.min(value, max)
    el.dispatchEvent(new Event("input", { bubbles: true }))
}"""


def book_pages() -> list[str]:
    """The site path of every page of the book (both parts, the home page and the appendices)."""
    paths = ["/" + source.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/" for source in sorted((ROOT / "docs").rglob("*.md"))]
    return [path.replace("/index/", "/").replace("//", "/") for path in paths]


def all_demos(playwright, base: str, pages: list[str], updates: int = 8) -> list[dict]:
    """Each demo's first live run and its updates (median and worst), the
    runtime already started; a button-run demo (training): the whole run and
    the time between its frames."""
    rows = []
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD)
    for path in pages:
        page.goto(base + path)
        for index in range(page.locator(".demo").count()):
            demo = page.locator(".demo").nth(index)
            demo_id = demo.get_attribute("id")
            demo.scroll_into_view_if_needed()
            run = demo.locator(".demo__run")
            if run.count():
                started = page.evaluate("performance.now()")
                run.click()
                shown(page, demo_id, 1)
                page.wait_for_function("id => !document.getElementById(id).hasAttribute('aria-busy')", arg=demo_id, timeout=120_000)
                frames = page.evaluate("id => window.__shown.filter(e => e.id === id)", demo_id)
                between = [f["ms"] for f in frames[1:]] or [frames[0]["ms"]]
                rows.append({"path": path, "demo": demo_id, "first": frames[-1]["at"] - started, "frames": len(frames),
                             "median": statistics.median(between), "worst": max(between), "error": frames[-1].get("error") or ""})
                continue
            first = shown(page, demo_id, 1)
            times = []
            control = demo.locator("input[type=range]").first
            if control.count():
                for i in range(updates):
                    # Move the slider an eighth of the way on, and back from the end
                    control.evaluate(STEP_ON)
                    times.append(shown(page, demo_id, 2 + i)["ms"])
            rows.append({"path": path, "demo": demo_id, "first": first["ms"], "frames": 0,
                         "median": statistics.median(times) if times else float("nan"), "worst": max(times, default=float("nan")),
                         "error": first.get("error") or ""})
    browser.close()
    return rows


def print_demos(rows: list[dict]) -> None:
    print(f"{'page':<34} {'demo':<30} {'first run':>10} {'update median':>14} {'worst':>7}")
    for row in rows:
        status = f"  ERROR: {row['error'].splitlines()[-1]}" if row["error"] else ""
        if row["frames"]:
            print(f"{row['path']:<34} {row['demo']:<30} {row['first']:8.0f} ms  (a run of {row['frames']} frames; "
                  f"between frames median {row['median']:.0f} ms, worst {row['worst']:.0f} ms){status}")
        else:
            print(f"{row['path']:<34} {row['demo']:<30} {row['first']:8.0f} ms {row['median']:11.0f} ms {row['worst']:4.0f} ms{status}")


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
# The five audits the performance score weighs, and the two more the table shows
SCORED = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
SHOWN = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint", "tbt": "total-blocking-time",
         "cls": "cumulative-layout-shift", "bytes": "total-byte-weight", "dom": "dom-size"}


def lighthouse(url: str, desktop: bool, tries: int = 3) -> dict:
    """One Lighthouse run (its default simulated throttling: a mid-range phone
    on slow 4G, or its desktop preset), on a fresh browser profile. A run that
    fails to record its trace (it happens on a busy machine) is tried again."""
    for _ in range(tries - 1):
        try:
            return lighthouse_once(url, desktop)
        except RuntimeError as error:
            print(f"  {error}; trying again", file=sys.stderr, flush=True)
    return lighthouse_once(url, desktop)


def lighthouse_once(url: str, desktop: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        command = [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            "--only-categories=performance", f"--only-audits={','.join((*SCORED, *SHOWN.values()))}",
            "--disable-full-page-screenshot", f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
            *(["--preset=desktop"] if desktop else []),
        ]
        result = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
        if result.returncode or not report.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {result.stderr.strip()[-500:]}")
        lhr = json.loads(report.read_text())
    if lhr.get("runtimeError"):
        raise RuntimeError(f"lighthouse failed on {url}: {lhr['runtimeError']['code']}")
    figures = {name: lhr["audits"][audit]["numericValue"] for name, audit in SHOWN.items()}
    return {"score": 100 * lhr["categories"]["performance"]["score"], **figures}


def lighthouse_table(site: Path, base: str, pages: list[str], runs: int) -> None:
    """Print per page, as each is measured: the median of each Lighthouse figure
    over a few runs, mobile and desktop, and the page's HTML as built (bytes raw
    and gzipped as a static host sends it)."""
    print_lighthouse_header(runs)
    for path in pages:
        row = {"path": path}
        for device, desktop in (("mobile", False), ("desktop", True)):
            results = [lighthouse(base + path, desktop) for _ in range(runs)]
            row[device] = {name: statistics.median(r[name] for r in results) for name in results[0]}
        html = (site / path.lstrip("/") / "index.html").read_bytes()
        row["html"], row["html_gz"] = len(html), len(gzip.compress(html, compresslevel=6))
        print_lighthouse_row(row)


def print_lighthouse_header(runs: int) -> None:
    print(f"Lighthouse 12 performance, median of {runs} (mobile: simulated mid-range phone on slow 4G; desktop preset);"
          " KB = all a page loads; served gzipped with isolation headers")
    print("| page | mobile | FCP s | LCP s | TBT ms | CLS | KB | desktop | FCP s | LCP s | TBT ms | CLS | KB | HTML KB | gzipped KB | DOM elements |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)


def print_lighthouse_row(row: dict) -> None:
    cells = [row["path"]]
    for device in ("mobile", "desktop"):
        m = row[device]
        cells += [f"{m['score']:.0f}", f"{m['fcp'] / 1000:.1f}", f"{m['lcp'] / 1000:.1f}", f"{m['tbt']:.0f}", f"{m['cls']:.3f}", f"{m['bytes'] / 1024:.0f}"]
    cells += [f"{row['html'] / 1024:.0f}", f"{row['html_gz'] / 1024:.0f}", f"{row['mobile']['dom']:.0f}"]
    print("| " + " | ".join(cells) + " |", flush=True)


def chosen(pages: list[str], wanted: str | None) -> list[str]:
    """The pages whose path contains one of the comma-separated words ("home" for
    the home page); all of them without any."""
    if not wanted:
        return pages
    words = [word.strip() for word in wanted.split(",") if word.strip()]
    matches = lambda path, word: word in path or (word == "home" and path == "/")  # noqa: E731
    return [path for path in pages if any(matches(path, word) for word in words)] or sys.exit(f"no page matches {wanted!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold visits (default 3)")
    parser.add_argument("--updates", type=int, default=20, help="slider updates per cold visit")
    parser.add_argument("--all-demos", action="store_true", help="also every demo's first run and updates")
    parser.add_argument("--lighthouse", action="store_true", help="also the Lighthouse table (2-3 minutes a page at 3 runs)")
    parser.add_argument("--lighthouse-runs", type=int, default=3)
    parser.add_argument("--pages", help="only pages whose path contains one of these comma-separated words (demos, Lighthouse)")
    parser.add_argument("--no-startup", action="store_true", help="leave out the start-up, Stop and page-weight figures")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each table row as soon as it is measured

    from playwright.sync_api import sync_playwright

    pages = chosen(book_pages(), args.pages)
    port = free_port()
    site, build_seconds = build(port)
    server = serve(site, port)
    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        if not args.no_startup:
            runs = [first_result(playwright, base, args.updates) for _ in range(args.runs)]
            stops = stop_times(playwright, base)
        demos = all_demos(playwright, base, pages) if args.all_demos else []
        server.shutdown()
        server.server_close()  # free the port for the next server
        server = serve(site, port, _StaticHostHandler)
        if not args.no_startup:
            weights = {path: page_weight(playwright, site, base, path) for path in book_pages() if path.startswith("/part")}
            print_startup(runs, stops, weights)
        print(f"full build                      {build_seconds:.1f} s")
        if demos:
            print_demos(demos)
        if args.lighthouse:
            lighthouse_table(site, base, pages, args.lighthouse_runs)
    server.shutdown()
    bench_native.main([])


def print_startup(runs: list[dict], stops: list[float], weights: dict) -> None:
    updates = [ms for run in runs for ms in run["updates"]]
    median = lambda key: statistics.median(run[key] for run in runs)  # noqa: E731
    print(f"cold visits of {PAGE}: {len(runs)}, slider updates: {len(updates)}")
    ready = [run["ready"] for run in runs]
    print(f"navigation -> runtime ready    median {statistics.median(ready):.2f} s  (runs: {', '.join(f'{r:.2f}' for r in ready)})")
    print(f"navigation -> first live figure median {median('first'):.2f} s  (target <= 3 s)")
    revisits = ", ".join(f"{run['revisit']:.2f}" for run in runs)
    stored = sum(run["stored"] for run in runs)
    print(f"  on a second visit, caches warm  median {median('revisit'):.2f} s  (target <= 1.2 s; runs: {revisits};"
          f" the first visit stored Python offline in {stored} of {len(runs)})")
    laters = ", ".join(f"{run['later']:.2f}" for run in runs)
    print(f"  on a third visit                median {median('later'):.2f} s  (runs: {laters})")
    for label, key in (("cold visit", "steps"), ("second visit", "warm_steps")):
        steps = {step: statistics.median(r[key][step] for r in runs) for step in runs[0][key] if all(step in r[key] for r in runs)}
        print(f"start-up steps, {label} (median s since navigation; worker.js's marks):")
        print("    " + ", ".join(f"{step} {at:.2f}" for step, at in sorted(steps.items(), key=lambda item: item[1])))
    print(f"next chapter: its demo in view -> live figure  median {median('next_cold'):.2f} s after a cold visit, {median('next_warm'):.2f} s after a second one")
    print(f"slider update                   median {statistics.median(updates):.0f} ms, p95 {percentile(updates, 0.95):.0f} ms  (target <= 50 / 100 ms)")
    print(f"Python runtime downloaded       {runs[0]['runtime_bytes'] / 2**20:.1f} MiB before the first figure (as served here, uncompressed)")
    heaviest = max(weights, key=lambda path: weights[path][0])
    print(f"heaviest chapter page before any demo {weights[heaviest][0] / 1024:.0f} KB transferred: {heaviest}  (target <= 600 KB; served gzipped, as static hosts do)")
    for path, (transferred, unpacked) in weights.items():
        print(f"    {path:<40} {transferred / 1024:4.0f} KB transferred, {unpacked / 1024:5.0f} KB unpacked")
    print(f"Stop -> KeyboardInterrupt shown  median {statistics.median(stops):.0f} ms, max {max(stops):.0f} ms  (target <= 1 s; page cross-origin isolated;"
          " inf: Python did not give in within a second and was restarted)")


if __name__ == "__main__":
    main()
