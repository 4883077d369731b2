"""The conditional-vs-marginal demo in plain CPython: the exact field and the
loss floor against Monte Carlo, the decomposition of the loss, the stream."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import flow_matching as fm
from demos import marginal_field as mf
from demos import velocity_field as vf


pytestmark = pytest.mark.usefixtures("one_blas_thread")


def pairs(target, n, rng, t=None):
    """n random lines of the target: x0, x1, t and the point x_t."""
    x0, x1 = rng.standard_normal((n, 2)), mf.TARGETS[target].sample(n, rng)
    t = rng.random(n) if t is None else np.full(n, float(t))
    return x0, x1, t, fm.interpolate(x0, x1, t)


@pytest.mark.parametrize("target", list(mf.TARGETS))
def test_exact_field_with_a_time_per_row_agrees_with_the_deep_dives_closed_form(target):
    rng = np.random.default_rng(0)
    x, t = 2 * rng.standard_normal((40, 2)), np.r_[0.0, rng.random(38), 0.999]
    one_by_one = np.concatenate([vf.marginal_velocity(x[i : i + 1], t[i], mf.TARGETS[target]) for i in range(40)])
    np.testing.assert_allclose(mf.exact_each(target, x, t), one_by_one, atol=1e-10)


@pytest.mark.parametrize("target, t", [("ring", 0.2), ("ring", 0.6), ("2 blobs", 0.5), ("3 unequal blobs", 0.9)])
def test_spread_at_one_time_matches_monte_carlo(target, t):
    """C_t = E|x1 - x0 - u_t(x_t)|^2, by the formula and by brute force over 400,000 lines."""
    x0, x1, _, x_t = pairs(target, 400_000, np.random.default_rng(1), t)
    residual = np.sum((x1 - x0 - mf.exact_field(target, x_t, t)) ** 2, axis=1)
    error = 4 * residual.std() / np.sqrt(len(residual))
    assert mf.conditional_spread(mf.TARGETS[target], t) == pytest.approx(residual.mean(), abs=error)


@pytest.mark.parametrize("target", list(mf.TARGETS))
def test_loss_floor_matches_monte_carlo_over_random_times(target):
    x0, x1, t, x_t = pairs(target, 1_000_000, np.random.default_rng(2))
    residual = np.sum((x1 - x0 - mf.exact_each(target, x_t, t)) ** 2, axis=1)
    error = 4 * residual.std() / np.sqrt(len(residual))
    assert mf.loss_floor(target) == pytest.approx(residual.mean(), abs=error)


def test_quadrature_has_converged():
    """More quadrature points in t and in x_t change the floor by less than 0.001."""
    for target, mix in mf.TARGETS.items():
        times, weights = np.polynomial.legendre.leggauss(96)
        fine = sum(w / 2 * mf.conditional_spread(mix, (s + 1) / 2, nodes=28) for s, w in zip(times, weights))
        assert mf.loss_floor(target) == pytest.approx(fine, abs=1e-3), target


def test_the_loss_splits_into_gap_plus_floor_for_any_field():
    """E|f - (x1 - x0)|^2 = E|f - u|^2 + C for a field f that is not u: the cross term averages to zero."""
    x0, x1, t, x_t = pairs("2 blobs", 1_000_000, np.random.default_rng(3))
    u = mf.exact_each("2 blobs", x_t, t)
    f = 0.5 * np.sin(x_t) + np.c_[t, -t]  # anything at all
    conditional = np.mean(np.sum((f - (x1 - x0)) ** 2, axis=1))
    gap = np.mean(np.sum((f - u) ** 2, axis=1))
    assert conditional == pytest.approx(gap + mf.loss_floor("2 blobs"), abs=0.02)
    assert gap > 0.5  # a real gap, not a field that happens to be u


def test_gap_of_a_network_matches_a_fresh_monte_carlo_estimate():
    state, _ = mf.train(fm.init_model(mf.WIDTH, 0), "ring", 300, np.random.default_rng(0), 300)
    _, _, t, x_t = pairs("ring", 200_000, np.random.default_rng(4))
    fresh = np.mean(np.sum((mf.learned_field(state, x_t, t) - mf.exact_each("ring", x_t, t)) ** 2, axis=1))
    assert mf.gap(state, "ring") == pytest.approx(fresh, rel=0.1)


def test_stream_yields_a_frame_every_250_steps_and_ends_with_computes_result():
    frames = list(mf.stream("2 blobs", 750, 0.3, 5))
    assert [f.steps for f in frames] == [250, 500, 750]
    assert [f.training for f in frames] == [True, True, False]
    assert list(frames[-1].gap_steps) == [0, 250, 500, 750] and frames[-1].gaps[0] > frames[-1].gaps[-1]
    last = mf.compute("2 blobs", 750, 0.3, 5)  # remembered: not trained again
    np.testing.assert_array_equal(last.losses, frames[-1].losses)
    moved = mf.compute("2 blobs", 750, 0.8, 5)  # a new t re-draws the same network
    np.testing.assert_array_equal(moved.losses, last.losses)
    assert moved.t == 0.8 and not np.allclose(moved.exact, last.exact)


@pytest.mark.parametrize("kwargs", [dict(target="moons"), dict(steps=0), dict(arrow_t=1.5)])
def test_stream_rejects_bad_parameters_before_training(kwargs):
    with pytest.raises(ValueError):
        mf.stream(**kwargs)


@pytest.mark.parametrize("size", [mf.FIGSIZE, mf.NARROW_FIGSIZE])
def test_draw_and_update_on_a_figure(size):
    mf._TRAINED.clear()  # a remembered run would give its last frame only
    first, later = list(mf.stream("ring", 500, 0.5, 1))
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    update = mf.draw(first, fig)
    update(later)
    fig.canvas.draw()
    assert "step" in mf.describe(first) and "floor C = 3.581" in mf.describe(later)
