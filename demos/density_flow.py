"""Probability is conserved along the flow: the continuity equation in one dimension.

Particles drawn from p_0 = N(0, 1) and moved by the marginal field u_t are
distributed as p_t at every time. The density obeys the continuity equation

    d/dt p_t(x) + d/dx (p_t(x) u_t(x)) = 0,

and along one particle X_t it reads d/dt log p_t(X_t) = -u_t'(X_t): where
the field spreads particles apart (u' > 0) the density falls, where it
squeezes them together it rises. So p_t(x) can be computed from p_0 alone,
by following x backwards to time 0 and adding up the divergence on the way:

    log p_t(x) = log p_0(x_0) - integral_0^t u_s'(X_s) ds.

For a target that is a mixture of Gaussians, u_t, its divergence and the
true p_t all have closed forms, so the demo can set the histogram of moved
particles, the density the equation predicts and the exact p_t side by side.
The functions below work in any dimension; demos/likelihood_map.py uses them
in the plane.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from demos import probability_path as pp
from demos import velocity_field as vf

FIGSIZE = (7.2, 3.4)
NARROW_FIGSIZE = (3.8, 5.6)  # on a phone: the log-density panel below the histogram

# The 1-D target of "Probability paths and velocity fields": 0.3 N(-2, 0.5^2) + 0.7 N(2, 0.5^2)
TARGET_1D = vf.Mixture(pp.BIMODAL_WEIGHTS, pp.BIMODAL_MEANS[:, None], pp.BIMODAL_STD)
N_STEPS = 100  # midpoint steps from t = 0 to t = 1 for the particles; the slider moves in 0.01
LIMIT = 4.5
BINS = np.linspace(-LIMIT, LIMIT, 46)
CURVE_X = np.linspace(-LIMIT, LIMIT, 91)
N_TRACKED = 5  # particles (at 5 quantiles of the start) whose log-density is followed in the second panel


# The exact field of a Gaussian mixture, in any dimension -----------------------------


def _posterior(x: np.ndarray, t: float, mix: vf.Mixture):
    """The probability pi_k(x) that a point at x at time t heads for blob k,
    the variance v_t of x_t given the blob, and log p_t(x).

    Given blob k, x_t ~ N(t m_k, v_t I) with v_t = (1 - t)^2 + t^2 s^2, so
    p_t is a mixture of these and pi_k is Bayes' rule between them.
    """
    var = (1.0 - t) ** 2 + t**2 * mix.std**2
    d = mix.means.shape[1]
    logits = np.log(mix.weights) - sum((x[:, j : j + 1] - t * mix.means[:, j]) ** 2 for j in range(d)) / (2 * var)
    top = logits.max(axis=1, keepdims=True)
    odds = np.exp(logits - top)
    total = odds.sum(axis=1, keepdims=True)
    log_p = top[:, 0] + np.log(total[:, 0]) - d / 2 * math.log(2 * math.pi * var)
    return odds / total, var, log_p


def log_density(x: np.ndarray, t: float, mix: vf.Mixture) -> np.ndarray:
    """log p_t(x), exactly: the path's density, a mixture of N(t m_k, v_t I)."""
    return _posterior(np.atleast_2d(x), t, mix)[2]


def field_and_divergence(x: np.ndarray, t: float, mix: vf.Mixture) -> tuple[np.ndarray, np.ndarray]:
    """u_t(x) = mbar + c_t (x - t mbar) and its divergence, both exact.

    mbar(x) = sum_k pi_k m_k is the posterior mean of the blob's centre and
    c_t = (t s^2 - (1 - t)) / v_t (see demos/velocity_field.py). Moving x
    shifts the posterior: the Jacobian of mbar is (t / v_t) times the
    posterior covariance of the centres, so its trace is (t / v_t) times
    their spread E|m|^2 - |mbar|^2, and

        div u_t(x) = d c_t + (1 - c_t t) (t / v_t) (E|m|^2 - |mbar|^2).
    """
    post, var, _ = _posterior(x, t, mix)
    d = mix.means.shape[1]
    mbar = np.stack([post @ mix.means[:, j] for j in range(d)], axis=1)  # column by column: no BLAS in the browser
    c = (t * mix.std**2 - (1.0 - t)) / var
    spread = post @ np.sum(mix.means**2, axis=1) - np.sum(mbar**2, axis=1)
    return mbar + c * (x - t * mbar), d * c + (1.0 - c * t) * (t / var) * spread


