"""Tests of demos/gen_vs_disc.py: a classifier and a generative model on the same data."""

import numpy as np
import pytest

from conftest import run_like_the_browser
from demos import gen_vs_disc as demo


def test_shapes():
    m = demo.compute(separation=3.0, n_points=40, n_samples=25, seed=1)
    assert m.points.shape == (80, 2) and m.labels.shape == (80,)
    assert m.samples.shape == (50, 2) and m.sample_labels.shape == (50,)
    assert m.means.shape == (2, 2) and m.covariances.shape == (2, 2, 2)
    assert m.weights.shape == (3,)


@pytest.mark.parametrize("seed", range(5))
def test_boundary_separates_well_separated_classes(seed):
    m = demo.compute(separation=7.0, n_points=200, seed=seed)
    assert m.accuracy >= 0.99
    # The boundary crosses the x1 axis between the two class means.
    w = m.weights
    crossing = -w[2] / w[0]
    assert m.true_means[0, 0] < crossing < m.true_means[1, 0]


def test_logistic_fit_matches_the_gradient_condition():
    """At the optimum of the log loss the mean gradient is (nearly) zero; 300 steps get close."""
    m = demo.compute(separation=1.5, n_points=300, seed=2)
    X = np.c_[m.points, np.ones(len(m.points))]
    p = 1 / (1 + np.exp(-(X @ m.weights)))
    assert np.abs(X.T @ (p - m.labels) / len(p)).max() < 0.01


@pytest.mark.parametrize("seed", range(3))
def test_fitted_gaussians_near_truth(seed):
    m = demo.compute(separation=4.0, n_points=1000, seed=seed)
    np.testing.assert_allclose(m.means, m.true_means, atol=0.12)
    for fitted, true in zip(m.covariances, demo.COVARIANCES):
        np.testing.assert_allclose(fitted, true, atol=0.15)


def test_samples_follow_the_fitted_gaussians():
    m = demo.compute(separation=4.0, n_points=200, n_samples=1000, seed=3)
    for label in (0, 1):
        s = m.samples[m.sample_labels == label]
        np.testing.assert_allclose(s.mean(axis=0), m.means[label], atol=0.15)
        np.testing.assert_allclose(np.cov(s.T), m.covariances[label], atol=0.2)


def test_seeded():
    a, b = demo.compute(seed=5), demo.compute(seed=5)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, demo.compute(seed=6).samples)


@pytest.mark.parametrize(
    "params", [dict(separation=-1), dict(separation=9), dict(n_points=2), dict(n_points=5000), dict(n_samples=0)]
)
def test_validation(params):
    with pytest.raises(ValueError):
        demo.compute(**params)


def test_draw_and_update():
    sets = (dict(separation=0.0), dict(separation=8.0, n_points=5, n_samples=1), dict(n_points=500, n_samples=500, seed=9))
    for readout in run_like_the_browser("gen_vs_disc", *sets):
        assert "accuracy" in readout
