"""The exact field of a finite data set, in plain CPython: the softmax
posterior against Monte Carlo, the field against finite differences of the
path, and the memorising it does."""

from __future__ import annotations

import os

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import digits as dg
from demos import empirical_field as ef


@pytest.fixture(scope="module")
def data_file():
    """demos/digits_data.npz as the page reads it, written if missing (needs scikit-learn)."""
    if not os.path.exists(dg.resolve(ef.DATA)):
        pytest.importorskip("sklearn", reason="writing the digits needs scikit-learn")
        ef.write_data()
    return dg.resolve(ef.DATA)


def test_posterior_weights_match_the_share_of_lines_through_a_small_ball():
    """w_i(x) is the share of random lines that pass near x at time t and end at y_i."""
    data = np.array([[-1.0, 0.0], [1.0, 0.5], [0.0, 2.0]])
    x, t, radius = np.array([[0.3, 0.6]]), 0.5, 0.1
    rng = np.random.default_rng(0)
    counts = np.zeros(3)
    for _ in range(4):
        pick = rng.integers(0, 3, 1_000_000)
        x_t = 0.5 * rng.standard_normal((1_000_000, 2)) + t * data[pick]
        near = np.sum((x_t - x) ** 2, axis=1) < radius**2
        counts += np.bincount(pick[near], minlength=3)
    np.testing.assert_allclose(ef.posterior_weights(x, t, data)[0], counts / counts.sum(), atol=0.02)


def test_exact_velocity_is_the_mean_velocity_of_lines_through_x():
    """(E[x1 | x] - x) / (1 - t) against the average of (x1 - x0) over lines that pass near x."""
    data = np.array([[-1.0, 0.0], [1.0, 0.5], [0.0, 2.0]])
    x, t = np.array([0.3, 0.6]), 0.5
    rng = np.random.default_rng(1)
    total, count = np.zeros(2), 0
    for _ in range(4):
        x0, x1 = rng.standard_normal((1_000_000, 2)), data[rng.integers(0, 3, 1_000_000)]
        near = np.sum(((1 - t) * x0 + t * x1 - x) ** 2, axis=1) < 0.01
        total += (x1 - x0)[near].sum(axis=0)
        count += int(near.sum())
    np.testing.assert_allclose(ef.exact_velocity(x[None], t, data)[0], total / count, atol=0.1)


def test_two_points_in_one_dimension_give_the_tanh_of_the_chapter():
    data = np.array([[-1.0], [1.0]])
    x, t = np.linspace(-2, 2, 9)[:, None], 0.6
    expected = (np.tanh(t * x / (1 - t) ** 2) - x) / (1 - t)
    np.testing.assert_allclose(ef.exact_velocity(x, t, data), expected, atol=1e-12)


def test_the_flow_of_the_exact_field_moves_the_path_like_the_field_says():
    """A tiny Euler step along u_t from x_t lands where the density of x_{t+h} says it should:
    the mean position of a cloud moves by h times the mean velocity (finite difference)."""
    data = np.random.default_rng(2).standard_normal((5, 3))
    rng = np.random.default_rng(3)
    t, h, n = 0.4, 1e-3, 400_000
    pick = rng.integers(0, 5, n)
    x_t = (1 - t) * rng.standard_normal((n, 3)) + t * data[pick]
    moved = x_t + h * ef.exact_velocity(x_t, t, data)
    # E[x_{t+h}] = (t + h) E[x1], and the field must move the mean exactly so
    np.testing.assert_allclose((moved.mean(0) - x_t.mean(0)) / h, data.mean(0), atol=0.02)


def test_weights_never_overflow_near_t_equal_one():
    data = np.random.default_rng(4).standard_normal((20, 64))
    w = ef.posterior_weights(data[:3] + 1e-3, 0.999, data)
    assert np.all(np.isfinite(w)) and np.allclose(w.sum(1), 1)
    np.testing.assert_array_equal(w.argmax(1), [0, 1, 2])


def test_data_file_holds_the_1797_digits(data_file):
    images, labels = ef.load_data()
    assert images.shape == (1797, 64) and images.min() == -1 and images.max() == 1
    assert sorted(set(labels)) == list(range(10))
    assert os.path.getsize(data_file) < 60_000  # fetched by every page's worker


def test_nearest_finds_the_exact_row_and_measures_its_distance(data_file):
    images, _ = ef.load_data()
    index, distance = ef.nearest(images[[5, 700]] + 0.01, images)
    np.testing.assert_array_equal(index, [5, 700])
    np.testing.assert_allclose(distance, 0.08, atol=1e-9)


def test_compute_starts_both_fields_from_the_same_noise(data_file):
    """One Euler step of the exact field lands on the class mean from any start,
    and the network's one-step images come from digits.sample with the same seed."""
    c = ef.compute(digit=4, steps=1, seed=7)
    images, labels = ef.load_data()
    mean = dg.unit_to_pixels(images[labels == 4].mean(0)).reshape(8, 8)
    for image in c.exact:
        np.testing.assert_allclose(image, mean, atol=1e-9)
    network = dg.unit_to_pixels(dg.sample(dg.load_model(), 4, ef.N_SHOWN, 1, 7, times=(1.0,))[0])
    np.testing.assert_allclose(c.network, network.reshape(-1, 8, 8), atol=1e-5)


@pytest.mark.parametrize("kwargs", [dict(digit=10), dict(steps=0)])
def test_compute_rejects_bad_parameters(kwargs, data_file):
    with pytest.raises(ValueError):
        ef.compute(**kwargs)


@pytest.mark.parametrize("size", [ef.FIGSIZE, ef.NARROW_FIGSIZE])
def test_draw_and_update_on_a_figure(size, data_file):
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    update = ef.draw(ef.compute(3, 50, 0), fig)
    update(ef.compute(8, 20, 1))
    fig.canvas.draw()
    labels = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text()]
    assert len(labels) == 2 * ef.N_SHOWN and all(float(label) >= 0 for label in labels)
