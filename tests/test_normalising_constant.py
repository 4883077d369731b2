"""The normalising-constant demo in plain CPython: exact Z, grid cost, estimator convergence."""

import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import normalising_constant as nc


@pytest.mark.parametrize("sigma", [0.1, 0.5, 1.0, 1.3])
def test_gaussian_z_is_sqrt_two_pi_sigma_per_dimension(sigma):
    est = nc.compute(sigma=sigma)
    assert np.allclose(est.z_true, (math.sqrt(2 * math.pi) * sigma) ** nc.DIMENSIONS)
    # The quadrature used for the double well agrees with the closed form.
    fine = np.sum(np.exp(-nc.energy_1d(nc._FINE, "Gaussian", sigma))) * nc._FINE_STEP
    assert fine == pytest.approx(math.sqrt(2 * math.pi) * sigma, rel=1e-10)


@pytest.mark.parametrize("sigma", [0.05, 0.3, 1.0])
def test_double_well_z_agrees_with_an_independent_quadrature(sigma):
    x = np.linspace(-10, 10, 400_001)
    f = np.exp(-((x * x - 4) ** 2) / (32 * sigma**2))
    trapezoid = (f.sum() - (f[0] + f[-1]) / 2) * (x[1] - x[0])
    assert nc.exact_z_1d("double well", sigma) == pytest.approx(trapezoid, rel=1e-9)


def test_narrow_double_well_is_two_gaussian_bumps():
    # Near x = ±2 the energy is (x ∓ 2)^2 / (2 sigma^2) to leading order.
    assert nc.exact_z_1d("double well", 0.05) == pytest.approx(2 * math.sqrt(2 * math.pi) * 0.05, rel=0.01)


@pytest.mark.parametrize("k", [2, 3, 5, 10, 31, 100])
def test_grid_cost_is_k_to_the_d_and_large_grids_are_not_computed(k):
    est = nc.compute(points_per_axis=k)
    assert list(est.grid_cost) == [float(k**d) for d in range(1, 11)]
    assert list(est.computed) == [k**d <= nc.MAX_GRID_POINTS for d in range(1, 11)]
    assert est.computed[0]


def test_grid_refuses_to_allocate_more_than_the_budget():
    with pytest.raises(ValueError, match="too large"):
        nc.grid_estimate("Gaussian", 1.0, 11, 6)  # 1,771,561 points
    assert nc.grid_estimate("Gaussian", 1.0, 10, 6) > 0  # exactly 10^6 is allowed


@pytest.mark.parametrize("energy", nc.ENERGIES)
@pytest.mark.parametrize("d", [1, 2])
def test_grid_estimate_converges_in_low_dimension(energy, d):
    sigma = 0.5
    z = nc.exact_z_1d(energy, sigma) ** d
    errors = [abs(nc.grid_estimate(energy, sigma, k, d) / z - 1) for k in (8, 16, 32, 64, 128)]
    assert errors[-1] < 1e-6
    assert errors[-1] < errors[0] / 100


@pytest.mark.parametrize("energy", nc.ENERGIES)
@pytest.mark.parametrize("proposal", nc.PROPOSALS)
def test_monte_carlo_converges_in_low_dimension_like_one_over_root_n(energy, proposal):
    def rms_error(n, d=2):
        errors = [nc.compute(n_samples=n, energy=energy, proposal=proposal, sigma=0.8, seed=s).mc_error[d - 1] for s in range(40)]
        return math.sqrt(np.mean(np.square(errors)))

    small, large = rms_error(1_000), rms_error(100_000)
    assert large < 0.03
    assert 5 < small / large < 20  # 100 times the samples: about 10 times less error


