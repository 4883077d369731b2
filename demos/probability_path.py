"""A probability path: Gaussian noise morphs into data along straight lines.

Draw x_0 from p_init = N(0, I) and, independently, x_1 from a target p_data.
The point x_t = (1 - t) x_0 + t x_1 moves on the straight segment from x_0 to
x_1, and the cloud of all such points is a sample of p_t. Sliding t from 0 to
1 shows p_t turning from the Gaussian p_0 into the target p_1 without any
simulation: every x_t is computed directly from its pair (x_0, x_1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection

FIGSIZE = (6.8, 3.8)
NARROW_FIGSIZE = (3.9, 4.9)  # on a phone; the 2-D legend goes below the plane

TARGETS = ("bimodal 1-D", "two moons", "checkerboard")

# The 1-D target: a mixture of two Gaussians with unequal weights.
BIMODAL_WEIGHTS = np.array([0.3, 0.7])
BIMODAL_MEANS = np.array([-2.0, 2.0])
BIMODAL_STD = 0.5

# Fixed frames, so that nothing jumps while t moves.
LIMIT_1D = 5.0
BINS_1D = np.linspace(-LIMIT_1D, LIMIT_1D, 41)
LIMIT_2D = 4.0

INDIGO = "#3949ab"
ORANGE = "#e65100"
GREY = "#9e9e9e"


@dataclass(frozen=True)
class PathSample:
    """Samples of p_0, p_1 and p_t for one value of t, paired by index."""

    t: float
    target: str
    x0: np.ndarray  # (n, d) samples of p_init = N(0, I)
    x1: np.ndarray  # (n, d) samples of the target p_data, independent of x0
    xt: np.ndarray  # (n, d) the points (1 - t) x0 + t x1
    n_pairs: int  # how many of the pairs are drawn as segments

    @property
    def dim(self) -> int:
        return self.x0.shape[1]

    @property
    def mean(self) -> np.ndarray:
        """Sample mean of x_t."""
        return self.xt.mean(axis=0)

    @property
    def variance(self) -> np.ndarray:
        """Sample variance of x_t, per coordinate."""
        return self.xt.var(axis=0)


# Functions ------------------------------------------------------------------


def interpolate(x0: np.ndarray, x1: np.ndarray, t: float) -> np.ndarray:
    """The linear probability path: x_t = (1 - t) x_0 + t x_1."""
    return (1.0 - t) * x0 + t * x1


def sample_target(target: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """n samples of one of the toy targets, as an (n, d) array."""
    if target == "bimodal 1-D":
        component = rng.random(n) < BIMODAL_WEIGHTS[1]
        centre = np.where(component, BIMODAL_MEANS[1], BIMODAL_MEANS[0])
        return (centre + BIMODAL_STD * rng.standard_normal(n))[:, None]
    if target == "two moons":
        upper = rng.random(n) < 0.5
        angle = math.pi * rng.random(n)
        x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
        y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
        points = np.stack([x - 0.5, y - 0.25], axis=1) * 2.0
        return points + 0.12 * rng.standard_normal((n, 2))
    if target == "checkerboard":
        # A 4 x 4 board on [-3, 3]^2; mass sits uniformly on the 8 cells
        # whose row and column indices add up to an even number.
        cells = np.array([(i, j) for i in range(4) for j in range(4) if (i + j) % 2 == 0], dtype=float)
        chosen = cells[rng.integers(0, len(cells), n)]
        return -3.0 + 1.5 * (chosen + rng.random((n, 2)))
    raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")


def bimodal_moments() -> tuple[float, float]:
    """Mean and variance of the 1-D bimodal target."""
    mean = float(BIMODAL_WEIGHTS @ BIMODAL_MEANS)
    second = float(BIMODAL_WEIGHTS @ BIMODAL_MEANS**2) + BIMODAL_STD**2
    return mean, second - mean**2


def bimodal_path_density(x: np.ndarray, t: float) -> np.ndarray:
    """Exact density of p_t for the 1-D target.

    Given the target's component k, x_t = (1 - t) x_0 + t x_1 is Gaussian with
    mean t m_k and variance (1 - t)^2 + t^2 s^2, so p_t is again a mixture.
    """
    var = (1.0 - t) ** 2 + t**2 * BIMODAL_STD**2
    x = np.asarray(x, dtype=float)[..., None]
    pdf = np.exp(-((x - t * BIMODAL_MEANS) ** 2) / (2 * var)) / math.sqrt(2 * math.pi * var)
    return pdf @ BIMODAL_WEIGHTS


def compute(t: float = 0.5, target: str = "two moons", n_samples: int = 600, pairs: int = 150, seed: int = 0) -> PathSample:
    """Sample p_0 and the target with one seed, pair them by index, move to time t."""
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must lie between 0 and 1, got {t}")
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
    n_samples = int(n_samples)
    if not 2 <= n_samples <= 20_000:
        raise ValueError(f"n_samples must be between 2 and 20,000, got {n_samples}")
    pairs = int(pairs)
    if pairs < 0:
        raise ValueError(f"pairs must not be negative, got {pairs}")
    rng = np.random.default_rng(seed)
    dim = 1 if target == "bimodal 1-D" else 2
    x0 = rng.standard_normal((n_samples, dim))
    x1 = sample_target(target, n_samples, rng)
    return PathSample(t, target, x0, x1, interpolate(x0, x1, t), min(pairs, n_samples))


def describe(path: PathSample) -> str:
    """One line: what is plotted and the moments of x_t."""
    n = len(path.xt)
    head = f"t = {path.t:.2f}, {path.target}: {n:,} points x_t = (1 - t) x_0 + t x_1"
    if path.dim == 1:
        mean, var = bimodal_moments()
        exact_mean = path.t * mean
        exact_var = (1 - path.t) ** 2 + path.t**2 * var
        return (
            f"{head}. Sample mean {path.mean[0]:.2f} (exact {exact_mean:.2f}), "
            f"sample variance {path.variance[0]:.2f} (exact {exact_var:.2f})."
        )
    mx, my = path.mean
    sx, sy = np.sqrt(path.variance)
    return f"{head}, {path.n_pairs} pairs drawn as segments. Mean ({mx:.2f}, {my:.2f}), standard deviation ({sx:.2f}, {sy:.2f})."


# Drawing --------------------------------------------------------------------


def draw(path: PathSample, fig):
    """Draw the path; the updater rebuilds only when the target's dimension changes."""
    state = {}

    def build(p: PathSample) -> None:
        fig.clear()
        state["dim"] = p.dim
        state["update"] = _draw_1d(p, fig) if p.dim == 1 else _draw_2d(p, fig)

    def update(p: PathSample) -> None:
        if p.dim != state["dim"]:
            build(p)
        else:
            state["update"](p)

    build(path)
    return update


