"""Every number stated in the prose of the Part 1 deep dives, checked.

Pages: docs/part1/probability-paths.md, docs/part1/normalising-constant.md,
docs/notation.md, docs/glossary.md. Each test names the page and the claim;
where practical it also checks that the page still states the number, so prose
and test cannot drift apart.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from demos import normalising_constant as nc
from demos import probability_path as pp
from demos import velocity_field as vf

DOCS = Path(__file__).resolve().parent.parent / "docs"
PATHS_PAGE = (DOCS / "part1" / "probability-paths.md").read_text()
Z_PAGE = (DOCS / "part1" / "normalising-constant.md").read_text()


def states(page: str, *snippets: str) -> None:
    """The page states each snippet, wherever its lines happen to break."""
    flat = " ".join(page.split())
    for snippet in snippets:
        assert " ".join(snippet.split()) in flat, f"the page no longer states {snippet!r}"


# probability-paths.md ---------------------------------------------------------


def test_paths_page_the_1d_target_is_03_n_minus2_plus_07_n_plus2_with_std_05():
    states(PATHS_PAGE, r"$0.3\,\mathcal N(-2, 0.5^2) + 0.7\,\mathcal N(2, 0.5^2)$")
    assert list(pp.BIMODAL_WEIGHTS) == [0.3, 0.7]
    assert list(pp.BIMODAL_MEANS) == [-2.0, 2.0]
    assert pp.BIMODAL_STD == 0.5


def test_paths_page_target_mean_is_08_and_variance_361():
    states(PATHS_PAGE, "$m = 0.8$", "$v = 3.61$", "$4 - 0.8^2 = 3.36$", "$0.5^2 = 0.25$")
    m, v = pp.bimodal_moments()
    assert m == pytest.approx(0.8)
    assert v == pytest.approx(3.61)
    assert 4 - 0.8**2 == pytest.approx(3.36) and 0.25 + 3.36 == pytest.approx(3.61)
    assert 0.3 * -2 + 0.7 * 2 == pytest.approx(0.8)


def test_paths_page_halfway_point_has_mean_04_and_variance_11525():
    states(PATHS_PAGE, "mean $0.4$ and variance $1.1525$", r"$0.25\,(1 + 3.61) = 1.1525$")
    m, v = pp.bimodal_moments()
    assert 0.5 * m == pytest.approx(0.4)
    assert 0.25 * (1 + v) == pytest.approx(1.1525)
    # And the demo's samples agree, as the page invites the reader to check.
    xt = np.concatenate([pp.compute(t=0.5, target="bimodal 1-D", n_samples=20_000, seed=s).xt[:, 0] for s in range(10)])
    assert xt.mean() == pytest.approx(0.4, abs=0.01)
    assert xt.var() == pytest.approx(1.1525, rel=0.02)


@pytest.mark.parametrize("t", [0.0, 0.25, 0.5, 0.9, 1.0])
def test_paths_page_mean_and_variance_formulas_hold_at_every_t(t):
    """E[x_t] = (1-t)E[x_0] + tE[x_1]; Var[x_t] = (1-t)^2 Var[x_0] + t^2 Var[x_1]."""
    m, v = pp.bimodal_moments()
    x = np.linspace(-12, 12, 24_001)
    p = pp.bimodal_path_density(x, t)
    dx = x[1] - x[0]
    mean = np.sum(x * p) * dx
    assert mean == pytest.approx(t * m, abs=1e-6)
    assert np.sum((x - mean) ** 2 * p) * dx == pytest.approx((1 - t) ** 2 + t**2 * v, abs=1e-6)


def test_paths_page_exercise_solution_agrees_to_two_or_three_decimals_with_100000_samples():
    states(PATHS_PAGE, "n = 100\\,000", "n = 100_000")

    def interpolate(x0, x1, t):
        return (1 - t) * x0 + t * x1

    for seed in range(5):
        rng = np.random.default_rng(seed)
        n = 100_000
        x0 = rng.standard_normal(n)
        centre = np.where(rng.random(n) < 0.3, -2.0, 2.0)
        x1 = centre + 0.5 * rng.standard_normal(n)
        assert np.array_equal(interpolate(x0, x1, 0.0), x0)
        assert np.array_equal(interpolate(x0, x1, 1.0), x1)
        xt = interpolate(x0, x1, 0.5)
        assert abs(xt.mean() - 0.4) < 0.01
        assert abs(xt.var() - 1.1525) < 0.02


def test_paths_page_arrow_length_is_the_way_travelled_in_01_time_units():
    states(PATHS_PAGE, "travel in $0.1$ time units")
    from matplotlib.figure import Figure

    fig = Figure()
    vf.draw(vf.compute(n_particles=0), fig)
    quiver = next(c for c in fig.axes[0].collections if hasattr(c, "U"))
    assert vf.ARROW_TIME == 0.1
    assert quiver.scale == pytest.approx(1 / 0.1) and quiver.scale_units == "xy" and quiver.angles == "xy"


def test_paths_page_euler_steps_of_001_and_trails_of_12_steps():
    states(PATHS_PAGE, "Euler steps of $0.01$", "last $12$ steps")
    assert 1 / vf.N_STEPS == 0.01
    assert vf.TRAIL_STEPS == 12
    field = vf.compute(t=0.5, n_particles=10)
    assert field.steps == 50 and field.trails.shape[1] == 12 + 1


def test_paths_page_velocity_at_t0_points_to_the_target_mean_and_at_t1_equals_x():
    states(PATHS_PAGE, r"u_0(x) = \mathbb E[x_1] - x", r"u_1(x) = x - \mathbb E[x_0] = x")
    x = np.random.default_rng(1).uniform(-4, 4, (100, 2))
    for mix in vf.TARGETS.values():
        assert np.allclose(vf.marginal_velocity(x, 0.0, mix), mix.mean - x)
        assert np.allclose(vf.marginal_velocity(x, 1.0, mix), x)


def test_paths_page_targets_are_as_described():
    states(PATHS_PAGE, "$s = 0.3$", "radius $3$", r"$(\pm 2.5, 0)$", "$0.5$, $0.3$, $0.2$", "$s = 0.4$")
    ring, blobs, unequal = vf.TARGETS["8 Gaussians"], vf.TARGETS["2 blobs"], vf.TARGETS["3 unequal blobs"]
    assert len(ring.weights) == 8 and ring.std == 0.3
    assert np.allclose(np.linalg.norm(ring.means, axis=1), 3)
    assert np.allclose(blobs.means, [[-2.5, 0], [2.5, 0]]) and blobs.std == 0.4
    assert list(unequal.weights) == [0.5, 0.3, 0.2] and unequal.std == 0.4


def test_paths_page_share_of_particles_on_each_blob_is_its_weight():
    states(PATHS_PAGE, "is its weight, $0.5$, $0.3$ and $0.2$")
    mix = vf.TARGETS["3 unequal blobs"]
    shares = []
    for seed in range(3):
        field = vf.compute(t=1.0, target="3 unequal blobs", n_particles=2000, seed=seed)
        nearest = np.linalg.norm(field.particles[:, None] - mix.means[None], axis=2).argmin(axis=1)
        shares.append(np.bincount(nearest, minlength=3) / len(nearest))
    assert np.allclose(np.mean(shares, axis=0), [0.5, 0.3, 0.2], atol=0.03)


def test_paths_page_particles_follow_p_t_the_claim_of_lipman_and_liu():
    """Following u_t from p_init gives p_t at every time: compare particle and path moments."""
    mix = vf.TARGETS["2 blobs"]
    for t in (0.3, 0.6, 0.9):
        field = vf.compute(t=t, target="2 blobs", n_particles=2000, seed=6)
        cov = (1 - t) ** 2 * np.eye(2) + t**2 * mix.covariance
        assert np.allclose(np.cov(field.particles.T), cov, atol=0.1 * cov.max())


def test_paths_page_squared_loss_is_minimised_by_the_conditional_mean():
    """Regressing onto x_1 - x_0 at x_t: the best value near x is the marginal velocity."""
    mix = vf.TARGETS["2 blobs"]
    rng = np.random.default_rng(0)
    t, x = 0.5, np.array([0.3, 0.2])
    x0, x1 = rng.standard_normal((2_000_000, 2)), mix.sample(2_000_000, rng)
    near = np.sum(((1 - t) * x0 + t * x1 - x) ** 2, axis=1) < 0.1**2
    targets = (x1 - x0)[near]
    u = vf.marginal_velocity(x[None], t, mix)[0]

    def loss(c):
        return np.mean(np.sum((targets - c) ** 2, axis=1))

    assert loss(u) < loss(u + [0.2, 0]) and loss(u) < loss(u - [0, 0.2])
    assert np.allclose(targets.mean(axis=0), u, atol=0.15)


# normalising-constant.md --------------------------------------------------------


def test_z_page_exercise_energies_give_z_225_and_probabilities_in_ninths():
    states(Z_PAGE, r"$Z = \tfrac94 = 2.25$", r"$\tfrac49, \tfrac29, \tfrac29, \tfrac19$", "[0.444 0.222 0.222 0.111]")

    def normalise(energies):
        e = np.asarray(energies, dtype=float)
        w = np.exp(-(e - e.min()))
        return w / w.sum()

    energies = [0, math.log(2), math.log(2), math.log(4)]
    assert np.allclose(np.exp(-np.array(energies)), [1, 0.5, 0.5, 0.25])
    assert np.sum(np.exp(-np.array(energies))) == pytest.approx(2.25)
    assert np.allclose(normalise(energies), [4 / 9, 2 / 9, 2 / 9, 1 / 9])
    assert np.array2string(normalise(energies), precision=3) == "[0.444 0.222 0.222 0.111]"
    # Adding a constant to every energy leaves the probabilities unchanged.
    assert np.allclose(normalise(np.array(energies) + 7.5), normalise(energies))


def test_z_page_2x2_images_number_4294967296_and_64x64_colour_has_29593_digits():
    states(Z_PAGE, r"$256^4 = 4\,294\,967\,296$", r"$256^{12\,288}$", r"$29\,593$ digits")
    assert 256**4 == 4_294_967_296
    assert 64 * 64 * 3 == 12_288
    # A number has 29,593 digits when it lies in [10^29592, 10^29593); exact integers.
    assert 10**29_592 <= 256**12_288 < 10**29_593


def test_z_page_gaussian_energy_has_z_sqrt_2pi_sigma_to_the_d():
    states(Z_PAGE, r"Z = \big(\sqrt{2\pi}\,\sigma\big)^d")
    for sigma in (0.3, 1.0):
        for d in (1, 2, 3):
            assert nc.grid_estimate("Gaussian", sigma, 200 if d < 3 else 100, d) == pytest.approx((math.sqrt(2 * math.pi) * sigma) ** d, rel=1e-8)


@pytest.mark.parametrize("energy", nc.ENERGIES)
def test_z_page_box_minus6_to_6_holds_practically_all_the_mass(energy):
    states(Z_PAGE, "$[-6, 6]^d$")
    assert nc.BOX == 6.0
    sigma = 1.3  # the widest the demo allows
    inside = nc._FINE[np.abs(nc._FINE) <= 6]
    share = np.sum(np.exp(-nc.energy_1d(inside, energy, sigma))) * nc._FINE_STEP / nc.exact_z_1d(energy, sigma)
    assert 1 - share**10 < 1e-4  # even in ten dimensions


def test_z_page_grid_is_refused_beyond_a_million_points():
    states(Z_PAGE, "more than a million points")
    assert nc.MAX_GRID_POINTS == 1_000_000


def test_z_page_default_grid_error_below_1e_4_cost_1e6_at_d6_and_1e10_at_d10():
    states(Z_PAGE, "below $10^{-4}$", "a million evaluations at $d = 6$", "ten billion at $d = 10$", "multiplies by $10$")
    est = nc.compute(points_per_axis=10, sigma=1.0)
    assert np.all(est.grid_error[est.computed] < 1e-4)
    assert est.computed[5] and not est.computed[6]
    assert est.grid_cost[5] == 1e6 and est.grid_cost[9] == 1e10
    assert np.allclose(est.grid_cost[1:] / est.grid_cost[:-1], 10)


def test_z_page_a_28x28_image_with_two_points_per_axis_needs_2_to_the_784_a_237_digit_number():
    states(Z_PAGE, "$784$ dimensions", "$2^{784}$", "$237$")
    assert 28 * 28 == 784
    assert 10**236 <= 2**784 < 10**237


def test_z_page_narrow_peak_makes_the_coarse_grid_wrong_and_worse_with_d():
    states(Z_PAGE, r"Lower $\sigma$ to $0.2$")
    est = nc.compute(points_per_axis=10, sigma=0.2)
    errors = est.grid_error[est.computed]
    assert errors[0] > 0.1
    assert np.all(np.diff(errors) > 0)
    odd = nc.compute(points_per_axis=11, sigma=0.2)  # a grid point on the peak: far too large
    assert np.all(odd.grid_z[odd.computed] > odd.z_true[odd.computed])


def test_z_page_default_monte_carlo_spread_is_15_percent_in_1d_and_over_4_times_z_in_10d():
    states(Z_PAGE, r"about $1.5\,\%$ of $Z$ in one dimension", "more than four times $Z$ itself in ten")
    est = nc.compute()  # defaults: uniform box, n = 10,000, sigma = 1
    assert est.n_samples == 10_000 and est.proposal == "uniform box"
    assert round(100 * est.mc_expected_error[0], 1) == 1.5
    assert est.mc_expected_error[-1] > 4


def test_z_page_matching_gaussian_proposal_at_sigma_1_has_no_error_and_error_grows_with_d_elsewhere():
    est = nc.compute(proposal="Gaussian N(0, I)", sigma=1.0, n_samples=100)
    assert np.allclose(est.mc_error, 0, atol=1e-12)
    for sigma in (0.7, 1.2):
        away = nc.compute(proposal="Gaussian N(0, I)", sigma=sigma)
        assert np.all(np.diff(away.mc_expected_error) > 0)


def test_z_page_ratio_r_is_6_over_root_pi_sigma_about_339():
    states(Z_PAGE, r"R = 6/(\sqrt\pi\,\sigma) \approx 3.39", r"R = 1/\big(\sigma\sqrt{2 - \sigma^2}\big)")
    assert round(6 / math.sqrt(math.pi), 2) == 3.39
    assert nc._weight_ratio_1d("Gaussian", 1.0, "uniform box") == pytest.approx(6 / math.sqrt(math.pi), rel=1e-6)
    for sigma in (0.5, 1.0, 1.3):
        assert nc._weight_ratio_1d("Gaussian", sigma, "Gaussian N(0, I)") == pytest.approx(1 / (sigma * math.sqrt(2 - sigma**2)), rel=1e-6)
    assert 1 / (1.0 * math.sqrt(2 - 1.0)) == 1.0

    # E[w^2] = integral of f^2 / q: finite for sigma < sqrt(2), unbounded from sqrt(2) on.
    def truncated(sigma, half_width):
        x = np.linspace(-half_width, half_width, 200_001)
        f2_over_q = np.exp(-x * x / sigma**2 + x * x / 2) * math.sqrt(2 * math.pi)
        return np.sum(f2_over_q) * (x[1] - x[0])

    assert truncated(1.3, 80) == pytest.approx(truncated(1.3, 40), rel=1e-9)
    assert truncated(math.sqrt(2), 80) == pytest.approx(2 * truncated(math.sqrt(2), 40), rel=1e-3)
    assert truncated(1.5, 20) > 1e3 * truncated(1.5, 5)


def test_z_page_monte_carlo_error_shrinks_like_one_over_root_n():
    states(Z_PAGE, r"$1/\sqrt n$")
    a, b = nc.compute(n_samples=1000), nc.compute(n_samples=100_000)
    assert np.allclose(a.mc_expected_error / b.mc_expected_error, 10)


def test_z_page_score_does_not_involve_z():
    """grad log(e^{-E}/Z) = -grad E: check by finite differences for two different Z."""
    def log_p(x, log_z):
        return -nc.energy_1d(x, "double well", 0.7) - log_z

    x, h = 1.3, 1e-6
    g1 = (log_p(x + h, 0.0) - log_p(x - h, 0.0)) / (2 * h)
    g2 = (log_p(x + h, 5.0) - log_p(x - h, 5.0)) / (2 * h)
    grad_e = (nc.energy_1d(x + h, "double well", 0.7) - nc.energy_1d(x - h, "double well", 0.7)) / (2 * h)
    assert g1 == pytest.approx(g2) == pytest.approx(-grad_e)


# notation.md and glossary.md ------------------------------------------------------


def test_notation_page_states_the_path_and_both_conventions():
    page = (DOCS / "notation.md").read_text()
    states(page, "x_t = (1 - t)\\,x_0 + t\\,x_1", "p_0 = p_{\\text{init}}", "p_1 = p_{\\text{data}}", "$t = 1000, 999, \\dots, 0$")
    # The path formula the notation page states is the one the demos use.
    x0, x1 = np.array([1.0, -2.0]), np.array([3.0, 5.0])
    assert np.allclose(pp.interpolate(x0, x1, 0.25), 0.75 * x0 + 0.25 * x1)


def test_glossary_monte_carlo_error_shrinks_like_one_over_root_n():
    page = (DOCS / "glossary.md").read_text()
    states(page, r"$1/\sqrt n$")
    spreads = [np.std([nc.compute(n_samples=n, dimension=1, seed=s).mc_z[0] for s in range(60)]) for n in (400, 40_000)]
    assert spreads[0] / spreads[1] == pytest.approx(10, rel=0.35)


def test_z_page_gradient_of_log_z_is_minus_the_model_average_of_the_energy_gradient():
    """normalising-constant: grad log Z = -E_{x ~ p_theta}[grad E_theta(x)], on
    E_theta(x) = theta x^2 / 2, where Z = sqrt(2 pi / theta) is known."""
    states(Z_PAGE, r"\nabla_\theta \log Z_\theta = -\,\mathbb E_{x \sim p_\theta}\big[\nabla_\theta E_\theta(x)\big]")
    theta, eps = 1.7, 1e-6
    log_z = lambda th: 0.5 * np.log(2 * np.pi / th)
    slope = (log_z(theta + eps) - log_z(theta - eps)) / (2 * eps)
    x = np.random.default_rng(0).normal(0.0, 1 / np.sqrt(theta), 400_000)  # samples of p_theta
    assert slope == pytest.approx(-np.mean(x**2 / 2), rel=0.01)


def test_z_page_importance_sampling_average_is_z_for_either_proposal():
    """normalising-constant: E_q[e^{-E}/q] = Z, for the uniform box and for N(0, 1)."""
    rng = np.random.default_rng(1)
    sigma = 0.8
    energy = lambda x: x**2 / (2 * sigma**2)
    z = np.sqrt(2 * np.pi) * sigma
    u = rng.uniform(-6, 6, 400_000)
    assert np.mean(np.exp(-energy(u)) * 12) == pytest.approx(z, rel=0.01)
    g = rng.standard_normal(400_000)
    q = np.exp(-g**2 / 2) / np.sqrt(2 * np.pi)
    assert np.mean(np.exp(-energy(g)) / q) == pytest.approx(z, rel=0.01)
