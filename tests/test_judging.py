"""The scores of demos/judging.py on cases small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from demos import flow_matching as fm
from demos import judging as j


def test_knn_radius_skips_the_point_itself():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(j.knn_radii(points, 1), [1.0, 1.0, 2.0])
    np.testing.assert_allclose(j.knn_radii(points, 2), [3.0, 2.0, 3.0])


def test_precision_and_recall_by_hand():
    # Real points 0, 1, 3 on a line have 1-NN radii 1, 1, 2. Fake points 0.5 and 10:
    # 0.5 lies in a real ball, 10 in none -> precision 1/2. The fake set's own radii
    # are both 9.5, so every real point lies within 9.5 of the fake point 0.5 -> recall 1.
    real = np.array([[0.0, 0], [1, 0], [3, 0]])
    fake = np.array([[0.5, 0], [10, 0]])
    assert j.precision_recall(real, fake, k=1) == (0.5, 1.0)


def test_a_set_judged_against_itself_has_full_precision_and_recall():
    x = np.random.default_rng(0).normal(size=(50, 2))
    assert j.precision_recall(x, x, k=1) == (1.0, 1.0)


def test_k_out_of_range_is_refused():
    with pytest.raises(ValueError, match="k must be"):
        j.knn_radii(np.zeros((3, 2)), 3)


def test_frechet_distance_of_gaussians_has_its_closed_form():
    # Two diagonal Gaussians: |m1 - m2|^2 + sum (s1 - s2)^2 over the standard deviations.
    mu1, mu2 = np.array([0.0, 1.0]), np.array([3.0, -1.0])
    s1, s2 = np.array([1.0, 2.0]), np.array([0.5, 3.0])
    expected = 13 + (0.5**2 + 1**2)
    got = j.frechet_gaussians(mu1, np.diag(s1**2), mu2, np.diag(s2**2))
    assert got == pytest.approx(expected, abs=1e-12)


def test_frechet_distance_is_zero_for_one_gaussian_and_symmetric():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(5, 5))
    cov1, cov2 = a @ a.T + np.eye(5), np.diag(rng.uniform(1, 2, 5))
    mu = rng.normal(size=5)
    assert j.frechet_gaussians(mu, cov1, mu, cov1) == pytest.approx(0, abs=1e-9)
    assert j.frechet_gaussians(mu, cov1, 0 * mu, cov2) == pytest.approx(j.frechet_gaussians(0 * mu, cov2, mu, cov1))


def test_energy_distance_is_zero_for_equal_sets():
    x = np.random.default_rng(2).normal(size=(100, 2))
    assert fm.energy_distance(x, x.copy()) == pytest.approx(0, abs=1e-12)


def test_the_memoriser_only_returns_training_points():
    rng = np.random.default_rng(3)
    train = j.target_samples(30, rng)
    copies = j.generate("memoriser", 200, train, rng)
    assert j.pairwise_distances(copies, train).min(axis=1).max() == 0


def test_the_two_mode_generator_fills_only_its_two_modes():
    s = j.generate("two modes", 1000, None, np.random.default_rng(4))
    shares = fm.mode_shares(s, fm.ring_centres())
    assert set(np.flatnonzero(shares)) == set(j.KEPT_MODES)


def test_a_change_of_k_alone_gives_the_same_scores_as_scoring_from_scratch():
    r = j.compute(k=4, n=120, n_train=200, seed=5)
    for name in j.GENERATORS:
        p, rec = j.precision_recall(r.real, r.samples[name], 4)
        assert (r.scores[name].precision, r.scores[name].recall) == (p, rec)


def test_the_same_seed_gives_the_same_line_up():
    a, b = j.compute(seed=6, n=100), j.compute(seed=6, n=100)
    assert a.scores == b.scores


def test_the_line_up_s_energy_distance_is_part_1_s():
    r = j.compute(n=150, n_train=300, seed=7)
    for name in j.GENERATORS:
        assert r.scores[name].energy == pytest.approx(fm.energy_distance(r.samples[name], r.real), abs=1e-12)


def test_k_beyond_the_demo_s_range_is_refused():
    with pytest.raises(ValueError, match="k must be"):
        j.compute(k=j.K_MAX + 1)


def test_an_unknown_generator_is_named_in_the_error():
    with pytest.raises(ValueError, match="generator must be one of GAN, collapsed GAN"):
        j.generate("vae", 10, None, np.random.default_rng(0))


def test_the_trained_generators_samples_are_drawn_without_repeats():
    s = j.generate("flow", 800, None, np.random.default_rng(8))
    assert len(np.unique(s, axis=0)) == 800