@pytest.mark.parametrize("energy, proposal, sigma", [("Gaussian", "uniform box", 1.0), ("double well", "Gaussian N(0, I)", 0.7)])
def test_expected_monte_carlo_error_matches_the_spread_over_seeds(energy, proposal, sigma):
    runs = np.array([nc.compute(n_samples=2000, energy=energy, proposal=proposal, sigma=sigma, seed=s).mc_z for s in range(200)])
    est = nc.compute(n_samples=2000, energy=energy, proposal=proposal, sigma=sigma)
    spread = np.std(runs / est.z_true, axis=0)
    # Checked where 200 runs can see the tails of the weights (low d).
    assert np.allclose(spread[:3], est.mc_expected_error[:3], rtol=0.25)
    # Unbiased: the average over runs is close to Z.
    assert np.allclose(np.mean(runs / est.z_true, axis=0)[:3], 1, atol=4 * est.mc_expected_error[:3] / math.sqrt(200))


def test_gaussian_proposal_weight_ratio_has_the_closed_form():
    # For E = x^2/(2 s^2) and q = N(0, 1): E[w^2]/E[w]^2 = 1 / (s sqrt(2 - s^2)).
    for s in (0.3, 0.7, 1.0, 1.2):
        assert nc._weight_ratio_1d("Gaussian", s, "Gaussian N(0, I)") == pytest.approx(1 / (s * math.sqrt(2 - s * s)), rel=1e-6)


def test_matching_proposal_gives_the_exact_answer():
    est = nc.compute(energy="Gaussian", proposal="Gaussian N(0, I)", sigma=1.0, n_samples=10)
    assert np.allclose(est.mc_error, 0, atol=1e-12)
    assert np.allclose(est.mc_expected_error, 0, atol=1e-5)


def test_monte_carlo_error_grows_with_dimension_for_a_uniform_box():
    est = nc.compute(energy="Gaussian", sigma=1.0, n_samples=10_000)
    assert np.all(np.diff(est.mc_expected_error) > 0)
    assert est.mc_expected_error[-1] > 10 * est.mc_expected_error[0]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"points_per_axis": 1}, "points_per_axis"),
        ({"points_per_axis": 101}, "points_per_axis"),
        ({"n_samples": 5}, "n_samples"),
        ({"n_samples": 10**7}, "n_samples"),
        ({"sigma": 0.0}, "sigma"),
        ({"sigma": 2.0}, "sigma"),
        ({"energy": "quartic"}, "energy"),
        ({"proposal": "Cauchy"}, "proposal"),
        ({"dimension": 0}, "dimension"),
        ({"dimension": 11}, "dimension"),
    ],
)
def test_parameters_are_validated(params, message):
    with pytest.raises(ValueError, match=message):
        nc.compute(**params)


def test_readout_says_when_the_grid_is_too_large():
    text = nc.describe(nc.compute(points_per_axis=20, dimension=8))
    assert "20^8" in text and "too large to compute" in text
    text = nc.describe(nc.compute(points_per_axis=10, dimension=3))
    assert "10^3 = 1,000 evaluations" in text and "relative error" in text


def test_draw_and_update_with_several_parameter_sets():
    fig = Figure(figsize=nc.FIGSIZE)
    canvas = FigureCanvasAgg(fig)
    update = nc.draw(nc.compute(), fig)
    cost_ax, err_ax = fig.axes
    children = cost_ax.get_children(), err_ax.get_children()
    for params in (
        {"points_per_axis": 2, "dimension": 1},
        {"points_per_axis": 100, "n_samples": 200_000, "dimension": 10},
        {"energy": "double well", "proposal": "Gaussian N(0, I)", "sigma": 0.05},
        {"energy": "Gaussian", "proposal": "Gaussian N(0, I)", "sigma": 1.0},  # errors at the floor
    ):
        est = nc.compute(**params)
        update(est)
        canvas.draw()
        assert (cost_ax.get_children(), err_ax.get_children()) == children
        low, high = err_ax.get_ylim()
        assert low > 0 and high > low
    assert cost_ax.get_ylim()[1] >= est.grid_cost[-1]
