"""The marginalisation trick in one dimension, on a data set of two points.

Data x1 = -1 or +1, each with probability 1/2; noise x0 ~ N(0, 1); the
straight line x_t = (1 - t) x0 + t x1 moves at the velocity x1 - x0. At a
time t, plot each random line as a dot: its place x_t across, its velocity
up. The dots above one place scatter; their mean is the marginal field

    u_t(x) = (tanh(t x / (1 - t)^2) - x) / (1 - t),

and their variance, averaged over places, is the loss floor C_t at that
time: the part of the flow-matching loss that no network can remove.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 3.4)
NARROW_FIGSIZE = (3.8, 5.6)  # on a phone: the floor's curve below the cloud
X_LIM, V_LIM = 3.2, 4.5
T_MAX = 0.95  # the field divides by 1 - t; beyond this the dots have all but arrived
CURVE_X = np.linspace(-X_LIM, X_LIM, 161)


def posterior_mean(x, t: float) -> np.ndarray:
    """E[x1 | x_t = x] = tanh(t x / (1 - t)^2): Bayes' rule between N(-t, (1-t)^2) and N(t, (1-t)^2)."""
    return np.tanh(t * np.asarray(x, dtype=float) / (1 - t) ** 2)


def field(x, t: float) -> np.ndarray:
    """u_t(x) = E[x1 - x0 | x_t = x] = (E[x1 | x] - x) / (1 - t)."""
    return (posterior_mean(x, t) - np.asarray(x, dtype=float)) / (1 - t)


def spread(x, t: float) -> np.ndarray:
    """Var(x1 - x0 | x_t = x) = Var(x1 | x) / (1 - t)^2 = (1 - tanh^2) / (1 - t)^2."""
    return (1 - posterior_mean(x, t) ** 2) / (1 - t) ** 2


@functools.lru_cache(maxsize=64)
def floor_at(t: float, nodes: int = 80) -> float:
    """C_t = E[Var(x1 - x0 | x_t)], by Gauss-Hermite quadrature over x0 (x1 = +1
    suffices: the two points are mirror images)."""
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    return float(w @ spread(t + (1 - t) * z, t) / w.sum())


@functools.lru_cache(maxsize=1)
def floor_curve(n: int = 96) -> tuple[np.ndarray, np.ndarray, float]:
    """(times, C_t at them, C = the average over t in [0, 1]) by Gauss-Legendre in t."""
    s, w = np.polynomial.legendre.leggauss(n)
    times = (s + 1) / 2
    values = np.array([floor_at(t) for t in times])
    return times, values, float(w @ values / 2)


@dataclass(frozen=True)
class Slice:
    """The random lines at one time, the exact field through them and the floor."""

    t: float
    places: np.ndarray  # x_t of each line
    velocities: np.ndarray  # x1 - x0 of each line
    mean: np.ndarray  # u_t on CURVE_X
    sd: np.ndarray  # sqrt(Var(x1 - x0 | x_t)) on CURVE_X
    floor_t: float  # C_t
    residual: float  # mean (x1 - x0 - u_t(x_t))^2 over these lines: a Monte Carlo C_t
    floor: float  # C, over all times


def compute(t: float = 0.5, n_lines: int = 400, seed: int = 0) -> Slice:
    """n_lines random lines at time t, and the exact answers they scatter around."""
    t, n_lines = float(t), int(n_lines)
    if not 0 <= t <= T_MAX:
        raise ValueError(f"t must be between 0 and {T_MAX}, got {t}")
    if not 1 <= n_lines <= 5000:
        raise ValueError(f"n_lines must be between 1 and 5,000, got {n_lines}")
    rng = np.random.default_rng(seed)
    x0, x1 = rng.standard_normal(n_lines), rng.choice([-1.0, 1.0], n_lines)
    places, velocities = (1 - t) * x0 + t * x1, x1 - x0
    return Slice(
        t=t,
        places=places,
        velocities=velocities,
        mean=field(CURVE_X, t),
        sd=np.sqrt(spread(CURVE_X, t)),
        floor_t=floor_at(round(t, 6)),
        residual=float(np.mean((velocities - field(places, t)) ** 2)),
        floor=floor_curve()[2],
    )


