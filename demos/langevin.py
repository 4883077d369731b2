"""Langevin dynamics: sampling a density from its score alone, and why it needs a path of noise levels.

One Langevin step moves a particle up the score and adds a little noise,

    x <- x + eta * grad log p(x) + sqrt(2 eta) * z,   z ~ N(0, I),

and for a small step eta, many steps leave particles distributed as p; no
normalising constant is ever needed. The target here is two blobs with
weights 1/4 and 3/4. Started from N(0, I), plain Langevin on the data's own
score sends each particle into the blob on its side and keeps it there: the
valley between them is too deep to cross, so the blobs end up with about
half the particles each, not 1/4 and 3/4. Annealed Langevin walks the same
number of steps along the path p_t from t = 0 (pure noise, one wide blob)
to t = 1 (the data), so particles choose their blob while the valley is
still shallow, and the shares come out right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demos import gaussian_path as gp
from demos import velocity_field as vf

TARGET = vf.Mixture(np.array([0.25, 0.75]), np.array([[-2.5, 0.0], [2.5, 0.0]]), 0.5)
N_PARTICLES = 500
LEVELS = 20  # noise levels of the annealed sampler, t = 0, 1/19, ..., 1
LIM = 4.5
PIXELS = np.linspace(-LIM, LIM, 61)
FIGSIZE = (7.2, 3.4)
NARROW_FIGSIZE = (3.8, 6.0)
SAMPLERS = ("plain", "annealed")


@dataclass(frozen=True)
class LangevinRun:
    sampler: str
    step_size: float
    steps: int
    particles: np.ndarray  # (n, 2) after the last step
    trace: np.ndarray  # (steps + 1,) share of particles right of x = 0 after each step
    true_share: float  # the right blob's weight

    @property
    def share(self) -> float:
        return float(self.trace[-1])

    @property
    def right_spread(self) -> float:
        """Standard deviation of the first coordinate inside the right blob (the target's is its std)."""
        right = self.particles[self.particles[:, 0] > 0, 0]
        return float(np.std(right)) if len(right) > 1 else 0.0


def schedule(sampler: str, steps: int) -> np.ndarray:
    """The time t of the path whose score each step uses: always 1 (the data)
    for plain Langevin; for annealed, LEVELS times from 0 to 1, each used for
    an equal share of the steps."""
    if sampler == "plain":
        return np.ones(steps)
    level = np.minimum(np.arange(steps) * LEVELS // steps, LEVELS - 1)
    return level / (LEVELS - 1)


def score(x, t: float, mix=TARGET):
    """grad log p_t(x) = (t mbar(x) - x) / v_t, as gaussian_path.mixture_score, written lean for
    one time shared by all particles: the loop's cost is all here. Only the terms of
    log(w_k N(x; t m_k, v_t I)) that differ between blobs enter the weights."""
    var = (1 - t) ** 2 + t**2 * mix.std**2
    logits = np.log(mix.weights) - t**2 * np.sum(mix.means**2, axis=1) / (2 * var) + x @ (t * mix.means.T / var)
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    mbar = odds @ mix.means / odds.sum(axis=1, keepdims=True)
    return (t * mbar - x) / var


def langevin(x, times, step_size, rng, mix=TARGET):
    """Run one Langevin step per entry of `times`; returns the particles and
    the share right of 0 after every step. The step at time t is scaled by the
    variance of p_t's blobs, so every level takes steps of the same size
    relative to its own width (as Song & Ermon do)."""
    trace = np.empty(len(times) + 1)
    trace[0] = np.mean(x[:, 0] > 0)
    kicks = rng.standard_normal((len(times), *x.shape))  # drawn at once: one call instead of one per step
    for k, t in enumerate(times):
        eta = step_size * ((1 - t) ** 2 + t**2 * mix.std**2) / mix.std**2
        x = x + eta * score(x, t, mix) + np.sqrt(2 * eta) * kicks[k]
        trace[k + 1] = np.mean(x[:, 0] > 0)
    return x, trace


def compute(sampler: str = "plain", step_size: float = 0.05, steps: int = 200, seed: int = 0) -> LangevinRun:
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}, got {sampler!r}")
    step_size, steps = float(step_size), int(steps)
    rng = np.random.default_rng(seed)
    start = rng.standard_normal((N_PARTICLES, 2))
    x, trace = langevin(start, schedule(sampler, steps), step_size, rng)
    return LangevinRun(sampler, step_size, steps, x, trace, float(TARGET.weights[1]))


def describe(r: LangevinRun) -> str:
    return (
        f"{r.sampler} Langevin, {r.steps} steps of size {r.step_size:.3g}: "
        f"{r.share:.0%} of the particles in the right blob (the target has {r.true_share:.0%}); "
        f"spread inside it {r.right_spread:.2f} (the target's {TARGET.std:.2f})."
    )


# Drawing ----------------------------------------------------------------------------

PARTICLE_COLOUR, TRACE_COLOUR, TRUE_COLOUR = "#e65100", "#283593", "#2e7d32"


def _density_image():
    X, Y = np.meshgrid(PIXELS, PIXELS)
    return np.exp(gp.mixture_log_density(TARGET, np.stack([X.ravel(), Y.ravel()], axis=1), 1.0)).reshape(X.shape)


def draw(r: LangevinRun, fig):
    """The particles over the target's density, and the right blob's share step by step."""
    rows, columns = (2, 1) if fig.get_figheight() > fig.get_figwidth() else (1, 2)
    ax_p = fig.add_subplot(rows, columns, 1)
    ax_s = fig.add_subplot(rows, columns, 2)
    # the square root of the density, so that the light blob (weight 1/4) shows as well as the heavy one
    ax_p.imshow(np.sqrt(_density_image()), origin="lower", extent=(-LIM, LIM, -LIM, LIM), cmap="Greys", vmax=1.0,
                interpolation="none")
    dots = ax_p.scatter(*r.particles.T, s=3, color=PARTICLE_COLOUR, linewidths=0, alpha=0.7)
    dots.set_rasterized(True)
    ax_p.set_xlim(-LIM, LIM)
    ax_p.set_ylim(-LIM, LIM)
    ax_p.set_aspect("equal")
    ax_p.set_xticks([])
    ax_p.set_yticks([])
    title = ax_p.set_title("", fontsize=10)

    ax_s.axhline(r.true_share, color=TRUE_COLOUR, linestyle="--", linewidth=1.2, label="target: 3/4")
    ax_s.axhline(0.5, color="#9e9e9e", linestyle=":", linewidth=1, label="half")
    (trace,) = ax_s.plot([], [], color=TRACE_COLOUR, linewidth=1.5, label="Langevin")
    ax_s.set_ylim(0, 1)
    ax_s.set_xlabel("step", fontsize=9)
    ax_s.set_title("share in the right blob", fontsize=10)
    ax_s.tick_params(labelsize=8)
    ax_s.legend(fontsize=7, loc="lower right", frameon=False)
    for artist in (dots, title, trace, *ax_p.spines.values(), *ax_s.spines.values()):
        artist.set_animated(True)

    def update(r: LangevinRun) -> None:
        dots.set_offsets(r.particles)
        title.set_text(f"{r.sampler}: {r.share:.0%} right")
        trace.set_data(np.arange(r.steps + 1), r.trace)
        ax_s.set_xlim(0, r.steps)

    update(r)
    fig.tight_layout()
    return update
