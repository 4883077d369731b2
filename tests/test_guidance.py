"""The guidance demos: exact fields checked against Monte Carlo and finite
differences, and what the guided samplers do with the guidance scale.

Demos: demos/guidance.py (a two-class checkerboard of Gaussian blobs) and
demos/guidance_edge.py (two rectangles, each side a row of narrow Gaussians).
"""

from __future__ import annotations

import numpy as np
import pytest

from demos import guidance as g
from demos import guidance_edge as e
from demos import velocity_field as vf


def points(n=40, seed=0, scale=2.0):
    return np.random.default_rng(seed).normal(size=(n, 2)) * scale


def draw_pairs(n, t, rng):
    """Class labels, data x1 and the points x_t of the linear path, for the checkerboard."""
    labels = rng.integers(0, 2, size=n)
    x1 = np.empty((n, 2))
    for i, name in enumerate(g.NAMES):
        mine = labels == i
        x1[mine] = g.CLASSES[name].sample(int(mine.sum()), rng)
    x0 = rng.standard_normal((n, 2))
    return labels, x1, x0, t * x1 + (1 - t) * x0


@pytest.mark.parametrize("t", [0.2, 0.5, 0.8])
def test_the_exact_classifier_is_the_average_of_the_labels_given_the_point(t):
    """p_t(blue | x) is defined by E[1{blue} - p_t(blue | x_t) | x_t] = 0: what
    is left over is uncorrelated with any function of x_t (Monte Carlo)."""
    rng = np.random.default_rng(1)
    labels, _, _, xt = draw_pairs(400_000, t, rng)
    residual = (labels == 0) - g.classifier(xt, t, "blue")
    for f in (np.ones(len(xt)), xt[:, 0], xt[:, 1], xt[:, 0] * xt[:, 1], np.tanh(xt[:, 0] - xt[:, 1])):
        assert abs(np.mean(residual * f)) < 4 * np.std(residual * f) / np.sqrt(len(xt))


@pytest.mark.parametrize("t", [0.1, 0.4, 0.9])
def test_the_push_is_the_classifiers_slope_in_velocity_units(t):
    """(1 - t)/t grad log p_t(c | x), the slope by central differences."""
    x, h = points(), 1e-5
    for c in g.NAMES:
        slope = np.stack([
            (np.log(g.classifier(x + h * d, t, c)) - np.log(g.classifier(x - h * d, t, c))) / (2 * h)
            for d in np.eye(2)
        ], axis=1)
        np.testing.assert_allclose(g.classifier_push(x, t, c), (1 - t) / t * slope, rtol=1e-5, atol=1e-6)


def test_the_push_vanishes_at_t_0_where_the_classifier_knows_nothing():
    x = points()
    np.testing.assert_allclose(g.classifier(x, 0.0, "blue"), 0.5, atol=1e-12)
    assert np.all(np.isfinite(g.classifier_push(x, 0.0, "blue")))


@pytest.mark.parametrize("t", [0.0, 0.3, 0.7, 0.95])
def test_conditional_velocity_is_the_marginal_velocity_of_the_class_alone(t):
    x = points()
    for c in g.NAMES:
        np.testing.assert_allclose(g.velocity(x, t, c), vf.marginal_velocity(x, t, g.CLASSES[c]), atol=1e-12)
    whole = vf.Mixture(np.full(4, 0.25), np.concatenate([m.means for m in g.CLASSES.values()]), g.STD)
    np.testing.assert_allclose(g.velocity(x, t), vf.marginal_velocity(x, t, whole), atol=1e-12)


@pytest.mark.parametrize("t, w", [(0.0, 3.0), (0.3, 1.0), (0.5, 2.0), (0.9, 6.0)])
def test_classifier_free_and_classifier_guidance_are_one_field_when_exact(t, w):
    """u(x) + w (u(x | c) - u(x)) = u(x) + w (1 - t)/t grad log p_t(c | x)."""
    x = points()
    for c in g.NAMES:
        cfg = g.cfg(g.velocity(x, t, c), g.velocity(x, t), w)
        classifier = g.velocity(x, t) + w * g.classifier_push(x, t, c)
        np.testing.assert_allclose(cfg, classifier, atol=1e-12)
        np.testing.assert_allclose(g.guided_velocity(x, t, c, w), cfg, atol=1e-12)


def test_guidance_0_and_1_are_the_unconditional_and_conditional_fields():
    x = points()
    for t in (0.2, 0.6):
        np.testing.assert_allclose(g.guided_velocity(x, t, "orange", 0.0), g.velocity(x, t), atol=1e-12)
        np.testing.assert_allclose(g.guided_velocity(x, t, "orange", 1.0), g.velocity(x, t, "orange"), atol=1e-12)


def test_at_w_1_the_samples_are_the_class():
    """Heun's 30 steps on the exact conditional field: the samples' mean and
    spread around the nearest blob centre match the class's (Monte Carlo)."""
    samples = g.heun(lambda x, t: g.guided_velocity(x, t, "blue", 1.0), g.noise(0, 4000))
    exact = g.CLASSES["blue"].sample(4000, np.random.default_rng(2))
    assert g.spread(samples, "blue") == pytest.approx(g.spread(exact, "blue"), abs=0.02)
    assert abs(g.outward_shift(samples, "blue")) < 0.04


