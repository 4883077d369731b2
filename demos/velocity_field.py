"""The velocity field of the straight-line probability path, and particles riding it.

With x_0 ~ N(0, I), x_1 ~ p_data independent, and x_t = (1 - t) x_0 + t x_1,
each pair moves at its own constant velocity x_1 - x_0 (the conditional
velocity). The marginal velocity u_t(x) = E[x_1 - x_0 | x_t = x] averages the
velocities of every pair passing through x at time t. For a target that is a
mixture of isotropic Gaussians this average has a closed form, so the arrows
here are exact. Particles started from N(0, I) and moved along u_t with Euler
steps spread out exactly like p_t: following the field turns noise into data.

Closed form. Let component k of the target have weight w_k, mean m_k and
covariance s^2 I. Given k, x_0 and x_1 are independent Gaussians, so x_t is
Gaussian with mean t m_k and covariance v_t I, v_t = (1 - t)^2 + t^2 s^2, and

    E[x_1 - x_0 | x_t = x, k] = m_k + c_t (x - t m_k),  c_t = (t s^2 - (1 - t)) / v_t,

because Cov(x_1 - x_0, x_t) = (t s^2 - (1 - t)) I. Averaging over the
posterior pi_k(x) ∝ w_k N(x; t m_k, v_t I) with mbar(x) = sum_k pi_k(x) m_k:

    u_t(x) = mbar(x) + c_t (x - t mbar(x)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection

FIGSIZE = (6.8, 4.4)
NARROW_FIGSIZE = (3.9, 5.2)  # on a phone: the key below the plane

N_STEPS = 100  # Euler steps for the whole way from t = 0 to t = 1
TRAIL_STEPS = 12  # a particle's trail covers its last 12 steps (0.12 in time)
LIMIT = 4.5
ARROWS = np.linspace(-4.0, 4.0, 17)
PIXELS = np.linspace(-LIMIT, LIMIT, 81)
ARROW_TIME = 0.1  # an arrow is as long as the way travelled in 0.1 time units

# What the picture shows, beside it (or below it, on a phone)
KEY = (
    "arrows: velocity $u_t(x)$;\nan arrow's length is the way\ntravelled in 0.1 time units",
    "shading: density of $p_t$",
    "orange: particles from $N(0, I)$\nmoved along the arrows,\nwith their last 12 steps",
)

INDIGO = "#283593"
ORANGE = "#e65100"


@dataclass(frozen=True)
class Mixture:
    """A mixture of isotropic Gaussians in the plane."""

    weights: np.ndarray  # (K,) summing to 1
    means: np.ndarray  # (K, 2)
    std: float  # every component has covariance std^2 I

    @property
    def mean(self) -> np.ndarray:
        return self.weights @ self.means

    @property
    def covariance(self) -> np.ndarray:
        centred = self.means - self.mean
        return (self.weights[:, None] * centred).T @ centred + self.std**2 * np.eye(2)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        component = rng.choice(len(self.weights), size=n, p=self.weights)
        return self.means[component] + self.std * rng.standard_normal((n, 2))


def _ring(k: int, radius: float) -> np.ndarray:
    angle = 2 * math.pi * np.arange(k) / k
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


TARGETS = {
    "8 Gaussians": Mixture(np.full(8, 1 / 8), _ring(8, 3.0), 0.3),
    "2 blobs": Mixture(np.array([0.5, 0.5]), np.array([[-2.5, 0.0], [2.5, 0.0]]), 0.4),
    "3 unequal blobs": Mixture(np.array([0.5, 0.3, 0.2]), np.array([[-2.5, -1.5], [2.5, -1.5], [0.0, 2.5]]), 0.4),
}


@dataclass(frozen=True)
class FieldAtTime:
    """The velocity field at time t, p_t's density, and particles that followed the field."""

    t: float
    target: str
    grid_x: np.ndarray  # (G, G) arrow positions
    grid_y: np.ndarray
    u: np.ndarray  # (G, G) velocity components at the arrows
    v: np.ndarray
    density: np.ndarray  # (P, P) exact density of p_t on PIXELS x PIXELS, rows = y
    particles: np.ndarray  # (n, 2) positions after the Euler steps
    trails: np.ndarray  # (n, L, 2) the last positions of each particle, oldest first (L <= 13)
    steps: int  # Euler steps taken (time reached = steps / N_STEPS)

    @property
    def max_speed(self) -> float:
        return float(np.max(np.hypot(self.u, self.v)))


