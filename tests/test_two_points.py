"""The two-point demo in plain CPython: its field and floor against Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import two_points as tp


def lines(n, rng, t):
    x0, x1 = rng.standard_normal(n), rng.choice([-1.0, 1.0], n)
    return (1 - t) * x0 + t * x1, x1 - x0


@pytest.mark.parametrize("t, x", [(0.3, 0.2), (0.5, -0.4), (0.7, 0.6)])
def test_field_is_the_mean_velocity_of_the_lines_through_a_place(t, x):
    place, velocity = lines(4_000_000, np.random.default_rng(0), t)
    near = np.abs(place - x) < 0.01
    assert near.sum() > 5000
    assert tp.field(x, t) == pytest.approx(velocity[near].mean(), abs=0.05)
    assert tp.spread(x, t) == pytest.approx(velocity[near].var(), abs=0.08)


@pytest.mark.parametrize("t", [0.0, 0.2, 0.45, 0.7])
def test_floor_at_one_time_matches_monte_carlo(t):
    place, velocity = lines(2_000_000, np.random.default_rng(1), t)
    residual = (velocity - tp.field(place, t)) ** 2
    assert tp.floor_at(t) == pytest.approx(residual.mean(), abs=4 * residual.std() / np.sqrt(len(residual)) + 1e-9)


def test_floor_over_all_times_matches_monte_carlo():
    rng = np.random.default_rng(2)
    t = rng.random(2_000_000)
    x0, x1 = rng.standard_normal(len(t)), rng.choice([-1.0, 1.0], len(t))
    place = (1 - t) * x0 + t * x1
    residual = (x1 - x0 - tp.field(place, t)) ** 2
    assert tp.floor_curve()[2] == pytest.approx(residual.mean(), abs=4 * residual.std() / np.sqrt(len(t)))


def test_compute_gives_the_lines_and_a_residual_close_to_the_floor():
    s = tp.compute(0.3, 5000, 3)
    assert len(s.places) == len(s.velocities) == 5000
    assert s.residual == pytest.approx(s.floor_t, rel=0.1)
    with pytest.raises(ValueError):
        tp.compute(1.0)
    with pytest.raises(ValueError):
        tp.compute(0.5, 0)


@pytest.mark.parametrize("size", [tp.FIGSIZE, tp.NARROW_FIGSIZE])
def test_draw_and_update_on_a_figure(size):
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    update = tp.draw(tp.compute(0.5), fig)
    update(tp.compute(0.9, 100, 1))
    fig.canvas.draw()
    assert "C_t = 0.000" in tp.describe(tp.compute(0.9))
