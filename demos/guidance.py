"""Guidance on a two-class toy in the plane, with every field exact.

The target has two classes, blue and orange, each a mixture of two Gaussian
blobs placed like the squares of a 2 x 2 checkerboard. On the book's path
x_t = t x1 + (1 - t) x0 every quantity guidance needs is known in closed form
(demos/velocity_field.py): the conditional velocity u_t(x | c), the
unconditional u_t(x), and the classifier on noisy points p_t(c | x).

Classifier guidance adds w times the classifier's slope to the score. In
velocity units, on the linear path, a score term s becomes (1 - t)/t s, so

    u_t(x) + w (1 - t)/t grad log p_t(c | x).

For blobs of one width, grad log p_t(c | x) = t (mbar_c - mbar) / v_t, with
mbar_c and mbar the posterior means of the data given x within class c and
overall, so the push is (1 - t)(mbar_c - mbar)/v_t: finite even at t = 0.
Classifier-free guidance, u(x | none) + w (u(x | c) - u(x | none)), is the
same field when both velocities are exact: u(x | c) - u(x) is that push.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import velocity_field as vf

STD = 0.6
CLASSES = {
    "blue": vf.Mixture(np.array([0.5, 0.5]), np.array([[-1.5, 1.5], [1.5, -1.5]]), STD),
    "orange": vf.Mixture(np.array([0.5, 0.5]), np.array([[1.5, 1.5], [-1.5, -1.5]]), STD),
}
NAMES = tuple(CLASSES)
PRIOR = np.array([0.5, 0.5])  # the classes are equally common
COLOURS = {"blue": "#1565c0", "orange": "#e65100"}
CMAPS = {"blue": "Blues", "orange": "Oranges"}
N_SAMPLES = 300
HEUN_STEPS = 30  # 60 evaluations of the guided field
LIM = 4.5
PIXELS = np.linspace(-LIM, LIM, 61)
ARROWS = np.linspace(-3.75, 3.75, 11)
FIGSIZE = (7.2, 3.8)
NARROW_FIGSIZE = (3.9, 7.0)  # on a phone: the classifier above the samples


# Exact fields ---------------------------------------------------------------------


def class_stats(x: np.ndarray, t: float):
    """For every class c: the posterior mean of the data within c, mbar_c(x),
    and p_t(c | x); also the variance v_t of each blob at time t.

    Returns (mbar (C, n, 2), posterior (n, C), v_t)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    means, logs = [], []
    for mix in CLASSES.values():
        mbar, var, log_density = vf._posterior_mean(x, t, mix)
        means.append(mbar)
        logs.append(log_density)
    logits = np.log(PRIOR) + np.stack(logs, axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    posterior = np.exp(logits)
    posterior /= posterior.sum(axis=1, keepdims=True)
    return np.stack(means), posterior, var


def classifier(x: np.ndarray, t: float, c: str) -> np.ndarray:
    """p_t(c | x): how sure an exact classifier is of class c, given a point at time t."""
    return class_stats(x, t)[1][:, NAMES.index(c)]


def classifier_push(x: np.ndarray, t: float, c: str) -> np.ndarray:
    """(1 - t)/t grad log p_t(c | x), the classifier's slope in velocity units."""
    mbar, posterior, var = class_stats(x, t)
    overall = np.einsum("nc,cnd->nd", posterior, mbar)
    return (1 - t) * (mbar[NAMES.index(c)] - overall) / var


def velocity(x: np.ndarray, t: float, c: str | None = None) -> np.ndarray:
    """u_t(x | c), or the unconditional u_t(x) for c = None."""
    mbar, posterior, var = class_stats(x, t)
    m = np.einsum("nc,cnd->nd", posterior, mbar) if c is None else mbar[NAMES.index(c)]
    gain = (t * STD**2 - (1 - t)) / var
    return m + gain * (np.atleast_2d(x) - t * m)


def cfg(v_cond, v_uncond, w: float):
    """Classifier-free guidance: v_w = v(none) + w (v(c) - v(none))."""
    return v_uncond + w * (v_cond - v_uncond)


def guided_velocity(x: np.ndarray, t: float, c: str, w: float) -> np.ndarray:
    """u_t(x) + w (1 - t)(mbar_c - mbar)/v_t, from one pass over the four blobs
    (the same numbers as velocity() and classifier_push(), computed once)."""
    var = (1 - t) ** 2 + t**2 * STD**2
    logits = _LOG_WEIGHTS - t**2 * _SQUARED_NORMS / (2 * var) + (t / var) * (x @ _MEANS.T)
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    total = odds.sum(axis=1, keepdims=True)
    mine = odds[:, _MEMBERS[c]]
    overall = odds @ _MEANS / total
    own = mine @ _MEANS[_MEMBERS[c]] / mine.sum(axis=1, keepdims=True)
    u = overall + (t * STD**2 - (1 - t)) / var * (x - t * overall)
    return u + w * (1 - t) / var * (own - overall)


# Every blob of both classes, with its weight in the whole target
_MEANS = np.concatenate([mix.means for mix in CLASSES.values()])
_LOG_WEIGHTS = np.log(np.concatenate([p * mix.weights for p, mix in zip(PRIOR, CLASSES.values())]))
_SQUARED_NORMS = np.sum(_MEANS**2, axis=1)
_MEMBERS = {name: slice(2 * i, 2 * i + 2) for i, name in enumerate(NAMES)}


def heun(f, x0: np.ndarray, steps: int = HEUN_STEPS) -> np.ndarray:
    """Follow dx/dt = f(x, t) from t = 0 to 1 with Heun's method; return the end points."""
    x, h = np.array(x0, dtype=float), 1.0 / steps
    for k in range(steps):
        k1 = f(x, k * h)
        k2 = f(x + h * k1, (k + 1) * h)
        x = x + h / 2 * (k1 + k2)
    return x


@functools.lru_cache(maxsize=4)
def noise(seed: int, n: int = N_SAMPLES) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 2))


