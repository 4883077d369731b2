"""Langevin dynamics samples a density from its score; annealing gets the blobs' weights right."""

from __future__ import annotations

import numpy as np
import pytest

from demos import langevin as lg
from demos import velocity_field as vf


def stationary_std(step_size: float, std: float) -> float:
    """A Langevin step on N(0, s^2) is x <- (1 - eta/s^2) x + sqrt(2 eta) z; its fixed variance is
    s^2 / (1 - eta / (2 s^2)): exact as eta -> 0, too wide for larger steps."""
    return std / np.sqrt(1 - step_size / (2 * std**2))


@pytest.mark.parametrize("step_size", [0.005, 0.05, 0.2])
def test_langevin_on_one_gaussian_settles_on_its_distribution_up_to_the_step_bias(step_size):
    blob = vf.Mixture(np.array([1.0]), np.array([[1.0, -0.5]]), 0.5)
    rng = np.random.default_rng(0)
    x, _ = lg.langevin(rng.standard_normal((20_000, 2)) * 3, np.ones(600), step_size, rng, mix=blob)
    np.testing.assert_allclose(x.mean(axis=0), [1.0, -0.5], atol=0.02)
    np.testing.assert_allclose(x.std(axis=0), stationary_std(step_size, 0.5), rtol=0.02)


def test_langevin_on_a_mixture_from_its_own_samples_stays_there():
    """The target is stationary: started from exact samples, the weights and widths are kept."""
    rng = np.random.default_rng(1)
    x, trace = lg.langevin(lg.TARGET.sample(20_000, rng), np.ones(300), 0.01, rng)
    assert trace.min() > 0.73 and trace.max() < 0.77
    assert np.std(x[x[:, 0] > 0, 1]) == pytest.approx(stationary_std(0.01, 0.5), rel=0.03)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plain_langevin_is_stuck_at_half_and_annealed_finds_three_quarters(seed):
    for steps in (100, 200):
        assert lg.compute("plain", 0.05, steps, seed).share == pytest.approx(0.5, abs=0.06)
        assert lg.compute("annealed", 0.05, steps, seed).share == pytest.approx(0.75, abs=0.07)


def test_the_annealed_schedule_walks_the_path_from_noise_to_data():
    times = lg.schedule("annealed", 100)
    assert times[0] == 0 and times[-1] == 1 and np.all(np.diff(times) >= 0)
    assert len(np.unique(times)) == lg.LEVELS
    assert np.all(lg.schedule("plain", 50) == 1)


def test_compute_is_reproducible_and_its_trace_has_one_entry_per_step():
    a, b = lg.compute("annealed", 0.05, 80, 4), lg.compute("annealed", 0.05, 80, 4)
    assert np.array_equal(a.particles, b.particles) and len(a.trace) == 81
    with pytest.raises(ValueError):
        lg.compute("warm", 0.05, 80, 4)


def test_the_fast_score_is_the_mixtures_exact_score():
    from demos import gaussian_path as gp

    x = np.random.default_rng(5).uniform(-4, 4, (200, 2))
    for t in (0.0, 0.3, 1.0):
        np.testing.assert_allclose(lg.score(x, t), gp.mixture_score(lg.TARGET, x, t), atol=1e-10)
