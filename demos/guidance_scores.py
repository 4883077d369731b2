"""Guidance and the precision-recall trade, measured on the digits.

For each guidance scale w the guided model of chapter 2.5 draws the same
number of samples of every digit, and the pooled samples are scored against
as many real digits it never saw in training (the held-out split), with the
scores of demos/judging.py: precision and recall with k-nearest-neighbour
balls, and the Fréchet distance.

Features: the pixels themselves. For 8 x 8 digits the 64 pixel values are a
usable feature space, unlike the pixels of photographs: a digit's nearest
neighbour among the training images, by plain pixel distance, is almost
always the same digit, so distances in it mean "looks alike". The Fréchet
distance then compares the means and covariances of 64 numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demos import guided_digits as gd
from demos import judging as jd

SCALES = (0.0, 1.0, 2.0, 4.0, 6.0)  # five scales: the run stays a few seconds in the browser
N_PER_DIGIT = 20  # samples of each digit per scale, and real digits of each
K = 3  # neighbours, as in the paper and in the judging demo
FIGSIZE = (6.4, 3.4)
NARROW_FIGSIZE = (3.9, 5.0)
COLOURS = {"precision": "#1b9e77", "recall": "#d95f02", "frechet": "#7570b3"}


@dataclass(frozen=True)
class ScaleScores:
    w: float
    precision: float
    recall: float
    frechet: float


def reference_set(n_per_digit: int = N_PER_DIGIT, path: str = gd.DEFAULT_WEIGHTS) -> np.ndarray:
    """The first n_per_digit held-out images of each digit, in [-1, 1] units."""
    _, _, held, labels = gd.split_images(path)
    return np.concatenate([held[labels == d][:n_per_digit] for d in range(10)])


def guided_set(model: gd.GuidedModel, w: float, n_per_digit: int, seed: int) -> np.ndarray:
    """n_per_digit guided samples of each digit, clipped to the pixel range."""
    digits = np.repeat(np.arange(10), n_per_digit)
    return np.clip(gd.sample(model, digits, w, len(digits), gd.STEPS, seed), -1, 1).astype(np.float64)


def score(real: np.ndarray, fake: np.ndarray, w: float) -> ScaleScores:
    """The judging chapter's scores of one set of samples, on pixels."""
    precision, recall = jd.precision_recall(real, fake, K)
    return ScaleScores(w, precision, recall, jd.frechet_distance(fake, real))


def stream(n_per_digit: int = N_PER_DIGIT, seed: int = 0, weights: str = gd.DEFAULT_WEIGHTS):
    """The scores, one guidance scale more at each yield (the same noise at every scale)."""
    model = gd.load(weights)
    real = reference_set(n_per_digit, weights)
    done = []
    for w in SCALES:
        done.append(score(real, guided_set(model, w, n_per_digit, seed), w))
        yield tuple(done)


def compute(n_per_digit: int = N_PER_DIGIT, seed: int = 0, weights: str = gd.DEFAULT_WEIGHTS) -> tuple:
    """Scores at every scale of SCALES."""
    n_per_digit = int(n_per_digit)
    if not 5 <= n_per_digit <= 50:
        raise ValueError(f"n_per_digit must be between 5 and 50, got {n_per_digit}")
    *_, last = stream(n_per_digit, int(seed), weights)
    return last


def describe(scores: tuple) -> str:
    parts = [f"w = {s.w:g}: precision {s.precision:.2f}, recall {s.recall:.2f}, Fréchet {s.frechet:.1f}" for s in scores]
    return "Guided digits scored against held-out digits. " + "; ".join(parts) + "."


COLUMN_RIGHTS = (0.0, 0.5, 1.0, 1.65)  # right edges of the table's columns, inches from its left
COLUMNS = (("w", "w", "{:g}"), ("P", "precision", "{:.2f}"), ("R", "recall", "{:.2f}"), ("Fréchet", "frechet", "{:.1f}"))


def _column(scores: tuple, head: str, field: str, form: str) -> str:
    """One column of the table, its heading first."""
    return "\n".join([head] + [form.format(getattr(s, field)) for s in scores])


def draw(scores: tuple, fig):
    """Precision and recall against w (left axis), the Fréchet distance
    (right axis), and the table of the numbers."""
    tall = fig.get_figheight() > fig.get_figwidth()
    ax = fig.add_subplot()
    right = ax.twinx()
    lines = {
        "precision": ax.plot([], [], "o-", color=COLOURS["precision"], label="precision")[0],
        "recall": ax.plot([], [], "s-", color=COLOURS["recall"], label="recall")[0],
        "frechet": right.plot([], [], "^--", color=COLOURS["frechet"], label="Fréchet (right)")[0],
    }
    ax.set(xlim=(-0.3, SCALES[-1] + 0.3), ylim=(0, 1.05), xlabel="guidance scale w", ylabel="precision, recall")
    right.set_ylabel("Fréchet distance", color=COLOURS["frechet"])
    ax.legend(handles=list(lines.values()), loc="lower left", fontsize=8)
    # the table beside the plot, or under it on a phone: one right-aligned text
    # per column, since a static SVG figure does not keep runs of spaces
    if tall:
        fig.subplots_adjust(left=0.18, right=0.84, top=0.97, bottom=0.36)
        left, y0 = 1.1, 0.25  # inches, figure fraction
    else:
        fig.subplots_adjust(left=0.1, right=0.56, top=0.95, bottom=0.15)
        left, y0 = 4.3, 0.85
    columns = [
        fig.text((left + right) / fig.get_figwidth(), y0, "", fontsize=9, va="top", ha="right", multialignment="right")
        for right in COLUMN_RIGHTS
    ]

    def update(scores: tuple) -> None:
        ws = [s.w for s in scores]
        for name, line in lines.items():
            line.set_data(ws, [getattr(s, name) for s in scores])
        top = max(s.frechet for s in scores)
        right.set_ylim(0, top * 1.15 if top > 0 else 1)
        for text, column in zip(columns, COLUMNS):
            text.set_text(_column(scores, *column))

    update(scores)
    return update
