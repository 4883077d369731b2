"""Every exercise in the book: its solution passes, its starter does not, and
plausible mistakes are caught with a message the reader can act on.

The exercises are read straight from the Markdown (```exercise blocks), so a
new exercise is picked up automatically; it then needs at least one entry in
WRONG_ANSWERS below.
"""

from __future__ import annotations

import warnings

import pytest

from conftest import fenced_blocks
from textbook.checks import judge
from textbook.exercise import parse

EXERCISES = [(page, parse(block)) for page, block in fenced_blocks("exercise")]
BY_ID = {ex["id"]: (page, ex) for page, ex in EXERCISES}
IDS = [f"{page}:{ex['id']}" for page, ex in EXERCISES]

# Plausible wrong answers, each a complete piece of code a reader might submit.
WRONG_ANSWERS: dict[str, dict[str, str]] = {
    "categorical-sampler": {
        "faces numbered from 1, not indices from 0": """
import numpy as np
def sample(probabilities, n, rng):
    return np.searchsorted(np.cumsum(probabilities), rng.random(n), side="right") + 1
""",
        "compares u with the probabilities, not their cumulative sums": """
import numpy as np
def sample(probabilities, n, rng):
    return np.minimum(np.searchsorted(np.sort(probabilities), rng.random(n)), len(probabilities) - 1)
""",
        "uniform over the outcomes, ignoring the probabilities": """
import numpy as np
def sample(probabilities, n, rng):
    return rng.integers(0, len(probabilities), n)
""",
        "does not clip: index K when u lies above a cumulative sum that rounding left below 1": """
import numpy as np
def sample(probabilities, n, rng):
    return np.searchsorted(np.cumsum(probabilities), rng.random(n), side="right")
""",
    },
    "count-images": {
        "numpy integers overflow": """
import numpy as np
def count_images(width, height, channels, levels=256):
    return np.int64(levels) ** (width * height * channels)
""",
        "forgets the channels": """
def count_images(width, height, channels, levels=256):
    return levels ** (width * height)
""",
        "multiplies instead of raising to a power": """
def count_images(width, height, channels, levels=256):
    return width * height * channels * levels
""",
        "a float, not an exact integer": """
import math
def count_images(width, height, channels, levels=256):
    return math.pow(levels, min(width * height * channels, 100))
""",
    },
    "mse-minimiser": {
        "mean absolute error instead of squared": """
import numpy as np
def mse(y, y_hat):
    return np.mean(np.abs(np.asarray(y) - y_hat))
def best_constant_l2(y):
    return np.mean(y)
""",
        "sum instead of mean": """
import numpy as np
def mse(y, y_hat):
    return np.sum((np.asarray(y) - y_hat) ** 2)
def best_constant_l2(y):
    return np.mean(y)
""",
        "root mean squared error": """
import numpy as np
def mse(y, y_hat):
    return np.sqrt(np.mean((np.asarray(y) - y_hat) ** 2))
def best_constant_l2(y):
    return np.mean(y)
""",
        "the median as best constant": """
import numpy as np
def mse(y, y_hat):
    return np.mean((np.asarray(y) - y_hat) ** 2)
def best_constant_l2(y):
    return np.median(y)
""",
    },
    "l1-minimiser": {
        "the mean": """
import numpy as np
def best_constant_l1(y):
    return np.mean(y)
""",
        "the middle element without sorting": """
def best_constant_l1(y):
    return y[len(y) // 2]
""",
        "off by one in the sorted data": """
import numpy as np
def best_constant_l1(y):
    return np.sort(y)[len(y) // 2 - 1]
""",
    },
    "normalise-energies": {
        "naive, overflows and divides 0 by 0": """
import numpy as np
def normalise(energies):
    w = np.exp(-np.asarray(energies, dtype=float))
    return w / w.sum()
""",
        "forgets the minus sign": """
import numpy as np
def normalise(energies):
    e = np.asarray(energies, dtype=float)
    w = np.exp(e - e.max())
    return w / w.sum()
""",
        "shifts by the largest energy instead of the smallest": """
import numpy as np
def normalise(energies):
    e = np.asarray(energies, dtype=float)
    w = np.exp(-(e - e.max()))
    return w / w.sum()
""",
        "divides the energies by their sum": """
import numpy as np
def normalise(energies):
    e = np.asarray(energies, dtype=float)
    return e / e.sum()
""",
    },
    "monte-carlo-z": {
        "forgets the volume of the box": """
import numpy as np
def estimate_z(energy, half_width, d, n, rng):
    x = rng.uniform(-half_width, half_width, size=(n, d))
    return np.mean(np.exp(-energy(x)))
""",
        "volume 2L in every dimension": """
import numpy as np
def estimate_z(energy, half_width, d, n, rng):
    x = rng.uniform(-half_width, half_width, size=(n, d))
    return 2 * half_width * np.mean(np.exp(-energy(x)))
""",
        "half-width instead of width": """
import numpy as np
def estimate_z(energy, half_width, d, n, rng):
    x = rng.uniform(-half_width, half_width, size=(n, d))
    return half_width ** d * np.mean(np.exp(-energy(x)))
""",
        "samples only the positive half of the box": """
import numpy as np
def estimate_z(energy, half_width, d, n, rng):
    x = rng.uniform(0, half_width, size=(n, d)) + 1.0
    return (2 * half_width) ** d * np.mean(np.exp(-energy(x)))
""",
    },
    "linear-path": {
        "the weights swapped": """
def interpolate(x0, x1, t):
    return t * x0 + (1 - t) * x1
def velocity(x0, x1):
    return x1 - x0
""",
        "the velocity points backwards": """
def interpolate(x0, x1, t):
    return (1 - t) * x0 + t * x1
def velocity(x0, x1):
    return x0 - x1
""",
        "forgets the (1 - t)": """
def interpolate(x0, x1, t):
    return x0 + t * x1
def velocity(x0, x1):
    return x1
""",
        "a unit-length velocity": """
import numpy as np
def interpolate(x0, x1, t):
    return (1 - t) * x0 + t * x1
def velocity(x0, x1):
    d = x1 - x0
    return d / np.linalg.norm(d, axis=-1, keepdims=True) if np.ndim(d) else np.sign(d)
""",
    },
    "discriminator-loss": {
        "log of d_fake instead of 1 - d_fake": """
import numpy as np
def discriminator_loss(d_real, d_fake):
    return -np.mean(np.log(d_real)) - np.mean(np.log(d_fake))
""",
        "the sign flipped": """
import numpy as np
def discriminator_loss(d_real, d_fake):
    return np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake))
""",
        "one mean over both batches": """
import numpy as np
def discriminator_loss(d_real, d_fake):
    return -np.mean(np.concatenate([np.log(d_real), np.log(1 - d_fake)]))
""",
        "the generator's loss": """
import numpy as np
def discriminator_loss(d_real, d_fake):
    return -np.mean(np.log(d_fake))
""",
    },
    "push-noise": {
        "uniform noise instead of Gaussian": """
import numpy as np
def pushed_mean_std(f, n, rng):
    x = f(rng.random(n))
    return np.mean(x), np.std(x)
""",
        "the variance instead of the standard deviation": """
import numpy as np
def pushed_mean_std(f, n, rng):
    x = f(rng.standard_normal(n))
    return np.mean(x), np.var(x)
""",
        "statistics of the noise, not of the output": """
import numpy as np
def pushed_mean_std(f, n, rng):
    z = rng.standard_normal(n)
    return np.mean(z), np.std(z)
""",
    },
    "two-point-field": {
        "forgetting to divide by 1 - t": """
import numpy as np
def exact_u(x, t, a, b):
    logit = ((x - t * b) ** 2 - (x - t * a) ** 2) / (2 * (1 - t) ** 2)
    p_a = 1 / (1 + np.exp(-logit))
    return p_a * a + (1 - p_a) * b - x
""",
        "the points' places without the factor t": """
import numpy as np
def exact_u(x, t, a, b):
    logit = ((x - b) ** 2 - (x - a) ** 2) / (2 * (1 - t) ** 2)
    p_a = 1 / (1 + np.exp(-logit))
    return (p_a * a + (1 - p_a) * b - x) / (1 - t)
""",
        "the two weights swapped": """
import numpy as np
def exact_u(x, t, a, b):
    logit = ((x - t * b) ** 2 - (x - t * a) ** 2) / (2 * (1 - t) ** 2)
    p_a = 1 / (1 + np.exp(-logit))
    return ((1 - p_a) * a + p_a * b - x) / (1 - t)
""",
        "ignoring the place: always the middle of the two points": """
import numpy as np
def exact_u(x, t, a, b):
    return ((a + b) / 2 - x) / (1 - t)
""",
    },
    "divergence-by-differences": {
        "every component's change along each coordinate (the whole Jacobian summed)": """
import numpy as np
def divergence(u, x, h=1e-4):
    n, d = x.shape
    total = np.zeros(n)
    for i in range(d):
        step = np.zeros(d)
        step[i] = h
        total += np.sum(u(x + step) - u(x - step), axis=1) / (2 * h)
    return total
""",
        "dividing by h instead of 2h": """
import numpy as np
def divergence(u, x, h=1e-4):
    n, d = x.shape
    total = np.zeros(n)
    for i in range(d):
        step = np.zeros(d)
        step[i] = h
        total += (u(x + step)[:, i] - u(x - step)[:, i]) / h
    return total
""",
        "only the first coordinate": """
import numpy as np
def divergence(u, x, h=1e-4):
    step = np.zeros(x.shape[1])
    step[0] = h
    return (u(x + step)[:, 0] - u(x - step)[:, 0]) / (2 * h)
""",
        "the slopes kept per coordinate, not summed": """
import numpy as np
def divergence(u, x, h=1e-4):
    n, d = x.shape
    return np.stack([(u(x + h * np.eye(d)[i])[:, i] - u(x - h * np.eye(d)[i])[:, i]) / (2 * h) for i in range(d)], axis=1)
""",
    },
    "noise-to-velocity": {
        "the weights of the path swapped (x = (1 - t) x1 + t x0)": """
def velocity_from_noise(x, x0_hat, t):
    x1_hat = (x - t * x0_hat) / (1 - t)
    return x1_hat - x0_hat
""",
        "the clean data taken as x itself": """
def velocity_from_noise(x, x0_hat, t):
    return x - x0_hat
""",
        "the velocity pointing from the data to the noise": """
def velocity_from_noise(x, x0_hat, t):
    x1_hat = (x - (1 - t) * x0_hat) / t
    return x0_hat - x1_hat
""",
        "dividing by 1 - t as if the score were wanted": """
def velocity_from_noise(x, x0_hat, t):
    return (x - x0_hat) / (1 - t)
""",
    },
    "langevin-step": {
        "noise of size sqrt(eta), too little": """
import numpy as np
def langevin_step(x, score, eta, z):
    return x + eta * score(x) + np.sqrt(eta) * z
""",
        "noise of size eta": """
def langevin_step(x, score, eta, z):
    return x + eta * score(x) + eta * z
""",
        "walking down the score instead of up": """
import numpy as np
def langevin_step(x, score, eta, z):
    return x - eta * score(x) + np.sqrt(2 * eta) * z
""",
        "no noise at all: gradient ascent onto the peak": """
def langevin_step(x, score, eta, z):
    return x + eta * score(x)
""",
    },
    "precision-recall-k1": {
        "each point counted as its own neighbour: every radius is zero": """
import numpy as np
def precision_recall(real, fake):
    def covered(q, c):
        r = np.linalg.norm(c[:, None] - c[None], axis=2).min(axis=1)
        return (np.linalg.norm(q[:, None] - c[None], axis=2) <= r[None, :]).any(axis=1).mean()
    return covered(fake, real), covered(real, fake)
""",
        "precision and recall swapped": """
import numpy as np
def precision_recall(real, fake):
    def covered(q, c):
        d = np.linalg.norm(c[:, None] - c[None], axis=2)
        np.fill_diagonal(d, np.inf)
        return (np.linalg.norm(q[:, None] - c[None], axis=2) <= d.min(axis=1)[None, :]).any(axis=1).mean()
    return covered(real, fake), covered(fake, real)
""",
        "a point on the edge of a ball counted as outside": """
import numpy as np
def precision_recall(real, fake):
    def covered(q, c):
        d = np.linalg.norm(c[:, None] - c[None], axis=2)
        np.fill_diagonal(d, np.inf)
        return (np.linalg.norm(q[:, None] - c[None], axis=2) < d.min(axis=1)[None, :]).any(axis=1).mean()
    return covered(fake, real), covered(real, fake)
""",
        "the query's own radius used instead of the ball's": """
import numpy as np
def precision_recall(real, fake):
    def covered(q, c):
        dq = np.linalg.norm(q[:, None] - q[None], axis=2)
        np.fill_diagonal(dq, np.inf)
        return (np.linalg.norm(q[:, None] - c[None], axis=2) <= dq.min(axis=1)[:, None]).any(axis=1).mean()
    return covered(fake, real), covered(real, fake)
""",
    },
    "cfg-combination": {
        "the roles swapped: w = 1 gives the unconditional answer": """
def cfg_velocity(v_cond, v_uncond, w):
    return v_cond + w * (v_uncond - v_cond)
""",
        "Ho and Salimans' convention, (1 + w) v(c) - w v(none), with the book's w": """
def cfg_velocity(v_cond, v_uncond, w):
    return (1 + w) * v_cond - w * v_uncond
""",
        "scales the conditional answer only": """
def cfg_velocity(v_cond, v_uncond, w):
    return w * v_cond
""",
        "adds w times the conditional answer to the unconditional one": """
def cfg_velocity(v_cond, v_uncond, w):
    return v_uncond + w * v_cond
""",
    },
    "heun-step": {
        "Euler's step: order 1, the error only halves": """
def heun_step(f, x, t, h):
    return x + h * f(x, t)
""",
        "forgets the half: walks along the sum of the slopes": """
def heun_step(f, x, t, h):
    k1 = f(x, t)
    k2 = f(x + h * k1, t + h)
    return x + h * (k1 + k2)
""",
        "asks for the second slope at the old time t": """
def heun_step(f, x, t, h):
    k1 = f(x, t)
    k2 = f(x + h * k1, t)
    return x + h / 2 * (k1 + k2)
""",
        "second slope at the start point again: Euler in disguise": """
def heun_step(f, x, t, h):
    k1 = f(x, t)
    k2 = f(x, t + h)
    return x + h / 2 * (k1 + k2)
""",
    },
}