# Functions ------------------------------------------------------------------


def _posterior_mean(x: np.ndarray, t: float, mix: Mixture) -> tuple[np.ndarray, float, np.ndarray]:
    """mbar(x) = sum_k pi_k(x) m_k, the variance v_t, and log p_t(x).

    log(w_k N(x; t m_k, v_t I)) = a_k + x . b_k - |x|^2 / (2 v_t) - log(2 pi v_t)
    with b_k = t m_k / v_t and a_k = log w_k - t^2 |m_k|^2 / (2 v_t). The |x|^2
    term is the same for every k, so the posterior needs only a_k + x . b_k:
    a few passes over an (n, K) array, cheap enough for many Euler steps.
    """
    var = (1.0 - t) ** 2 + t**2 * mix.std**2
    b = t * mix.means / var
    a = np.log(mix.weights) - t**2 * np.sum(mix.means**2, axis=1) / (2 * var)
    logits = a + x[:, :1] * b[:, 0] + x[:, 1:] * b[:, 1]
    top = logits.max(axis=1, keepdims=True)
    odds = np.exp(logits - top)
    total = odds.sum(axis=1)
    mbar = np.stack([odds @ mix.means[:, 0], odds @ mix.means[:, 1]], axis=1) / total[:, None]
    log_density = top[:, 0] + np.log(total) - np.sum(x * x, axis=1) / (2 * var) - math.log(2 * math.pi * var)
    return mbar, var, log_density