@functools.lru_cache(maxsize=16)
def guided_samples(c: str, w: float, seed: int = 0, n: int = N_SAMPLES, steps: int = HEUN_STEPS) -> np.ndarray:
    """Samples of the guided field, from the same noise for every w."""
    return heun(lambda x, t: guided_velocity(x, t, c, w), noise(seed, n), steps)


def share_in_class(samples: np.ndarray, c: str) -> float:
    """The share of samples an exact classifier of clean points (t = 1) puts in class c."""
    return float(np.mean(classifier(samples, 1.0, c) > 0.5))


def outward_shift(samples: np.ndarray, c: str) -> float:
    """How far the samples sit beyond the centres of their class's blobs, on
    average, along the line from the middle of the board (0 for samples
    centred on their blobs; positive when pushed away from the other class,
    whose blobs are the neighbouring squares)."""
    centres = CLASSES[c].means
    nearest = centres[np.linalg.norm(samples[:, None] - centres[None], axis=2).argmin(axis=1)]
    outward = nearest / np.linalg.norm(nearest, axis=1, keepdims=True)
    return float(np.mean(np.sum((samples - nearest) * outward, axis=1)))


def spread(samples: np.ndarray, c: str) -> float:
    """The standard deviation of the samples around their nearest blob centre
    (per coordinate; a blob's own is STD)."""
    centres = CLASSES[c].means
    nearest = centres[np.linalg.norm(samples[:, None] - centres[None], axis=2).argmin(axis=1)]
    return float(np.sqrt(np.mean((samples - nearest) ** 2)))


# The demo -------------------------------------------------------------------------


@dataclass(frozen=True)
class Guided:
    c: str
    w: float
    t: float
    samples: np.ndarray  # (n, 2)
    sure: np.ndarray  # (P, P) p_t(c | x) on PIXELS x PIXELS, rows = y
    push: np.ndarray  # (G, G, 2) the classifier's push at time t on ARROWS x ARROWS
    share: float
    outward: float


