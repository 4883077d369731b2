"""The dice demo in plain CPython: the maths a reader relies on."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from demos import dice


def binomial_bound(n: int, p: float, sigmas: float = 4.0) -> float:
    """A frequency of a Binomial(n, p) count stays within this of p (4 sigma)."""
    return sigmas * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("n_rolls", [600, 10_000, 100_000])
def test_fair_die_frequencies_are_within_the_binomial_bound_of_one_sixth(n_rolls):
    rolls = dice.compute(n_rolls=n_rolls, seed=7)
    assert np.allclose(rolls.probabilities, 1 / 6)
    assert rolls.largest_deviation <= binomial_bound(n_rolls, 1 / 6)


def test_more_rolls_bring_frequencies_closer_to_the_probabilities():
    def mean_deviation(n):
        return np.mean([dice.compute(n_rolls=n, seed=s).largest_deviation for s in range(30)])

    assert mean_deviation(100_000) < mean_deviation(1_000) / 5


def test_frequencies_are_six_shares_summing_to_one():
    rolls = dice.compute(n_rolls=1234, seed=1)
    assert rolls.frequencies.shape == (6,)
    assert rolls.frequencies.sum() == pytest.approx(1)
    assert np.allclose(rolls.frequencies * 1234, np.round(rolls.frequencies * 1234))


def test_same_seed_same_rolls_and_another_seed_differs():
    a, b, c = (dice.compute(n_rolls=500, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.frequencies, b.frequencies)
    assert not np.array_equal(a.frequencies, c.frequencies)


def test_loaded_die_weights_are_normalised_and_followed():
    rolls = dice.compute(n_rolls=100_000, weights="1 1 1 1 1 3", seed=2)
    assert np.allclose(rolls.probabilities, [1 / 8] * 5 + [3 / 8])
    assert rolls.largest_deviation <= binomial_bound(100_000, 3 / 8)


def test_weights_near_the_largest_float_do_not_overflow():
    """Their sum is infinite; the shares are still a half, a half and almost nothing."""
    rolls = dice.compute(n_rolls=10_000, weights="1e308 1e308 1 1 1 1", seed=0)
    assert np.allclose(rolls.probabilities, [0.5, 0.5, 0, 0, 0, 0])
    assert rolls.frequencies[5] == 0 and abs(rolls.frequencies[0] - 0.5) < 0.02


@pytest.mark.parametrize(
    "weights, message",
    [("1 2 3", "six faces"), ("1 1 1 1 1 x", "six numbers"), ("1 1 1 1 1 -1", "not negative"), ("0 0 0 0 0 0", "positive")],
)
def test_bad_weights_are_refused_with_a_clear_message(weights, message):
    with pytest.raises(ValueError, match=message):
        dice.compute(weights=weights)


@pytest.mark.parametrize("n_rolls", [0, -5, 10**9])
def test_number_of_rolls_is_validated(n_rolls):
    with pytest.raises(ValueError, match="n_rolls"):
        dice.compute(n_rolls=n_rolls)


def test_readout_names_the_rolls_and_the_largest_deviation():
    rolls = dice.compute(n_rolls=600, seed=0)
    text = dice.describe(rolls)
    assert "600 rolls" in text
    assert f"{rolls.largest_deviation:.4f}" in text


def test_draw_returns_an_updater_that_moves_the_bars_in_place():
    fig = Figure()
    update = dice.draw(dice.compute(n_rolls=60, seed=0), fig)
    ax = fig.axes[0]
    bars_before = list(ax.patches)
    later = dice.compute(n_rolls=60_000, seed=5)
    update(later)
    assert list(ax.patches) == bars_before  # same artists, new heights
    assert [b.get_height() for b in ax.patches] == pytest.approx(list(later.frequencies))
