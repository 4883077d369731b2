"""A score measured on few samples is biased: the Fréchet distance against n.

A perfect model, scored against n fresh target points, should score zero; on
finite samples its Fréchet distance is positive and shrinks roughly like 1/n,
because means and covariances estimated from n points are off by a little
each time. The figure draws the score of three generators of the ring
(demos/judging.py) for n from 25 to 3,200: the ideal one falls towards zero,
the two-mode one (total collapse) levels off at its true distance, and the blurred one in
between. Comparing two models is fair only at the same n.
"""

from __future__ import annotations

import numpy as np

from demos import judging as j

SIZES = (25, 50, 100, 200, 400, 800, 1600, 3200)
SHOWN = ("ideal", "blurred", "two modes")
COLOURS = ("#1b9e77", "#7570b3", "#a6761d")
FEATURES = ("random features", "coordinates")
FLOOR = 1e-4  # the bottom of the log axis
FIGSIZE = (6.4, 3.8)
NARROW_FIGSIZE = (3.8, 3.6)


def scores(generator: str, features: str, seed: int) -> np.ndarray:
    """The Fréchet distance of n samples of generator against n target points, for each n in SIZES."""
    rng = np.random.default_rng([seed, SHOWN.index(generator)])
    seen = j.features if features == "random features" else (lambda x: x)
    out = []
    for n in SIZES:
        real, fake = j.target_samples(n, rng), j.generate(generator, n, None, rng)
        out.append(j.frechet_distance(seen(fake), seen(real)))
    return np.array(out)


def compute(features: str = "random features", seed: int = 0) -> dict:
    if features not in FEATURES:
        raise ValueError(f"features must be one of {', '.join(FEATURES)}, got {features!r}")
    return {name: scores(name, features, int(seed)) for name in SHOWN}


def describe(data: dict) -> str:
    parts = [f"{name}: {v[0]:.3g} at n = {SIZES[0]}, {v[-1]:.3g} at n = {SIZES[-1]}" for name, v in data.items()]
    return "Fréchet distance to the ring. " + "; ".join(parts)


def draw(data: dict, fig):
    ax = fig.add_subplot()
    lines = []
    for name, colour in zip(SHOWN, COLOURS):
        lines.append(ax.plot(SIZES, np.maximum(data[name], FLOOR), "o-", color=colour, label=name)[0])
    ax.set(xscale="log", yscale="log", xlabel="samples n in each set", ylabel="Fréchet distance", ylim=(FLOOR, 30))
    ax.legend(loc="lower left", fontsize=8)
    fig.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.15)
    for line in lines:
        line.set_animated(True)

    def update(data: dict) -> None:
        for line, name in zip(lines, SHOWN):
            line.set_ydata(np.maximum(data[name], FLOOR))  # a log axis has no zero

    return update
