"""Flow matching in two dimensions, trained from scratch in the browser.

A small network v(x, t) learns to move Gaussian noise onto a target cloud.
Training never simulates the flow: it draws a noise point x0, a data point
x1 and a time t, places x_t = (1 - t) x0 + t x1 on the straight line between
them and asks the network for that line's velocity x1 - x0. Averaged over
all pairs through x_t this regression has the marginal velocity field as its
solution, and integrating dx/dt = v(x, t) from t = 0 to 1 carries fresh
noise to fresh samples of the target.

The page can train in chunks (`init_model`, then `train` repeatedly, drawing
between chunks) or in one go (`compute`).
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

import numpy as np

from demos import mlp

TARGETS = ("moons", "ring", "checkerboard", "points")
N_FREQ = 3  # sin/cos(k pi t) for k = 1..N_FREQ
N_INPUT = 2 + 1 + 2 * N_FREQ  # x, t, the Fourier features of t
DEFAULT_POINTS = "-1 1.2; 1 1.2; 0 0; -2 -0.5; -1.1 -1.6; 0 -2; 1.1 -1.6; 2 -0.5"
POINT_JITTER = 0.1  # standard deviation around each typed point
RING_RADIUS, RING_SIGMA, RING_MODES = 2.0, 0.1, 8
LIM = 3.2  # half-width of the square every panel shows
FIGSIZE = (7.2, 6.6)
NARROW_FIGSIZE = (3.9, 4.9)  # on a phone: the same four panels, titles on two lines
RASTER_DPI = 150  # the static figure's point clouds, as pixels: tiny dots stay round

# Default training recipe: see `compute` and the tests that hold it to account.
DEFAULT_WIDTH, DEFAULT_DEPTH = 32, 3
DEFAULT_STEPS, DEFAULT_LR, DEFAULT_BATCH = 1500, 2e-2, 256
EMA_DECAY = 0.99


# Targets ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A distribution we can draw from: a named toy shape or typed points."""

    name: str
    points: tuple = ()  # ((x, y), ...) for name == "points"

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n independent draws, one row each."""
        return _SAMPLERS[self.name](self, int(n), rng)


def parse_points(text: str) -> np.ndarray:
    """Turn "0 0; 1 1.5; -1 2" (pairs split by ';' or new lines) into a (k, 2) array."""
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    try:
        pts = np.array([[float(v) for v in r.replace(",", " ").split()] for r in rows], dtype=float)
    except ValueError:
        raise ValueError(f"points must be numbers, as in '0 0; 1 1', got {text!r}") from None
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError("give at least one point, each as two numbers 'x y', separated by ';'")
    if not np.all(np.isfinite(pts)) or np.abs(pts).max() > LIM:
        raise ValueError(f"point coordinates must lie between {-LIM} and {LIM}")
    return pts


def make_target(name: str, points: str = DEFAULT_POINTS) -> Target:
    """The target called name; points is only read for name == 'points'."""
    if name not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {name!r}")
    if name == "points":
        return Target(name, tuple(map(tuple, parse_points(points))))
    return Target(name)


def as_target(target) -> Target:
    """Accept a Target or a target name."""
    return target if isinstance(target, Target) else make_target(target)


def _moons(_, n, rng):
    # Two interleaved half circles, centred and scaled to about [-2.4, 2.4].
    upper = rng.random(n) < 0.5
    angle = np.pi * rng.random(n)
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    pts = np.stack([x - 0.5, y - 0.25], axis=1) + 0.05 * rng.standard_normal((n, 2))
    return 1.6 * pts


def ring_centres() -> np.ndarray:
    """The eight mode centres of the ring target."""
    angle = 2 * np.pi * np.arange(RING_MODES) / RING_MODES
    return RING_RADIUS * np.stack([np.cos(angle), np.sin(angle)], axis=1)


_RING_CENTRES = ring_centres()


def _ring(_, n, rng):
    return _RING_CENTRES[rng.integers(0, RING_MODES, n)] + RING_SIGMA * rng.standard_normal((n, 2))


def _checkerboard(_, n, rng):
    # Uniform on the 8 dark squares of a 4 x 4 board covering [-2, 2]^2.
    col = rng.integers(0, 4, n)
    row = 2 * rng.integers(0, 2, n) + (col % 2)
    return np.stack([col, row], axis=1) - 2 + rng.random((n, 2))


def _points(target, n, rng):
    pts = np.asarray(target.points, dtype=float)
    return pts[rng.integers(0, len(pts), n)] + POINT_JITTER * rng.standard_normal((n, 2))


_SAMPLERS = {"moons": _moons, "ring": _ring, "checkerboard": _checkerboard, "points": _points}


# The flow-matching regression ---------------------------------------------------


def interpolate(x0: np.ndarray, x1: np.ndarray, t: np.ndarray) -> np.ndarray:
    """x_t = (1 - t) x0 + t x1: the straight path from noise x0 (t = 0) to data x1 (t = 1)."""
    return x0 + np.asarray(t).reshape(-1, 1) * (x1 - x0)


_FREQS = np.pi * np.arange(1, N_FREQ + 1)


def time_features(t: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """t and sin/cos(k pi t), k = 1..3, one row per time. The network sees
    time through these waves, which lets it change its field quickly with t.
    Written into out (shape (n, 7)) when given, to spare an allocation."""
    t = np.asarray(t, dtype=float).reshape(-1, 1)
    if out is None:
        out = np.empty((len(t), 1 + 2 * N_FREQ))
    angle = t * _FREQS
    out[:, :1] = t
    np.sin(angle, out=out[:, 1 : 1 + N_FREQ])
    np.cos(angle, out=out[:, 1 + N_FREQ :])
    return out


def init_model(
    width: int = DEFAULT_WIDTH, seed: int = 0, depth: int = DEFAULT_DEPTH, dtype=np.float32
) -> mlp.TrainState:
    """A fresh velocity network: inputs x, t and t's features; depth hidden
    layers of width SiLU units; output a 2-D velocity."""
    width, depth = int(width), int(depth)
    if not 2 <= width <= 512:
        raise ValueError(f"width must be between 2 and 512, got {width}")
    if not 1 <= depth <= 8:
        raise ValueError(f"depth must be between 1 and 8, got {depth}")
    sizes = (N_INPUT,) + (width,) * depth + (2,)
    return mlp.TrainState.create(sizes, np.random.default_rng(seed), dtype)


def regression_batch(target: Target, batch: int, rng: np.random.Generator):
    """One batch of the flow-matching regression: inputs (x_t, t) and the
    velocity u = x1 - x0 of the straight line through x_t that the network
    should predict."""
    x0 = rng.standard_normal((batch, 2))
    x1 = target.sample(batch, rng)
    t = rng.random(batch)
    return interpolate(x0, x1, t), t, x1 - x0


def loss_and_grad(params: np.ndarray, ws: mlp.Workspace, x_t, t, u, grad: np.ndarray) -> float:
    """The loss mean |v(x_t, t) - u|^2 over the batch; its gradient with
    respect to params is written into grad."""
    ws.inputs[:, :2] = x_t
    time_features(t, out=ws.inputs[:, 2:])
    d_out = np.subtract(mlp.forward(params, ws), u, dtype=params.dtype)
    loss = float(np.vdot(d_out, d_out)) / len(u)
    d_out *= 2 / len(u)  # d loss / d output
    mlp.backward(params, ws, d_out, grad)
    return loss


def train(
    state: mlp.TrainState,
    target,
    steps: int,
    lr: float = DEFAULT_LR,
    batch: int = DEFAULT_BATCH,
    rng: np.random.Generator | None = None,
    total_steps: int | None = None,
    ema_decay: float = EMA_DECAY,
) -> tuple[mlp.TrainState, np.ndarray]:
    """Run `steps` Adam steps of conditional flow matching; return the new
    state and each step's loss. `state` is left untouched.

    Resumable: the learning rate follows a cosine over total_steps (default:
    this call's steps) counted from state.step, so two calls of N steps with
    total_steps=2N and the same rng equal one call of 2N steps.
    """
    target = as_target(target)
    steps, batch = int(steps), int(batch)
    if steps < 0:
        raise ValueError(f"steps must not be negative, got {steps}")
    if not 1 <= batch <= 65536:
        raise ValueError(f"batch must be between 1 and 65536, got {batch}")
    if not 0 < lr <= 1:
        raise ValueError(f"learning rate must be in (0, 1], got {lr}")
    if not 0 <= ema_decay < 1:
        raise ValueError(f"ema_decay must be in [0, 1), got {ema_decay}")
    rng = np.random.default_rng() if rng is None else rng
    total = state.step + steps if total_steps is None else int(total_steps)
    state = state.copy()
    ws = mlp.Workspace(state.sizes, batch, state.params.dtype)
    grad = np.empty_like(state.params)
    scratch = np.empty_like(state.params)
    losses = np.empty(steps)
    for k in range(steps):
        x_t, t, u = regression_batch(target, batch, rng)
        losses[k] = loss_and_grad(state.params, ws, x_t, t, u, grad)
        step = state.step + k + 1
        mlp.adam_update(state, grad, step, mlp.cosine_lr(lr, step - 1, total), ema_decay, scratch)
    return mlp.TrainState(state.sizes, state.params, state.ema, state.m, state.v, state.step + steps), losses


# Sampling -----------------------------------------------------------------------


def velocity(state: mlp.TrainState, x: np.ndarray, t, use_ema: bool = True) -> np.ndarray:
    """The learned velocity v(x, t) at points x (one row each) and time t
    (a number or one per row)."""
    x = np.asarray(x, dtype=float).reshape(-1, 2)
    t = np.broadcast_to(np.asarray(t, dtype=float), (len(x),))
    theta = state.ema if use_ema else state.params
    return mlp.predict(theta, state.sizes, np.concatenate([x, time_features(t)], axis=1)).astype(float)


def integrate(field, x0: np.ndarray, n_steps: int, method: str = "euler") -> np.ndarray:
    """Follow dx/dt = field(x, t) from t = 0 to 1 in n_steps equal steps;
    return the path, shape (n_steps + 1, n, 2).

    Euler takes the velocity at the start of each step; midpoint takes it
    halfway, one extra evaluation per step for a far smaller error."""
    n_steps = int(n_steps)
    if not 1 <= n_steps <= 1000:
        raise ValueError(f"steps must be between 1 and 1000, got {n_steps}")
    if method not in ("euler", "midpoint"):
        raise ValueError(f"method must be 'euler' or 'midpoint', got {method!r}")
    h = 1.0 / n_steps
    path = np.empty((n_steps + 1,) + np.shape(x0))
    path[0] = x = np.asarray(x0, dtype=float)
    for k in range(n_steps):
        t = k * h
        if method == "euler":
            x = x + h * field(x, t)
        else:
            x = x + h * field(x + 0.5 * h * field(x, t), t + 0.5 * h)
        path[k + 1] = x
    return path


def sample(
    state: mlp.TrainState, n: int, n_steps: int, rng: np.random.Generator, method: str = "euler"
) -> np.ndarray:
    """Draw n noise points and carry them along the learned flow; return the
    paths, shape (n_steps + 1, n, 2): path[0] is the noise, path[-1] the samples."""
    ws = mlp.Workspace(state.sizes, int(n), state.ema.dtype)

    def field(x, t):
        # Reuses one workspace for every evaluation: no allocation per step.
        ws.inputs[:, :2] = x
        ws.inputs[:, 2:] = time_features(t)  # one row, the same for every point
        return mlp.forward(state.ema, ws)

    return integrate(field, rng.standard_normal((int(n), 2)), n_steps, method)


def velocity_grid(state: mlp.TrainState, t: float, lim: float = LIM, n: int = 15):
    """The learned field on an n x n grid over [-lim, lim]^2 at time t:
    (X, Y, U, V), ready for quiver."""
    if not 0 <= t <= 1:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    axis = np.linspace(-lim, lim, n)
    X, Y = np.meshgrid(axis, axis)
    uv = velocity(state, np.stack([X.ravel(), Y.ravel()], axis=1), t)
    return X, Y, uv[:, 0].reshape(X.shape), uv[:, 1].reshape(X.shape)


# Sample quality ---------------------------------------------------------------


def _distance_sum(a: np.ndarray, b: np.ndarray, sq: np.ndarray, d: np.ndarray) -> float:
    """Sum of the Euclidean distances of all pairs (row of a, row of b),
    built coordinate by coordinate from outer differences in the buffers
    sq and d: in the browser about twice as fast as expanding
    |a|^2 + |b|^2 - 2 a.b, and exactly zero for equal points."""
    sq, d = sq[: len(a), : len(b)], d[: len(a), : len(b)]
    np.subtract.outer(a[:, 0], b[:, 0], out=sq)
    sq *= sq
    for j in range(1, a.shape[1]):
        np.subtract.outer(a[:, j], b[:, j], out=d)
        d *= d
        sq += d
    return float(np.sqrt(sq, out=sq).sum())


def mean_distance(a: np.ndarray, b: np.ndarray, block: int = 128) -> float:
    """Mean Euclidean distance over all pairs (row of a, row of b), zero
    pairs included when a is b. Works in blocks of rows, reusing two
    buffers, so that 1,000 x 1,000 pairs never sit in memory at once; when
    a is b, each pair is counted once and doubled, which halves the work."""
    a = np.asarray(a, dtype=float)
    same = b is a
    b = a if same else np.asarray(b, dtype=float)
    sq, d = np.empty((2, min(block, len(a)), len(b)))
    total = 0.0
    for lo in range(0, len(a), block):
        part = a[lo : lo + block]
        if same:
            rest = a[lo + len(part) :]
            total += _distance_sum(part, part, sq, d) + 2 * _distance_sum(part, rest, sq, d)
        else:
            total += _distance_sum(part, b, sq, d)
    return total / (len(a) * len(b))


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'| for X drawn from a's rows and Y from b's.

    For distributions it is zero exactly when they agree, and it sees every
    mismatch (a missing mode, blur, wrong proportions) without any binning.
    This plug-in estimate averages over all pairs, so it is never negative;
    two finite sets from the same distribution still score a little above
    zero, which is why it is reported next to that floor."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return 2 * mean_distance(a, b) - mean_distance(a, a) - mean_distance(b, b)


@functools.lru_cache(maxsize=16)
def target_set(target: Target, n: int, seed: int) -> tuple[np.ndarray, float]:
    """n fresh target samples to compare a model with, and their mean
    distance to one another: the same for every frame of a training run,
    so it is computed once."""
    fresh = target.sample(n, np.random.default_rng([seed, 2]))
    fresh.setflags(write=False)
    return fresh, mean_distance(fresh, fresh)


@functools.lru_cache(maxsize=16)
def reference_distances(target: Target, n: int, seed: int = 12345) -> tuple[float, float]:
    """(floor, ceiling) for n samples: the energy distance between two
    independent target sets (what a perfect model would score, up to noise)
    and between raw N(0, I) noise and the target (what no model scores)."""
    rng = np.random.default_rng(seed)
    a, b = target.sample(n, rng), target.sample(n, rng)
    return energy_distance(a, b), energy_distance(rng.standard_normal((n, 2)), b)


def mode_shares(samples: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Share of the samples closest to each centre: a dropped mode shows as ~0."""
    d = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    return np.bincount(d.argmin(1), minlength=len(centres)) / len(samples)


# The demo -----------------------------------------------------------------------

N_SAMPLES = 1000  # generated points per figure: sampling them and scoring them
# costs about 70 ms in the browser, so a live frame stays under 200 ms
CHUNK = 250  # training steps between two live frames


@dataclass(frozen=True)
class FlowResult:
    """A trained model seen through its samples, its field and its loss."""

    target: Target
    target_samples: np.ndarray  # (n, 2) fresh draws from the target
    samples: np.ndarray  # (n, 2) generated: the ends of the flow's paths
    paths: np.ndarray  # (steps + 1, k, 2): a few particles' whole journeys
    at_t: np.ndarray  # (n, 2) the generated cloud at time arrow_t
    arrow_t: float
    grid: tuple  # (X, Y, U, V) of the learned field at arrow_t
    losses: np.ndarray
    energy: float  # energy distance, generated vs target
    floor: float  # two target sets
    ceiling: float  # noise vs target
    steps: int  # training steps done so far
    euler_steps: int
    method: str
    planned: int = 0  # training steps asked for (0: as many as done)

    @property
    def training(self) -> bool:
        """Whether this is a frame from the middle of a training run."""
        return self.steps < self.planned

    @property
    def evaluations(self) -> int:
        """Network evaluations per sample (NFE): one per Euler step, two per
        midpoint step. What sampling costs, whichever the method."""
        return self.euler_steps * (2 if self.method == "midpoint" else 1)


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the trained weights; the sampling and arrow
    settings are not part of it, so changing them never retrains."""

    target: Target
    width: int
    steps: int
    lr: float
    seed: int

    def start(self) -> tuple[mlp.TrainState, np.random.Generator]:
        """The untrained model and the random stream its training draws from."""
        return init_model(self.width, self.seed), np.random.default_rng(self.seed)

    def train(self, state, rng, steps: int):
        """The next `steps` steps of this recipe's run (learning-rate schedule
        planned over all self.steps, so chunks add up to one run)."""
        return train(state, self.target, steps, self.lr, DEFAULT_BATCH, rng, total_steps=self.steps)


# Trained models by recipe, newest last: a reader who moves only the sampling
# or arrow controls gets the re-sampled figure at once. Plus the one run that
# was stopped part-way, so that the next run of the same recipe carries on.
_TRAINED: dict = {}
_MAX_TRAINED = 4
_stopped: dict = {}


def _remember(recipe: Recipe, state: mlp.TrainState, losses: np.ndarray) -> None:
    losses.setflags(write=False)
    _TRAINED.pop(recipe, None)
    _TRAINED[recipe] = (state, losses)
    while len(_TRAINED) > _MAX_TRAINED:
        del _TRAINED[next(iter(_TRAINED))]


def _trained(recipe: Recipe) -> tuple[mlp.TrainState, np.ndarray]:
    """Train once per recipe, in one go."""
    if recipe not in _TRAINED:
        state, rng = recipe.start()
        state, losses = recipe.train(state, rng, recipe.steps)
        _remember(recipe, state, losses)
    return _TRAINED[recipe]


def summarise(
    state: mlp.TrainState,
    target,
    losses: np.ndarray,
    euler_steps: int = 20,
    midpoint: bool = False,
    arrow_t: float = 0.5,
    n_samples: int = N_SAMPLES,
    n_paths: int = 12,
    seed: int = 0,
    planned: int | None = None,
) -> FlowResult:
    """Sample from a (possibly half-trained) model and measure it: what draw
    shows. stream calls this between training chunks."""
    target = as_target(target)
    arrow_t = float(arrow_t)
    method = "midpoint" if midpoint else "euler"
    rng = np.random.default_rng([seed, 1])
    paths = sample(state, n_samples, euler_steps, rng, method)
    fresh, fresh_spread = target_set(target, n_samples, seed)
    floor, ceiling = reference_distances(target, n_samples)
    k = int(round(arrow_t * euler_steps))  # the path step nearest arrow_t
    generated = paths[-1]
    energy = 2 * mean_distance(generated, fresh) - mean_distance(generated, generated) - fresh_spread
    return FlowResult(
        target=target,
        target_samples=fresh,
        samples=generated,
        paths=paths[:, :n_paths],
        at_t=paths[k],
        arrow_t=arrow_t,
        grid=velocity_grid(state, arrow_t),
        losses=np.asarray(losses, dtype=float),
        energy=energy,
        floor=floor,
        ceiling=ceiling,
        steps=state.step,
        euler_steps=int(euler_steps),
        method=method,
        planned=state.step if planned is None else int(planned),
    )


def _check(target, points, width, steps, lr, seed, euler_steps, arrow_t) -> Recipe:
    """Validate the parameters of compute and stream; return the training recipe."""
    steps, euler_steps, width = int(steps), int(euler_steps), int(width)
    if not 1 <= steps <= 100_000:
        raise ValueError(f"steps must be between 1 and 100,000, got {steps}")
    if not 1 <= euler_steps <= 1000:
        raise ValueError(f"euler_steps must be between 1 and 1000, got {euler_steps}")
    if not 0 <= arrow_t <= 1:
        raise ValueError(f"arrow_t must be between 0 and 1, got {arrow_t}")
    if not 2 <= width <= 512:
        raise ValueError(f"width must be between 2 and 512, got {width}")
    if not 0 < lr <= 1:
        raise ValueError(f"learning rate must be in (0, 1], got {lr}")
    return Recipe(make_target(target, points), width, steps, float(lr), int(seed))


def compute(
    target: str = "moons",
    points: str = DEFAULT_POINTS,
    width: int = DEFAULT_WIDTH,
    steps: int = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    seed: int = 0,
    euler_steps: int = 20,
    midpoint: bool = False,
    arrow_t: float = 0.5,
) -> FlowResult:
    """Train a flow-matching model on the target and sample from it."""
    recipe = _check(target, points, width, steps, lr, seed, euler_steps, arrow_t)
    state, losses = _trained(recipe)
    return summarise(state, recipe.target, losses, int(euler_steps), midpoint, arrow_t, seed=recipe.seed)


def stream(
    target: str = "moons",
    points: str = DEFAULT_POINTS,
    width: int = DEFAULT_WIDTH,
    steps: int = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    seed: int = 0,
    euler_steps: int = 20,
    midpoint: bool = False,
    arrow_t: float = 0.5,
):
    """compute, watched while it trains: a generator of FlowResults, one
    after every CHUNK training steps, the last equal to compute's result.

    A recipe trained before gives its one final frame at once. A run
    stopped part-way (the page closes the generator) is kept, and the next
    run of the same recipe carries on from its last frame."""
    recipe = _check(target, points, width, steps, lr, seed, euler_steps, arrow_t)  # raise now, not at the first frame
    view = dict(euler_steps=int(euler_steps), midpoint=midpoint, arrow_t=arrow_t, seed=recipe.seed, planned=recipe.steps)
    return _frames(recipe, view)


def _frames(recipe: Recipe, view: dict):
    if recipe in _TRAINED:
        state, losses = _TRAINED[recipe]
        yield summarise(state, recipe.target, losses, **view)
        return
    if recipe in _stopped:
        state, rng, done = _stopped.pop(recipe)
    else:
        (state, rng), done = recipe.start(), []
    while state.step < recipe.steps:
        state, chunk = recipe.train(state, rng, min(CHUNK, recipe.steps - state.step))
        done.append(chunk)
        losses = np.concatenate(done)
        if state.step == recipe.steps:
            _remember(recipe, state, losses)
        else:
            # Kept until the next frame, in case the reader stops here.
            _stopped.clear()
            _stopped[recipe] = (state, copy.deepcopy(rng), list(done))
        yield summarise(state, recipe.target, losses, **view)
    _stopped.pop(recipe, None)


_METHOD_NAME = {"euler": "Euler", "midpoint": "midpoint"}


def describe(result: FlowResult) -> str:
    """A one-line readout, also the figure's text alternative."""
    progress = (
        f"training, step {result.steps:,} of {result.planned:,}"
        if result.training
        else f"{result.steps:,} training steps"
    )
    return (
        f"{result.target.name}: {progress}, loss {smoothed(result.losses)[-1]:.3f}. "
        f"Energy distance of {len(result.samples):,} samples "
        f"({result.euler_steps} {_METHOD_NAME[result.method]} steps, {result.evaluations} network evaluations each) "
        f"to the target: {result.energy:.4f} "
        f"(two target sets: {result.floor:.4f}; raw noise: {result.ceiling:.3f})."
    )


