"""Every number and claim in the prose of chapter 2.3, checked.

Page: docs/part2/scores-sdes.md. Each test names the claim and checks that
the page still states it, so that prose and test cannot drift apart.
Numbers are computed here, never copied from a run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from demos import gaussian_path as gp
from demos import langevin as lg
from demos import sde_sampler as sd
from demos import velocity_field as vf
from conftest import stated_by


states = stated_by("part2/scores-sdes.md")


def ddpm_alpha_bar() -> np.ndarray:
    """DDPM's schedule: beta growing linearly from 1e-4 to 0.02 over T = 1000 steps."""
    return np.cumprod(1 - np.linspace(1e-4, 0.02, 1000))


# Gaussian paths ----------------------------------------------------------------------


def test_ddpm_steps_500_250_100_are_the_linear_times_023_051_075():
    states("step $\\tau = 500$ is $t \\approx 0.23$, step $250$ is $t \\approx 0.51$ and step $100$ is $t \\approx 0.75$",
           "half of DDPM's thousand steps are spent in the first quarter of the book's time",
           "from $10^{-4}$ to $0.02$")
    ab = ddpm_alpha_bar()
    t = gp.linear_time_for(ab)
    assert t[500 - 1] == pytest.approx(0.23, abs=0.005)
    assert t[250 - 1] == pytest.approx(0.51, abs=0.005)
    assert t[100 - 1] == pytest.approx(0.75, abs=0.005)
    assert np.all(t[499:] < 0.25) and np.all(np.diff(t) < 0)


def test_linear_path_formulas_hold_for_an_exact_mixture():
    states("\\hat x_1 = x + (1 - t)\\,u_t", "\\hat x_0 = x - t\\,u_t", "s_t = -\\frac{x - t\\,u_t}{1 - t}",
           "u_t = \\frac{x + (1 - t)\\,s_t}{t}", "$u_t = (x - \\hat x_0)/t$", "over $400{,}000$ random pairs")
    mix = vf.TARGETS["3 unequal blobs"]
    x = np.random.default_rng(0).uniform(-3, 3, (30, 2))
    for t in (0.2, 0.6, 0.95):
        u, s = vf.marginal_velocity(x, t, mix), gp.mixture_score(mix, x, t)
        x1hat, x0hat = x + (1 - t) * u, x - t * u
        np.testing.assert_allclose(t * x1hat + (1 - t) * x0hat, x, atol=1e-12)
        np.testing.assert_allclose(s, -(x - t * u) / (1 - t), atol=1e-9)
        np.testing.assert_allclose(u, (x + (1 - t) * s) / t, atol=1e-9)
        np.testing.assert_allclose(u, (x - x0hat) / t, atol=1e-9)
        np.testing.assert_allclose(u, (x1hat - x) / (1 - t), atol=1e-9)


