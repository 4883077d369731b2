"""Train the class-conditional flow-matching model of the digits demo.

    python -m demos.train_digits            # writes demos/digits_fm.npz
    python -m demos.train_digits --out PATH

Data: scikit-learn's 1,797 handwritten 8 x 8 digits (shipped with the
package, no download), pixels scaled to [-1, 1]. Model: the numpy network of
demos.mlp with input (x_t, features of t, one-hot class) and output the 64
pixel velocities. Loss: the flow-matching regression of the 2-D demo,
unchanged except for the label. Deterministic given the seed; the EMA of the
weights is written as float16 in a compressed .npz.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

import numpy as np

from demos import mlp
from demos.digits import DEFAULT_WEIGHTS, HERE, N_PIXELS, NO_LABEL, fill_inputs, network_sizes, pixels_to_unit

# Next to demos/digits.py, where its compute() looks by default.
DEFAULT_OUT = os.path.join(HERE, DEFAULT_WEIGHTS)

# Default recipe: see tests/test_digits.py for what it achieves.
WIDTH, DEPTH = 256, 2
STEPS, LR, BATCH = 4000, 2e-3, 256
EMA_DECAY = 0.999


def load_data() -> tuple[np.ndarray, np.ndarray]:
    """The digits as (images in [-1, 1], shape (1797, 64); labels 0..9)."""
    from sklearn.datasets import load_digits  # only needed to train, never in the browser

    digits = load_digits()
    return pixels_to_unit(digits.data), digits.target.astype(np.int64)


def train(
    images: np.ndarray,
    labels: np.ndarray,
    steps: int = STEPS,
    width: int = WIDTH,
    depth: int = DEPTH,
    lr: float = LR,
    batch: int = BATCH,
    seed: int = 0,
    ema_decay: float = EMA_DECAY,
    label_dropout: float = 0.0,
    log=None,
) -> tuple[mlp.TrainState, np.ndarray]:
    """Conditional flow matching on (images, labels); returns the final state
    and the per-step loss (mean squared error per pixel).

    With label_dropout > 0 each example's label is replaced by NO_LABEL with
    that probability, so the one network also learns the unconditional field
    (classifier-free guidance, Ho & Salimans 2022)."""
    rng = np.random.default_rng(seed)
    state = mlp.TrainState.create(network_sizes(width, depth), rng, np.float32)
    ws = mlp.Workspace(state.sizes, batch, np.float32)
    grad, scratch = np.empty_like(state.params), np.empty_like(state.params)
    losses = np.empty(steps)
    for k in range(steps):
        pick = rng.integers(0, len(images), batch)
        x1 = images[pick]
        x0 = rng.standard_normal((batch, N_PIXELS), dtype=np.float32)
        t = rng.random(batch, dtype=np.float32)
        shown = labels[pick]
        if label_dropout > 0:  # drawn only then, so the finale's model is unchanged
            shown = np.where(rng.random(batch) < label_dropout, NO_LABEL, shown)
        fill_inputs(ws.inputs, x0 + t[:, None] * (x1 - x0), t, shown)
        d_out = mlp.forward(state.params, ws) - (x1 - x0)
        losses[k] = float(np.vdot(d_out, d_out)) / d_out.size
        d_out *= 2 / d_out.size
        mlp.backward(state.params, ws, d_out, grad)
        mlp.adam_update(state, grad, k + 1, mlp.cosine_lr(lr, k, steps), ema_decay, scratch)
        if log and (k + 1) % 500 == 0:
            log(f"step {k + 1:5d}  loss {losses[k - 499 : k + 1].mean():.4f}")
    return mlp.TrainState(state.sizes, state.params, state.ema, state.m, state.v, steps), losses


def save(path: str, state: mlp.TrainState, **meta) -> None:
    """Write the averaged weights as float16 (half the bytes; sampling
    quality is unchanged) with the layer sizes, compressed."""
    np.savez_compressed(path, params=state.ema.astype(np.float16), sizes=np.array(state.sizes), **meta)


def one_blas_thread():
    """A context in which BLAS uses one thread. At these matrix sizes a
    second thread gains nothing on an idle two-core machine (about 10-11 s
    either way) and loses badly on a busy one (23 s against 10 s measured).
    threadpoolctl comes with scikit-learn; without it, nothing changes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the .npz (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--depth", type=int, default=DEPTH)
    args = parser.parse_args(argv)
    images, labels = load_data()
    start = time.perf_counter()
    with one_blas_thread():
        state, losses = train(images, labels, args.steps, args.width, args.depth, seed=args.seed, log=print)
    save(args.out, state, steps=args.steps, seed=args.seed, final_loss=losses[-200:].mean())
    print(f"trained {args.steps} steps in {time.perf_counter() - start:.1f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
