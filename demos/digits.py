"""Flow matching on real images: 8 x 8 handwritten digits, one class at a time.

The recipe of the 2-D demo carries over unchanged to 64 dimensions: noise
x0, an image x1, x_t on the straight line between them, and a network that
predicts x1 - x0 from (x_t, t). The only addition is the class label, fed to
the network as a one-hot vector, so the field it learns is the one that
carries noise to images *of that digit*. Sampling integrates the field with
Euler steps from pure noise; the strip shows one image emerging along the way.

Weights are trained beforehand by `python -m demos.train_digits`, which
writes demos/digits_fm.npz, and loaded here; only numpy is needed to sample.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

from demos import mlp
from demos.flow_matching import N_FREQ, time_features

N_PIXELS, N_CLASSES = 64, 10
N_INPUT = N_PIXELS + 1 + 2 * N_FREQ + N_CLASSES  # pixels, t features, one-hot class
FRAME_TIMES = (0.0, 0.25, 0.5, 0.75, 1.0)
N_SAMPLES = 16
NO_LABEL = -1  # "no label": all ten class inputs off (classifier-free guidance, chapter 2.5)
DEFAULT_WEIGHTS = "digits_fm.npz"
FIGSIZE = (6.4, 5.0)
NARROW_FIGSIZE = (3.9, 5.1)  # on a phone: the strip's tiles closer together


# The model ------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitModel:
    """A trained class-conditional velocity network."""

    sizes: tuple
    params: np.ndarray  # flat float32 weights (the training EMA)


def network_sizes(width: int, depth: int) -> tuple:
    """Layer sizes: inputs, depth hidden layers of width units, 64 pixel velocities."""
    return (N_INPUT,) + (int(width),) * int(depth) + (N_PIXELS,)


def fill_inputs(inputs: np.ndarray, x: np.ndarray, t, labels) -> None:
    """Write the network's input rows: the image x, the features of t and
    the one-hot class (all zeros for NO_LABEL). Training and sampling share
    this so they agree."""
    n = len(x)
    inputs[:, :N_PIXELS] = x
    times = np.broadcast_to(np.asarray(t, dtype=float), (n,))
    time_features(times, out=inputs[:, N_PIXELS : N_PIXELS + 1 + 2 * N_FREQ])
    onehot = inputs[:, N_PIXELS + 1 + 2 * N_FREQ :]
    onehot[...] = 0
    labels = np.broadcast_to(labels, (n,))
    given = labels != NO_LABEL
    onehot[np.arange(n)[given], labels[given]] = 1


def pixels_to_unit(images: np.ndarray) -> np.ndarray:
    """scikit-learn's digits have pixel values 0..16; the model works in [-1, 1]."""
    return np.asarray(images, dtype=np.float32) / 8 - 1


def unit_to_pixels(x: np.ndarray) -> np.ndarray:
    """Back from [-1, 1] to 0..16, clipped: the flow can overshoot slightly."""
    return np.clip((np.asarray(x) + 1) * 8, 0, 16)


HERE = os.path.dirname(os.path.abspath(__file__))


def resolve(path: str) -> str:
    """Where to read weights: an absolute path as given; a relative one next
    to this module (where train_digits writes by default, and where the
    browser finds the data files of demos/), else relative to the working
    directory."""
    if os.path.isabs(path):
        return path
    beside = os.path.join(HERE, path)
    return beside if os.path.exists(beside) else path


@functools.lru_cache(maxsize=2)
def load_model(path: str = DEFAULT_WEIGHTS) -> DigitModel:
    """Read weights written by train_digits (float16 on disk, float32 here)."""
    try:
        with np.load(resolve(path)) as f:
            sizes = tuple(int(s) for s in f["sizes"])
            params = f["params"].astype(np.float32)
    except FileNotFoundError:
        raise ValueError(f"no digit weights at {path!r}: run `python -m demos.train_digits` to make them") from None
    if sizes[0] != N_INPUT or sizes[-1] != N_PIXELS or params.size != mlp.n_params(sizes):
        raise ValueError(f"{path!r} does not hold a digits model of this version")
    params.setflags(write=False)
    return DigitModel(sizes, params)


# Sampling -------------------------------------------------------------------------


def sample(
    model: DigitModel, digit: int, n: int = N_SAMPLES, steps: int = 50, seed: int = 0, times=FRAME_TIMES
) -> np.ndarray:
    """Carry n noise images to images of `digit` with `steps` Euler steps.

    Returns the images at each of `times`, shape (len(times), n, 64), in
    [-1, 1] units. Euler's path is straight within a step, so the image at a
    time between two steps is read off that straight piece exactly."""
    steps = int(steps)
    ws = mlp.Workspace(model.sizes, n, np.float32)
    x = np.random.default_rng(seed).standard_normal((n, N_PIXELS)).astype(np.float32)
    frames = np.empty((len(times), n, N_PIXELS), np.float32)
    pending = sorted(range(len(times)), key=lambda j: times[j])
    for k in range(steps):
        t0 = k / steps
        fill_inputs(ws.inputs, x, t0, digit)
        v = mlp.forward(model.params, ws)
        while pending and times[pending[0]] < (k + 1) / steps:
            j = pending.pop(0)
            frames[j] = x + np.float32(times[j] - t0) * v
        x += np.float32(1 / steps) * v  # Euler: the velocity at the start of the step
    for j in pending:  # t = 1
        frames[j] = x
    return frames