def smoothed(losses: np.ndarray, window: int = 50) -> np.ndarray:
    """Running mean of the per-step losses, which are noisy from batch to batch."""
    losses = np.asarray(losses, dtype=float)
    if len(losses) == 0:
        return np.array([np.nan])
    c = np.cumsum(np.r_[0.0, losses])
    k = np.arange(1, len(losses) + 1)
    lo = np.maximum(k - window, 0)
    return (c[k] - c[lo]) / (k - lo)


# Drawing ------------------------------------------------------------------------

TARGET_COLOUR, SAMPLE_COLOUR, PATH_COLOUR, ARROW_COLOUR = "#9e9e9e", "#5c6bc0", "#e65100", "#37474f"


def _square(ax, title):
    ax.set_xlim(-LIM, LIM)
    ax.set_ylim(-LIM, LIM)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax.set_title(title, fontsize=10)


def draw(result: FlowResult, fig):
    """Four panels: the target, the generated samples with a few particle
    paths, the learned field at one time, the training loss. Returns an updater."""
    from matplotlib.collections import LineCollection

    # Four panels on a phone are each narrower than a title's one line
    line_break = "\n" if fig.get_figheight() > fig.get_figwidth() else " "
    axes = fig.subplots(2, 2)
    ax_t, ax_s, ax_v, ax_l = axes.ravel()
    _square(ax_t, "target samples")
    dots_t = ax_t.scatter(*result.target_samples.T, s=2, color=TARGET_COLOUR, linewidths=0)

    title_s = _square(ax_s, "")
    dots_s = ax_s.scatter(*result.samples.T, s=2, color=SAMPLE_COLOUR, linewidths=0)
    lines = LineCollection([], colors=PATH_COLOUR, linewidths=0.8, alpha=0.8)
    ax_s.add_collection(lines)
    starts = ax_s.scatter([], [], s=8, color=PATH_COLOUR, marker="o", linewidths=0)

    title_v = _square(ax_v, "")
    dots_v = ax_v.scatter(*result.at_t.T, s=2, color=SAMPLE_COLOUR, alpha=0.35, linewidths=0)
    X, Y, U, V = result.grid
    arrows = ax_v.quiver(X, Y, U, V, color=ARROW_COLOUR, angles="xy", scale_units="xy", scale=12, width=0.004)

    (raw,) = ax_l.plot([], [], color=TARGET_COLOUR, linewidth=0.5, alpha=0.6)
    (mean,) = ax_l.plot([], [], color=SAMPLE_COLOUR, linewidth=1.5, label="running mean")
    # Three thousand dots weigh 0.24 MB in the page's static figure as vectors,
    # 37 KB as pixels (the live figure is pixels anyway)
    for cloud in (dots_t, dots_s, dots_v):
        cloud.set_rasterized(True)
    ax_l.set_xlabel("training step", fontsize=9)
    ax_l.set_title(f"loss{line_break}$|u^\\theta_t(x_t) - (x_1 - x_0)|^2$", fontsize=10)
    ax_l.tick_params(labelsize=8)
    progress = ax_l.text(0.97, 0.95, "", transform=ax_l.transAxes, ha="right", va="top", fontsize=8)

    def update(result: FlowResult) -> None:
        dots_t.set_offsets(result.target_samples)
        dots_s.set_offsets(result.samples)
        lines.set_segments(list(np.swapaxes(result.paths, 0, 1)))
        starts.set_offsets(result.paths[0])
        title_s.set_text(f"generated, {result.euler_steps} {_METHOD_NAME[result.method]}{line_break}steps, NFE {result.evaluations}")
        dots_v.set_offsets(result.at_t)
        arrows.set_UVC(result.grid[2], result.grid[3])
        title_v.set_text(f"learned velocity{line_break}at t = {result.arrow_t:.2f}")
        steps = np.arange(1, len(result.losses) + 1)
        raw.set_data(steps, result.losses)
        mean.set_data(steps, smoothed(result.losses))
        if len(steps):
            # Zoom on the running mean: the loss levels off well above zero,
            # because x1 - x0 is random even given x_t, and that is the point.
            curve = smoothed(result.losses)
            lo, hi = curve.min(), curve[min(10, len(curve) - 1) :].max()
            pad = 0.15 * (hi - lo) + 1e-3
            ax_l.set_xlim(0, max(len(steps), result.planned, 10))
            ax_l.set_ylim(lo - pad, hi + pad)
        progress.set_text(f"training:{line_break}step {result.steps:,} of {result.planned:,}" if result.training else "")

    update(result)
    fig.tight_layout()
    return update
