"""Start a new demo: ``./book.sh new-demo NAME`` runs ``python -m textbook.scaffold NAME``.

It writes three files that already work together, following the authoring
guide: the module ``demos/NAME.py`` (a pure ``compute``, a ``draw`` that
returns an updater, a readout), its unit test ``tests/test_NAME.py``, and a
page ``docs/NAME.md`` holding the demo block. The author then replaces the
example with their own demo and lists the page in ``nav:``.
"""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path

# Data -----------------------------------------------------------------------

DEMO = '''"""{title}: say here, in a sentence or two, what the demo teaches.

Written by `./book.sh new-demo {name}` as a starting point: it samples a
normal distribution and compares the samples' histogram with its density.
Replace it with your own demo and keep its shape: a pure compute, a draw that
returns an updater, an optional describe.
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (6.4, 3.6)  # inches at 100 dpi
NARROW_FIGSIZE = (3.8, 3.4)  # on a phone
EDGES = np.linspace(-6.0, 6.0, 49)  # fixed bins, so draw's bars can be updated in place


@dataclass(frozen=True)
class Samples:
    """What compute hands to draw and describe."""

    density: np.ndarray  # share of the samples in each bin, divided by the bin's width
    spread: float
    n_samples: int
    mean: float


def compute(n_samples: int = 1000, spread: float = 1.0, seed: int = 0) -> Samples:
    """Draw n_samples from a normal distribution of mean 0 and standard deviation spread."""
    n_samples = int(n_samples)
    x = np.random.default_rng(seed).normal(0.0, spread, size=n_samples)
    counts, _ = np.histogram(x, bins=EDGES)
    return Samples(counts / (n_samples * np.diff(EDGES)), float(spread), n_samples, float(x.mean()))


def describe(samples: Samples) -> str:
    """The readout under the figure, also its text alternative."""
    return f"{{samples.n_samples:,}} samples. Their mean: {{samples.mean:.3f}}; the distribution's: 0."


def draw(samples: Samples, fig):
    """Draw the histogram and the density; return the function that updates them."""
    ax = fig.add_subplot()
    bars = ax.bar(EDGES[:-1], samples.density, width=np.diff(EDGES), align="edge", color="#5c6bc0", label="samples")
    xs = np.linspace(EDGES[0], EDGES[-1], 400)
    (curve,) = ax.plot(xs, np.zeros_like(xs), color="#e65100", linewidth=2, label="density")
    ax.set_xlim(EDGES[0], EDGES[-1])
    ax.set_ylim(0, 2.2)  # fixed, so the axes hold still: the narrowest density peaks at 2.0
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend(loc="upper right", frameon=False)

    def update(samples: Samples) -> None:
        for bar, height in zip(bars, samples.density):
            bar.set_height(height)
        curve.set_ydata(np.exp(-0.5 * (xs / samples.spread) ** 2) / (samples.spread * np.sqrt(2 * np.pi)))

    update(samples)
    fig.tight_layout()
    return update
'''

TEST = '''"""demos/{name}.py in plain CPython: what its compute promises."""

import numpy as np
import pytest

from demos.{name} import EDGES, compute, describe


def test_the_same_seed_gives_the_same_samples_and_another_seed_others():
    assert np.array_equal(compute(seed=3).density, compute(seed=3).density)
    assert not np.array_equal(compute(seed=3).density, compute(seed=4).density)


def test_the_histogram_is_a_density_holding_every_sample():
    samples = compute(n_samples=5000, spread=1.0)  # all within the bins' +-6 but for a chance of 2e-9
    assert np.sum(samples.density * np.diff(EDGES)) == pytest.approx(1.0)


def test_the_samples_mean_is_within_four_standard_errors_of_zero():
    n_samples, spread = 10_000, 2.0
    samples = compute(n_samples=n_samples, spread=spread, seed=1)
    assert abs(samples.mean) < 4 * spread / np.sqrt(n_samples)
    assert describe(samples).startswith("10,000 samples")
'''

PAGE = """# {title}

Say here what the reader should try with the demo and what they will see.

```demo
demo: {name}
caption: Samples from a normal distribution against its density.
controls:
  n_samples: {{label: Samples, min: 10, max: 100000, value: 1000, scale: log}}
  spread: {{label: Spread, min: 0.2, max: 3.0, value: 1.0}}
  seed: {{label: Seed, type: seed, value: 0}}
```
"""

# Functions ------------------------------------------------------------------


def files_for(name: str) -> dict[Path, str]:
    """The three files of a new demo, by path relative to the checkout."""
    title = name.replace("_", " ").capitalize()
    fields = {"name": name, "title": title}
    return {
        Path("demos") / f"{name}.py": DEMO.format(**fields),
        Path("tests") / f"test_{name}.py": TEST.format(**fields),
        Path("docs") / page_name(name): PAGE.format(**fields),
    }


def page_name(name: str) -> str:
    """The page's file, named as the demo so that `-k NAME` selects its browser test too."""
    return f"{name}.md"


def problem_with(name: str, root: Path) -> str | None:
    """Why name cannot be a new demo in the checkout at root, or None."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        return f"'{name}' cannot name a demo: use lowercase letters, digits and underscores, starting with a letter (e.g. coin_flips)"
    taken = [str(path) for path in files_for(name) if (root / path).exists()]
    if taken:
        return f"'{name}' is taken: {', '.join(taken)} already exists"
    return None


def create(name: str, root: Path) -> list[Path]:
    """Write the new demo's files under root; refuse (SystemExit) a bad or taken name."""
    problem = problem_with(name, root)
    if problem:
        raise SystemExit(f"new-demo: {problem}")
    written = []
    for path, text in files_for(name).items():
        (root / path).write_text(text, encoding="utf-8")
        written.append(path)
    return written


def next_steps(name: str) -> str:
    """What the author does next, printed after the files are written."""
    title = name.replace("_", " ").capitalize()
    commands = [
        ("./book.sh serve", "open the page: the demo is live"),
        (f"./book.sh test tests/test_{name}.py", "your demo's unit test"),
        (f"./book.sh test -k {name}", "that test and your page in the browser"),
        ("./book.sh test tests/test_runner.py", "every demo's figure: blitting, edges"),
    ]
    width = max(len(command) for command, _ in commands)
    lines = "\n".join(f"     {command.ljust(width)}   # {why}" for command, why in commands)
    return f"""
Next:
  1. List the page in mkdocs.yml under nav:, where it belongs; the build refuses
     a page that is not listed. For example:
       - {title}: {page_name(name)}
  2. Make the demo your own (docs/authoring.md explains the rules) and try it:
{lines}"""


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: ./book.sh new-demo NAME")
    for path in create(argv[0], Path.cwd()):
        print(f"wrote {path}")
    print(next_steps(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
