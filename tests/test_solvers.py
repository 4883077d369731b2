"""The solvers demo: each method's measured order, and what the figure shows."""

from __future__ import annotations

import numpy as np
import pytest

from demos import solvers as sv


def test_each_method_spends_its_cost_per_step_and_reports_it():
    for method, cost in sv.COST.items():
        run = sv.compute(method, 16)
        assert run.nfe == 16 and len(run.path) == 16 // cost + 1
    assert sv.compute("RK4", 1).nfe == 4  # one step at least, whatever the budget


@pytest.mark.parametrize("method, order", [("Euler", 1), ("Heun", 2), ("RK4", 4)])
def test_measured_order_on_a_smooth_linear_field_is_the_methods_order(method, order):
    """dx/dt = -x + t has the exact solution x(1) = 2/e for x(0) = 1: halving
    the step divides the error by 2^order."""

    def error(steps):
        path = sv.solve(method, np.ones((1, 2)), steps * sv.COST[method], f=lambda x, t: -x + t)
        return abs(path[-1, 0, 0] - 2 / np.e)

    assert np.log2(error(20) / error(40)) == pytest.approx(order, abs=0.1)


def test_error_curves_fall_with_the_expected_slopes_on_the_exact_field():
    curves = sv.error_curves()
    for method, order in (("Euler", 1), ("Heun", 2), ("RK4", 4)):
        errors = curves[method]
        assert np.all(np.diff(errors) < 0), method
        assert -sv.slope(errors) == pytest.approx(order, rel=0.1), method


def test_the_reference_is_far_more_accurate_than_any_error_shown():
    coarse = sv.solve("RK4", sv.noise(), 2 * sv.REFERENCE_STEPS)[-1]
    drift = np.mean(np.linalg.norm(coarse - sv.reference()[-1], axis=1))
    assert drift < min(min(e) for e in sv.error_curves().values()) / 100


def test_paths_start_at_the_same_noise_and_describe_names_the_cost():
    run = sv.compute("Heun", 8)
    np.testing.assert_array_equal(run.path[0], sv.noise())
    assert sv.describe(run).startswith("Heun, 4 steps = 8 evaluations")


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        sv.compute("Adams", 8)