def test_the_book_has_at_least_eight_exercises_and_one_per_part1_page():
    assert len(EXERCISES) >= 8
    pages = {page for page, _ in EXERCISES}
    for name in ("sampling", "losses", "normalising-constant", "probability-paths", "gans"):
        assert f"part1/{name}.md" in pages


def test_ids_are_unique_per_page():
    seen = set()
    for page, ex in EXERCISES:
        assert (page, ex["id"]) not in seen, f"{page}: exercise id {ex['id']!r} twice"
        seen.add((page, ex["id"]))


@pytest.mark.parametrize("page, ex", EXERCISES, ids=IDS)
def test_solution_passes(page, ex):
    result = judge(ex["solution"], ex["checks"])
    assert result["status"] == "passed", result["message"]


@pytest.mark.parametrize("page, ex", EXERCISES, ids=IDS)
def test_starter_does_not_pass(page, ex):
    result = judge(ex["starter"], ex["checks"])
    assert result["status"] != "passed"
    assert result["message"]


@pytest.mark.parametrize("page, ex", EXERCISES, ids=IDS)
def test_every_exercise_has_wrong_answers_to_catch(page, ex):
    assert WRONG_ANSWERS.get(ex["id"]), f"add plausible wrong answers for {ex['id']!r} to WRONG_ANSWERS"