def test_thirty_heun_steps_are_close_to_the_exact_flow():
    for w in (1.0, 6.0):
        coarse = g.guided_samples("blue", w)
        fine = g.heun(lambda x, t: g.guided_velocity(x, t, "blue", w), g.noise(0), 240)
        assert np.max(np.linalg.norm(coarse - fine, axis=1)) < 0.05


def test_compute_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError):
        g.compute(c="green")
    with pytest.raises(ValueError):
        g.compute(t=1.0)


def test_the_same_seed_gives_the_same_samples_and_another_seed_others():
    a, b, c = g.compute(w=2.0, seed=3), g.compute(w=2.0, seed=3), g.compute(w=2.0, seed=4)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.allclose(a.samples, c.samples)


# The rectangles ----------------------------------------------------------------------


@pytest.mark.parametrize("t", [0.0, 0.3, 0.8])
def test_the_one_dimensional_velocity_is_the_average_velocity_of_the_pairs(t):
    """E[(x1 - x0) - u_t(x_t) | x_t] = 0 (Monte Carlo), for blue's side."""
    rng = np.random.default_rng(3)
    x1 = e.sample_rows(e.BLUE_X, 400_000, rng)
    x0 = rng.standard_normal(len(x1))
    xt = t * x1 + (1 - t) * x0
    residual = (x1 - x0) - e.velocity_1d(xt, t, e.BLUE_X)
    for f in (np.ones(len(xt)), xt, np.tanh(xt + 2)):
        assert abs(np.mean(residual * f)) < 4 * np.std(residual * f) / np.sqrt(len(xt))


def test_the_one_dimensional_density_carries_its_probability_by_the_continuity_equation():
    """d p_t/dt + d(p_t u_t)/dx = 0, by finite differences."""
    x, t, h = np.linspace(-4, 4, 81), 0.6, 1e-4
    dp_dt = (e.density_1d(x, t + h, e.BOTH_X) - e.density_1d(x, t - h, e.BOTH_X)) / (2 * h)
    flux = lambda y: e.density_1d(y, t, e.BOTH_X) * e.velocity_1d(y, t, e.BOTH_X)
    np.testing.assert_allclose(dp_dt, -(flux(x + h) - flux(x - h)) / (2 * h), atol=1e-5)


@pytest.mark.parametrize("t, w", [(0.1, 2.0), (0.5, 4.0), (0.9, 8.0)])
def test_the_guided_horizontal_field_is_the_cfg_combination(t, w):
    x = np.linspace(-4, 4, 41)
    both, blue = e.velocity_1d(x, t, e.BOTH_X), e.velocity_1d(x, t, e.BLUE_X)
    np.testing.assert_allclose(e.guided_horizontal(x, t, w), g.cfg(blue, both, w), atol=1e-12)


def test_the_sharpened_density_is_p_times_the_classifier_to_the_w():
    """At w = 0 it is the whole target's side, at w = 1 blue's; the direct
    draws follow it (their mean matches the density's)."""
    blue, orange = e.density_1d(e.GRID, 1.0, e.BLUE_X), e.density_1d(e.GRID, 1.0, e.ORANGE_X)
    np.testing.assert_allclose(e.sharpened_density(0.0), (blue + orange) / 2, atol=1e-4)
    np.testing.assert_allclose(e.sharpened_density(1.0), blue, atol=1e-4)
    dx = e.GRID[1] - e.GRID[0]
    for w in (0.0, 3.0):
        mean = np.sum(e.GRID * e.sharpened_density(w)) * dx
        draws = e.sharpened_samples(w, 0, 20_000)[:, 0]
        assert np.mean(draws) == pytest.approx(mean, abs=4 * np.std(draws) / np.sqrt(len(draws)))


def test_the_vertical_coordinate_is_the_same_for_every_w():
    np.testing.assert_array_equal(e.guided_samples(0.0)[:, 1], e.guided_samples(6.0)[:, 1])


def test_thirty_heun_steps_suffice_for_the_rectangles():
    for w in (1.0, 6.0):
        assert np.max(np.abs(e.guided_samples(w) - e.guided_samples(w, 0, e.N_SAMPLES, 240))) < 0.02


@pytest.mark.parametrize("t, w", [(0.3, 3.0), (0.8, 0.5)])
def test_the_two_forms_of_the_sharpened_distribution_differ_by_a_constant(t, w):
    """p_t(x)^(1-w) p_t(x | c)^w = p_t(x) p_t(c | x)^w / p(c)^w at every x."""
    x = points(200)
    whole = vf.Mixture(np.full(4, 0.25), np.concatenate([m.means for m in g.CLASSES.values()]), g.STD)
    log_p = vf._posterior_mean(x, t, whole)[2]
    log_p_blue = vf._posterior_mean(x, t, g.CLASSES["blue"])[2]
    first = (1 - w) * log_p + w * log_p_blue
    second = log_p + w * np.log(g.classifier(x, t, "blue"))
    np.testing.assert_allclose(first - second, -w * np.log(g.PRIOR[0]), atol=1e-9)


def test_the_readouts_say_what_the_samples_show():
    run = g.compute(c="orange", w=4.0, t=0.3)
    assert run.share == g.share_in_class(run.samples, "orange") == 1.0
    assert f"{100 * run.share:.0f}% land in orange" in g.describe(run) and "t = 0.30" in g.describe(run)
    edge_run = e.compute(w=4.0)
    assert edge_run.guided_quarter == e.far_quarter(edge_run.guided) > 0.8
    assert f"{100 * edge_run.guided_quarter:.0f}% of the guided samples" in e.describe(edge_run)
