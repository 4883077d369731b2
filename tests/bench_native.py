"""CPython timings of the demos' hot paths, against the budgets the browser needs.

    .venv/bin/python tests/bench_native.py [--training]

Pyodide's numpy has no BLAS and runs 3-10x slower than here, so each budget is
a native time that keeps the reader's update near 50 ms. Matrix products run on
one thread, as in the browser. benchmark.py prints this table after its own.
This is a script, not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import threadpoolctl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def median_seconds(call, runs: int = 7) -> float:
    call()  # warm caches and imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def once(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def hot_paths() -> list[tuple[str, float, float]]:
    """(what, seconds, budget in seconds) for each demo's live update."""
    from demos import digits as dg
    from demos import flow_matching as fm
    from demos import gan
    from demos import guided_digits as gd

    state, losses = fm.train(fm.init_model(), "moons", 5, rng=np.random.default_rng(0))
    model = dg.load_model()
    return [
        ("GAN demo, default run", median_seconds(gan.compute, runs=3), 0.3),
        # 15 ms here is about 70 ms in Pyodide 0.27.7 (measured)
        ("flow matching, one live frame", median_seconds(lambda: fm.summarise(state, "moons", losses)), 0.015),
        ("digits, 16 samples of 50 steps", median_seconds(lambda: dg.sample(model, 3, 16, 50), runs=5), 0.05),
        ("guided digits, one update", median_seconds(lambda: gd.compute(5, 2.5, 0), runs=5), 0.05),
        ("slowest exercise's checks", slowest_exercise(), 0.2),
    ]


def slowest_exercise() -> float:
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import fenced_blocks

    from textbook.checks import judge
    from textbook.exercise import parse

    exercises = [parse(block) for _, block in fenced_blocks("exercise")]
    return max(once(lambda ex=ex: judge(ex["solution"], ex["checks"])) for ex in exercises)


def trainings(out: Path) -> list[tuple[str, float, float]]:
    """The set-up's two trainings (book.sh runs them once; budgets for a 2-core machine)."""
    from demos import train_digits, train_guided_digits

    return [
        ("training the digits model", once(lambda: train_digits.main(["--out", str(out / "fm.npz")])), 45),
        ("training the guided digits model", once(lambda: train_guided_digits.main(["--out", str(out / "cfg.npz")])), 90),
    ]


def print_table(rows: list[tuple[str, float, float]]) -> None:
    print("CPython, one BLAS thread (budget in brackets):")
    for what, seconds, budget in rows:
        flag = "" if seconds <= budget else "  over budget"
        print(f"    {what:<34} {seconds * 1000:8.1f} ms  (<= {budget * 1000:.0f} ms){flag}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--training", action="store_true", help="also time the two trainings of the set-up (about a minute)")
    args = parser.parse_args(argv)
    with threadpoolctl.threadpool_limits(1):
        rows = hot_paths()
        if args.training:
            import tempfile

            with tempfile.TemporaryDirectory() as out:
                rows += trainings(Path(out))
    print_table(rows)


if __name__ == "__main__":
    main()