def describe(s: Slice) -> str:
    """A one-line readout, also the figure's text alternative."""
    return (
        f"t = {s.t:.2f}: {len(s.places)} random lines, each a dot at its place x_t and velocity x1 - x0. "
        f"Their mean at each place is u_t(x) (the curve). Floor at this time C_t = {s.floor_t:.3f} "
        f"(these dots: {s.residual:.3f}); over all times C = {s.floor:.3f}."
    )


DOT_COLOUR, MEAN_COLOUR, BAND_COLOUR, FLOOR_COLOUR = "#9e9e9e", "#283593", "#7986cb", "#e65100"


def draw(s: Slice, fig):
    """Left (or top): the dots and the field with its +-1 sd band. Right (or
    below): C_t against t, a dot at this t. Returns an updater."""
    tall = fig.get_figheight() > fig.get_figwidth()
    ax, ax_c = fig.subplots(2, 1, height_ratios=(3, 2)) if tall else fig.subplots(1, 2, width_ratios=(3, 2))
    dots = ax.scatter(s.places, s.velocities, s=6, color=DOT_COLOUR, linewidths=0, alpha=0.7, label="one line: $(x_t,\\ x_1 - x_0)$")
    (mean,) = ax.plot(CURVE_X, s.mean, color=MEAN_COLOUR, linewidth=2, label="$u_t(x)$, their mean")
    (upper,) = ax.plot(CURVE_X, s.mean + s.sd, color=BAND_COLOUR, linewidth=1, linestyle="--", label="mean ± one s.d.")
    (lower,) = ax.plot(CURVE_X, s.mean - s.sd, color=BAND_COLOUR, linewidth=1, linestyle="--")
    ax.set_xlim(-X_LIM, X_LIM)
    ax.set_ylim(-V_LIM, V_LIM)
    ax.set_xlabel("place $x_t$", fontsize=9)
    ax.set_ylabel("velocity $x_1 - x_0$", fontsize=9)
    ax.tick_params(labelsize=8)
    legend = ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    title = ax.set_title("", fontsize=10)

    times, values, floor = floor_curve()
    ax_c.plot(np.r_[0, times, 1], np.r_[floor_at(0.0), values, 0], color=FLOOR_COLOUR, linewidth=1.5)
    ax_c.axhline(floor, color=FLOOR_COLOUR, linestyle=":", linewidth=1)
    average = ax_c.text(0.98, floor + 0.05, f"average C = {floor:.2f}", fontsize=8, color=FLOOR_COLOUR, va="bottom", ha="right")
    (here,) = ax_c.plot([s.t], [s.floor_t], "o", color=FLOOR_COLOUR, markersize=6)
    ax_c.set_xlim(0, 1)
    ax_c.set_ylim(0, 2.1)
    ax_c.set_xlabel("time $t$", fontsize=9)
    ax_c.set_title("floor $C_t$ at each time", fontsize=10)
    ax_c.tick_params(labelsize=8)
    # What changes with t, plus what is drawn over it: the frames and the
    # legend, which steep curves cross, and the label the moving dot can pass
    # under ("Sliders that keep up")
    for artist in (dots, mean, upper, lower, title, here, legend, average, *ax.spines.values(), *ax_c.spines.values()):
        artist.set_animated(True)
    dots.set_rasterized(True)

    def update(s: Slice) -> None:
        dots.set_offsets(np.column_stack([s.places, s.velocities]))
        mean.set_ydata(s.mean)
        upper.set_ydata(s.mean + s.sd)
        lower.set_ydata(s.mean - s.sd)
        here.set_data([s.t], [s.floor_t])
        title.set_text(f"t = {s.t:.2f}: $C_t$ = {s.floor_t:.2f}")

    update(s)
    fig.tight_layout()
    return update