def compute(c: str = "blue", w: float = 1.0, t: float = 0.5, seed: int = 0) -> Guided:
    if c not in CLASSES:
        raise ValueError(f"c must be one of {', '.join(NAMES)}, got {c!r}")
    w, t = float(w), float(t)
    if not 0.0 <= t < 1.0:
        raise ValueError(f"t must lie in [0, 1), got {t}")
    samples = guided_samples(c, w, int(seed))
    px, py = np.meshgrid(PIXELS, PIXELS)
    sure = classifier(np.column_stack([px.ravel(), py.ravel()]), t, c).reshape(px.shape)
    ax, ay = np.meshgrid(ARROWS, ARROWS)
    push = classifier_push(np.column_stack([ax.ravel(), ay.ravel()]), t, c).reshape(ax.shape + (2,))
    return Guided(c, w, t, samples, sure, push, share_in_class(samples, c), outward_shift(samples, c))


def describe(g: Guided) -> str:
    return (
        f"{len(g.samples)} samples asked for {g.c} with guidance w = {g.w:g}: "
        f"{100 * g.share:.0f}% land in {g.c}, on average {g.outward:+.2f} beyond their blob's centre, away from the other class. "
        f"Left: an exact classifier's certainty p_t({g.c} | x) at t = {g.t:.2f}, arrows its push."
    )


def _arrow_lengths(push: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The push drawn to scale within one time, the longest arrow 0.9 of the
    gap between arrows (its size grows without bound towards t = 0)."""
    longest = max(float(np.max(np.hypot(push[..., 0], push[..., 1]))), 1e-12)
    scaled = push * (0.9 * (ARROWS[1] - ARROWS[0]) / longest)
    return scaled[..., 0], scaled[..., 1]


def draw(g: Guided, fig):
    tall = fig.get_figheight() > fig.get_figwidth()
    ax_cls, ax_smp = fig.subplots(2, 1) if tall else fig.subplots(1, 2)
    image = ax_cls.imshow(g.sure, extent=(-LIM, LIM, -LIM, LIM), origin="lower", cmap=CMAPS[g.c], vmin=0, vmax=1)
    arrows = ax_cls.quiver(ARROWS, ARROWS, *_arrow_lengths(g.push), angles="xy", scale_units="xy", scale=1.0,
                           width=0.006, color="#212121")
    for name, mix in CLASSES.items():
        ax_smp.scatter(*mix.means.T, s=1800 * STD**2, facecolors="none", edgecolors=COLOURS[name], lw=1.2, alpha=0.6)
    dots = ax_smp.scatter(*g.samples.T, s=5, color=COLOURS[g.c], alpha=0.8)
    dots.set_rasterized(True)
    for ax in (ax_cls, ax_smp):
        ax.set_xlim(-LIM, LIM)
        ax.set_ylim(-LIM, LIM)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    cls_title = ax_cls.text(0.03, 0.97, "", transform=ax_cls.transAxes, fontsize=9, va="top",
                            bbox=dict(facecolor="white", alpha=0.8, lw=0))
    smp_title = ax_smp.text(0.03, 0.97, "", transform=ax_smp.transAxes, fontsize=9, va="top")
    readout = ax_smp.text(0.03, 0.03, "", transform=ax_smp.transAxes, fontsize=9, va="bottom")
    fig.tight_layout()
    for artist in (image, arrows, dots, cls_title, smp_title, readout, *ax_cls.spines.values(), *ax_smp.spines.values()):
        artist.set_animated(True)

    def update(r: Guided) -> None:
        image.set_data(r.sure)
        image.set_cmap(CMAPS[r.c])
        arrows.set_UVC(*_arrow_lengths(r.push))
        dots.set_offsets(r.samples)
        dots.set_color(COLOURS[r.c])
        cls_title.set_text(f"classifier $p_t$({r.c} | x), $t$ = {r.t:.2f}")
        smp_title.set_text(f"samples asked for {r.c}, $w$ = {r.w:g}")
        readout.set_text(f"in {r.c}: {100 * r.share:.0f}%   pushed out: {r.outward:+.2f}")

    update(g)
    return update
