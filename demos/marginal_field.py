"""The easy loss trains the right field: a network against the exact answer.

Flow matching regresses a network v(x, t) onto the conditional velocity
x1 - x0 of random straight lines. Because E[x1 - x0 | x_t] = u_t(x_t), that
loss splits into two parts:

    E|v(x_t, t) - (x1 - x0)|^2 = E|v(x_t, t) - u_t(x_t)|^2 + C,

where C = E|x1 - x0 - u_t(x_t)|^2, the spread of the conditional velocities
around their mean, does not depend on the network. For a mixture of
Gaussian blobs both u_t and C have closed forms (up to a one-dimensional
average over x_t that is computed once), so the demo can train the network
live and show, frame by frame, its loss settling on the floor C, the gap
E|v - u|^2 that remains, and the learned field next to the exact one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import flow_matching as fm
from demos import mlp
from demos import velocity_field as vf

# The finale's ring (8 blobs of width 0.1 on a circle of radius 2) and two of
# the deep dive's mixtures.
TARGETS = {
    "ring": vf.Mixture(np.full(fm.RING_MODES, 1 / fm.RING_MODES), fm.ring_centres(), fm.RING_SIGMA),
    "2 blobs": vf.TARGETS["2 blobs"],
    "3 unequal blobs": vf.TARGETS["3 unequal blobs"],
}
LIM = fm.LIM
WIDTH, LR, BATCH = fm.DEFAULT_WIDTH, fm.DEFAULT_LR, fm.DEFAULT_BATCH
CHUNK = 250  # training steps between two frames
N_GAP = 2048  # fixed (x_t, t) draws on which the gap E|v - u|^2 is measured
ARROWS = np.linspace(-LIM, LIM, 15)
PIXELS = np.linspace(-LIM, LIM, 41)
FIGSIZE = (7.2, 6.6)
NARROW_FIGSIZE = (3.9, 5.1)  # on a phone: the same four panels, titles on two lines
RASTER_DPI = 150


# The loss floor -------------------------------------------------------------------


def conditional_spread(mix: vf.Mixture, t: float, nodes: int = 16) -> float:
    """C_t = E |x1 - x0 - u_t(x_t)|^2 at one time t: the loss no field can remove.

    Given the blob k, x_t and x1 - x0 are jointly Gaussian, so the spread
    splits into the part left once k is known (a closed form) and the spread
    of the blobs' own conditional means around u_t, which differ by
    (1 - c t)(m_k - m_j). Only the latter needs an average over x_t, taken
    blob by blob with Gauss-Hermite quadrature (nodes x nodes points).
    """
    z, w = _gauss_hermite_2d(nodes)
    var = (1 - t) ** 2 + t**2 * mix.std**2  # of x_t given k, per coordinate
    cov = t * mix.std**2 - (1 - t)  # of (x1 - x0, x_t) given k, per coordinate
    within = 2 * (1 + mix.std**2 - cov**2 / var)
    mean_sq = 0.0  # E |mbar(x_t)|^2
    for weight, m in zip(mix.weights, mix.means):
        mbar = vf._posterior_mean(t * m + np.sqrt(var) * z, t, mix)[0]
        mean_sq += weight * float(w @ np.sum(mbar**2, axis=1))
    spread_of_means = float(mix.weights @ np.sum(mix.means**2, axis=1)) - mean_sq
    return within + (1 - cov / var * t) ** 2 * spread_of_means


@functools.lru_cache(maxsize=4)
def _gauss_hermite_2d(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points and weights that average a smooth function over N(0, I) in the plane."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    X, Y = np.meshgrid(x, x)
    return np.stack([X.ravel(), Y.ravel()], axis=1), np.outer(w, w).ravel() / w.sum() ** 2


@functools.lru_cache(maxsize=8)
def loss_floor(target: str, n_times: int = 32) -> float:
    """C = the average of C_t over t ~ U(0, 1) (Gauss-Legendre in t): the
    least loss any network can reach on this target."""
    times, weights = np.polynomial.legendre.leggauss(n_times)
    mix = TARGETS[target]
    return float(sum(w / 2 * conditional_spread(mix, (s + 1) / 2) for s, w in zip(times, weights)))


# The exact field and the network ----------------------------------------------------


def exact_field(target: str, x: np.ndarray, t: float) -> np.ndarray:
    """u_t(x) = E[x1 - x0 | x_t = x], in closed form (see demos/velocity_field.py)."""
    return vf.marginal_velocity(x, t, TARGETS[target])


def learned_field(state: mlp.TrainState, x: np.ndarray, t) -> np.ndarray:
    """The network's answer v(x, t), with the weights being trained (not
    their average): the same network whose loss the figure plots."""
    return fm.velocity(state, x, t, use_ema=False)


@functools.lru_cache(maxsize=8)
def gap_set(target: str, n: int = N_GAP) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed draws (x_t, t) and the exact u_t(x_t) at them, to measure the gap on."""
    mix, rng = TARGETS[target], np.random.default_rng(1)
    t = (np.arange(n) + rng.random(n)) / n  # one time in each of n equal slices
    x_t = fm.interpolate(rng.standard_normal((n, 2)), mix.sample(n, rng), t)
    return x_t, t, exact_each(target, x_t, t)


