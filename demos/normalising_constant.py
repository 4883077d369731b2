"""Why normalising is hard: the cost of computing Z grows exponentially with dimension.

An unnormalised density q(x) = exp(-E(x)) becomes a probability density only
after dividing by Z = ∫ exp(-E(x)) dx. Two generic ways to get Z:

- a grid with k points per axis over a box: k^d evaluations of exp(-E) in
  d dimensions, which is hopeless beyond a handful of dimensions;
- Monte Carlo: average exp(-E(x)) / q(x) over n samples from a proposal q; the
  cost is n, but the error grows exponentially with d unless q already
  resembles the target (which needs knowing the target).

The energies are sums over coordinates, so the true Z is the d-th power of
a 1-D integral and can be checked; the estimators do not use that shortcut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

FIGSIZE = (7.2, 3.6)
NARROW_FIGSIZE = (3.8, 7.0)  # on a phone: cost above error

DIMENSIONS = np.arange(1, 11, dtype=np.int64)
BOX = 6.0  # the grid and the uniform proposal live in [-BOX, BOX]^d
MAX_GRID_POINTS = 1_000_000  # never materialise a larger grid in the browser
ENERGIES = ("Gaussian", "double well")
PROPOSALS = ("uniform box", "Gaussian N(0, I)")
ERROR_FLOOR = 1e-12  # relative errors below this are drawn at the floor

# A fine 1-D quadrature grid for the reference values (exact up to ~1e-12).
_FINE = np.linspace(-12.0, 12.0, 48_001)
_FINE_STEP = _FINE[1] - _FINE[0]

INDIGO = "#3949ab"
ORANGE = "#e65100"
GREY = "#757575"


@dataclass(frozen=True)
class Estimates:
    """Grid and Monte Carlo estimates of Z for d = 1..10, with their costs."""

    energy: str
    proposal: str
    sigma: float
    points_per_axis: int
    n_samples: int
    dimension: int  # the dimension the readout talks about
    z_true: np.ndarray  # (10,) the exact Z in each dimension
    grid_cost: np.ndarray  # (10,) k^d evaluations, as floats (may exceed 2^63)
    grid_z: np.ndarray  # (10,) the grid estimate, nan where the grid is too large
    mc_z: np.ndarray  # (10,) the Monte Carlo estimate
    mc_expected_error: np.ndarray  # (10,) standard deviation of mc_z / z_true

    @property
    def grid_error(self) -> np.ndarray:
        """|grid estimate / Z - 1|, nan where the grid was too large to compute."""
        return np.abs(self.grid_z / self.z_true - 1)

    @property
    def mc_error(self) -> np.ndarray:
        """|Monte Carlo estimate / Z - 1|."""
        return np.abs(self.mc_z / self.z_true - 1)

    @property
    def computed(self) -> np.ndarray:
        """Which dimensions the grid was small enough to evaluate."""
        return ~np.isnan(self.grid_z)


# Functions ------------------------------------------------------------------


def energy_1d(x: np.ndarray, energy: str, sigma: float) -> np.ndarray:
    """The energy of one coordinate; E(x) is the sum over coordinates.

    Gaussian: x^2 / (2 sigma^2), so Z = (sqrt(2 pi) sigma)^d.
    Double well: (x^2 - 4)^2 / (32 sigma^2), two wells at x = ±2 that look
    like Gaussians of standard deviation sigma near their bottoms.
    """
    if energy == "Gaussian":
        return x * x / (2 * sigma**2)
    if energy == "double well":
        return (x * x - 4.0) ** 2 / (32 * sigma**2)
    raise ValueError(f"energy must be one of {', '.join(ENERGIES)}, got {energy!r}")


def exact_z_1d(energy: str, sigma: float) -> float:
    """Z in one dimension: closed form for the Gaussian, fine quadrature otherwise."""
    if energy == "Gaussian":
        return math.sqrt(2 * math.pi) * sigma
    return float(np.sum(np.exp(-energy_1d(_FINE, energy, sigma))) * _FINE_STEP)


def grid_estimate(energy: str, sigma: float, k: int, d: int) -> float:
    """Midpoint rule with k points per axis on [-BOX, BOX]^d: k^d evaluations."""
    if k**d > MAX_GRID_POINTS:
        raise ValueError(f"a grid of {k}^{d} points is too large to evaluate here")
    step = 2 * BOX / k
    axis = -BOX + step * (np.arange(k) + 0.5)
    e1 = energy_1d(axis, energy, sigma)
    # E at every grid point, built one axis at a time: k, k^2, ..., k^d values.
    e = e1
    for _ in range(d - 1):
        e = (e[:, None] + e1[None, :]).ravel()
    return float(np.sum(np.exp(-e)) * step**d)


def _log_weights_1d(x: np.ndarray, energy: str, sigma: float, proposal: str) -> np.ndarray:
    """log(exp(-E(x)) / q(x)) for one coordinate and the proposal q."""
    if proposal == "uniform box":
        return -energy_1d(x, energy, sigma) + math.log(2 * BOX)
    return -energy_1d(x, energy, sigma) + x * x / 2 + 0.5 * math.log(2 * math.pi)


def _weight_ratio_1d(energy: str, sigma: float, proposal: str) -> float:
    """E_q[w^2] / E_q[w]^2 for one coordinate, by quadrature.

    For a product of d coordinates it is this number to the power d, and the
    relative standard deviation of an n-sample estimate is
    sqrt((ratio^d - 1) / n).
    """
    if proposal == "uniform box":
        x = _FINE[np.abs(_FINE) <= BOX]
        q = np.full_like(x, 1 / (2 * BOX))
    else:
        x = _FINE
        q = np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    f = np.exp(-energy_1d(x, energy, sigma))
    mean_w = np.sum(f) * _FINE_STEP
    mean_w2 = np.sum(f * f / q) * _FINE_STEP
    return float(mean_w2 / mean_w**2)


def compute(
    points_per_axis: int = 10,
    n_samples: int = 10_000,
    sigma: float = 1.0,
    energy: str = "Gaussian",
    proposal: str = "uniform box",
    dimension: int = 6,
    seed: int = 0,
) -> Estimates:
    """Estimate Z in d = 1..10 by a grid and by Monte Carlo."""
    k = int(points_per_axis)
    if not 2 <= k <= 100:
        raise ValueError(f"points_per_axis must be between 2 and 100, got {k}")
    n = int(n_samples)
    if not 10 <= n <= 200_000:
        raise ValueError(f"n_samples must be between 10 and 200,000, got {n}")
    sigma = float(sigma)
    if not 0.05 <= sigma <= 1.3:
        raise ValueError(f"sigma must be between 0.05 and 1.3, got {sigma}")
    if energy not in ENERGIES:
        raise ValueError(f"energy must be one of {', '.join(ENERGIES)}, got {energy!r}")
    if proposal not in PROPOSALS:
        raise ValueError(f"proposal must be one of {', '.join(PROPOSALS)}, got {proposal!r}")
    dimension = int(dimension)
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be between 1 and {DIMENSIONS[-1]}, got {dimension}")

    z_true = exact_z_1d(energy, sigma) ** DIMENSIONS.astype(float)
    grid_cost = float(k) ** DIMENSIONS
    grid_z = np.array([grid_estimate(energy, sigma, k, d) if k**d <= MAX_GRID_POINTS else np.nan for d in DIMENSIONS.tolist()])

    # One set of n samples in 10 dimensions; dimension d uses its first d
    # coordinates, so the log-weights of all d are one cumulative sum.
    rng = np.random.default_rng(seed)
    size = (n, DIMENSIONS[-1])
    x = rng.uniform(-BOX, BOX, size) if proposal == "uniform box" else rng.standard_normal(size)
    log_w = np.cumsum(_log_weights_1d(x, energy, sigma, proposal), axis=1)
    top = log_w.max(axis=0)
    mc_z = np.exp(top) * np.mean(np.exp(log_w - top), axis=0)

    ratio = _weight_ratio_1d(energy, sigma, proposal)
    expected = np.sqrt(np.maximum(ratio ** DIMENSIONS.astype(float) - 1, 0) / n)
    return Estimates(energy, proposal, sigma, k, n, dimension, z_true, grid_cost, grid_z, mc_z, expected)


def describe(est: Estimates) -> str:
    """One line: the highlighted dimension's costs and errors."""
    i = est.dimension - 1
    d, k = est.dimension, est.points_per_axis
    if est.computed[i]:
        grid = f"grid: {k}^{d} = {est.grid_cost[i]:,.0f} evaluations, relative error {est.grid_error[i]:.1e}"
    else:
        grid = f"grid: {k}^{d} = {est.grid_cost[i]:.2e} evaluations, too large to compute here"
    return (
        f"{est.energy} energy, sigma = {est.sigma:.2f}, d = {d}: true Z = {est.z_true[i]:.4g}; {grid}; "
        f"Monte Carlo ({est.proposal}): {est.n_samples:,} samples, relative error {est.mc_error[i]:.1e} "
        f"(standard deviation {est.mc_expected_error[i]:.1e})."
    )


