"""The exact velocity field of a finite data set copies it; a network does not.

Train flow matching on n images y_1..y_n and the data distribution is, as
far as the loss can tell, the empirical one: each y_i with probability 1/n.
Its marginal field has a closed form. Given x_t = x, the image heading
there was y_i with probability proportional to the Gaussian density of
x_t given y_i, N(x; t y_i, (1 - t)^2 I): a softmax over the training images.
With m(x) = sum_i w_i(x) y_i, the posterior mean of x1,

    u_t(x) = E[x1 - x0 | x_t = x] = (m(x) - x) / (1 - t).

This is the field that minimises the training loss exactly. Following it
from noise lands on a training image every time: as t -> 1 the softmax
picks one image. The trained network of the digits demo, which only
approximates that field, lands on new images. The figure shows both, from
the same noise, each above its nearest training image.

The images come from demos/digits_data.npz, written at set-up by
`python -m demos.empirical_field` from scikit-learn's copy of the digits.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass

import numpy as np

from demos import digits as dg

DATA = "digits_data.npz"
N_SHOWN = 8  # samples of each kind in the figure
FIGSIZE = (6.4, 4.0)
NARROW_FIGSIZE = (3.9, 3.0)  # on a phone: smaller tiles


# The data set ---------------------------------------------------------------------


def write_data(path: str = os.path.join(dg.HERE, DATA)) -> str:
    """Save scikit-learn's 1,797 digits (pixels 0..16 as bytes, labels) beside the demos."""
    from sklearn.datasets import load_digits  # set-up only, never in the browser

    digits = load_digits()
    np.savez_compressed(path, pixels=digits.data.astype(np.uint8), labels=digits.target.astype(np.uint8))
    return path


@functools.lru_cache(maxsize=1)
def load_data(path: str = DATA) -> tuple[np.ndarray, np.ndarray]:
    """(images in [-1, 1] as float64, shape (1797, 64); labels 0..9)."""
    try:
        with np.load(dg.resolve(path)) as f:
            images, labels = dg.pixels_to_unit(f["pixels"]).astype(float), f["labels"].astype(int)
    except FileNotFoundError:
        raise ValueError(f"no digits at {path!r}: run `python -m demos.empirical_field` to write them") from None
    images.setflags(write=False)
    return images, labels


# The exact field ------------------------------------------------------------------


def posterior_weights(x: np.ndarray, t: float, data: np.ndarray) -> np.ndarray:
    """w_i(x) = P(x1 = y_i | x_t = x) for each row x: a softmax of
    -|x - t y_i|^2 / (2 (1 - t)^2) over the data rows y_i. Shape (len(x), n)."""
    sq = (x * x).sum(1)[:, None] - 2 * t * x @ data.T + t * t * (data * data).sum(1)[None, :]
    logits = -sq / (2 * (1 - t) ** 2)
    logits -= logits.max(axis=1, keepdims=True)  # the largest weight becomes exp(0): no overflow
    w = np.exp(logits)
    return w / w.sum(axis=1, keepdims=True)


def exact_velocity(x: np.ndarray, t: float, data: np.ndarray) -> np.ndarray:
    """u_t(x) = (E[x1 | x_t = x] - x) / (1 - t) for the empirical distribution of data (t < 1)."""
    if not 0 <= t < 1:
        raise ValueError(f"t must be in [0, 1), got {t}")
    return (posterior_weights(x, t, data) @ data - x) / (1 - t)


def follow_exact(x0: np.ndarray, data: np.ndarray, steps: int) -> np.ndarray:
    """Euler steps along the exact field from t = 0 to 1. The field is never
    read at t = 1, where it is not defined: the last step starts at 1 - 1/steps."""
    x = np.array(x0, dtype=float)
    for k in range(steps):
        x += exact_velocity(x, k / steps, data) / steps
    return x


# Nearest training images ----------------------------------------------------------


