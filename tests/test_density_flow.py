"""The continuity equation and the log-density integral, checked against the
closed-form density of the path, finite differences and Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from demos import density_flow as df
from demos import marginal_field as mf
from demos import velocity_field as vf

TIMES = (0.0, 0.3, 0.7, 0.95, 1.0)


@pytest.mark.parametrize("target", list(mf.TARGETS))
@pytest.mark.parametrize("t", TIMES)
def test_field_is_the_book_s_marginal_field_and_the_density_its_path_density(target, t):
    mix = mf.TARGETS[target]
    x = np.random.default_rng(0).normal(scale=2.0, size=(200, 2))
    u, _ = df.field_and_divergence(x, t, mix)
    np.testing.assert_allclose(u, vf.marginal_velocity(x, t, mix), atol=1e-10)
    np.testing.assert_allclose(np.exp(df.log_density(x, t, mix)), vf.path_density(x, t, mix), rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("mix", [df.TARGET_1D, mf.TARGETS["3 unequal blobs"], mf.TARGETS["ring"]], ids=["1-D", "3 blobs", "ring"])
@pytest.mark.parametrize("t", (0.0, 0.4, 0.8, 1.0))
def test_divergence_is_the_trace_of_the_jacobian_by_finite_differences(mix, t):
    d = mix.means.shape[1]
    x = np.random.default_rng(1).normal(scale=1.5, size=(100, d))
    _, div = df.field_and_divergence(x, t, mix)
    eps = 1e-5
    trace = sum(
        (df.field_and_divergence(x + eps * np.eye(d)[j], t, mix)[0][:, j] - df.field_and_divergence(x - eps * np.eye(d)[j], t, mix)[0][:, j]) / (2 * eps)
        for j in range(d)
    )
    np.testing.assert_allclose(div, trace, atol=1e-4 * (1 + np.abs(trace)).max())


@pytest.mark.parametrize("mix", [df.TARGET_1D, mf.TARGETS["2 blobs"]], ids=["1-D", "2 blobs"])
@pytest.mark.parametrize("t", (0.2, 0.5, 0.9))
def test_the_closed_form_density_obeys_the_continuity_equation(mix, t):
    """d/dt p_t + div(p_t u_t) = 0, every derivative by central differences."""
    d = mix.means.shape[1]
    x = np.random.default_rng(2).normal(scale=1.5, size=(100, d)) + t * mix.means[0]
    p = lambda y, s: np.exp(df.log_density(y, s, mix))  # noqa: E731
    flux = lambda y, s: p(y, s)[:, None] * df.field_and_divergence(y, s, mix)[0]  # noqa: E731
    h = 1e-5
    dp_dt = (p(x, t + h) - p(x, t - h)) / (2 * h)
    div_flux = sum((flux(x + h * np.eye(d)[j], t)[:, j] - flux(x - h * np.eye(d)[j], t)[:, j]) / (2 * h) for j in range(d))
    assert np.max(np.abs(dp_dt + div_flux)) < 1e-5 * max(1.0, np.max(np.abs(dp_dt)))
    # and the equation is not trivially met: p_t does change
    assert np.max(np.abs(dp_dt)) > 1e-2


@pytest.mark.parametrize("target", list(mf.TARGETS))
def test_log_density_by_the_divergence_integral_converges_to_the_exact_one_at_second_order(target):
    mix = mf.TARGETS[target]
    x = mix.sample(300, np.random.default_rng(3))
    exact = df.log_density(x, 1.0, mix)
    errors = [np.mean(np.abs(df.log_density_by_flow(x, 1.0, mix, n)[0] - exact)) for n in (32, 64, 128)]
    assert errors[2] < 0.01
    assert errors[1] / errors[2] > 3  # the midpoint rule: halving the step quarters the error


def test_the_flow_s_density_integrates_to_one_without_any_normalising_constant():
    mix = mf.TARGETS["3 unequal blobs"]
    axis = np.linspace(-5.0, 5.0, 101)
    X, Y = np.meshgrid(axis, axis)
    log_p, _ = df.log_density_by_flow(np.stack([X.ravel(), Y.ravel()], axis=1), 1.0, mix, 32)
    assert np.sum(np.exp(log_p)) * (axis[1] - axis[0]) ** 2 == pytest.approx(1.0, abs=0.01)


def test_following_the_field_backwards_from_where_a_particle_arrived_returns_its_start():
    x0 = np.random.default_rng(4).standard_normal((50, 2))
    mix = mf.TARGETS["2 blobs"]
    path, _ = df.flow_forward(x0, mix, 200)
    _, back = df.log_density_by_flow(path[-1], 1.0, mix, 200)
    np.testing.assert_allclose(back, x0, atol=1e-3)


def test_particles_moved_by_the_field_are_distributed_as_the_path_by_monte_carlo():
    """The ODE's particles against x_t = (1 - t) x0 + t x1 drawn directly."""
    s = df.compute(t=0.6, n_particles=20_000, seed=5)
    rng = np.random.default_rng(6)
    n = 200_000
    x1 = np.where(rng.random(n) < df.TARGET_1D.weights[1], df.TARGET_1D.means[1, 0], df.TARGET_1D.means[0, 0]) + df.TARGET_1D.std * rng.standard_normal(n)
    direct = 0.4 * rng.standard_normal(n) + 0.6 * x1
    counts, _ = np.histogram(direct, df.BINS)
    expected = counts / (n * np.diff(df.BINS))
    assert np.max(np.abs(s.histogram - expected)) < 0.04  # a bin of ~2,000 particles: sd about 0.01
    assert np.sum(s.histogram * np.diff(df.BINS)) == pytest.approx(1.0, abs=1e-3)  # nobody left the frame


@pytest.mark.parametrize("t", (0.0, 0.25, 0.5, 0.75, 1.0))
def test_demo_s_predicted_density_and_carried_log_density_match_the_closed_form(t):
    s = df.compute(t=t, n_particles=2000, seed=0)
    assert s.t == pytest.approx(t)
    assert np.max(np.abs(s.predicted - s.exact)) < 2e-3
    assert s.worst_gap < 5e-3
    assert s.carried.shape == (df.N_TRACKED, round(t * df.N_STEPS) + 1)


def test_same_seed_same_particles_and_bad_input_refused():
    a, b = df.compute(0.4, 500, 7), df.compute(0.4, 500, 7)
    np.testing.assert_array_equal(a.histogram, b.histogram)
    assert not np.array_equal(a.histogram, df.compute(0.4, 500, 8).histogram)
    with pytest.raises(ValueError):
        df.compute(t=1.5)
    with pytest.raises(ValueError):
        df.compute(n_particles=5)
