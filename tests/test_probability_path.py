"""The probability-path demo in plain CPython: x_t = (1 - t) x_0 + t x_1 and its moments."""

import math

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from demos import probability_path as pp


@pytest.mark.parametrize("target", pp.TARGETS)
def test_endpoints_are_the_noise_and_the_data(target):
    start = pp.compute(t=0.0, target=target, n_samples=500, seed=3)
    end = pp.compute(t=1.0, target=target, n_samples=500, seed=3)
    assert np.array_equal(start.xt, start.x0)
    assert np.array_equal(end.xt, end.x1)
    # Same seed, same pairs: only t differs between the two calls.
    assert np.array_equal(start.x0, end.x0) and np.array_equal(start.x1, end.x1)


def test_interpolation_is_linear_in_t_and_moves_on_the_segment():
    path = pp.compute(t=0.25, target="two moons", n_samples=200, seed=1)
    assert np.allclose(path.xt, path.x0 + 0.25 * (path.x1 - path.x0))
    # x_t lies on the segment: its distances to both ends add up to the length.
    length = np.linalg.norm(path.x1 - path.x0, axis=1)
    gaps = np.linalg.norm(path.xt - path.x0, axis=1) + np.linalg.norm(path.x1 - path.xt, axis=1)
    assert np.allclose(gaps, length)


def test_bimodal_moments_match_a_large_sample_of_the_target():
    mean, var = pp.bimodal_moments()
    sample = pp.sample_target("bimodal 1-D", 400_000, np.random.default_rng(0))[:, 0]
    assert sample.mean() == pytest.approx(mean, abs=4 * math.sqrt(var / len(sample)))
    assert sample.var() == pytest.approx(var, rel=0.01)


def test_mean_and_variance_at_half_time_are_half_the_mean_and_a_quarter_of_one_plus_v():
    m, v = pp.bimodal_moments()
    means, variances = [], []
    for seed in range(20):
        path = pp.compute(t=0.5, target="bimodal 1-D", n_samples=20_000, seed=seed)
        means.append(path.mean[0])
        variances.append(path.variance[0])
    n = 20 * 20_000
    assert np.mean(means) == pytest.approx(0.5 * m, abs=4 * math.sqrt(0.25 * (1 + v) / n))
    assert np.mean(variances) == pytest.approx(0.25 * (1 + v), rel=0.01)


@pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_exact_path_density_is_a_density_and_has_the_path_moments(t):
    x = np.linspace(-12, 12, 24_001)
    dx = x[1] - x[0]
    p = pp.bimodal_path_density(x, t)
    m, v = pp.bimodal_moments()
    assert np.sum(p) * dx == pytest.approx(1, abs=1e-6)
    assert np.sum(x * p) * dx == pytest.approx(t * m, abs=1e-6)
    var = np.sum(x * x * p) * dx - (t * m) ** 2
    assert var == pytest.approx((1 - t) ** 2 + t**2 * v, abs=1e-6)


@pytest.mark.parametrize("target", ["two moons", "checkerboard"])
def test_2d_variance_at_half_time_follows_independence(target):
    path = pp.compute(t=0.5, target=target, n_samples=20_000, seed=5)
    assert np.allclose(path.variance, 0.25 * (1 + path.x1.var(axis=0)), rtol=0.05)
    assert np.allclose(path.mean, 0.5 * path.x1.mean(axis=0), atol=0.03)


def test_checkerboard_samples_sit_on_the_dark_squares_only():
    x = pp.sample_target("checkerboard", 5000, np.random.default_rng(2))
    assert np.all(np.abs(x) <= 3)
    cells = np.floor((x + 3) / 1.5).astype(int)
    assert np.all(cells.sum(axis=1) % 2 == 0)
    assert len({tuple(c) for c in cells}) == 8


def test_two_moons_has_two_arcs_of_equal_weight():
    x = pp.sample_target("two moons", 20_000, np.random.default_rng(4))
    assert x.shape == (20_000, 2)
    assert np.all(np.abs(x) < 4)
    # The arcs are mirror images through the origin: half the mass on each side.
    assert abs(np.mean(x[:, 1] > 0) - 0.5) < 0.05
    assert np.allclose(x.mean(axis=0), 0, atol=0.05)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"t": -0.1}, "t must"),
        ({"t": 1.5}, "t must"),
        ({"target": "spiral"}, "target"),
        ({"n_samples": 1}, "n_samples"),
        ({"n_samples": 10**6}, "n_samples"),
        ({"pairs": -1}, "pairs"),
    ],
)
def test_parameters_are_validated(params, message):
    with pytest.raises(ValueError, match=message):
        pp.compute(**params)


def test_pairs_never_exceed_the_samples():
    assert pp.compute(n_samples=50, pairs=500).n_pairs == 50


def test_readout_gives_exact_moments_in_one_dimension():
    path = pp.compute(t=0.5, target="bimodal 1-D", n_samples=1000, seed=0)
    text = pp.describe(path)
    m, v = pp.bimodal_moments()
    assert "t = 0.50" in text
    assert f"exact {0.5 * m:.2f}" in text and f"exact {0.25 * (1 + v):.2f}" in text
    assert "pairs drawn" in pp.describe(pp.compute())


def test_draw_updates_in_place_and_rebuilds_only_when_the_dimension_changes():
    fig = Figure(figsize=pp.FIGSIZE)
    update = pp.draw(pp.compute(), fig)
    ax = fig.axes[0]
    collections = list(ax.collections)
    later = pp.compute(t=0.9, n_samples=1000, pairs=30, seed=2)
    update(later)
    assert fig.axes[0] is ax and list(ax.collections) == collections
    lines = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert len(lines.get_segments()) == 30
    points = [c for c in ax.collections if not isinstance(c, LineCollection)]
    assert any(np.allclose(c.get_offsets(), later.xt) for c in points)

    update(pp.compute(target="bimodal 1-D", t=0.3))  # 2-D -> 1-D: new layout
    assert len(fig.axes) == 2
    side = fig.axes[1]
    heights = [bar.get_width() for bar in side.patches]
    width = pp.BINS_1D[1] - pp.BINS_1D[0]
    assert sum(heights) * width == pytest.approx(1, abs=0.02)  # histogram is a density
    update(pp.compute(target="bimodal 1-D", t=0.7))
    assert fig.axes[1] is side
    update(pp.compute(target="checkerboard", t=0.1))  # and back
    assert len(fig.axes) == 1


@pytest.mark.parametrize("target", pp.TARGETS)
@pytest.mark.parametrize("t", [0.0, 0.5, 1.0])
def test_every_target_draws_without_error(target, t):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=pp.FIGSIZE)
    canvas = FigureCanvasAgg(fig)
    update = pp.draw(pp.compute(t=t, target=target, n_samples=100, pairs=0), fig)
    update(pp.compute(t=1 - t, target=target, n_samples=3000, pairs=300, seed=9))
    canvas.draw()
