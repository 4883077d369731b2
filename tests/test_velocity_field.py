"""The velocity-field demo in plain CPython: the closed-form marginal velocity and the particles."""

import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import velocity_field as vf


def sample_pairs(mix, n, rng):
    return rng.standard_normal((n, 2)), mix.sample(n, rng)


def conditional_mean_near(x, t, mix, radius=0.1, n=4_000_000, seed=0):
    """Monte Carlo E[x_1 - x_0 | x_t within radius of x], from raw pairs."""
    rng = np.random.default_rng(seed)
    total, count = np.zeros(2), 0
    for _ in range(n // 1_000_000):
        x0, x1 = sample_pairs(mix, 1_000_000, rng)
        xt = (1 - t) * x0 + t * x1
        near = np.sum((xt - x) ** 2, axis=1) < radius**2
        total += (x1 - x0)[near].sum(axis=0)
        count += int(near.sum())
    return total / count, count


@pytest.mark.parametrize(
    "target, t, x",
    [("8 Gaussians", 0.5, (0.8, 0.3)), ("2 blobs", 0.3, (0.0, 0.5)), ("3 unequal blobs", 0.7, (1.0, -0.5))],
)
def test_marginal_velocity_matches_monte_carlo_average_of_pair_velocities(target, t, x):
    mix = vf.TARGETS[target]
    estimate, count = conditional_mean_near(np.array(x), t, mix)
    assert count > 2000
    exact = vf.marginal_velocity(np.array([x]), t, mix)[0]
    assert np.allclose(estimate, exact, atol=0.15), (estimate, exact)


def mixture_density(x, mix):
    d2 = np.sum((x[:, None, :] - mix.means[None]) ** 2, axis=2)
    return np.exp(-d2 / (2 * mix.std**2)) @ mix.weights / (2 * math.pi * mix.std**2)


@pytest.mark.parametrize("target", list(vf.TARGETS))
@pytest.mark.parametrize("t", [0.2, 0.6, 0.9])
def test_marginal_velocity_matches_exact_conditioning_by_importance_weights(target, t):
    """Condition exactly on x_t = x: one of x_0, x_1 determines the other.

    Either draw x_1 from the target and weight by the density of
    x_0 = (x - t x_1)/(1 - t), or draw x_0 from N(0, I) and weight by the
    target's density at x_1 = (x - (1 - t) x_0)/t. Both weightings give
    p(x_0, x_1 | x_t = x) without using the closed form.
    """
    mix = vf.TARGETS[target]
    rng = np.random.default_rng(1)
    for x in ([0.5, 0.5], [-1.0, 2.0], [2.0, -0.3]):
        x = np.array(x)
        x1 = mix.sample(400_000, rng)
        x0 = (x - t * x1) / (1 - t)
        from_data = (x0, x1, np.exp(-0.5 * np.sum(x0**2, axis=1)))
        x0 = rng.standard_normal((400_000, 2))
        x1 = (x - (1 - t) * x0) / t
        from_noise = (x0, x1, mixture_density(x1, mix))
        # Keep the weighting with the larger effective sample size.
        x0, x1, w = max(from_data, from_noise, key=lambda s: s[2].sum() ** 2 / (s[2] ** 2).sum())
        ess = w.sum() ** 2 / (w**2).sum()
        assert ess > 300
        estimate = (w[:, None] * (x1 - x0)).sum(axis=0) / w.sum()
        assert np.allclose(estimate, vf.marginal_velocity(x[None], t, mix)[0], atol=0.1)


@pytest.mark.parametrize("target", list(vf.TARGETS))
def test_velocity_at_the_ends_of_time(target):
    mix = vf.TARGETS[target]
    x = np.random.default_rng(0).normal(size=(50, 2)) * 2
    # t = 0: x_t = x_0, so E[x_1 - x_0 | x_0 = x] = E[x_1] - x.
    assert np.allclose(vf.marginal_velocity(x, 0.0, mix), mix.mean - x)
    # t = 1: x_t = x_1, so E[x_1 - x_0 | x_1 = x] = x - E[x_0] = x.
    assert np.allclose(vf.marginal_velocity(x, 1.0, mix), x)


@pytest.mark.parametrize("t", [0.0, 0.4, 1.0])
def test_path_density_integrates_to_one(t):
    mix = vf.TARGETS["8 Gaussians"]
    axis = np.linspace(-8, 8, 401)
    gx, gy = np.meshgrid(axis, axis)
    p = vf.path_density(np.column_stack([gx.ravel(), gy.ravel()]), t, mix)
    assert np.sum(p) * (axis[1] - axis[0]) ** 2 == pytest.approx(1, abs=1e-4)


@pytest.mark.parametrize("target", list(vf.TARGETS))
def test_particles_at_t1_land_on_the_target_modes(target):
    mix = vf.TARGETS[target]
    field = vf.compute(t=1.0, target=target, n_particles=2000, seed=3)
    assert field.steps == vf.N_STEPS
    gaps = np.linalg.norm(field.particles[:, None, :] - mix.means[None], axis=2)
    nearest = gaps.argmin(axis=1)
    assert np.mean(gaps.min(axis=1) < 3 * mix.std) > 0.95
    # Each mode receives about its weight's share of the particles.
    shares = np.bincount(nearest, minlength=len(mix.weights)) / len(nearest)
    assert np.allclose(shares, mix.weights, atol=0.04)


@pytest.mark.parametrize("t", [0.25, 0.5, 0.75])
def test_particles_are_distributed_like_p_t(t):
    """The marginal field moves N(0, I) along the path: mean t E[x_1], covariance (1-t)^2 I + t^2 Cov(x_1)."""
    mix = vf.TARGETS["3 unequal blobs"]
    field = vf.compute(t=t, target="3 unequal blobs", n_particles=2000, seed=4)
    cov = (1 - t) ** 2 * np.eye(2) + t**2 * mix.covariance
    assert np.allclose(field.particles.mean(axis=0), t * mix.mean, atol=4 * math.sqrt(cov.max() / 2000))
    assert np.allclose(np.cov(field.particles.T), cov, atol=0.12 * cov.max())


def test_particles_start_as_standard_gaussian_samples():
    field = vf.compute(t=0.0, n_particles=2000, seed=0)
    assert field.steps == 0
    assert np.allclose(field.particles, np.random.default_rng(0).standard_normal((2000, 2)))
    assert field.trails.shape == (2000, 1, 2)


def test_trails_end_at_the_particles_and_cover_the_last_steps():
    field = vf.compute(t=0.5, n_particles=100, seed=2)
    assert field.trails.shape == (100, vf.TRAIL_STEPS + 1, 2)
    assert np.array_equal(field.trails[:, -1], field.particles)


def test_results_do_not_depend_on_what_was_computed_before():
    a = vf.compute(t=0.6, target="2 blobs", n_particles=300, seed=8)
    for params in ({"seed": 1}, {"target": "8 Gaussians"}, {"n_particles": 5}, {"seed": 2}):
        vf.compute(**params)
    b = vf.compute(t=0.6, target="2 blobs", n_particles=300, seed=8)
    assert np.array_equal(a.particles, b.particles) and np.array_equal(a.trails, b.trails)
    b.particles[:] = 0  # changing a result must not change the next one
    assert np.array_equal(vf.compute(t=0.6, target="2 blobs", n_particles=300, seed=8).particles, a.particles)


def test_euler_steps_follow_the_field():
    mix = vf.TARGETS["8 Gaussians"]
    x0 = np.random.default_rng(0).standard_normal((10, 2))
    path = vf.trajectories(x0, mix)
    assert path.shape == (vf.N_STEPS + 1, 10, 2)
    dt = 1 / vf.N_STEPS
    assert np.allclose(path[31] - path[30], dt * vf.marginal_velocity(path[30], 30 * dt, mix))


@pytest.mark.parametrize(
    "params, message",
    [({"t": -0.01}, "t must"), ({"t": 1.01}, "t must"), ({"target": "moons"}, "target"), ({"n_particles": -1}, "n_particles"), ({"n_particles": 10**5}, "n_particles")],
)
def test_parameters_are_validated(params, message):
    with pytest.raises(ValueError, match=message):
        vf.compute(**params)


def test_readout_names_time_target_and_particles():
    text = vf.describe(vf.compute(t=0.3, target="2 blobs", n_particles=120))
    assert "t = 0.30" in text and "2 blobs" in text and "120 particles" in text and "30 Euler steps" in text
    assert "0 particles" in vf.describe(vf.compute(n_particles=0))


def test_draw_returns_an_updater_that_moves_the_same_artists():
    fig = Figure(figsize=vf.FIGSIZE)
    canvas = FigureCanvasAgg(fig)
    update = vf.draw(vf.compute(), fig)
    ax = fig.axes[0]
    artists = list(ax.get_children())
    for params in ({"t": 0.9}, {"t": 0.0, "n_particles": 0}, {"target": "2 blobs", "n_particles": 2000, "t": 1.0}):
        data = vf.compute(**params)
        update(data)
        canvas.draw()
        assert ax.get_children() == artists
    quiver = next(a for a in ax.collections if hasattr(a, "U"))
    assert np.allclose(quiver.U.ravel(), data.u.ravel())
    assert np.allclose(ax.collections[-1].get_offsets(), data.particles)
