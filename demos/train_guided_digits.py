"""Train the digits model of chapter 2.5, one network for every label and for none.

    python -m demos.train_guided_digits            # writes demos/digits_cfg.npz
    python -m demos.train_guided_digits --out PATH

The finale's recipe (demos.train_digits) with one change: each example's
label is hidden with probability P_UNCOND, so the network learns both the
field of a digit, v(x, t, c), and the field of digits in general,
v(x, t, no label): classifier-free guidance needs both (Ho & Salimans 2022).
It trains on a fixed split of scikit-learn's digits and keeps the rest
unseen, so that its samples can be judged against digits it never saw.

The same file holds the judge of the demo's readouts: a softmax regression
on the training split's pixels (ten weighted sums of the 64 pixels plus a
bias, one per digit; the largest names the digit), small enough to run in
the page. Deterministic given the seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from demos import train_digits as td
from demos.digits import HERE

DEFAULT_WEIGHTS = "digits_cfg.npz"
DEFAULT_OUT = os.path.join(HERE, DEFAULT_WEIGHTS)
P_UNCOND = 0.15  # share of examples shown without their label
N_HELD_OUT = 597  # digits kept out of training: a third of the 1,797
SPLIT_SEED = 2025
CLASSIFIER_L2 = 1e-3  # weight decay of the softmax regression (per example)
CLASSIFIER_STEPS = 500


def split(n: int = 1797, n_held_out: int = N_HELD_OUT, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training digits and of the held-out ones: a fixed shuffle."""
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_held_out:]), np.sort(order[:n_held_out])


def train_classifier(images: np.ndarray, labels: np.ndarray, steps: int = CLASSIFIER_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by full-batch gradient descent with momentum, from
    zero weights (so nothing random): returns W (64, 10) and b (10,)."""
    x = np.asarray(images, dtype=np.float64)
    onehot = np.eye(10)[labels]
    w, b = np.zeros((x.shape[1], 10)), np.zeros(10)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    lr, momentum = 0.5, 0.9
    for _ in range(steps):
        logits = x @ w + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        d = (p - onehot) / len(x)  # the gradient of the mean log loss
        vw = momentum * vw - lr * (x.T @ d + CLASSIFIER_L2 * w)
        vb = momentum * vb - lr * d.sum(0)
        w, b = w + vw, b + vb
    return w, b


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the .npz (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=td.STEPS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--p-uncond", type=float, default=P_UNCOND)
    args = parser.parse_args(argv)
    images, labels = td.load_data()
    train_idx, held_idx = split(len(images))
    start = time.perf_counter()
    with td.one_blas_thread():
        state, losses = td.train(
            images[train_idx], labels[train_idx], args.steps, seed=args.seed, label_dropout=args.p_uncond, log=print
        )
        w, b = train_classifier(images[train_idx], labels[train_idx])
    td.save(
        args.out,
        state,
        steps=args.steps,
        seed=args.seed,
        p_uncond=args.p_uncond,
        final_loss=losses[-200:].mean(),
        classifier_w=w.astype(np.float32),
        classifier_b=b.astype(np.float32),
        train_idx=train_idx.astype(np.int16),
        held_out_idx=held_idx.astype(np.int16),
    )
    print(f"trained {args.steps} steps in {time.perf_counter() - start:.1f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