def nearest(x: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of x, the index of the closest data row and its distance."""
    sq = (x * x).sum(1)[:, None] - 2 * x @ data.T + (data * data).sum(1)[None, :]
    index = sq.argmin(axis=1)
    # The expanded square loses digits for nearly equal rows; measure those directly
    return index, np.sqrt(((x - data[index]) ** 2).sum(1))


@functools.lru_cache(maxsize=1)
def typical_gap(path: str = DATA) -> float:
    """Median distance from a training image to its nearest other training
    image: how far apart two real, different handwritten digits lie."""
    images, _ = load_data(path)
    sq = (images * images).sum(1)[:, None] - 2 * images @ images.T + (images * images).sum(1)[None, :]
    np.fill_diagonal(sq, np.inf)
    return float(np.median(np.sqrt(np.maximum(sq.min(axis=1), 0))))


# The demo -------------------------------------------------------------------------


@dataclass(frozen=True)
class Copies:
    """Samples of one digit from the exact field and from the network, each
    with its nearest training image."""

    digit: int
    steps: int
    exact: np.ndarray  # (N_SHOWN, 8, 8) pixel values 0..16
    exact_nearest: np.ndarray
    exact_distance: np.ndarray  # (N_SHOWN,) in [-1, 1] pixel units
    network: np.ndarray
    network_nearest: np.ndarray
    network_distance: np.ndarray
    typical: float  # nearest-neighbour distance among training images


def compute(digit: int = 3, steps: int = 50, seed: int = 0) -> Copies:
    """Follow both fields from the same noise; find each result's nearest training image."""
    digit, steps = int(digit), int(steps)
    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be between 0 and 9, got {digit}")
    if not 1 <= steps <= 500:
        raise ValueError(f"steps must be between 1 and 500, got {steps}")
    images, labels = load_data()
    noise = np.random.default_rng(seed).standard_normal((N_SHOWN, dg.N_PIXELS))
    exact = follow_exact(noise, images[labels == digit], steps)
    # digits.sample draws its noise from the same seed: both fields start at the same points
    network = dg.sample(dg.load_model(), digit, N_SHOWN, steps, seed, times=(1.0,))[0].astype(float)
    e_index, e_dist = nearest(exact, images)
    n_index, n_dist = nearest(network, images)

    def pixels(x):
        return dg.unit_to_pixels(x).reshape(-1, 8, 8)

    return Copies(
        digit, steps, pixels(exact), pixels(images[e_index]), e_dist,
        pixels(network), pixels(images[n_index]), n_dist, typical_gap(),
    )  # fmt: skip


def describe(c: Copies) -> str:
    """A one-line readout, also the figure's text alternative."""
    return (
        f"Eight {c.digit}s from the exact field of the training set and eight from the trained network, "
        f"{c.steps} Euler steps from the same noise. Distance to the nearest training image, median: "
        f"exact field {np.median(c.exact_distance):.3f}, network {np.median(c.network_distance):.2f} "
        f"(two different training images: {c.typical:.2f})."
    )


BLOCKS = (
    ("exact field", "exact", "exact_nearest", "exact_distance"),
    ("trained network", "network", "network_nearest", "network_distance"),
)
TITLE_SPACE, LABEL_SPACE, BLOCK_GAP = 0.32, 0.24, 0.15  # inches


def draw(c: Copies, fig):
    """Two blocks of two rows of eight tiles: samples of the exact field over
    their nearest training images, distances between; then the same for the
    network. Returns an updater."""
    width, height = fig.get_size_inches()
    size = min(0.62, (width - 0.3) / (N_SHOWN + (N_SHOWN - 1) * 0.12))
    gap = 0.12 * size
    left = (width - N_SHOWN * size - (N_SHOWN - 1) * gap) / 2
    block = TITLE_SPACE + 2 * size + LABEL_SPACE
    top = (height + 2 * block + BLOCK_GAP) / 2  # the two blocks, centred vertically
    rows, labels = [], []
    for b, (name, samples, nearest_images, distance) in enumerate(BLOCKS):
        y = top - b * (block + BLOCK_GAP)
        fig.text(0.5, (y - 0.08) / height, f"{name}: samples, nearest training images below", ha="center", va="top", fontsize=9)
        sample_bottom = y - TITLE_SPACE - size
        for field, bottom in ((samples, sample_bottom), (nearest_images, sample_bottom - LABEL_SPACE - size)):
            row = []
            for i in range(N_SHOWN):
                ax = fig.add_axes(((left + i * (size + gap)) / width, bottom / height, size / width, size / height))
                row.append(ax.imshow(getattr(c, field)[i], cmap="gray_r", vmin=0, vmax=16, interpolation="nearest"))
                ax.set_xticks([])
                ax.set_yticks([])
                if field == samples:
                    labels.append((ax.text(0.5, -0.04, "", transform=ax.transAxes, ha="center", va="top", fontsize=7), distance, i))
            rows.append((field, row))

    # Only the pictures and the distances change; titles and layout are drawn
    # once ("Sliders that keep up"). Each tile's frame is drawn over its picture.
    for _, row in rows:
        for im in row:
            for artist in (im, *im.axes.spines.values()):
                artist.set_animated(True)
    for label, _, _ in labels:
        label.set_animated(True)

    def update(c: Copies) -> None:
        for field, row in rows:
            for im, image in zip(row, getattr(c, field)):
                im.set_data(image)
        for label, distance, i in labels:
            label.set_text(f"{getattr(c, distance)[i]:.2f}")

    update(c)
    return update


if __name__ == "__main__":
    print("wrote", write_data(*sys.argv[1:2]))
