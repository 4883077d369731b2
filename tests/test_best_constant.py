"""Tests of demos/best_constant.py: L2's best constant is the mean, L1's the median."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import best_constant as demo


@pytest.mark.parametrize("outlier", [0, 100, 245, 600, 1500, 2000])
def test_l2_minimiser_is_the_mean(outlier):
    k = demo.compute(outlier)
    assert abs(k.best_l2 - k.mean) <= demo.STEP / 2 + 1e-9
    # And no constant does better than the mean itself.
    assert demo.l2_loss(k.prices, [k.mean])[0] <= k.l2.min() + 1e-9


@pytest.mark.parametrize("outlier", [0, 100, 245, 600, 1500, 2000])
def test_l1_minimiser_is_the_median(outlier):
    k = demo.compute(outlier)
    assert abs(k.best_l1 - k.median) <= demo.STEP / 2 + 1e-9
    assert demo.l1_loss(k.prices, [k.median])[0] <= k.l1.min() + 1e-9


def test_outlier_moves_the_mean_not_the_median():
    low, high = demo.compute(400), demo.compute(1900)
    assert np.isclose(high.mean - low.mean, 1500 / 9)
    assert low.median == high.median


def test_losses_agree_with_a_direct_sum():
    k = demo.compute(600)
    c = k.c[123]
    assert np.isclose(k.l2[123], np.mean((k.prices - c) ** 2))
    assert np.isclose(k.l1[123], np.mean(np.abs(k.prices - c)))


@pytest.mark.parametrize("outlier", [-5, 2500])
def test_validation(outlier):
    with pytest.raises(ValueError):
        demo.compute(outlier)


def test_draw_and_update():
    fig = Figure(figsize=demo.FIGSIZE)
    canvas = FigureCanvasAgg(fig)
    update = demo.draw(demo.compute(), fig)
    for outlier in (0, 240, 2000):
        k = demo.compute(outlier)
        update(k)
        canvas.draw()
        assert "median" in demo.describe(k)