@pytest.mark.parametrize(
    "ident, mistake",
    [(ident, mistake) for ident, wrong in WRONG_ANSWERS.items() for mistake in wrong],
    ids=[f"{ident}:{mistake}" for ident, wrong in WRONG_ANSWERS.items() for mistake in wrong],
)
def test_wrong_answer_fails_with_a_message(ident, mistake):
    assert ident in BY_ID, f"no exercise with id {ident!r} in the docs"
    _, ex = BY_ID[ident]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in deliberately naive code
        result = judge(WRONG_ANSWERS[ident][mistake], ex["checks"])
    assert result["status"] == "failed", result
    assert "expected" in result["message"] and "got" in result["message"]


TAMPERING = [
    "import textbook.checks as c\nc.expect = lambda *a, **k: None\n",
    "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.all = lambda *a, **k: True\n",
    "import builtins\nbuiltins.bool = lambda *a: True\n",
    "import textbook.checks as c\ndel c.expect\n",
]


@pytest.mark.parametrize("trick", TAMPERING)
def test_code_that_tampers_with_the_judge_cannot_make_the_next_wrong_answer_pass(trick):
    checks = "expect('f()', f(), 2)\nexpect('g()', g(), [1.0, 2.0], tol=0.01)"
    wrong = "def f(): return 1\ndef g(): return [5.0, 5.0]\n"
    judge(trick + wrong, checks)
    assert judge(wrong, checks)["status"] == "failed"
    assert judge("def f(): return 2\ndef g(): return [1.0, 2.0]\n", checks)["status"] == "passed"