# Drawing --------------------------------------------------------------------


def _floor(values: np.ndarray) -> np.ndarray:
    return np.maximum(values, ERROR_FLOOR)


def draw(est: Estimates, fig):
    """Left (above, in a tall figure): cost against dimension. Right (below): relative error against dimension."""
    tall = fig.get_figheight() > fig.get_figwidth()
    cost_ax, err_ax = fig.subplots(2, 1) if tall else fig.subplots(1, 2)
    (grid_line,) = cost_ax.plot(DIMENSIONS, est.grid_cost, color=INDIGO, linewidth=1.2, label="grid: $k^d$")
    grid_done = cost_ax.scatter([], [], s=22, color=INDIGO, zorder=3, label="grid, computed")
    grid_skip = cost_ax.scatter([], [], s=22, facecolors="white", edgecolors=INDIGO, zorder=3, label="grid, too large here")
    (mc_line,) = cost_ax.plot(
        DIMENSIONS, np.full(len(DIMENSIONS), est.n_samples),
        color=ORANGE, marker="o", markersize=3, linewidth=1.2, label="Monte Carlo: $n$",
    )
    # Named in the legend: a label on the line would sit on a grid point for some k
    cost_ax.axhline(MAX_GRID_POINTS, color=GREY, linestyle=":", linewidth=1, label="limit of this page")
    cost_ax.set_yscale("log")
    cost_ax.set_xlabel("dimension $d$")
    cost_ax.set_ylabel("evaluations of $e^{-E(x)}$")
    cost_ax.set_title("cost", fontsize=10)
    cost_ax.legend(loc="upper left", frameon=False, fontsize=7.5)
    cost_mark = cost_ax.axvline(est.dimension, color=GREY, linewidth=6, alpha=0.15)

    (grid_err,) = err_ax.plot([], [], color=INDIGO, marker="o", markersize=4, linewidth=1.2, label="grid")
    (mc_err,) = err_ax.plot([], [], color=ORANGE, marker="o", markersize=4, linewidth=1.2, label="Monte Carlo")
    (mc_typ,) = err_ax.plot([], [], color=ORANGE, linestyle="--", linewidth=1, label="Monte Carlo, standard deviation")
    err_ax.set_yscale("log")
    err_ax.set_xlabel("dimension $d$")
    err_ax.set_ylabel(r"relative error $|\hat Z / Z - 1|$")
    err_ax.set_title("", fontsize=10)
    err_ax.legend(loc="upper left", frameon=False, fontsize=7.5)
    err_mark = err_ax.axvline(est.dimension, color=GREY, linewidth=6, alpha=0.15)
    for ax in (cost_ax, err_ax):
        ax.set_xlim(0.5, DIMENSIONS[-1] + 0.5)
        ax.set_xticks(DIMENSIONS)
        # A few labelled powers of ten and no minor ticks: log axes spanning
        # twenty decades otherwise spend most of the drawing time on ticks.
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=7))
        ax.yaxis.set_minor_locator(NullLocator())

    def update(e: Estimates) -> None:
        done = e.computed
        grid_line.set_ydata(e.grid_cost)
        grid_done.set_offsets(np.column_stack([DIMENSIONS[done], e.grid_cost[done]]))
        grid_skip.set_offsets(np.column_stack([DIMENSIONS[~done], e.grid_cost[~done]]))
        mc_line.set_ydata(np.full(len(DIMENSIONS), e.n_samples))
        top = max(e.grid_cost[-1], e.n_samples, MAX_GRID_POINTS)
        # The legend fills the top third on the left: what is drawn there (the
        # limit, n, the grid in few dimensions) must stay in the lower 60%
        left = 3 * max(e.grid_cost[:4].max(), e.n_samples, MAX_GRID_POINTS)
        cost_ax.set_ylim(1, max(top * 30, left ** (1 / 0.6)))
        cost_ax.set_title(f"cost: $k$ = {e.points_per_axis} points per axis, $n$ = {e.n_samples:,}", fontsize=10)
        grid_err.set_data(DIMENSIONS[done], _floor(e.grid_error[done]))
        mc_err.set_data(DIMENSIONS, _floor(e.mc_error))
        mc_typ.set_data(DIMENSIONS, _floor(e.mc_expected_error))
        shown = np.concatenate([_floor(e.grid_error[done]), _floor(e.mc_error), _floor(e.mc_expected_error)])
        err_ax.set_ylim(max(ERROR_FLOOR, shown.min()) / 5, max(10.0, shown.max() * 5) * 1e3)  # room for the legend
        err_ax.set_title(f"error: {e.energy} energy, $\\sigma$ = {e.sigma:.2f}", fontsize=10)
        for mark in (cost_mark, err_mark):
            mark.set_xdata([e.dimension, e.dimension])

    update(est)
    if tall:
        fig.subplots_adjust(left=0.19, right=0.96, bottom=0.07, top=0.95, hspace=0.3)
    else:
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.9, wspace=0.32)
    return update
