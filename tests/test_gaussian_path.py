"""The four predictions of a Gaussian path convert into one another, and the
exact mixture quantities they are converted from are right (finite
differences, chapter 2.1's closed form, Monte Carlo)."""

from __future__ import annotations

import numpy as np
import pytest

from demos import gaussian_path as gp
from demos import velocity_field as vf

MIX = vf.TARGETS["3 unequal blobs"]
TIMES = (0.1, 0.5, 0.9)


def _paths():
    """The linear path, and DDPM's variance-preserving path with its derivatives, at a few times."""
    for t in TIMES:
        yield gp.linear_path(t)
        # a variance-preserving path: alpha = sin(pi t / 2), sigma = cos(pi t / 2)
        a, s = np.sin(np.pi * t / 2), np.cos(np.pi * t / 2)
        yield a, s, np.pi / 2 * s, -np.pi / 2 * a


@pytest.mark.parametrize("path", list(_paths()))
def test_conversions_round_trip_on_any_gaussian_path(path):
    alpha, sigma, d_alpha, d_sigma = path
    rng = np.random.default_rng(0)
    x, x0hat = rng.standard_normal((50, 2)), rng.standard_normal((50, 2))
    x1hat = gp.x1_from_x0(x, x0hat, alpha, sigma)
    np.testing.assert_allclose(alpha * x1hat + sigma * x0hat, x, atol=1e-12)  # the point is its decomposition
    np.testing.assert_allclose(gp.x0_from_x1(x, x1hat, alpha, sigma), x0hat, atol=1e-12)
    score = gp.score_from_x0(x0hat, sigma)
    np.testing.assert_allclose(gp.x0_from_score(score, sigma), x0hat, atol=1e-12)
    u = gp.velocity_from_x0(x, x0hat, alpha, sigma, d_alpha, d_sigma)
    np.testing.assert_allclose(gp.velocity_from_score(x, score, alpha, sigma, d_alpha, d_sigma), u, atol=1e-12)
    np.testing.assert_allclose(gp.x0_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma), x0hat, atol=1e-12)
    np.testing.assert_allclose(gp.x1_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma), x1hat, atol=1e-12)
    np.testing.assert_allclose(gp.score_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma), score, atol=1e-12)
    # the table's clean-data row: the velocity and the score written with x1hat alone
    np.testing.assert_allclose(d_alpha * x1hat + d_sigma * (x - alpha * x1hat) / sigma, u, atol=1e-12)
    np.testing.assert_allclose(-(x - alpha * x1hat) / sigma**2, score, atol=1e-12)
    np.testing.assert_allclose((x + sigma**2 * score) / alpha, x1hat, atol=1e-12)


@pytest.mark.parametrize("t", TIMES + (1.0,))
def test_mixture_score_is_the_gradient_of_the_log_density(t):
    x = np.random.default_rng(1).uniform(-3, 3, (40, 2))
    h = 1e-5
    fd = np.stack(
        [(gp.mixture_log_density(MIX, x + h * e, t) - gp.mixture_log_density(MIX, x - h * e, t)) / (2 * h) for e in np.eye(2)],
        axis=1,
    )
    np.testing.assert_allclose(gp.mixture_score(MIX, x, t), fd, atol=1e-5)


@pytest.mark.parametrize("t", TIMES)
def test_velocity_converted_from_the_exact_score_is_chapter_21s_closed_form(t):
    x = np.random.default_rng(2).uniform(-3, 3, (40, 2))
    alpha, sigma, d_alpha, d_sigma = gp.linear_path(t)
    u = gp.velocity_from_score(x, gp.mixture_score(MIX, x, t), alpha, sigma, d_alpha, d_sigma)
    np.testing.assert_allclose(u, vf.marginal_velocity(x, t, MIX), atol=1e-10)
    np.testing.assert_allclose(gp.mixture_velocity(MIX, x, t), u, atol=1e-10)


def test_one_time_per_row_gives_the_same_score_as_one_time_for_all():
    x = np.random.default_rng(3).standard_normal((6, 2))
    t = np.linspace(0.1, 0.9, 6)
    each = gp.mixture_score(MIX, x, t)
    for k in range(6):
        np.testing.assert_allclose(each[k], gp.mixture_score(MIX, x[k : k + 1], t[k])[0], atol=1e-12)


@pytest.mark.parametrize("t", TIMES)
def test_converted_predictions_are_the_conditional_means_by_monte_carlo(t):
    """x1hat(x_t) and x0hat(x_t) from the velocity are E[x1 | x_t] and E[x0 | x_t]: the residuals
    x1 - x1hat(x_t) are uncorrelated with any function of x_t (and average to zero)."""
    rng = np.random.default_rng(4)
    n = 400_000
    x0, x1 = rng.standard_normal((n, 2)), MIX.sample(n, rng)
    x_t = t * x1 + (1 - t) * x0
    x1hat, x0hat, _ = gp.all_from_velocity(x_t, vf.marginal_velocity(x_t, t, MIX), t)
    features = np.concatenate([np.ones((n, 1)), x_t, np.sin(x_t), np.tanh(x_t[:, :1] * x_t[:, 1:])], axis=1)
    for residual in (x1 - x1hat, x0 - x0hat):
        for j in range(2):
            correlation = features.T @ residual[:, j] / n
            assert np.all(np.abs(correlation) < 0.02), correlation
    # and a wrong guess (the residual of x1hat shifted) is caught by the same check
    assert abs(np.mean(x1[:, 0] - x1hat[:, 0] - 0.1)) > 0.05


def test_ddpm_step_matches_the_linear_path_at_the_same_signal_to_noise_ratio():
    rng = np.random.default_rng(5)
    data, noise = MIX.sample(10, rng), rng.standard_normal((10, 2))
    for alpha_bar in (0.99, 0.5, 0.01):
        a, s = gp.ddpm_path(alpha_bar)
        t = gp.linear_time_for(alpha_bar)
        np.testing.assert_allclose(a * data + s * noise, (a + s) * (t * data + (1 - t) * noise), atol=1e-12)
    assert gp.linear_time_for(0.5) == pytest.approx(0.5)