def exact_each(target: str, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """u_t(x) with a time of its own for each row x: the closed form of
    velocity_field.marginal_velocity, vectorised over times too."""
    mix = TARGETS[target]
    t = t[:, None]
    var = (1 - t) ** 2 + t**2 * mix.std**2  # (n, 1)
    logits = np.log(mix.weights) - ((x[:, None, :] - t[:, :, None] * mix.means) ** 2).sum(-1) / (2 * var)
    logits -= logits.max(axis=1, keepdims=True)
    post = np.exp(logits)
    post /= post.sum(axis=1, keepdims=True)
    mbar = post @ mix.means
    c = (t * mix.std**2 - (1 - t)) / var
    return mbar + c * (x - t * mbar)


def gap(state: mlp.TrainState, target: str) -> float:
    """E |v(x_t, t) - u_t(x_t)|^2: how far the network still is from the exact field."""
    x_t, t, u = gap_set(target)
    diff = learned_field(state, x_t, t) - u
    return float(np.mean(np.sum(diff**2, axis=1)))


def train(state: mlp.TrainState, target: str, steps: int, rng: np.random.Generator, total_steps: int):
    """`steps` Adam steps of the flow-matching loss on the target; returns
    the new state and each step's loss. The finale's recipe, unchanged."""
    mix = TARGETS[target]
    state = state.copy()
    ws = mlp.Workspace(state.sizes, BATCH, state.params.dtype)
    grad, scratch = np.empty_like(state.params), np.empty_like(state.params)
    losses = np.empty(steps)
    for k in range(steps):
        x0, x1, t = rng.standard_normal((BATCH, 2)), mix.sample(BATCH, rng), rng.random(BATCH)
        losses[k] = fm.loss_and_grad(state.params, ws, fm.interpolate(x0, x1, t), t, x1 - x0, grad)
        step = state.step + k + 1
        mlp.adam_update(state, grad, step, mlp.cosine_lr(LR, step - 1, total_steps), fm.EMA_DECAY, scratch)
    return mlp.TrainState(state.sizes, state.params, state.ema, state.m, state.v, state.step + steps), losses


# The demo ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldComparison:
    """A (possibly half-trained) network, its loss and its field next to the exact ones."""

    target: str
    t: float
    losses: np.ndarray  # every step's batch loss so far
    gap_steps: np.ndarray  # steps at which the gap was measured
    gaps: np.ndarray  # E|v - u|^2 at those steps
    floor: float  # C
    exact: np.ndarray  # (15, 15, 2) u_t on the arrow grid
    learned: np.ndarray  # (15, 15, 2) v on the arrow grid
    difference: np.ndarray  # (41, 41) |v - u| on the pixel grid
    cloud: np.ndarray  # (n, 2) draws of x_t at time t
    planned: int

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def training(self) -> bool:
        return self.steps < self.planned


def _grid(axis: np.ndarray) -> np.ndarray:
    X, Y = np.meshgrid(axis, axis)
    return np.stack([X.ravel(), Y.ravel()], axis=1)


def _view(target: str, state, losses, gap_steps, gaps, t: float, planned: int) -> FieldComparison:
    arrows, pixels = _grid(ARROWS), _grid(PIXELS)
    n = len(ARROWS)
    diff = learned_field(state, pixels, t) - exact_field(target, pixels, t)
    rng = np.random.default_rng(2)
    cloud = fm.interpolate(rng.standard_normal((400, 2)), TARGETS[target].sample(400, rng), t)
    return FieldComparison(
        target=target,
        t=t,
        losses=np.asarray(losses, dtype=float),
        gap_steps=np.asarray(gap_steps, dtype=float),
        gaps=np.asarray(gaps, dtype=float),
        floor=loss_floor(target),
        exact=exact_field(target, arrows, t).reshape(n, n, 2),
        learned=learned_field(state, arrows, t).reshape(n, n, 2),
        difference=np.sqrt(np.sum(diff**2, axis=1)).reshape(len(PIXELS), len(PIXELS)),
        cloud=cloud,
        planned=planned,
    )


_TRAINED: dict = {}  # (target, steps, seed) -> (state, losses, gap_steps, gaps)


def _check(target, steps, arrow_t):
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
    if not 1 <= int(steps) <= 20_000:
        raise ValueError(f"steps must be between 1 and 20,000, got {steps}")
    if not 0 <= float(arrow_t) <= 1:
        raise ValueError(f"arrow_t must be between 0 and 1, got {arrow_t}")


def stream(target: str = "ring", steps: int = 1500, arrow_t: float = 0.5, seed: int = 0):
    """Train from scratch, yielding a FieldComparison every CHUNK steps; a
    run finished before gives its last frame at once (a new t never retrains)."""
    _check(target, steps, arrow_t)
    return _frames(target, int(steps), float(arrow_t), int(seed))


def _frames(target, steps, t, seed):
    key = (target, steps, seed)
    if key in _TRAINED:
        yield _view(target, *_TRAINED[key], t, steps)
        return
    state, rng = fm.init_model(WIDTH, seed), np.random.default_rng(seed)
    losses, gap_steps, gaps = [], [0], [gap(state, target)]
    while state.step < steps:
        state, chunk = train(state, target, min(CHUNK, steps - state.step), rng, steps)
        losses.append(chunk)
        gap_steps.append(state.step)
        gaps.append(gap(state, target))
        done = (state, np.concatenate(losses), np.array(gap_steps), np.array(gaps))
        if state.step == steps:
            _TRAINED.clear()  # one trained network is all the demo needs to keep
            _TRAINED[key] = done
        yield _view(target, *done, t, steps)


def compute(target: str = "ring", steps: int = 1500, arrow_t: float = 0.5, seed: int = 0) -> FieldComparison:
    """The last frame of stream: the trained network against the exact field."""
    *_, last = stream(target, steps, arrow_t, seed)
    return last


def describe(r: FieldComparison) -> str:
    """A one-line readout, also the figure's text alternative."""
    progress = f"step {r.steps:,} of {r.planned:,}" if r.training else f"{r.steps:,} training steps"
    return (
        f"{r.target}, {progress}: loss {fm.smoothed(r.losses, CHUNK)[-1]:.3f} (mean of the last {CHUNK} steps); "
        f"floor C = {r.floor:.3f}; gap E|u^θ - u|² = {r.gaps[-1]:.3f}, so floor + gap = {r.floor + r.gaps[-1]:.3f}. "
        f"At t = {r.t:.2f} the learned field differs from the exact one by {np.mean(r.difference):.2f} "
        "on average over the square, most where x_t rarely goes."
    )


# Drawing ----------------------------------------------------------------------------

EXACT_COLOUR, LEARNED_COLOUR, CLOUD_COLOUR = "#37474f", "#5c6bc0", "#e65100"
LOSS_COLOUR, GAP_COLOUR, FLOOR_COLOUR = "#9e9e9e", "#e65100", "#2e7d32"
MAX_DIFFERENCE = 2.0  # the colour scale of |v - u|


def _square(ax, title):
    ax.set_xlim(-LIM, LIM)
    ax.set_ylim(-LIM, LIM)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax.set_title(title, fontsize=10)


def draw(r: FieldComparison, fig):
    """Exact field, learned field, their difference, and the loss against
    its floor. Returns an updater."""
    br = "\n" if fig.get_figheight() > fig.get_figwidth() else " "
    ax_u, ax_v, ax_d, ax_l = fig.subplots(2, 2).ravel()
    X, Y = np.meshgrid(ARROWS, ARROWS)
    title_u = _square(ax_u, "")
    title_v = _square(ax_v, "")
    quiver = dict(angles="xy", scale_units="xy", scale=6, width=0.005)  # longer than the finale's: these fields are slow at mid t
    arrows_u = ax_u.quiver(X, Y, r.exact[..., 0], r.exact[..., 1], color=EXACT_COLOUR, **quiver)
    arrows_v = ax_v.quiver(X, Y, r.learned[..., 0], r.learned[..., 1], color=LEARNED_COLOUR, **quiver)

    title_d = _square(ax_d, "")
    # interpolation "none": the static SVG embeds the 41 x 41 pixels as they are (3 KB, where a
    # smoothed image was 61 KB and took the figure past the build's 200 KB limit)
    image = ax_d.imshow(
        r.difference, origin="lower", extent=(-LIM, LIM, -LIM, LIM), cmap="Greys", vmin=0, vmax=MAX_DIFFERENCE, interpolation="none"
    )
    cloud = ax_d.scatter(*r.cloud.T, s=2, color=CLOUD_COLOUR, linewidths=0, alpha=0.6)
    cloud.set_rasterized(True)

    (raw,) = ax_l.plot([], [], color=LOSS_COLOUR, linewidth=0.5, alpha=0.6)
    (mean,) = ax_l.plot([], [], color="#5c6bc0", linewidth=1.5, label=f"loss (mean of {CHUNK} steps)")
    (gap_line,) = ax_l.plot([], [], "o-", color=GAP_COLOUR, markersize=3, linewidth=1, label="floor + gap")
    floor_line = ax_l.axhline(r.floor, color=FLOOR_COLOUR, linestyle="--", linewidth=1.2, label="floor C")
    ax_l.set_xlabel("training step", fontsize=9)
    ax_l.set_title(f"loss against{br}the floor $C$", fontsize=10)
    ax_l.tick_params(labelsize=8)
    ax_l.legend(fontsize=7, loc="upper right", frameon=False)
    progress = ax_l.text(0.97, 0.55, "", transform=ax_l.transAxes, ha="right", va="top", fontsize=8)

    def update(r: FieldComparison) -> None:
        title_u.set_text(f"exact $u_t${br}at t = {r.t:.2f}")
        title_v.set_text(f"learned $u^\\theta_t${br}at t = {r.t:.2f}")
        title_d.set_text(f"difference $|u^\\theta_t - u_t|${br}at t = {r.t:.2f}")
        arrows_u.set_UVC(r.exact[..., 0], r.exact[..., 1])
        arrows_v.set_UVC(r.learned[..., 0], r.learned[..., 1])
        image.set_data(r.difference)
        cloud.set_offsets(r.cloud)
        steps = np.arange(1, r.steps + 1)
        raw.set_data(steps, r.losses)
        mean.set_data(steps, fm.smoothed(r.losses, CHUNK))
        gap_line.set_data(r.gap_steps, r.floor + r.gaps)
        floor_line.set_ydata([r.floor, r.floor])
        # Zoom on the floor: the interesting part is how close the loss gets to it
        ax_l.set_xlim(0, max(r.planned, 10))
        ax_l.set_ylim(r.floor - 0.6, r.floor + 2.4)
        progress.set_text(f"step {r.steps:,}{br}of {r.planned:,}" if r.training else "")

    update(r)
    fig.tight_layout()
    return update
