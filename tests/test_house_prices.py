"""Tests of demos/house_prices.py: fitting a line by gradient descent on L2 or L1."""

import numpy as np
import pytest

from conftest import run_like_the_browser
from demos import house_prices as demo

L2, L1 = demo.LOSSES


def least_squares(outlier_price):
    sizes, prices = demo.house_data(outlier_price)
    return np.linalg.lstsq(np.c_[sizes, np.ones_like(sizes)], prices, rcond=None)[0]


def l1_best_line(outlier_price):
    """Brute-force minimiser of the mean absolute error over a fine grid of lines."""
    sizes, prices = demo.house_data(outlier_price)
    a = np.linspace(2.0, 3.2, 481)[:, None, None]
    b = np.linspace(-60, 100, 641)[None, :, None]
    loss = np.abs(a * sizes + b - prices).mean(axis=-1)
    i, j = np.unravel_index(loss.argmin(), loss.shape)
    return a[i, 0, 0], b[0, j, 0], loss.min()


@pytest.mark.parametrize("outlier_price", [0, 260, 800, 1500])
def test_l2_gradient_descent_reaches_least_squares(outlier_price):
    fit = demo.compute(loss=L2, learning_rate=0.3, steps=2000, outlier_price=outlier_price)
    slope, intercept = least_squares(outlier_price)
    assert abs(fit.slope - slope) < 1e-3 and abs(fit.intercept - intercept) < 0.1


@pytest.mark.parametrize("outlier_price", [0, 260, 1500])
def test_l1_gradient_descent_reaches_the_l1_optimum(outlier_price):
    fit = demo.compute(loss=L1, learning_rate=1.0, steps=2000, outlier_price=outlier_price)
    sizes, prices = demo.house_data(outlier_price)
    *_, best = l1_best_line(outlier_price)
    achieved = np.abs(fit.predict(sizes) - prices).mean()
    assert achieved <= best + 0.5  # within half a k€ of the best mean absolute error


def test_loss_falls():
    fit = demo.compute()
    assert fit.losses[-1] < 0.01 * fit.losses[0]
    assert np.all(np.diff(fit.losses) <= 1e-12)  # L2 with a safe step never goes up


def test_loss_history_is_the_loss_of_the_line():
    fit = demo.compute(steps=50)
    sizes, prices = demo.house_data(260)
    errors = (fit.predict(sizes) - prices) / demo.PRICE_UNIT
    assert np.isclose(fit.losses[-1], np.mean(errors**2))


def test_divergence_is_reported():
    fit = demo.compute(learning_rate=1.5, steps=300)
    assert not np.isfinite(fit.losses[-1])
    assert "diverged" in demo.describe(fit)


@pytest.mark.parametrize(
    "params",
    [dict(loss="L3"), dict(learning_rate=0), dict(learning_rate=3), dict(steps=0), dict(steps=10**5), dict(outlier_price=-1)],
)
def test_validation(params):
    with pytest.raises(ValueError):
        demo.compute(**params)


def test_draw_and_update():
    sets = (
        dict(loss=L1, learning_rate=1.0),
        dict(outlier_price=1500),
        dict(learning_rate=2.0),  # diverges: the figure must still draw
        dict(steps=1),
    )
    assert len(run_like_the_browser("house_prices", *sets)) == 5
