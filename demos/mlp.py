"""A small multilayer perceptron in plain numpy, trained by hand.

Everything a deep-learning library does for a network this size fits on a
page: a forward pass that keeps what the backward pass needs, a backward
pass that applies the chain rule layer by layer, Adam, a cosine learning-rate
schedule and an exponential moving average (EMA) of the weights.

Layout, chosen for speed in the browser (numpy without BLAS, so every numpy
call and every pass over memory counts):

* All weights live in one flat vector. Adam, the EMA and gradient checks then
  work on a single array with a handful of numpy calls, however many layers.
* Each layer is one matrix of shape (n_in + 1, n_out): its last row is the
  bias. Activations carry a trailing column of ones, so a layer is a single
  matrix product: no separate bias add forward, no column sum backward.
* Samples are rows (batch-major), so every product is (batch, n_in) @ (n_in, n_out).
* Hidden units are SiLU, x * sigmoid(x): smooth, so the learned velocity
  field is smooth too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace

import numpy as np

# Adam's usual constants.
BETA1, BETA2, ADAM_EPS = 0.9, 0.999, 1e-8
# The cosine schedule ends at this fraction of the peak learning rate rather
# than at zero, so training past the planned horizon still moves a little.
LR_FLOOR = 0.02


# In the browser numpy has no BLAS: its fallback matrix product is slower than
# einsum's unrolled loops once the output has many columns (measured in
# Pyodide 0.27: about 1.5x for 32 columns in the weight gradient, 2-3x for
# 256). With BLAS, as in native numpy, matmul is far faster than einsum.
EINSUM = sys.platform == "emscripten"
EINSUM_MIN_COLUMNS = 48  # forward and input-gradient products
EINSUM_MIN_COLUMNS_GRAD = 16  # weight-gradient products


def _product(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b, by whichever routine is faster here."""
    if EINSUM and out.shape[1] >= EINSUM_MIN_COLUMNS:
        np.einsum("ij,jk->ik", a, b, out=out)
    else:
        np.matmul(a, b, out=out)


