"""Classifier-free guidance on the digits: one dial from variety to fidelity.

The network of demos/digits_cfg.npz was trained with its label hidden 15%
of the time, so it gives two velocities at every point: v(x, t, c) for the
digit c and v(x, t, no label) for digits in general. Guidance with scale w
follows

    v_w = v(x, t, no label) + w (v(x, t, c) - v(x, t, no label)):

w = 0 ignores the label, w = 1 is the plain conditional model, and w > 1
pushes further along the direction the label adds. The sixteen samples start
from the same noise at every w (fixed by the seed), so moving w shows what
guidance does to the same sixteen starts. Readouts measured on them: the
share a small classifier (a softmax regression, trained with the model)
calls the requested digit, their variety (mean distance between two of
them) and their distance to the nearest training image, each beside the
same measure for real digits.

Weights: `python -m demos.train_guided_digits` (at set-up); training images:
demos/digits_data.npz (`python -m demos.empirical_field`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import digits as dg
from demos import empirical_field as ef
from demos import mlp

DEFAULT_WEIGHTS = "digits_cfg.npz"
STEPS = 20  # Euler steps, two network evaluations each: 20 keep a slider update near 100 ms in the browser
N_SAMPLES = 16
FIGSIZE = (6.4, 3.75)
NARROW_FIGSIZE = (3.9, 5.9)
WRONG = "#e65100"  # the frame of a sample the classifier calls another digit


# The model and its judge ---------------------------------------------------------


@dataclass(frozen=True)
class GuidedModel:
    """The label-dropout network, its classifier and the data split it was trained on."""

    flow: dg.DigitModel
    classifier_w: np.ndarray  # (64, 10)
    classifier_b: np.ndarray  # (10,)
    train_idx: np.ndarray  # indices into the 1,797 digits
    held_out_idx: np.ndarray


@functools.lru_cache(maxsize=2)
def load(path: str = DEFAULT_WEIGHTS) -> GuidedModel:
    """Read the artefact written by demos.train_guided_digits."""
    flow = dg.load_model(path)
    with np.load(dg.resolve(path)) as f:
        return GuidedModel(
            flow,
            f["classifier_w"].astype(np.float64),
            f["classifier_b"].astype(np.float64),
            f["train_idx"].astype(np.intp),
            f["held_out_idx"].astype(np.intp),
        )


def classify(model: GuidedModel, x: np.ndarray) -> np.ndarray:
    """The digit the softmax regression names for each image (rows, [-1, 1] units)."""
    return np.argmax(np.asarray(x, dtype=np.float64) @ model.classifier_w + model.classifier_b, axis=1)


@functools.lru_cache(maxsize=2)
def split_images(path: str = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(training images, their labels, held-out images, their labels), [-1, 1] units."""
    model = load(path)
    images, labels = ef.load_data()
    return images[model.train_idx], labels[model.train_idx], images[model.held_out_idx], labels[model.held_out_idx]


# Guided sampling ------------------------------------------------------------------


def guided_velocity(v_label: np.ndarray, v_none: np.ndarray, w: float) -> np.ndarray:
    """v_w = v(no label) + w (v(label) - v(no label))."""
    return v_none + np.float32(w) * (v_label - v_none)


def sample(model: GuidedModel, digits, w: float, n: int = N_SAMPLES, steps: int = STEPS, seed: int = 0) -> np.ndarray:
    """n images guided towards `digits` (one label, or one per sample) with
    scale w, by Euler steps from the seed's noise. Both velocities come from
    one pass of the network over 2n rows. Returns (n, 64) in [-1, 1] units,
    unclipped."""
    flow = model.flow
    ws = mlp.Workspace(flow.sizes, 2 * n, np.float32)
    labels = np.concatenate([np.broadcast_to(np.asarray(digits), (n,)), np.full(n, dg.NO_LABEL)])
    x = np.random.default_rng(seed).standard_normal((n, dg.N_PIXELS)).astype(np.float32)
    for k in range(steps):
        dg.fill_inputs(ws.inputs, np.concatenate([x, x]), k / steps, labels)
        v = mlp.forward(flow.params, ws)
        x += np.float32(1 / steps) * guided_velocity(v[:n], v[n:], w)
    return x


# Readouts -------------------------------------------------------------------------


def mean_pairwise_distance(x: np.ndarray) -> float:
    """Average distance between two different rows: the set's variety."""
    x = np.asarray(x, dtype=np.float64)
    sq = (x * x).sum(1)[:, None] - 2 * x @ x.T + (x * x).sum(1)[None, :]
    d = np.sqrt(np.maximum(sq, 0))
    return float(d.sum() / (len(x) * (len(x) - 1)))


@functools.lru_cache(maxsize=10)
def real_reference(digit: int, path: str = DEFAULT_WEIGHTS) -> tuple[float, float]:
    """The readouts' yardsticks for real digits of this class: the variety of
    16 held-out images, averaged over every set of 16 in turn, and the median
    distance of a held-out image to its nearest training image."""
    train, _, held, held_labels = split_images(path)
    real = held[held_labels == digit]
    groups = [real[i : i + N_SAMPLES] for i in range(0, len(real) - N_SAMPLES + 1, N_SAMPLES)]
    variety = float(np.mean([mean_pairwise_distance(g) for g in groups]))
    return variety, float(np.median(ef.nearest(real, train)[1]))


