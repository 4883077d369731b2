"""What guidance does to the distribution: samples pushed to the edge.

Two classes, each spread evenly over a rectangle: blue over [-3, -1] x [-1, 1],
orange over [1, 3] x [-1, 1]. Each side of a rectangle is a row of eight
narrow Gaussians (a "smoothed box"), so every field stays a closed form, and
since a rectangle is a product of its two sides, the path moves the two
coordinates independently: the class changes only the horizontal one.

The guided field, u(x | none) + w (u(x | blue) - u(x | none)), is integrated
from noise with Heun's method. Its samples are set against samples drawn
directly, on a fine grid, from the distribution guidance is often said to
sample, p(x | c)^w p(x)^(1 - w) / Z = p(x) p(c | x)^w / Z. Here p(c | x) is
about 1 on blue's rectangle and about 0 on orange's, so for w >= 1 that
"sharpened" distribution is blue's rectangle itself, while the guided
samples pile up at the rectangle's far edge (Chidambaram et al., 2024).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos.guidance import heun

BUMPS = 8  # narrow Gaussians along each side
BUMP_STD = 0.12  # their width; they stand 0.25 apart
EDGE = (-3.0, -1.0)  # blue's horizontal extent; orange's is the mirror image
HEIGHT = (-1.0, 1.0)  # both rectangles' vertical extent
N_SAMPLES = 400
HEUN_STEPS = 30
GRID = np.linspace(-4.5, 4.5, 1801)  # where the sharpened density is tabulated
BINS = np.linspace(-4.5, 4.5, 73)
LIM = 4.5
BLUE, ORANGE, GREY = "#1565c0", "#e65100", "#616161"
FIGSIZE = (7.2, 4.2)
NARROW_FIGSIZE = (3.9, 5.8)


def _row(lo: float, hi: float) -> np.ndarray:
    """Centres of BUMPS Gaussians spaced evenly inside [lo, hi]."""
    gap = (hi - lo) / BUMPS
    return np.linspace(lo + gap / 2, hi - gap / 2, BUMPS)


BLUE_X = _row(*EDGE)
ORANGE_X = -BLUE_X[::-1]
BOTH_X = np.concatenate([BLUE_X, ORANGE_X])  # the horizontal side of the whole target
SIDE_Y = _row(*HEIGHT)


# Exact fields in one dimension -------------------------------------------------------


def _posterior(x: np.ndarray, t: float, means: np.ndarray):
    """Weights of each bump given a point x at time t (equal prior weights),
    and v_t. x has shape (n,), the weights (n, K)."""
    var = (1 - t) ** 2 + t**2 * BUMP_STD**2
    logits = -((x[:, None] - t * means) ** 2) / (2 * var)
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    return odds / odds.sum(axis=1, keepdims=True), var


def velocity_1d(x: np.ndarray, t: float, means: np.ndarray) -> np.ndarray:
    """u_t(x) for a row of equal Gaussians: mbar + c_t (x - t mbar), as in chapter 2.1."""
    weights, var = _posterior(x, t, means)
    mbar = weights @ means
    return mbar + (t * BUMP_STD**2 - (1 - t)) / var * (x - t * mbar)


def density_1d(x: np.ndarray, t: float, means: np.ndarray) -> np.ndarray:
    """p_t(x) for a row of equal Gaussians."""
    var = (1 - t) ** 2 + t**2 * BUMP_STD**2
    return np.mean(np.exp(-((x[:, None] - t * means) ** 2) / (2 * var)), axis=1) / np.sqrt(2 * np.pi * var)


def guided_horizontal(x: np.ndarray, t: float, w: float) -> np.ndarray:
    """The classifier-free guided velocity for blue, horizontal coordinate:
    u(x | none) + w (u(x | blue) - u(x | none)), from one pass over the bumps."""
    weights, var = _posterior(x, t, BOTH_X)
    gain = (t * BUMP_STD**2 - (1 - t)) / var
    overall = weights @ BOTH_X
    blue = weights[:, :BUMPS]  # blue's bumps come first in BOTH_X
    own = blue @ BLUE_X / blue.sum(axis=1)
    u_none = overall + gain * (x - t * overall)
    u_blue = own + gain * (x - t * own)
    return u_none + w * (u_blue - u_none)


@functools.lru_cache(maxsize=4)
def _noise_and_height(seed: int, n: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The starting noise, and where the vertical coordinate ends: the class
    does not act on it, so it is the same for every w."""
    x0 = np.random.default_rng(seed).standard_normal((n, 2))
    return x0, heun(lambda y, t: velocity_1d(y, t, SIDE_Y), x0[:, 1], steps)


@functools.lru_cache(maxsize=16)
def guided_samples(w: float, seed: int = 0, n: int = N_SAMPLES, steps: int = HEUN_STEPS) -> np.ndarray:
    x0, height = _noise_and_height(seed, n, steps)
    return np.stack([heun(lambda x, t: guided_horizontal(x, t, w), x0[:, 0], steps), height], axis=1)


def sharpened_density(w: float) -> np.ndarray:
    """p(x) p(blue | x)^w on GRID, normalised, for the horizontal coordinate at t = 1
    (the vertical one is the same rectangle side for every w)."""
    blue, orange = density_1d(GRID, 1.0, BLUE_X), density_1d(GRID, 1.0, ORANGE_X)
    mixture = (blue + orange) / 2
    tilted = mixture * (blue / (blue + orange + 1e-300)) ** w
    return tilted / (tilted.sum() * (GRID[1] - GRID[0]))