def _gram(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a.T @ b (a weight gradient), by whichever routine is faster here."""
    if EINSUM and out.shape[1] >= EINSUM_MIN_COLUMNS_GRAD:
        np.einsum("bi,bo->io", a, b, out=out)
    else:
        np.matmul(a.T, b, out=out)


# Architecture ----------------------------------------------------------------


def layer_shapes(sizes) -> list[tuple[int, int]]:
    """Shapes of the weight matrices, bias row included, for layer sizes
    (n_in, hidden..., n_out)."""
    return [(a + 1, b) for a, b in zip(sizes[:-1], sizes[1:])]


def n_params(sizes) -> int:
    """How many numbers the network has."""
    return sum(r * c for r, c in layer_shapes(sizes))


def layers(theta: np.ndarray, sizes) -> list[np.ndarray]:
    """Views of the flat vector theta as one (n_in + 1, n_out) matrix per layer."""
    views, start = [], 0
    for rows, cols in layer_shapes(sizes):
        views.append(theta[start : start + rows * cols].reshape(rows, cols))
        start += rows * cols
    return views


def init_params(sizes, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """Random weights with variance 1/fan_in (so activations keep their scale
    from layer to layer) and zero biases, as one flat vector."""
    theta = np.zeros(n_params(sizes), dtype=dtype)
    for w, fan_in in zip(layers(theta, sizes), sizes[:-1]):
        w[:-1] = rng.standard_normal(w[:-1].shape) / np.sqrt(fan_in)
    return theta


# Forward and backward ---------------------------------------------------------


@dataclass
class Workspace:
    """Preallocated buffers for one batch size: allocating inside the training
    loop would cost as much as the arithmetic at these sizes.

    acts[0] is the input with its column of ones; acts[i] for i >= 1 holds the
    output of hidden layer i, again with a column of ones; sig[i] keeps the
    sigmoid of each hidden layer for the backward pass.
    """

    sizes: tuple
    batch: int
    dtype: type
    acts: list = field(default_factory=list)
    sig: list = field(default_factory=list)
    pre: list = field(default_factory=list)
    delta: list = field(default_factory=list)
    tmp: list = field(default_factory=list)
    out: np.ndarray = None

    def __post_init__(self):
        b, dt = self.batch, self.dtype
        self.acts = [np.ones((b, n + 1), dt) for n in self.sizes[:-1]]
        hidden = self.sizes[1:-1]
        self.sig = [np.empty((b, n), dt) for n in hidden]
        self.pre = [np.empty((b, n), dt) for n in hidden]
        self.delta = [np.empty((b, n), dt) for n in hidden]
        self.tmp = [np.empty((b, n), dt) for n in hidden]
        self.out = np.empty((b, self.sizes[-1]), dt)

    @property
    def inputs(self) -> np.ndarray:
        """Where the caller writes the batch's inputs (without the ones)."""
        return self.acts[0][:, :-1]


def forward(theta: np.ndarray, ws: Workspace) -> np.ndarray:
    """Run the network on ws.inputs; return the output buffer (overwritten by
    the next call). Keeps pre-activations and sigmoids for backward."""
    weights = layers(theta, ws.sizes)
    for i, w in enumerate(weights[:-1]):
        z, s = ws.pre[i], ws.sig[i]
        _product(ws.acts[i], w, z)
        # sigmoid(z) = 1 / (1 + exp(-z)), written in place: four passes.
        np.negative(z, out=s)
        with np.errstate(over="ignore"):  # exp(-z) = inf gives sigmoid 0, as it should
            np.exp(s, out=s)
        s += 1
        np.reciprocal(s, out=s)
        np.multiply(z, s, out=ws.acts[i + 1][:, :-1])
    _product(ws.acts[-1], weights[-1], ws.out)
    return ws.out


def backward(theta: np.ndarray, ws: Workspace, d_out: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Gradient of the loss with respect to theta, written into grad, given
    d_out = dloss/doutput for the batch last run through forward.

    Chain rule, last layer first: a layer z = a @ W gives dW = a.T @ dz and
    da = dz @ W.T (bias row dropped: the ones column has no gradient)."""
    weights = layers(theta, ws.sizes)
    grads = layers(grad, ws.sizes)
    dz = d_out
    for i in range(len(weights) - 1, -1, -1):
        _gram(ws.acts[i], dz, grads[i])
        if i == 0:
            break
        da = ws.delta[i - 1]
        _product(dz, weights[i][:-1].T, da)
        # SiLU'(z) = s + h (1 - s) with s = sigmoid(z), h = z s.
        h, s, tmp = ws.acts[i][:, :-1], ws.sig[i - 1], ws.tmp[i - 1]
        np.multiply(h, s, out=tmp)
        np.subtract(h, tmp, out=tmp)
        tmp += s
        da *= tmp
        dz = da
    return grad


def predict(theta: np.ndarray, sizes, x: np.ndarray) -> np.ndarray:
    """The network's output for inputs x (one row each), as a new array."""
    ws = Workspace(tuple(sizes), len(x), theta.dtype)
    ws.inputs[...] = x
    return forward(theta, ws).copy()


# Optimiser ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrainState:
    """Everything training needs to carry on where it stopped: weights, their
    moving average, Adam's two moment estimates and the step count."""

    sizes: tuple
    params: np.ndarray
    ema: np.ndarray
    m: np.ndarray
    v: np.ndarray
    step: int = 0

    @staticmethod
    def create(sizes, rng: np.random.Generator, dtype=np.float32) -> "TrainState":
        """A fresh network: random weights, EMA equal to them, zero moments."""
        sizes = tuple(int(s) for s in sizes)
        theta = init_params(sizes, rng, dtype)
        return TrainState(sizes, theta, theta.copy(), np.zeros_like(theta), np.zeros_like(theta))

    def copy(self) -> "TrainState":
        """A copy whose arrays may be changed in place."""
        return replace(self, params=self.params.copy(), ema=self.ema.copy(), m=self.m.copy(), v=self.v.copy())


def cosine_lr(lr: float, step: int, total_steps: int) -> float:
    """Learning rate at a step: a half cosine from lr down to LR_FLOOR * lr
    over total_steps, then flat. Large steps early, fine ones at the end."""
    progress = min(step / max(total_steps, 1), 1.0)
    return lr * (LR_FLOOR + (1 - LR_FLOOR) * 0.5 * (1 + np.cos(np.pi * progress)))


def adam_update(
    state: TrainState, grad: np.ndarray, step: int, lr: float, ema_decay: float, scratch: np.ndarray
) -> None:
    """Adam step number `step` (counted from 1) and the EMA, applied in place
    to state's arrays. Adam scales each weight's step by a running estimate of
    its gradient's size, so one learning rate suits every layer."""
    m, v, p, ema = state.m, state.v, state.params, state.ema
    m *= BETA1
    np.multiply(grad, 1 - BETA1, out=scratch)
    m += scratch
    v *= BETA2
    np.multiply(grad, grad, out=scratch)
    scratch *= 1 - BETA2
    v += scratch
    # Bias correction folded into two scalars: m / (1 - b1^t) and v / (1 - b2^t).
    c1 = lr / (1 - BETA1**step)
    c2 = 1 / np.sqrt(1 - BETA2**step)
    np.sqrt(v, out=scratch)
    scratch *= c2
    scratch += ADAM_EPS
    np.divide(m, scratch, out=scratch)
    scratch *= c1
    p -= scratch
    # EMA: ema <- ema + (1 - decay) (p - ema) smooths out the last steps'
    # noise; samples are drawn with these averaged weights.
    np.subtract(p, ema, out=scratch)
    scratch *= 1 - ema_decay
    ema += scratch
