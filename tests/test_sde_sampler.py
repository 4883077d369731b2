"""The stochastic sampler keeps the path's distributions p_t for every noise level."""

from __future__ import annotations

import numpy as np
import pytest

from demos import gaussian_path as gp
from demos import sde_sampler as sd
from demos import velocity_field as vf


def _moments_1d(t, mix=sd.TARGET):
    """Mean and variance of the first coordinate of p_t, and the share right of 0."""
    var = (1 - t) ** 2 + t**2 * mix.std**2
    means = t * mix.means[:, 0]
    mean = mix.weights @ means
    return mean, mix.weights @ (var + means**2) - mean**2


@pytest.mark.parametrize("gamma", [0.0, 1.0, 3.0])
@pytest.mark.parametrize("t_end", [0.5, 1.0])
def test_every_noise_level_reaches_the_same_distribution_p_t(gamma, t_end):
    rng = np.random.default_rng(0)
    x, _ = sd.simulate(rng.standard_normal((20_000, 2)), gamma, rng, steps=200, t_end=t_end)
    mean, var = _moments_1d(t_end)
    assert np.mean(x[:, 0]) == pytest.approx(mean, abs=0.04)
    assert np.var(x[:, 0]) == pytest.approx(var, rel=0.04)
    # the second coordinate: N(0, (1 - t)^2 + t^2 s^2)
    assert np.var(x[:, 1]) == pytest.approx((1 - t_end) ** 2 + t_end**2 * sd.TARGET.std**2, rel=0.05)
    if t_end == 1.0:
        assert np.mean(x[:, 0] > 0) == pytest.approx(sd.TARGET.weights[1], abs=0.015)


def test_without_the_score_term_noise_spreads_the_samples():
    """The drift up the score is what keeps p_t: leave it out and the end is too wide."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20_000, 2))
    for k in range(200):
        t = k / 200
        x = x + vf.marginal_velocity(x, t, sd.TARGET) / 200 + sd.noise_level(2.0, t) * np.sqrt(1 / 200) * rng.standard_normal(x.shape)
    assert np.var(x[:, 1]) > 2 * sd.TARGET.std**2


def test_the_noise_vanishes_at_the_data_and_the_score_term_stays_bounded():
    assert sd.noise_level(2.0, 1.0) == 0
    x = np.array([[0.3, 0.2], [-2.0, 0.5]])
    for t in (0.9, 0.99, 0.999):
        term = sd.noise_level(2.0, t) ** 2 / 2 * gp.mixture_score(sd.TARGET, x, t)
        assert np.all(np.abs(term) < 10)
        # with a constant g = 2 the same term grows as the blobs narrow; for a point mass it would blow up as 1 / (1 - t)
        assert np.all(np.abs(2.0**2 / 2 * gp.mixture_score(sd.TARGET, x, t)) >= np.abs(term))


def test_compute_same_ends_share_different_paths_as_noise_grows():
    ode = sd.compute(0.0, 0)
    assert ode.switched == 0 and np.array_equal(ode.paths, ode.ode_paths)
    switched = [sd.compute(g, 0).switched for g in (0.5, 1.5, 3.0)]
    assert switched == sorted(switched) and switched[0] > 0.03
    for g in (0.5, 1.5, 3.0):
        r = sd.compute(g, 0)
        assert r.share_right == pytest.approx(ode.share_right, abs=0.05)
        assert not np.allclose(r.paths, ode.paths)
    assert np.array_equal(sd.compute(1.0, 3).ends, sd.compute(1.0, 3).ends)


def test_the_shaded_density_integrates_to_one():
    xs = np.linspace(-8, 8, 4001)
    for t in (0.0, 0.5, 1.0):
        assert np.trapezoid(sd.marginal_density_1d(xs, t), xs) == pytest.approx(1.0, abs=1e-6)


def test_the_drift_is_the_exact_velocity_plus_the_exact_score_term():
    x = np.random.default_rng(6).uniform(-3, 3, (50, 2))
    for t in (0.0, 0.4, 0.97):
        for gamma in (0.0, 1.3):
            expected = vf.marginal_velocity(x, t, sd.TARGET) + sd.noise_level(gamma, t) ** 2 / 2 * gp.mixture_score(sd.TARGET, x, t)
            np.testing.assert_allclose(sd.drift(x, t, gamma), expected, atol=1e-10)