def _is_tall(fig) -> bool:
    """A phone's figure: taller than wide, it gets a layout of its own."""
    return fig.get_figheight() > fig.get_figwidth()


def _draw_1d(path: PathSample, fig):
    """Left: straight trajectories in the (t, x) plane. Right: histogram of x_t."""
    tall = _is_tall(fig)
    grid = fig.add_gridspec(1, 2, width_ratios=(2.2, 1), wspace=0.16 if tall else 0.06)
    ax = fig.add_subplot(grid[0])
    side = fig.add_subplot(grid[1], sharey=ax)
    lines = LineCollection([], colors=GREY, linewidths=0.6, alpha=0.35)
    ax.add_collection(lines)
    now = ax.axvline(path.t, color=ORANGE, linewidth=1.2)
    dots = ax.scatter([], [], s=7, color=INDIGO, zorder=3)
    dots.set_rasterized(True)  # hundreds of dots weigh less in the static SVG as pixels
    ax.set_xlim(0, 1)
    ax.set_ylim(-LIMIT_1D, LIMIT_1D)
    ax.set_xlabel("time $t$ (0 = noise, 1 = data)")
    ax.set_ylabel("$x$")
    title = ax.set_title("", fontsize=10)
    title_break = "\n" if tall else " "  # in a tall figure the title is wider than the panel

    width = BINS_1D[1] - BINS_1D[0]
    bars = side.barh(BINS_1D[:-1], np.zeros(len(BINS_1D) - 1), height=width, align="edge", color=INDIGO, alpha=0.55)
    xs = np.linspace(-LIMIT_1D, LIMIT_1D, 301)
    side.plot(bimodal_path_density(xs, 0.0), xs, color=GREY, linestyle=":", linewidth=1, label="$p_0$")
    side.plot(bimodal_path_density(xs, 1.0), xs, color=GREY, linestyle="--", linewidth=1, label="$p_1$")
    (curve,) = side.plot([], [], color=ORANGE, linewidth=1.8, label="exact $p_t$")
    side.set_xlim(0, 0.75)
    side.set_xticks([0.2, 0.4, 0.6])
    side.set_xlabel("density")
    side.tick_params(labelleft=False)
    side.legend(loc="upper right", frameon=False, fontsize=8)

    def update(p: PathSample) -> None:
        shown = slice(0, p.n_pairs)
        starts = np.column_stack([np.zeros(p.n_pairs), p.x0[shown, 0]])  # (t = 0, x_0)
        ends = np.column_stack([np.ones(p.n_pairs), p.x1[shown, 0]])  # (t = 1, x_1)
        lines.set_segments(np.stack([starts, ends], axis=1))
        now.set_xdata([p.t, p.t])
        dots.set_offsets(np.column_stack([np.full(len(p.xt), p.t), p.xt[:, 0]]))
        index = np.floor((p.xt[:, 0] + LIMIT_1D) / width).astype(np.intp)
        inside = (index >= 0) & (index < len(bars))
        counts = np.bincount(index[inside], minlength=len(bars))
        for bar, h in zip(bars, counts / (len(p.xt) * width)):
            bar.set_width(h)
        curve.set_data(bimodal_path_density(xs, p.t), xs)
        title.set_text(f"pairs $x_0 \\to x_1$ and{title_break}the points $x_t$ at $t$ = {p.t:.2f}")

    # What changes with t, and what is drawn over it (the side panel's whole
    # content, both frames), is redrawn on each change; the rest is kept
    # (see "Sliders that keep up" in the authoring guide)
    for artist in (lines, now, dots, title, *ax.spines.values(), *side.patches, *side.lines, side.get_legend(), *side.spines.values()):
        artist.set_animated(True)
    update(path)
    if tall:
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.1, top=0.89)
    else:
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9)
    return update