def field(x: np.ndarray, t: float, mix: vf.Mixture) -> np.ndarray:
    """u_t(x) alone, for the half steps that need no divergence."""
    post, var, _ = _posterior(x, t, mix)
    mbar = np.stack([post @ mix.means[:, j] for j in range(mix.means.shape[1])], axis=1)
    c = (t * mix.std**2 - (1.0 - t)) / var
    return mbar + c * (x - t * mbar)


def log_density_by_flow(x: np.ndarray, t: float, mix: vf.Mixture, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """log p_t(x) from p_0 and the field alone: follow x back to time 0 with
    midpoint steps, adding up the divergence on the way,

        log p_t(x) = log p_0(x_0) - integral_0^t div u_s(X_s) ds.

    Returns (log p_t(x), x_0). Costs one field and divergence per half step.
    """
    y = np.array(np.atleast_2d(x), dtype=float)
    integral = np.zeros(len(y))
    h = t / steps
    for i in range(steps):
        s = t - i * h
        y_mid = y - h / 2 * field(y, s, mix)
        u_mid, div_mid = field_and_divergence(y_mid, s - h / 2, mix)
        integral += h * div_mid
        y -= h * u_mid
    return standard_normal_log_density(y) - integral, y


def standard_normal_log_density(x: np.ndarray) -> np.ndarray:
    """log p_0(x) for p_0 = N(0, I)."""
    return -0.5 * np.sum(x**2, axis=1) - x.shape[1] / 2 * math.log(2 * math.pi)


def flow_forward(x0: np.ndarray, mix: vf.Mixture, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Move x0 from t = 0 to t = 1 along u_t with midpoint steps, carrying the
    log-density along: d/dt log p_t(X_t) = -div u_t(X_t).

    Returns every position, (steps + 1, n, d), and every log-density, (steps + 1, n).
    """
    h = 1.0 / steps
    path = np.empty((steps + 1,) + x0.shape)
    logs = np.empty((steps + 1, len(x0)))
    path[0], logs[0] = x0, standard_normal_log_density(x0)
    for i in range(steps):
        y, t = path[i], i * h
        y_mid = y + h / 2 * field(y, t, mix)
        u_mid, div_mid = field_and_divergence(y_mid, t + h / 2, mix)
        path[i + 1] = y + h * u_mid
        logs[i + 1] = logs[i] - h * div_mid
    return path, logs


# The 1-D demo -------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def particles(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """n particles from N(0, 1) moved by the field, computed once per (n, seed).

    Returns the positions (N_STEPS + 1, n), the log-density each carried
    along (N_STEPS + 1, n), which particles the second panel follows, and
    their exact log p_t(X_t) at every step, (N_TRACKED, N_STEPS + 1).
    """
    x0 = np.random.default_rng(seed).standard_normal((n, 1))
    path, logs = flow_forward(x0, TARGET_1D, N_STEPS)
    tracked = _tracked(path[0, :, 0])
    times = np.linspace(0, 1, N_STEPS + 1)
    exact_along = np.array([log_density(path[i, tracked], s, TARGET_1D) for i, s in enumerate(times)]).T
    return path[..., 0], logs, tracked, exact_along


@functools.lru_cache(maxsize=128)
def predicted_density(step: int) -> np.ndarray:
    """p_t on CURVE_X by the continuity equation (t = step / N_STEPS): each
    place followed back to time 0, in steps of at most 0.02."""
    t = step / N_STEPS
    if step == 0:
        return np.exp(standard_normal_log_density(CURVE_X[:, None]))
    return np.exp(log_density_by_flow(CURVE_X[:, None], t, TARGET_1D, max(1, math.ceil(t / 0.02)))[0])


@dataclass(frozen=True)
class Snapshot:
    """Particles moved by the field up to time t, and the densities they should follow."""

    t: float
    histogram: np.ndarray  # (len(BINS) - 1,) the particles' density, per unit length
    predicted: np.ndarray  # p_t on CURVE_X by the divergence integral
    exact: np.ndarray  # p_t on CURVE_X in closed form
    times: np.ndarray  # (step + 1,) 0 ... t
    carried: np.ndarray  # (N_TRACKED, step + 1) log p along the tracked particles, integrated
    exact_along: np.ndarray  # (N_TRACKED, N_STEPS + 1) log p_s(X_s) in closed form, the whole way
    n: int

    @property
    def worst_gap(self) -> float:
        """Largest |carried - exact| log-density of the tracked particles so far."""
        return float(np.max(np.abs(self.carried - self.exact_along[:, : self.carried.shape[1]])))


def compute(t: float = 0.5, n_particles: int = 2000, seed: int = 0) -> Snapshot:
    """The particles at time t (to the nearest 0.01), their histogram and the two densities."""
    t, n = float(t), int(n_particles)
    if not 0 <= t <= 1:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    if not 10 <= n <= 20_000:
        raise ValueError(f"n_particles must be between 10 and 20,000, got {n}")
    step = round(t * N_STEPS)
    path, logs, tracked, exact_along = particles(n, int(seed))
    counts, _ = np.histogram(path[step], BINS)
    return Snapshot(
        t=step / N_STEPS,
        histogram=counts / (n * np.diff(BINS)),
        predicted=predicted_density(step),
        exact=np.exp(log_density(CURVE_X[:, None], step / N_STEPS, TARGET_1D)),
        times=np.linspace(0, 1, N_STEPS + 1)[: step + 1],
        carried=logs[: step + 1, tracked].T,
        exact_along=exact_along,
        n=n,
    )


def _tracked(x0: np.ndarray) -> np.ndarray:
    """Which particles the second panel follows: those starting nearest a few
    quantiles of the crowd, from its left edge to its right."""
    order = np.argsort(x0)
    return order[(np.array([0.03, 0.25, 0.5, 0.75, 0.97]) * (len(x0) - 1)).astype(int)]


def describe(s: Snapshot) -> str:
    """A one-line readout, also the figure's text alternative."""
    worst = float(np.max(np.abs(s.predicted - s.exact)))
    return (
        f"t = {s.t:.2f}: {s.n:,} particles moved by the field (histogram) against p_t computed by the "
        f"continuity equation (largest difference from the exact p_t: {worst:.1e}). Along {N_TRACKED} particles, "
        f"log p carried by -div u differs from the exact value by at most {s.worst_gap:.1e}."
    )


HIST_COLOUR, PREDICTED_COLOUR, EXACT_COLOUR = "#ef6c00", "#283593", "#212121"
TRACK_COLOURS = ("#283593", "#00897b", "#6d4c41", "#8e24aa", "#c62828")


def draw(s: Snapshot, fig):
    """Left (or top): histogram against the densities. Right (or below): log p
    carried along a few particles against its exact value. Returns an updater."""
    tall = fig.get_figheight() > fig.get_figwidth()
    ax, ax_l = fig.subplots(2, 1) if tall else fig.subplots(1, 2, width_ratios=(3, 2))
    hist = ax.stairs(s.histogram, BINS, fill=True, color=HIST_COLOUR, alpha=0.35, label="particles moved by $u_t$")
    (predicted,) = ax.plot(CURVE_X, s.predicted, color=PREDICTED_COLOUR, linewidth=2, label="$p_t$ by the divergence integral")
    (exact,) = ax.plot(CURVE_X, s.exact, color=EXACT_COLOUR, linewidth=1, linestyle=":", label="$p_t$ exact")
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(0, 0.75)
    ax.set_xlabel("$x$", fontsize=9)
    ax.set_ylabel("density", fontsize=9)
    ax.tick_params(labelsize=8)
    legend = ax.legend(fontsize=7, loc="upper left", framealpha=0.9)
    title = ax.set_title("", fontsize=10)

    all_times = np.linspace(0, 1, N_STEPS + 1)
    exact_lines = [ax_l.plot(all_times, row, color=c, linewidth=0.8, linestyle=":")[0] for row, c in zip(s.exact_along, TRACK_COLOURS)]
    carried = [ax_l.plot([], [], color=c, linewidth=1.8)[0] for c in TRACK_COLOURS]
    ax_l.set_xlim(0, 1)
    ax_l.set_ylim(-3.5, 0.2)
    ax_l.set_xlabel("time $t$", fontsize=9)
    ax_l.set_title("$\\log p_t(X_t)$ along 5 particles", fontsize=10)
    ax_l.tick_params(labelsize=8)
    key = ax_l.text(0.03, 0.04, "solid: carried by $-u_t'$\ndotted: exact", transform=ax_l.transAxes, fontsize=7, va="bottom")
    for artist in (hist, predicted, exact, legend, title, *exact_lines, *carried, key, *ax.spines.values(), *ax_l.spines.values()):
        artist.set_animated(True)

    def update(s: Snapshot) -> None:
        hist.set_data(s.histogram, BINS)
        predicted.set_ydata(s.predicted)
        exact.set_ydata(s.exact)
        for line, row in zip(exact_lines, s.exact_along):
            line.set_ydata(row)
        for line, row in zip(carried, s.carried):
            line.set_data(s.times, row)
        title.set_text(f"t = {s.t:.2f}: {s.n:,} particles")

    update(s)
    fig.tight_layout()
    return update
