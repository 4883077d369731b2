"""From the deterministic ODE to a stochastic sampler: same distribution, different paths.

For any noise level g_t >= 0 the stochastic differential equation

    dX = [u_t(X) + g_t^2 / 2 * grad log p_t(X)] dt + g_t dW

carries N(0, I) at t = 0 through the same distributions p_t as the ODE
dX = u_t(X) dt: the extra drift up the score exactly undoes the spreading
of the noise. g = 0 is the deterministic sampler (what DDIM does), g > 0 a
stochastic one (what DDPM's reverse process does). On the linear path the
score term's coefficient would blow up at t = 1 (score ~ -x0hat / (1 - t)),
so the demo takes g_t^2 = gamma^2 (1 - t): then g^2/2 * score = -gamma^2/2 *
x0hat stays bounded, and the noise fades out as the data is reached.

The target is a mixture of two blobs on the horizontal axis, so the
horizontal coordinate alone is a one-dimensional mixture whose density
p_t the figure shades behind the paths.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import gaussian_path as gp
from demos import velocity_field as vf

TARGET = vf.Mixture(np.array([0.4, 0.6]), np.array([[-2.0, 0.0], [1.5, 0.0]]), 0.3)
N_PARTICLES = 800
N_PATHS = 12  # paths drawn
STEPS = 100  # Euler(-Maruyama) steps from t = 0 to t = 1
LIM = 3.5
BINS = np.linspace(-LIM, LIM, 36)
LEVELS = np.linspace(-LIM, LIM, 71)
FIGSIZE = (7.2, 3.6)
NARROW_FIGSIZE = (3.8, 3.6)


def noise_level(gamma: float, t):
    """g_t = gamma sqrt(1 - t): zero at the data, so the score term stays bounded."""
    return gamma * np.sqrt(1 - np.asarray(t, dtype=float))


def drift(x, t: float, gamma: float, mix=TARGET):
    """u_t + g_t^2/2 grad log p_t, both exact, from one posterior mean mbar(x) = E[blob mean | x_t = x]
    (the loop's cost is all here): u_t = mbar + c_t (x - t mbar) as in velocity_field, and the score
    (t mbar - x) / v_t as in gaussian_path.mixture_score."""
    mbar, var, _ = vf._posterior_mean(x, t, mix)
    velocity = mbar + (t * mix.std**2 - (1 - t)) / var * (x - t * mbar)
    if gamma == 0:
        return velocity
    return velocity + noise_level(gamma, t) ** 2 / 2 * (t * mbar - x) / var


def simulate(start, gamma: float, rng, steps: int = STEPS, mix=TARGET, keep: int = 0, t_end: float = 1.0):
    """Euler-Maruyama from t = 0 to t_end; returns the end points and the first
    coordinate of the first `keep` particles at every step."""
    x, dt = start.copy(), t_end / steps
    kicks = rng.standard_normal((steps, *x.shape)) if gamma > 0 else None  # one call instead of one per step
    paths = np.empty((steps + 1, keep))
    paths[0] = x[:keep, 0]
    for k in range(steps):
        t = k * dt
        x = x + drift(x, t, gamma, mix) * dt
        if gamma > 0:
            x += noise_level(gamma, t) * np.sqrt(dt) * kicks[k]
        paths[k + 1] = x[:keep, 0]
    return x, paths


def marginal_density_1d(x, t, mix=TARGET):
    """The density of the first coordinate of p_t: a 1-D mixture of N(t m_k, v_t)."""
    t = np.asarray(t, dtype=float)[..., None]
    var = (1 - t) ** 2 + t**2 * mix.std**2
    x = np.asarray(x, dtype=float)[..., None]
    return np.sum(mix.weights * np.exp(-((x - t * mix.means[:, 0]) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var), axis=-1)


@dataclass(frozen=True)
class Comparison:
    gamma: float
    times: np.ndarray  # (STEPS + 1,)
    paths: np.ndarray  # (STEPS + 1, N_PATHS) first coordinate of the drawn paths
    ode_paths: np.ndarray  # the same starts with gamma = 0
    ends: np.ndarray  # (n,) first coordinate at t = 1
    ode_ends: np.ndarray

    @property
    def share_right(self) -> float:
        return float(np.mean(self.ends > 0))

    @property
    def switched(self) -> float:
        """Share of particles ending on the other side of 0 than their deterministic twin."""
        return float(np.mean((self.ends > 0) != (self.ode_ends > 0)))


@functools.lru_cache(maxsize=4)
def _ode(seed: int):
    start = np.random.default_rng(seed).standard_normal((N_PARTICLES, 2))
    ends, paths = simulate(start, 0.0, None, keep=N_PATHS)
    return start, ends[:, 0], paths


def compute(gamma: float = 1.0, seed: int = 0) -> Comparison:
    gamma = float(gamma)
    if gamma < 0:
        raise ValueError(f"gamma must be at least 0, got {gamma}")
    start, ode_ends, ode_paths = _ode(int(seed))
    if gamma == 0:
        ends, paths = ode_ends, ode_paths
    else:
        x, paths = simulate(start, gamma, np.random.default_rng(seed + 1), keep=N_PATHS)
        ends = x[:, 0]
    return Comparison(gamma, np.linspace(0, 1, STEPS + 1), paths, ode_paths, ends, ode_ends)


def describe(r: Comparison) -> str:
    return (
        f"noise γ = {r.gamma:.1f}: {r.share_right:.0%} of {N_PARTICLES} samples end in the upper blob "
        f"(target {TARGET.weights[1]:.0%}); {r.switched:.0%} end in the other blob than the same start "
        "followed without noise."
    )


# Drawing ----------------------------------------------------------------------------

PATH_COLOUR, ODE_COLOUR, CURVE_COLOUR = "#e65100", "#9e9e9e", "#283593"


def draw(r: Comparison, fig):
    """Paths over the shaded density p_t (time across), and the histogram at t = 1."""
    grid = fig.add_gridspec(1, 2, width_ratios=(3, 1), wspace=0.05)
    ax_p = fig.add_subplot(grid[0])
    ax_h = fig.add_subplot(grid[1], sharey=ax_p)
    T, X = np.meshgrid(np.linspace(0, 1, 51), LEVELS)
    ax_p.imshow(marginal_density_1d(X, T), origin="lower", extent=(0, 1, -LIM, LIM), aspect="auto", cmap="Greys",
                vmax=0.9, interpolation="none")
    ax_p.plot(r.times, r.ode_paths, color=ODE_COLOUR, linewidth=0.8, linestyle="--")
    lines = ax_p.plot(r.times, r.paths, color=PATH_COLOUR, linewidth=1)
    ax_p.set_xlim(0, 1)
    ax_p.set_ylim(-LIM, LIM)
    ax_p.set_xlabel("time t", fontsize=9)
    ax_p.set_ylabel("x (first coordinate)", fontsize=9)
    ax_p.tick_params(labelsize=8)
    title = ax_p.set_title("", fontsize=10)

    counts = np.histogram(r.ends, BINS, density=True)[0]
    bars = ax_h.barh(BINS[:-1], counts, height=np.diff(BINS), align="edge", color=PATH_COLOUR, alpha=0.6)
    ode_counts = np.histogram(r.ode_ends, BINS, density=True)[0]
    ode_stairs = ax_h.stairs(ode_counts, BINS, orientation="horizontal", color=ODE_COLOUR, linestyle="--")
    (curve,) = ax_h.plot(marginal_density_1d(LEVELS, 1.0), LEVELS, color=CURVE_COLOUR, linewidth=1.2)
    ax_h.set_xlim(0, 1.0)
    ax_h.set_xticks([])
    ax_h.tick_params(labelleft=False, labelsize=8)
    ax_h.set_title("t = 1", fontsize=10)
    # the dashed histogram and the curve lie over the bars, so they are redrawn with them
    for artist in (*lines, *bars, ode_stairs, curve, title, *ax_p.spines.values(), *ax_h.spines.values()):
        artist.set_animated(True)

    def update(r: Comparison) -> None:
        for line, path in zip(lines, r.paths.T):
            line.set_ydata(path)
        for bar, height in zip(bars, np.histogram(r.ends, BINS, density=True)[0]):
            bar.set_width(height)
        title.set_text(f"γ = {r.gamma:.1f}: {r.switched:.0%} switch blob")

    update(r)
    fig.subplots_adjust(left=0.13 if fig.get_figwidth() < 5 else 0.08, right=0.98, bottom=0.14, top=0.9)
    return update