# Quality ---------------------------------------------------------------------------


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'| over all pairs of rows (plug-in
    estimate, never negative): zero when the two sets look alike."""

    def mean_dist(p, q):
        sq = (p * p).sum(1)[:, None] + (q * q).sum(1)[None, :] - 2 * p @ q.T
        return float(np.sqrt(np.maximum(sq, 0)).mean())

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return 2 * mean_dist(a, b) - mean_dist(a, a) - mean_dist(b, b)


# The demo -------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitsResult:
    """Sixteen generated images of one digit and snapshots along the way."""

    digit: int
    steps: int
    images: np.ndarray  # (16, 8, 8) final images, pixel values 0..16
    frames: np.ndarray  # (5, 16, 8, 8) the same images at FRAME_TIMES


def compute(digit: int = 3, steps: int = 50, seed: int = 0, weights: str = DEFAULT_WEIGHTS) -> DigitsResult:
    """Sample 16 images of `digit` from the trained flow with `steps` Euler steps."""
    digit, steps = int(digit), int(steps)
    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be between 0 and 9, got {digit}")
    if not 1 <= steps <= 1000:
        raise ValueError(f"steps must be between 1 and 1000, got {steps}")
    model = load_model(weights)
    frames = sample(model, digit, N_SAMPLES, steps, seed)
    pix = unit_to_pixels(frames).reshape(len(FRAME_TIMES), N_SAMPLES, 8, 8)
    return DigitsResult(digit, steps, pix[-1], pix)


def describe(result: DigitsResult) -> str:
    """A one-line readout, also the figure's text alternative."""
    return (
        f"Sixteen generated images of the digit {result.digit}, each carried from "
        f"Gaussian noise by {result.steps} Euler steps of the learned flow; "
        f"the strip shows the first at t = {', '.join(f'{t:g}' for t in FRAME_TIMES)}."
    )


HIGHLIGHT = "#e65100"


def _tile(fig, left, bottom, size, image, highlight=False):
    """One 8 x 8 image in a square axes placed in inches from the lower left."""
    w, h = fig.get_size_inches()
    ax = fig.add_axes((left / w, bottom / h, size / w, size / h))
    im = ax.imshow(image, cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color(HIGHLIGHT if highlight else "#d0d0d0")
        spine.set_linewidth(1.5 if highlight else 0.5)
    return ax, im


def draw(result: DigitsResult, fig):
    """A 4 x 4 grid of generated digits and, below, the first one (framed)
    emerging from noise. Returns an updater."""
    width, height = fig.get_size_inches()
    tall = height > width
    size, gap = (0.8 if tall else 0.74), 0.05  # grid tiles, in inches
    left = (width - 4 * size - 3 * gap) / 2
    top = height - 0.4
    tiles = []
    for i in range(N_SAMPLES):
        row, col = divmod(i, 4)
        bottom = top - (row + 1) * size - row * gap
        tiles.append(_tile(fig, left + col * (size + gap), bottom, size, result.images[i], i == 0)[1])
    strip_size, strip_gap = (0.62, 0.14) if tall else (0.72, 0.3)  # a phone's width holds five small tiles
    strip_left = (width - 5 * strip_size - 4 * strip_gap) / 2
    strip = []
    for j, t in enumerate(FRAME_TIMES):
        x = strip_left + j * (strip_size + strip_gap)
        ax, im = _tile(fig, x, 0.32, strip_size, result.frames[j, 0], True)
        ax.set_xlabel(f"t = {t:g}", fontsize=9)
        strip.append(im)
    caption = "the framed sample on its way from noise"
    fig.text(0.5, (0.32 + strip_size + 0.08) / height, caption, ha="center", fontsize=9)
    title = fig.text(0.5, (height - 0.25) / height, "", ha="center", fontsize=10)
    # The pictures change, with the frames drawn over them; captions and layout
    # are drawn once ("Sliders that keep up")
    for image in (*tiles, *strip):
        for artist in (image, *image.axes.spines.values()):
            artist.set_animated(True)
    title.set_animated(True)

    def update(result: DigitsResult) -> None:
        for tile, img in zip(tiles, result.images):
            tile.set_data(img)
        for im, frame in zip(strip, result.frames):
            im.set_data(frame[0])
        title.set_text(f"sixteen generated {result.digit}s, {result.steps} Euler steps")

    update(result)
    return update