def marginal_velocity(x: np.ndarray, t: float, mix: Mixture) -> np.ndarray:
    """u_t(x) = E[x_1 - x_0 | x_t = x] for the linear path from N(0, I) to mix."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    mbar, var, _ = _posterior_mean(x, t, mix)
    c = (t * mix.std**2 - (1.0 - t)) / var
    return mbar + c * (x - t * mbar)


def path_density(x: np.ndarray, t: float, mix: Mixture) -> np.ndarray:
    """Exact density of p_t, a mixture of Gaussians N(t m_k, v_t I)."""
    return np.exp(_posterior_mean(np.atleast_2d(x), t, mix)[2])


def trajectories(x0: np.ndarray, mix: Mixture) -> np.ndarray:
    """Euler steps of size 1/N_STEPS from time 0 to 1: x_{i+1} = x_i + dt u(x_i, i dt).

    Returns every position, an (N_STEPS + 1, n, 2) array; row i is time i / N_STEPS.
    """
    dt = 1.0 / N_STEPS
    path = np.empty((N_STEPS + 1,) + x0.shape)
    path[0] = x0
    for i in range(N_STEPS):
        path[i + 1] = path[i] + dt * marginal_velocity(path[i], i * dt, mix)
    return path


# The slider over t re-runs compute many times with the same particles, so the
# last few trajectories are kept: compute stays a function of its parameters,
# and moving t costs only the slicing and the field on the grid.
_CACHE: dict[tuple, np.ndarray] = {}
_CACHE_SIZE = 2


def _cached_trajectories(target: str, n_particles: int, seed: int) -> np.ndarray:
    key = (target, n_particles, seed)
    if key not in _CACHE:
        rng = np.random.default_rng(seed)
        x0 = rng.standard_normal((n_particles, 2))
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = trajectories(x0, TARGETS[target])
    return _CACHE[key]


def compute(t: float = 0.5, target: str = "8 Gaussians", n_particles: int = 300, seed: int = 0) -> FieldAtTime:
    """The field at time t and particles integrated from N(0, I) up to t."""
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must lie between 0 and 1, got {t}")
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
    n_particles = int(n_particles)
    if not 0 <= n_particles <= 2000:
        raise ValueError(f"n_particles must be between 0 and 2,000, got {n_particles}")
    mix = TARGETS[target]
    gx, gy = np.meshgrid(ARROWS, ARROWS)
    velocity = marginal_velocity(np.column_stack([gx.ravel(), gy.ravel()]), t, mix)
    px, py = np.meshgrid(PIXELS, PIXELS)
    density = path_density(np.column_stack([px.ravel(), py.ravel()]), t, mix).reshape(px.shape)
    path = _cached_trajectories(target, n_particles, int(seed))
    steps = int(round(t * N_STEPS))
    trails = path[max(0, steps - TRAIL_STEPS) : steps + 1].transpose(1, 0, 2).copy()
    particles = path[steps].copy()
    return FieldAtTime(
        t, target, gx, gy, velocity[:, 0].reshape(gx.shape), velocity[:, 1].reshape(gx.shape), density, particles, trails, steps
    )


def describe(field: FieldAtTime) -> str:
    """One line: what is drawn and its key numbers."""
    n = len(field.particles)
    mix = TARGETS[field.target]
    if n:
        gaps = np.linalg.norm(field.particles[:, None, :] - field.t * mix.means[None], axis=2).min(axis=1)
        near = f"; median distance to the nearest moving centre t·m_k: {np.median(gaps):.2f}"
    else:
        near = ""
    return (
        f"t = {field.t:.2f}, {field.target}: arrows show the marginal velocity u_t(x) "
        f"(largest speed {field.max_speed:.2f}); shading is the exact density of p_t; "
        f"{n:,} particles from N(0, I) after {field.steps} Euler steps of 0.01{near}."
    )


# Drawing --------------------------------------------------------------------


def draw(field: FieldAtTime, fig):
    """Shade p_t, draw the arrows and the particles with trails; return an updater."""
    tall = fig.get_figheight() > fig.get_figwidth()
    ax = fig.add_subplot()
    image = ax.imshow(
        field.density, extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), origin="lower", cmap="Blues", interpolation="bilinear", zorder=0
    )
    arrows = ax.quiver(
        field.grid_x, field.grid_y, field.u, field.v,
        angles="xy", scale_units="xy", scale=1 / ARROW_TIME, width=0.004, color="#37474f", zorder=2,
    )
    trails = LineCollection([], colors=ORANGE, linewidths=0.8, alpha=0.5, zorder=3)
    ax.add_collection(trails)
    dots = ax.scatter([], [], s=9, color=ORANGE, edgecolors="white", linewidths=0.3, zorder=4)
    # Hundreds of short polylines and dots make a bulky SVG for the static
    # figure; as pixels they are smaller (no effect on the live Agg figure).
    trails.set_rasterized(True)
    dots.set_rasterized(True)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_xlabel("$x^{(1)}$")
    ax.set_ylabel("$x^{(2)}$")
    title = ax.set_title("", fontsize=10)
    # What changes with t; the frame goes on top of the shading. The rest (axes,
    # legend text) is drawn once and kept (see "Sliders that keep up" in the authoring guide)
    for artist in (image, arrows, trails, dots, *ax.spines.values(), title):
        artist.set_animated(True)
    key = dict(ha="left", fontsize=8.5, color="#37474f", linespacing=1.4)
    if tall:  # no room beside the plane: the key goes below it, in two columns
        fig.text(0.03, 0.2, "\n\n".join(KEY[:2]), va="top", **key)
        fig.text(0.5, 0.2, KEY[2], va="top", **key)
    else:
        fig.text(0.69, 0.5, "\n\n".join(KEY), va="center", **key)

    def update(f: FieldAtTime) -> None:
        image.set_data(f.density)
        image.set_clim(0, 1.6 * f.density.max())  # keep the darkest shade light
        arrows.set_UVC(f.u, f.v)
        trails.set_segments(f.trails)
        dots.set_offsets(f.particles if len(f.particles) else np.empty((0, 2)))
        title.set_text(f"{f.target}: velocity field at $t$ = {f.t:.2f}")

    update(field)
    if tall:
        fig.subplots_adjust(left=0.15, right=0.98, bottom=0.3, top=0.94)
    else:
        fig.subplots_adjust(left=0.04, right=0.72, bottom=0.11, top=0.93)
    return update
