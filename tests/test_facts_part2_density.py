"""Every number and claim in the prose of Part 2's density chapter, checked.

Page: docs/part2/density-likelihood.md. Each test names the claim and checks
that the page still states it, so that prose and test cannot drift apart.
Numbers are computed here, never copied from a run; claims about random
samples hold for seeds 0-2.
"""

from __future__ import annotations

import numpy as np
import pytest

from demos import density_flow as df
from demos import likelihood_map as lm
from conftest import stated_by

SEEDS = (0, 1, 2)


states = stated_by("part2/density-likelihood.md")


def error(target: str, steps: int, seed: int) -> float:
    r = lm.compute(target, steps, seed)
    return r.model_ll - r.exact_ll


# Riding with one particle --------------------------------------------------------------


@pytest.mark.parametrize("mix", [df.TARGET_1D, lm.TARGETS["ring"]], ids=["1-D", "ring"])
def test_at_t0_the_field_points_at_the_mean_and_its_divergence_is_minus_d(mix):
    states("$u_0(x) = \\mathbb E[x_1] - x$, whose divergence is $-d$")
    d = mix.means.shape[1]
    x = np.random.default_rng(0).normal(size=(20, d))
    u, div = df.field_and_divergence(x, 0.0, mix)
    np.testing.assert_allclose(u, mix.weights @ mix.means - x, atol=1e-12)
    np.testing.assert_allclose(div, -d)


def test_the_1d_demo_s_densities_agree_to_a_thousandth_at_every_time():
    states("differ by less than $0.001$ anywhere, for every $t$", "with $100$ midpoint steps")
    assert df.N_STEPS == 100
    worst = max(np.max(np.abs(df.compute(k / 100).predicted - df.compute(k / 100).exact)) for k in range(101))
    assert worst < 0.001


@pytest.mark.parametrize("seed", SEEDS)
def test_the_carried_log_density_agrees_with_the_exact_one_to_about_a_thousandth(seed):
    states("to within about $0.001$ all the way to $t = 1$")
    assert df.compute(1.0, 2000, seed).worst_gap < 0.0015


@pytest.mark.parametrize("seed", SEEDS)
def test_the_second_particle_loses_about_07_nats_in_the_split_and_the_edges_gain(seed):
    states("its log-density falls by about $0.7$ nats", "The two particles at the edges gain density",
           "Between about $t = 0.3$ and $t = 0.6$ the field pulls the particles apart")
    path, logs, tracked, _ = df.particles(2000, seed)
    second = tracked[1]
    assert path[-1, second] < 0  # it ends at the smaller blob, on the left
    assert abs(path[-1, second]) < abs(df.TARGET_1D.means[0, 0])  # on its inner side
    assert 0.5 < logs[0, second] - logs[-1, second] < 0.9
    at = lambda t: logs[round(t * df.N_STEPS), second]  # noqa: E731
    assert at(0.3) - at(0.6) > 0.8 * (logs[0, second] - logs[-1, second])  # most of the fall is in the split
    for edge in (tracked[0], tracked[-1]):
        assert logs[-1, edge] > logs[0, edge]


# The likelihood of a data point --------------------------------------------------------


def test_the_flow_s_density_sums_to_one_over_a_fine_grid_up_to_the_solver_s_error():
    states("summed over a fine grid, gives $0.99$ with $24$ steps of the solver and $1.00$ with $64$")
    axis = np.linspace(-5.0, 5.0, 101)
    X, Y = np.meshgrid(axis, axis)
    grid = np.stack([X.ravel(), Y.ravel()], axis=1)
    for steps, total in ((24, 0.99), (64, 1.00)):
        log_p, _ = df.log_density_by_flow(grid, 1.0, lm.TARGETS["3 unequal blobs"], steps)
        assert round(float(np.sum(np.exp(log_p)) * (axis[1] - axis[0]) ** 2), 2) == total
    # the grid itself is fine enough: the exact density sums to 1.00 on it
    assert np.sum(np.exp(df.log_density(grid, 1.0, lm.TARGETS["3 unequal blobs"]))) * (axis[1] - axis[0]) ** 2 == pytest.approx(1.0, abs=1e-3)


def test_the_cost_of_an_exact_divergence_in_high_dimension():
    states("$64$ of them for the finale's digits", "$196{,}608$ for a colour image of $256 \\times 256$")
    from demos import digits

    assert digits.N_PIXELS == 64  # one derivative per pixel the network outputs
    assert 256 * 256 * 3 == 196_608


def test_hutchinson_s_estimate_is_unbiased_for_the_trace():
    """E[eps^T J eps] = tr J for random signs, by Monte Carlo on a random matrix."""
    states("This is **Hutchinson's trace estimator**")
    rng = np.random.default_rng(0)
    J = rng.normal(size=(6, 6))
    eps = rng.choice([-1.0, 1.0], size=(400_000, 6))
    estimates = np.einsum("ni,ij,nj->n", eps, J, eps)
    assert np.mean(estimates) == pytest.approx(np.trace(J), abs=5 * np.std(estimates) / np.sqrt(len(eps)))


# A likelihood map in the plane ---------------------------------------------------------


def test_the_demo_s_grid_colour_scale_and_fresh_samples():
    states("on a $40 \\times 40$ grid", "from $-8$ to $1$ nats", "$500$ fresh samples")
    assert len(lm.PIXELS) == 40 and lm.COLOUR_RANGE == (-8.0, 1.0) and lm.N_FRESH == 500
    for target in lm.TARGETS:  # the scale holds every target's peak and its blobs' surroundings
        assert lm.COLOUR_RANGE[0] < lm.exact_map(target).max() - 6 and lm.exact_map(target).max() < lm.COLOUR_RANGE[1]


@pytest.mark.parametrize("seed", SEEDS)
def test_24_steps_give_the_three_blobs_average_within_001(seed):
    states("With $24$ steps ($48$ evaluations of the field per point)", "within $0.01$ of the exact one, for every seed",
           "to about $0.01$ nats with $24$ midpoint steps")
    assert lm.compute("3 unequal blobs", 24, seed).evaluations == 48
    assert abs(error("3 unequal blobs", 24, seed)) < 0.01


def test_the_maps_agree_to_a_few_hundredths_on_the_blobs():
    states("the maps agree to a few hundredths of a nat on the blobs")
    r = lm.compute("3 unequal blobs", 24)
    assert np.max(np.abs(r.model - r.exact)[r.exact > r.exact.max() - 2]) < 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_two_steps_are_off_by_about_a_tenth(seed):
    states("At $2$ steps the solver cuts corners and the average is off by about $0.1$")
    assert 0.05 < abs(error("3 unequal blobs", 2, seed)) < 0.2


def test_from_16_steps_the_error_falls_fourfold_per_doubling():
    states("From $16$ steps on, the error shrinks about fourfold")
    for seed in SEEDS:
        e = [abs(error("3 unequal blobs", n, seed)) for n in (16, 32, 64)]
        assert 3 < e[0] / e[1] < 5.5 and 3 < e[1] / e[2] < 5.5


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ring_needs_more_steps(seed):
    states("(standard deviation $0.1$)", "at $8$ steps the average is off by about $0.2$ nats, at $24$ steps by less than $0.01$")
    assert lm.TARGETS["ring"].std == 0.1
    assert 0.15 < abs(error("ring", 8, seed)) < 0.25
    assert abs(error("ring", 24, seed)) < 0.01