def _draw_2d(path: PathSample, fig):
    """One plane: faint segments x_0 -> x_1, the target's samples, the points x_t."""
    tall = _is_tall(fig)
    ax = fig.add_subplot()
    lines = LineCollection([], colors=GREY, linewidths=0.6, alpha=0.45, label="pairs $x_0 \\to x_1$")
    ax.add_collection(lines)
    ends = ax.scatter([], [], s=5, color=ORANGE, alpha=0.35, label="target samples $x_1$")
    dots = ax.scatter([], [], s=8, color=INDIGO, zorder=3, label="$x_t$")
    for cloud in (ends, dots):  # lighter in the static SVG as pixels, as in 1-D
        cloud.set_rasterized(True)
    ax.set_xlim(-LIMIT_2D, LIMIT_2D)
    ax.set_ylim(-LIMIT_2D, LIMIT_2D)
    ax.set_aspect("equal")
    ax.set_xlabel("$x^{(1)}$")
    ax.set_ylabel("$x^{(2)}$")
    if tall:  # no room beside the plane: the legend goes below it
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False, fontsize=9)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.04, 1.0), frameon=False, fontsize=9)
    title = ax.set_title("", fontsize=10)

    def update(p: PathSample) -> None:
        shown = slice(0, p.n_pairs)
        lines.set_segments(np.stack([p.x0[shown], p.x1[shown]], axis=1))
        ends.set_offsets(p.x1)
        dots.set_offsets(p.xt)
        title.set_text(f"{p.target}: $x_t$ at $t$ = {p.t:.2f}")

    for artist in (lines, ends, dots, title, *ax.spines.values()):  # redrawn on each change, as in 1-D
        artist.set_animated(True)
    update(path)
    if tall:
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.25, top=0.93)
    else:
        fig.subplots_adjust(left=0.1, right=0.7, bottom=0.13, top=0.9)
    return update