@dataclass(frozen=True)
class GuidedResult:
    digit: int
    w: float
    images: np.ndarray  # (16, 8, 8), pixel values 0..16
    named: np.ndarray  # (16,) the digit the classifier names for each
    share: float  # share named as the requested digit
    variety: float  # mean pairwise distance of the sixteen
    nearest: float  # median distance to the nearest training image
    real_variety: float
    real_nearest: float


def measure(model: GuidedModel, x: np.ndarray, digit: int, path: str = DEFAULT_WEIGHTS) -> tuple[np.ndarray, float, float, float]:
    """Classifier's names, share right, variety and median nearest-training distance of images x (unit range)."""
    x = np.clip(x, -1, 1)  # the images as shown: pixel values 0..16
    named = classify(model, x)
    train = split_images(path)[0]
    return named, float(np.mean(named == digit)), mean_pairwise_distance(x), float(np.median(ef.nearest(x, train)[1]))


def compute(digit: int = 3, w: float = 1.0, seed: int = 0, weights: str = DEFAULT_WEIGHTS) -> GuidedResult:
    """Sixteen samples of `digit` with guidance scale w, and the readouts."""
    digit, w = int(digit), float(w)
    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be between 0 and 9, got {digit}")
    if not 0 <= w <= 20:
        raise ValueError(f"w must be between 0 and 20, got {w}")
    model = load(weights)
    x = sample(model, digit, w, N_SAMPLES, STEPS, int(seed))
    named, share, variety, nearest = measure(model, x, digit, weights)
    real_variety, real_nearest = real_reference(digit, weights)
    pixels = dg.unit_to_pixels(x).reshape(N_SAMPLES, 8, 8)
    return GuidedResult(digit, w, pixels, named, share, variety, nearest, real_variety, real_nearest)


def describe(r: GuidedResult) -> str:
    return (
        f"Sixteen samples of the digit {r.digit} with guidance scale w = {r.w:g}: "
        f"{round(r.share * N_SAMPLES)} of 16 classified as {r.digit}; variety {r.variety:.2f} "
        f"(real {r.digit}s: {r.real_variety:.2f}); distance to the nearest training image {r.nearest:.2f} "
        f"(real {r.digit}s: {r.real_nearest:.2f})."
    )


def _readout(r: GuidedResult) -> str:
    """The readouts, one to a line; single spaces only, which a static SVG figure keeps."""
    return "\n".join(
        [
            f"guidance w = {r.w:.2f}",
            "",
            f"classified as {r.digit}: {round(r.share * N_SAMPLES)} of 16",
            "",
            "variety (mean distance",
            "between two images)",
            f"samples: {r.variety:.2f}",
            f"real {r.digit}s: {r.real_variety:.2f}",
            "",
            "to the nearest training image",
            f"samples: {r.nearest:.2f}",
            f"real {r.digit}s: {r.real_nearest:.2f}",
        ]
    )


GAP = 1  # image pixels of white between the tiles of the mosaic
PITCH = 8 + GAP


def mosaic(images: np.ndarray) -> np.ndarray:
    """The sixteen 8 x 8 images as one 4 x 4 picture, NaN (drawn white) between them."""
    side = 4 * PITCH - GAP
    out = np.full((side, side), np.nan)
    for i, image in enumerate(images):
        row, col = divmod(i, 4)
        out[row * PITCH : row * PITCH + 8, col * PITCH : col * PITCH + 8] = image
    return out


def draw(r: GuidedResult, fig):
    """The samples as one 4 x 4 mosaic, each framed (orange where the
    classifier names another digit), beside, or above on a phone, the
    readouts. One picture and sixteen frames, not sixteen axes, keep a
    redraw cheap in the browser."""
    from matplotlib import colormaps
    from matplotlib.patches import Rectangle

    width, height = fig.get_size_inches()
    tall = height > width
    side = 3.4 if tall else 3.55  # inches
    left = (width - side) / 2 if tall else 0.3
    top = height - 0.15
    ax = fig.add_axes((left / width, (top - side) / height, side / width, side / height))
    picture = ax.imshow(mosaic(r.images), cmap=colormaps["gray_r"].with_extremes(bad="white"), vmin=0, vmax=16, interpolation="nearest")
    ax.set_axis_off()
    frames = []
    for i in range(N_SAMPLES):
        row, col = divmod(i, 4)
        # not clipped: the frames of the outer tiles lie on the picture's edge
        frames.append(ax.add_patch(Rectangle((col * PITCH - 0.5, row * PITCH - 0.5), 8, 8, fill=False, clip_on=False)))
    if tall:
        text = fig.text(left / width, (top - side - 0.2) / height, "", fontsize=9, va="top")
    else:
        text = fig.text((left + side + 0.35) / width, top / height, "", fontsize=10, va="top", linespacing=1.4)
    # The picture, its frames and the readout change; the rest is drawn once
    for artist in (picture, *frames, text):
        artist.set_animated(True)

    def update(r: GuidedResult) -> None:
        picture.set_data(mosaic(r.images))
        for frame, name in zip(frames, r.named):
            wrong = name != r.digit
            frame.set_edgecolor(WRONG if wrong else "#d0d0d0")
            frame.set_linewidth(2.0 if wrong else 0.5)
        text.set_text(_readout(r))

    update(r)
    return update
