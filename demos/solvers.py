"""ODE solvers against the number of network evaluations, on a field known exactly.

The field is the closed-form marginal velocity of a Gaussian mixture
(demos/velocity_field.py), so no network error blurs the picture: the only
error left is the solver's. Euler, Heun and classical Runge-Kutta (RK4)
spend 1, 2 and 4 evaluations of the field (NFE) per step; their error at
t = 1 shrinks like NFE^-1, NFE^-2 and NFE^-4, three straight lines of
slopes -1, -2 and -4 on a log-log plot. The trajectories themselves bend:
each pair (x0, x1) moves in a straight line, but the field averages the
pairs passing through a point, and that average turns as t grows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection

from demos import velocity_field as vf

TARGET = "8 Gaussians"
COST = {"Euler": 1, "Heun": 2, "RK4": 4}  # field evaluations per step
NFE_GRID = (4, 8, 16, 32, 64, 128)  # the budgets the error curves are measured at
REFERENCE_STEPS = 256  # RK4 steps of the reference solution: far below every error shown
N_PARTICLES = 200
N_TRAILS = 60  # trajectories drawn (the error is measured on all particles)
LIM = 4.5
FIGSIZE = (7.2, 3.8)
NARROW_FIGSIZE = (3.9, 6.6)  # on a phone: the plot above the plane
COLOURS = {"Euler": "#c62828", "Heun": "#283593", "RK4": "#2e7d32"}
GREY = "#9e9e9e"


def field(x: np.ndarray, t: float) -> np.ndarray:
    """The exact marginal velocity u_t(x) of the target mixture."""
    return vf.marginal_velocity(x, t, vf.TARGETS[TARGET])


def step(method: str, f, x: np.ndarray, t: float, h: float) -> np.ndarray:
    """One step of size h from (x, t) with the named method."""
    if method == "Euler":
        return x + h * f(x, t)
    if method == "Heun":  # Euler's guess, then the average of the slopes at both ends
        k1 = f(x, t)
        k2 = f(x + h * k1, t + h)
        return x + h / 2 * (k1 + k2)
    if method == "RK4":
        k1 = f(x, t)
        k2 = f(x + h / 2 * k1, t + h / 2)
        k3 = f(x + h / 2 * k2, t + h / 2)
        k4 = f(x + h * k3, t + h)
        return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    raise ValueError(f"method must be one of {sorted(COST)}, got {method!r}")


def solve(method: str, x0: np.ndarray, nfe: int, f=field) -> np.ndarray:
    """Follow dx/dt = f(x, t) from t = 0 to 1 spending at most nfe evaluations
    (at least one step); return the path, shape (steps + 1, n, 2)."""
    steps = max(1, int(nfe) // COST[method])
    h = 1.0 / steps
    path = np.empty((steps + 1,) + np.shape(x0))
    path[0] = x = np.asarray(x0, dtype=float)
    for k in range(steps):
        x = path[k + 1] = step(method, f, x, k * h, h)
    return path


@functools.lru_cache(maxsize=4)
def noise(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((N_PARTICLES, 2))


@functools.lru_cache(maxsize=4)
def reference(seed: int = 0) -> np.ndarray:
    """The exact flow's path (RK4 with REFERENCE_STEPS steps), every 16th step kept."""
    return solve("RK4", noise(seed), 4 * REFERENCE_STEPS)[::8]


def error(path: np.ndarray, seed: int = 0) -> float:
    """Mean distance between the solver's end points and the exact flow's."""
    return float(np.mean(np.linalg.norm(path[-1] - reference(seed)[-1], axis=1)))


@functools.lru_cache(maxsize=4)
def error_curves(seed: int = 0) -> dict[str, np.ndarray]:
    """Each method's error at each budget of NFE_GRID."""
    return {m: np.array([error(solve(m, noise(seed), n), seed) for n in NFE_GRID]) for m in COST}


def slope(errors: np.ndarray, nfes=NFE_GRID) -> float:
    """The slope of log error against log NFE over the last doubling of the
    budget, where each method is closest to its asymptotic order."""
    return float(np.log(errors[-1] / errors[-2]) / np.log(nfes[-1] / nfes[-2]))


@dataclass(frozen=True)
class SolverRun:
    method: str
    nfe: int  # evaluations actually spent (a multiple of the method's cost)
    path: np.ndarray  # (steps + 1, N, 2)
    error: float
    curves: dict
    reference: np.ndarray  # (R, N, 2)


def compute(method: str = "Euler", nfe: int = 8) -> SolverRun:
    if method not in COST:
        raise ValueError(f"method must be one of {sorted(COST)}, got {method!r}")
    path = solve(method, noise(), nfe)
    spent = (len(path) - 1) * COST[method]
    return SolverRun(method, spent, path, error(path), error_curves(), reference())


def describe(run: SolverRun) -> str:
    return (
        f"{run.method}, {_steps(run)} = {run.nfe} evaluations: "
        f"end points {run.error:.3g} from the exact flow's on average"
    )


def _steps(run: SolverRun) -> str:
    steps = len(run.path) - 1
    return f"{steps} step{'s' if steps > 1 else ''}"


def _title(run: SolverRun) -> str:
    return f"{run.method}, {_steps(run)} ({run.nfe} NFE)"


def draw(run: SolverRun, fig):
    tall = fig.get_figheight() > fig.get_figwidth()
    ax_err, ax_xy = fig.subplots(2, 1) if tall else fig.subplots(1, 2)
    for m, errs in run.curves.items():
        ax_err.loglog(NFE_GRID, errs, "o-", color=COLOURS[m], ms=3, label=f"{m}: slope {slope(errs):.1f}")
    ax_err.set_xlabel("network evaluations (NFE)")
    ax_err.set_ylabel("error at $t = 1$")
    ax_err.legend(fontsize=8, loc="lower left")
    ax_err.set_xlim(3, 180)
    (marker,) = ax_err.plot([], [], "o", ms=9, mfc="none", mec="black", mew=1.5)

    ref = run.reference
    ax_xy.add_collection(LineCollection(ref[:, :N_TRAILS].transpose(1, 0, 2), colors=GREY, lw=0.8))
    ax_xy.plot(ref[-1, :, 0], ref[-1, :, 1], ".", color=GREY, ms=2)
    trails = LineCollection([], lw=0.9)
    ax_xy.add_collection(trails)
    (ends,) = ax_xy.plot([], [], ".", ms=2.5)
    ax_xy.set_xlim(-LIM, LIM)
    ax_xy.set_ylim(-LIM, LIM)
    ax_xy.set_aspect("equal")
    ax_xy.set_xticks([])
    ax_xy.set_yticks([])
    # inside the square, not above it: a title over an equal-aspect axes can
    # stick out of the figure's top edge
    title = ax_xy.text(0.02, 0.98, _title(run), transform=ax_xy.transAxes, fontsize=9, va="top")
    ax_xy.text(0.02, 0.02, "grey: exact flow", transform=ax_xy.transAxes, fontsize=8, color="#616161")
    fig.tight_layout()
    for artist in (marker, trails, ends, title, *ax_xy.spines.values()):
        artist.set_animated(True)

    def update(r: SolverRun) -> None:
        colour = COLOURS[r.method]
        marker.set_data([r.nfe], [r.error])
        trails.set_segments(list(r.path[:, :N_TRAILS].transpose(1, 0, 2)))
        trails.set_color(colour)
        ends.set_data(r.path[-1, :, 0], r.path[-1, :, 1])
        ends.set_color(colour)
        title.set_text(_title(r))

    update(run)
    return update