def sample_rows(means: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws from a row of equal Gaussians at t = 1."""
    return rng.choice(means, size=n) + BUMP_STD * rng.standard_normal(n)


@functools.lru_cache(maxsize=16)
def sharpened_samples(w: float, seed: int = 0, n: int = N_SAMPLES) -> np.ndarray:
    """Direct draws from the sharpened distribution: the horizontal coordinate by
    inverting its cumulative sum on GRID, the vertical one from the rectangle's side."""
    rng = np.random.default_rng(seed + 1)
    cumulative = np.cumsum(sharpened_density(w))
    cumulative /= cumulative[-1]
    horizontal = np.interp(rng.random(n), cumulative, GRID)
    return np.stack([horizontal, sample_rows(SIDE_Y, n, rng)], axis=1)


def far_quarter(samples: np.ndarray) -> float:
    """The share of points in the quarter of blue's rectangle farthest from orange."""
    lo, hi = EDGE
    return float(np.mean(samples[:, 0] < lo + (hi - lo) / 4))


def beyond_edge(samples: np.ndarray) -> float:
    """The share of points past blue's far edge."""
    return float(np.mean(samples[:, 0] < EDGE[0]))


# The demo --------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeRun:
    w: float
    guided: np.ndarray  # (n, 2)
    sharpened: np.ndarray  # (n, 2)
    density: np.ndarray  # the sharpened horizontal density on GRID
    guided_quarter: float
    sharpened_quarter: float


def compute(w: float = 1.0, seed: int = 0) -> EdgeRun:
    w, seed = float(w), int(seed)
    guided, sharpened = guided_samples(w, seed), sharpened_samples(w, seed)
    return EdgeRun(w, guided, sharpened, sharpened_density(w), far_quarter(guided), far_quarter(sharpened))


def describe(r: EdgeRun) -> str:
    return (
        f"Guidance w = {r.w:g} for blue: {100 * r.guided_quarter:.0f}% of the guided samples lie in the quarter of "
        f"the rectangle farthest from orange, against {100 * r.sharpened_quarter:.0f}% of direct draws from "
        f"p(x) p(blue | x)^w (a quarter is what an even spread puts there)."
    )


def _rectangles(ax) -> None:
    """The two classes' outlines, under the animated dots (zorder below theirs)."""
    from matplotlib.patches import Rectangle

    for (lo, hi), colour in ((EDGE, BLUE), ((-EDGE[1], -EDGE[0]), ORANGE)):
        ax.add_patch(Rectangle((lo, HEIGHT[0]), hi - lo, HEIGHT[1] - HEIGHT[0], fill=False, ec=colour, lw=1.2, zorder=0.5))


def draw(r: EdgeRun, fig):
    tall = fig.get_figheight() > fig.get_figwidth()
    grid = fig.add_gridspec(3, 1, height_ratios=(0.7, 0.7, 1.1)) if tall else fig.add_gridspec(2, 2, height_ratios=(1, 1.1))
    ax_g = fig.add_subplot(grid[0, 0])
    ax_s = fig.add_subplot(grid[1, 0] if tall else grid[0, 1])
    ax_h = fig.add_subplot(grid[2, 0] if tall else grid[1, :])
    dots = {}
    for ax, key, colour, label in ((ax_g, "guided", BLUE, "guided ODE"), (ax_s, "sharpened", GREY, "drawn from $p(x)\\,p(c|x)^w$")):
        _rectangles(ax)
        dots[key] = ax.scatter(*getattr(r, key).T, s=4, color=colour, alpha=0.7)
        dots[key].set_rasterized(True)
        ax.set_xlim(-LIM, LIM)
        ax.set_ylim(-1.7, 1.7)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.02, 0.96, label, transform=ax.transAxes, fontsize=9, va="top")
    _, _, bars = ax_h.hist(r.guided[:, 0], bins=BINS, density=True, color=BLUE, alpha=0.6, label="guided ODE")
    (curve,) = ax_h.plot(GRID, r.density, color=GREY, lw=1.5, label="$p(x)\\,p(c|x)^w$")
    for lo, hi, colour in ((*EDGE, BLUE), (-EDGE[1], -EDGE[0], ORANGE)):
        ax_h.axvspan(lo, hi, color=colour, alpha=0.08, lw=0, zorder=0)  # under the animated bars
    ax_h.set_xlim(-LIM, LIM)
    ax_h.set_ylim(0, 3.0)
    ax_h.set_xlabel("horizontal coordinate")
    legend = ax_h.legend(fontsize=8, loc="upper right")
    title = ax_h.text(0.01, 0.97, "", transform=ax_h.transAxes, fontsize=9, va="top")
    fig.tight_layout()
    # the legend too: tall bars reach under it, and it must stay on top of them
    for artist in (*dots.values(), *bars, curve, title, legend, *ax_g.spines.values(), *ax_s.spines.values(), *ax_h.spines.values()):
        artist.set_animated(True)

    def update(run: EdgeRun) -> None:
        dots["guided"].set_offsets(run.guided)
        dots["sharpened"].set_offsets(run.sharpened)
        heights, _ = np.histogram(run.guided[:, 0], bins=BINS, density=True)
        for bar, height in zip(bars, heights):
            bar.set_height(min(height, 3.0))
        curve.set_ydata(run.density)
        title.set_text(f"$w$ = {run.w:g}\nfar quarter:\n{100 * run.guided_quarter:.0f}% guided\n"
                       f"{100 * run.sharpened_quarter:.0f}% direct")

    update(r)
    return update
