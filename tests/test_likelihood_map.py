"""The flow's log-likelihood by the divergence integral against the target's exact one."""

from __future__ import annotations

import numpy as np
import pytest

from demos import density_flow as df
from demos import likelihood_map as lm


@pytest.mark.parametrize("target", list(lm.TARGETS))
def test_average_log_likelihood_matches_the_exact_one_once_the_steps_are_enough(target):
    r = lm.compute(target, steps=64, seed=0)
    assert abs(r.model_ll - r.exact_ll) < 0.01
    assert abs(lm.compute(target, steps=4, seed=0).model_ll - r.exact_ll) > abs(r.model_ll - r.exact_ll)


@pytest.mark.parametrize("target", list(lm.TARGETS))
def test_the_exact_average_is_the_target_s_mean_log_density_by_monte_carlo(target):
    """exact_ll on 500 samples lies near E log p_data estimated from 200,000."""
    mix = lm.TARGETS[target]
    many = df.log_density(mix.sample(200_000, np.random.default_rng(11)), 1.0, mix)
    r = lm.compute(target, steps=8, seed=0)
    assert abs(r.exact_ll - np.mean(many)) < 4 * np.std(many) / np.sqrt(lm.N_FRESH)


def test_the_two_maps_agree_where_the_target_has_its_mass():
    r = lm.compute("3 unequal blobs", steps=24)
    error = np.abs(r.model - r.exact)
    assert np.max(error[r.exact > r.exact.max() - 2]) < 0.05  # on the blobs
    assert np.max(error[r.exact > lm.COLOUR_RANGE[0]]) < 0.3  # anywhere the colours show: a fraction of a shade


def test_same_seed_same_samples_new_seed_new_ones_and_bad_input_refused():
    a, b = lm.compute(seed=3), lm.compute(seed=3)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, lm.compute(seed=4).samples)
    with pytest.raises(ValueError):
        lm.compute(target="moons")
    with pytest.raises(ValueError):
        lm.compute(steps=0)
