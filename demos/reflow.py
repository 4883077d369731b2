"""One round of reflow, live: retrain on the flow's own (noise, sample) pairs.

The model before reflow is the exact marginal field of the eight-blob
mixture (demos/solvers.py), a perfectly trained flow-matching model. Its
paths bend, so with one or two Euler steps its samples are poor. Reflow
(Liu et al., 2023) carries noise points x0 along that flow to their ends
x1, then trains a small network by flow matching on these pairs instead of
independent ones. The flow's paths never cross, so the pairs' straight
lines seldom do, and the new field's paths are nearly straight: one Euler
step already lands close to the data. The energy distance to fresh data
measures each set of samples.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import flow_matching as fm
from demos import mlp
from demos import solvers as sv
from demos import velocity_field as vf

N_PAIRS = 2000  # (noise, end point) pairs the new network is trained on
STEPS, CHUNK, BATCH, LR, WIDTH = 2000, 125, 256, 2e-2, 32  # a chunk: about 0.2 s in the browser
SAMPLE_STEPS = (1, 2, 4)  # Euler steps compared before and after
N_SHOW = 500  # samples per panel, scored against as many fresh data points
LIM = 4.5
FIGSIZE = (7.2, 5.0)
NARROW_FIGSIZE = (3.9, 5.8)  # on a phone: before and after side by side, steps down
RASTER_DPI = 150
BEFORE, AFTER = "#9e9e9e", "#2e7d32"


@functools.lru_cache(maxsize=4)
def pairs(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Noise points and where the exact flow carries them (RK4, 16 steps)."""
    x0 = np.random.default_rng([seed, 0]).standard_normal((N_PAIRS, 2))
    return x0, sv.solve("RK4", x0, 64)[-1]


@functools.lru_cache(maxsize=4)
def test_set(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Noise to sample from, and fresh data to score the samples against."""
    rng = np.random.default_rng([seed, 1])
    return rng.standard_normal((N_SHOW, 2)), vf.TARGETS[sv.TARGET].sample(N_SHOW, rng)


@functools.lru_cache(maxsize=4)
def before(seed: int) -> tuple[tuple[np.ndarray, ...], tuple[float, ...]]:
    """The exact field's samples with 1, 2 and 4 Euler steps, and their energy distances."""
    z, data = test_set(seed)
    samples = tuple(sv.solve("Euler", z, n)[-1] for n in SAMPLE_STEPS)
    return samples, tuple(fm.energy_distance(s, data) for s in samples)


def reflow_steps(state: mlp.TrainState, x0, x1, steps: int, rng: np.random.Generator) -> mlp.TrainState:
    """`steps` Adam steps of flow matching on the fixed pairs (x0, x1): the
    finale's loss, with each batch drawn from the pairs instead of
    independent noise and data."""
    state = state.copy()
    ws = mlp.Workspace(state.sizes, BATCH, state.params.dtype)
    grad, scratch = np.empty_like(state.params), np.empty_like(state.params)
    for k in range(steps):
        idx = rng.integers(0, len(x0), BATCH)
        a, b = x0[idx], x1[idx]
        t = rng.random(BATCH)
        fm.loss_and_grad(state.params, ws, fm.interpolate(a, b, t), t, b - a, grad)
        step = state.step + k + 1
        mlp.adam_update(state, grad, step, mlp.cosine_lr(LR, step - 1, STEPS), fm.EMA_DECAY, scratch)
    return mlp.TrainState(state.sizes, state.params, state.ema, state.m, state.v, state.step + steps)


@dataclass(frozen=True)
class ReflowFrame:
    step: int  # training steps done
    before: tuple  # samples of the exact field with 1, 2, 4 Euler steps
    before_ed: tuple
    after: tuple  # samples of the reflowed network (None before any training)
    after_ed: tuple


def frame(state: mlp.TrainState | None, seed: int) -> ReflowFrame:
    samples, distances = before(seed)
    if state is None:
        return ReflowFrame(0, samples, distances, None, None)
    z, data = test_set(seed)
    field = lambda x, t: fm.velocity(state, x, t, use_ema=False)  # noqa: E731
    after = tuple(fm.integrate(field, z, n)[-1] for n in SAMPLE_STEPS)
    return ReflowFrame(state.step, samples, distances, after, tuple(fm.energy_distance(s, data) for s in after))


def stream(seed: int = 0):
    x0, x1 = pairs(seed)
    rng = np.random.default_rng([seed, 2])
    state = fm.init_model(WIDTH, seed=seed)
    yield frame(None, seed)
    for _ in range(STEPS // CHUNK):
        state = reflow_steps(state, x0, x1, CHUNK, rng)
        yield frame(state, seed)


def compute(seed: int = 0) -> ReflowFrame:
    for last in stream(seed):
        pass
    return last


def describe(f: ReflowFrame) -> str:
    old = ", ".join(f"{d:.3f}" for d in f.before_ed)
    if f.after is None:
        return f"Before reflow, energy distances with 1, 2, 4 steps: {old}. Press the button to run reflow."
    new = ", ".join(f"{d:.3f}" for d in f.after_ed)
    return f"After {f.step} training steps, energy distances with 1, 2, 4 steps: {new} (before: {old})"


def _square(ax):
    ax.set_xlim(-LIM, LIM)
    ax.set_ylim(-LIM, LIM)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def draw(f: ReflowFrame, fig):
    tall = fig.get_figheight() > fig.get_figwidth()
    grid = fig.subplots(3, 2) if tall else fig.subplots(2, 3).T  # grid[k] = (before, after) for SAMPLE_STEPS[k]
    points, labels = [], []
    for k, n in enumerate(SAMPLE_STEPS):
        ax_b, ax_a = grid[k]
        for ax in (ax_b, ax_a):
            _square(ax)
        (pb,) = ax_b.plot(*f.before[k].T, ".", ms=1.5, color=BEFORE, rasterized=True)
        ax_b.text(0.03, 0.97, f"before, {n} step{'s' if n > 1 else ''}\nED {f.before_ed[k]:.3f}",
                  transform=ax_b.transAxes, fontsize=8, va="top")
        (pa,) = ax_a.plot([], [], ".", ms=1.5, color=AFTER, rasterized=True)
        label = ax_a.text(0.03, 0.97, "", transform=ax_a.transAxes, fontsize=8, va="top")
        points.append(pa)
        labels.append(label)
    fig.tight_layout(pad=0.4)
    for artist in (*points, *labels):
        artist.set_animated(True)
    for ax in grid[:, 1]:
        for spine in ax.spines.values():
            spine.set_animated(True)

    def update(fr: ReflowFrame) -> None:
        for k, n in enumerate(SAMPLE_STEPS):
            name = f"after, {n} step{'s' if n > 1 else ''}"
            if fr.after is None:
                points[k].set_data([], [])
                labels[k].set_text(f"{name}\n(not yet trained)")
            else:
                points[k].set_data(*fr.after[k].T)
                labels[k].set_text(f"{name}\nED {fr.after_ed[k]:.3f}")

    update(f)
    return update
