"""Every number and claim in the prose of chapter 2.4, checked.

Page: docs/part2/solvers.md. Each test names the claim and checks that the
page still states it; numbers are computed here, never copied from a run.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import stated_by
from demos import solvers as sv
from demos import velocity_field as vf

states = stated_by("part2/solvers.md")


def test_the_demo_is_set_up_as_the_text_says():
    states("a mixture of eight Gaussian blobs on a ring", "solved with RK4 in $256$ steps",
           "over $200$ starting points", "weights $1, 2, 2, 1$ (out of $6$)")
    mix = vf.TARGETS[sv.TARGET]
    assert len(mix.weights) == 8 and np.allclose(np.linalg.norm(mix.means, axis=1), 3.0)
    assert sv.REFERENCE_STEPS == 256 and sv.N_PARTICLES == 200


def test_slopes_near_1_2_4_once_the_budget_passes_16():
    states("slopes close to $-1$, $-2$ and $-4$ once the budget passes about $16$ evaluations")
    curves = sv.error_curves()
    past = [i for i, n in enumerate(sv.NFE_GRID) if n >= 16]
    for method, order in (("Euler", 1), ("Heun", 2), ("RK4", 4)):
        errors = curves[method][past]
        slopes = -np.diff(np.log(errors)) / np.log(2)  # the grid doubles
        assert np.all(np.abs(slopes - order) < 0.25 * order + 0.05), (method, slopes)


def test_rk4_beats_euler_tenfold_at_16_and_a_thousandfold_at_128():
    states("At $16$ evaluations RK4's end points are already more than ten times closer",
           "at $128$ more than a thousand times")
    curves, grid = sv.error_curves(), list(sv.NFE_GRID)
    assert curves["Euler"][grid.index(16)] > 10 * curves["RK4"][grid.index(16)]
    assert curves["Euler"][grid.index(128)] > 1000 * curves["RK4"][grid.index(128)]


def test_with_4_evaluations_rk4_is_worse_than_heun_and_euler():
    states("with $4$ evaluations RK4 takes a single step and does worse than Heun's two or Euler's four")
    curves, i = sv.error_curves(), list(sv.NFE_GRID).index(4)
    assert curves["RK4"][i] > curves["Heun"][i] and curves["RK4"][i] > curves["Euler"][i]


def test_one_euler_step_sends_every_point_to_the_centre_of_the_ring():
    states("Set the budget to a single evaluation and every point lands on the same spot, the centre of the ring")
    ends = sv.compute("Euler", 1).path[-1]
    np.testing.assert_allclose(ends, np.zeros_like(ends), atol=1e-9)
    np.testing.assert_allclose(vf.TARGETS[sv.TARGET].mean, [0, 0], atol=1e-12)


def test_the_exact_flows_paths_bend():
    """The claim of 'Why the paths bend': the exact flow's paths are not
    straight lines from start to end."""
    states("each leaves the centre heading roughly outwards and then bends into its blob")
    ref = sv.reference()
    chord = ref[-1] - ref[0]
    s = np.linspace(0, 1, len(ref))[:, None, None]
    off_line = np.linalg.norm(ref - (ref[0] + s * chord), axis=2).max(axis=0)
    assert np.median(off_line) > 0.1


@pytest.mark.parametrize("method, order", [("Euler", 1), ("Heun", 2), ("RK4", 4)])
def test_the_orders_the_text_gives(method, order):
    states("Euler's method (one evaluation a step) is of order $1$, Heun's (two) of order $2$ and RK4 (four) of order $4$")
    assert sv.COST[method] == {1: 1, 2: 2, 4: 4}[order]


# Reflow ------------------------------------------------------------------------------

from demos import flow_matching as fm  # noqa: E402
from demos import reflow as rf  # noqa: E402


@pytest.fixture(scope="module")
def reflowed():
    return rf.compute(0)


def test_reflow_demo_is_set_up_as_the_text_says():
    states("carries $2{,}000$ noise points along the exact flow", "($3$ layers of $32$ units, the finale's) for $2{,}000$ steps")
    states("comparing $500$ points with $500$")
    assert rf.N_SHOW == 500 and rf.N_PAIRS == 2000 and rf.STEPS == 2000 and rf.WIDTH == fm.DEFAULT_WIDTH == 32 and fm.DEFAULT_DEPTH == 3


def test_one_step_energy_distance_falls_from_about_2_2_to_about_0_01(reflowed):
    states("falls from about $2.2$ to about $0.01$ with one step")
    assert reflowed.before_ed[0] == pytest.approx(2.2, abs=0.1)
    assert reflowed.after_ed[0] == pytest.approx(0.01, abs=0.005)


def test_two_data_sets_score_about_0_02_on_average():
    states("two sets of real data of the same size score about $0.02$ against each other on average")
    _, data = rf.test_set(0)
    mix = vf.TARGETS[sv.TARGET]
    scores = [fm.energy_distance(mix.sample(rf.N_SHOW, np.random.default_rng(s)), data) for s in range(20)]
    assert np.mean(scores) == pytest.approx(0.02, abs=0.006)


def test_after_reflow_one_step_is_as_good_as_four_and_beats_the_exact_fields_four(reflowed):
    states("After reflow one step is as good as four", "even better with four Euler steps than the exact field it was trained from")
    assert reflowed.after_ed[0] < 1.2 * reflowed.after_ed[2]
    assert reflowed.after_ed[2] < reflowed.before_ed[2]