def test_ddpm_score_is_minus_eps_over_sqrt_one_minus_alpha_bar():
    """The score of DDPM's point x_tau = (a + s) x_t, by finite differences, is -x0hat / sqrt(1 - ab)."""
    states("$\\nabla \\log p(x_\\tau) = -\\varepsilon_\\theta/\\sqrt{1 - \\bar\\alpha_\\tau}$")
    mix = vf.TARGETS["2 blobs"]
    for ab in (0.9, 0.3):
        a, s = gp.ddpm_path(ab)
        t, scale = gp.linear_time_for(ab), a + s
        x_tau = np.array([[0.7, -0.2], [-1.5, 0.4]])

        def log_p_tau(y):  # density of x_tau = scale * x_t
            return gp.mixture_log_density(mix, y / scale, t) - 2 * np.log(scale)

        h = 1e-5
        fd = np.stack([(log_p_tau(x_tau + h * e) - log_p_tau(x_tau - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
        x_t = x_tau / scale
        eps = x_t - t * vf.marginal_velocity(x_t, t, mix)  # x0hat at the linear path's point
        np.testing.assert_allclose(fd, -eps / s, atol=1e-5)


# Langevin --------------------------------------------------------------------------


def test_langevin_step_bias_065_instead_of_05():
    states("$s/\\sqrt{1 - \\eta/(2 s^2)}$, about $0.65$ instead of $0.5$ for $s = 0.5$ and $\\eta = 0.2$")
    blob = vf.Mixture(np.array([1.0]), np.zeros((1, 2)), 0.5)
    rng = np.random.default_rng(0)
    x, _ = lg.langevin(blob.sample(20_000, rng), np.ones(300), 0.2, rng, mix=blob)
    assert np.std(x) == pytest.approx(0.65, abs=0.01)
    assert 0.5 / np.sqrt(1 - 0.2 / (2 * 0.25)) == pytest.approx(0.65, abs=0.005)


def test_the_valley_between_the_blobs_is_about_e_minus_12_of_the_peak():
    states("density is about $e^{-12}$ times its peak")
    ratio = gp.mixture_log_density(lg.TARGET, [[0.0, 0.0]], 1.0) - gp.mixture_log_density(lg.TARGET, [[2.5, 0.0]], 1.0)
    assert ratio[0] == pytest.approx(-12, abs=0.5)
    assert lg.TARGET.weights.tolist() == [0.25, 0.75]


def test_plain_langevin_stays_at_half_for_every_slider_setting():
    states("about half the particles sit in each blob, not a quarter and three quarters, for every step size and number of steps the sliders allow")
    for step_size in (0.005, 0.05, 0.2):
        for steps in (10, 150, 300):
            assert lg.compute("plain", step_size, steps, 0).share == pytest.approx(0.5, abs=0.06)


def test_annealed_langevin_reaches_about_07_at_the_default_and_uses_20_levels():
    states("to about $0.7$ with the default $150$ steps", "for $20$ times $t$ going from $0$ to $1$")
    assert lg.LEVELS == 20
    shares = [lg.compute("annealed", 0.05, 150, seed).share for seed in range(4)]
    assert all(0.66 <= s <= 0.76 for s in shares), shares
    assert np.mean(shares) == pytest.approx(0.7, abs=0.03)


def test_large_steps_make_the_blobs_too_wide():
    states("The blobs come out too wide", "($\\eta$ towards $0.2$)")
    assert lg.compute("plain", 0.2, 150, 0).right_spread > 1.2 * lg.TARGET.std


# The stochastic sampler --------------------------------------------------------------


def test_the_demo_uses_800_particles_100_steps_and_weights_04_06():
    states("two blobs (weights $0.4$ and $0.6$)", "same $800$ starting points with $100$ steps")
    assert sd.N_PARTICLES == 800 and sd.STEPS == 100 and sd.TARGET.weights.tolist() == [0.4, 0.6]


def test_about_60_percent_end_in_the_upper_blob_for_any_noise():
    states("about $60\\,\\%$ of the samples end in the upper blob")
    assert sd.TARGET.means[1, 0] > sd.TARGET.means[0, 0]  # the 0.6 blob is the upper one
    for gamma in (0.0, 0.5, 1.0, 2.0, 3.0):
        for seed in (0, 1):
            assert sd.compute(gamma, seed).share_right == pytest.approx(0.6, abs=0.04)


def test_switching_one_in_ten_one_in_five_nearly_half_limit_048():
    states("about one in ten at $\\gamma = 0.5$, one in five at $\\gamma = 1$, nearly half at $\\gamma = 3$",
           "$2 \\times 0.4 \\times 0.6 = 0.48$")
    for seed in (0, 1, 2):
        assert sd.compute(0.5, seed).switched == pytest.approx(0.1, abs=0.03)
        assert sd.compute(1.0, seed).switched == pytest.approx(0.2, abs=0.03)
        assert 0.4 <= sd.compute(3.0, seed).switched <= 0.48
    assert 2 * 0.4 * 0.6 == pytest.approx(0.48)


def test_the_tests_check_moments_with_20000_particles_at_05_and_1():
    states("with $20{,}000$ particles", "at $t = 0.5$ and at $t = 1$", "for $\\gamma = 0$, $1$ and $3$")
    source = (Path(__file__).parent / "test_sde_sampler.py").read_text()
    assert "20_000" in source and '[0.0, 1.0, 3.0]' in source and "[0.5, 1.0]" in source


def test_without_the_score_term_the_variance_more_than_doubles():
    states("the blobs' spread more than doubled in variance")
    rng = np.random.default_rng(2)
    x = rng.standard_normal((20_000, 2))
    for k in range(sd.STEPS):
        t = k / sd.STEPS
        x = x + vf.marginal_velocity(x, t, sd.TARGET) / sd.STEPS + sd.noise_level(1.0, t) * np.sqrt(1 / sd.STEPS) * rng.standard_normal(x.shape)
    assert np.var(x[:, 1]) > 2 * sd.TARGET.std**2  # even at the default gamma = 1


def test_ddpm_noise_on_the_linear_path_is_2_one_minus_t_over_t_like_gamma_sqrt2_near_1():
    """The forward (noising) SDE of a Gaussian path, run from data to noise in the time s = 1 - t, has
    g^2 = d(sigma^2)/ds - 2 (d log alpha / ds) sigma^2; on the linear path that is 2 (1 - t) / t."""
    states("which on the linear path is $g_t^2 = 2(1 - t)/t$", "like $\\gamma = \\sqrt 2 \\approx 1.4$",
           "$g_t^2 = \\gamma^2 (1 - t)$")
    h = 1e-6
    for t in (0.2, 0.5, 0.9):
        d_var = -((1 - (t + h)) ** 2 - (1 - (t - h)) ** 2) / (2 * h)
        d_log_alpha = -(np.log(t + h) - np.log(t - h)) / (2 * h)
        g2 = d_var - 2 * d_log_alpha * (1 - t) ** 2
        assert g2 == pytest.approx(2 * (1 - t) / t, rel=1e-6)
    for t in (0.99, 0.999):
        assert (2 * (1 - t) / t) / sd.noise_level(np.sqrt(2), t) ** 2 == pytest.approx(1, abs=0.011)


def test_score_term_is_minus_gamma_squared_over_2_times_the_noise_prediction():
    states("$-\\tfrac{\\gamma^2}{2}\\hat x_0$")
    x, gamma = np.array([[0.4, -0.3], [-1.8, 0.2]]), 1.7
    for t in (0.3, 0.9, 0.999):
        x0hat = x - t * vf.marginal_velocity(x, t, sd.TARGET)
        term = sd.noise_level(gamma, t) ** 2 / 2 * gp.mixture_score(sd.TARGET, x, t)
        np.testing.assert_allclose(term, -(gamma**2) / 2 * x0hat, atol=1e-9)
