"""Every number and claim in the prose of Part 2's chapter on judging a generator, checked.

Page: docs/part2/judging.md. Each test names the claim and checks that the
page still states it, so that prose and test cannot drift apart. Numbers are
computed here, never copied from a run; claims about the line-up hold for
seeds 0-2 at the demo's defaults.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from demos import frechet_bias as fb
from demos import flow_matching as fm
from demos import judging as j
from demos import ring_generators as rg
from conftest import stated_by

SEEDS = (0, 1, 2)
DEFAULTS = {name: p.default for name, p in inspect.signature(j.compute).parameters.items()}


states = stated_by("part2/judging.md")


def line_up(seed: int, **changes) -> dict:
    return j.compute(**{**DEFAULTS, "seed": seed, **changes}).scores


def test_the_demo_uses_k_3_like_the_paper():
    states("The paper uses $k = 3$, and so does the demo.", "k: {label: \"Neighbours k\", min: 1, max: 20, value: 3}")
    assert DEFAULTS["k"] == 3


def test_the_blurred_generator_is_three_times_too_wide_and_two_modes_are_opposite():
    states("three times too spread out", "draws from only two opposite modes of the eight")
    assert j.BLUR == 3
    assert len(j.KEPT_MODES) == 2 and abs(j.KEPT_MODES[0] - j.KEPT_MODES[1]) == 4  # 4 of 8 apart: opposite


def test_the_two_gans_differ_only_in_how_fast_the_discriminator_learns():
    states("learning at\n  the same rate", "a discriminator that learns ten\n  times faster than its generator",
           "networks with two hidden layers")
    lr_g, lr_d, steps = rg.BALANCED
    fast_g, fast_d, fast_steps = rg.DISCRIMINATOR_TOO_FAST
    assert lr_g == lr_d and fast_d == pytest.approx(10 * fast_g) and steps == fast_steps
    generator = rg.init_network(np.random.default_rng(0), 2, 2)
    assert len(generator) == 2 * 3  # weights and biases of three layers: two hidden, one output


def test_the_random_feature_map_has_16_features():
    states("$\\phi(x) = \\cos(W x + b)$ with $16$ features")
    assert j.features(np.zeros((3, 2))).shape == (3, 16)


@pytest.mark.parametrize("seed", SEEDS)
def test_fréchet_on_coordinates_misses_a_blob_that_the_random_features_catch(seed):
    states(
        "scores a Fréchet distance below $0.01$ on coordinates, as low as a second draw from the ring itself",
        "on them the same blob scores above $1.2$ while a second draw of the ring scores below $0.03$ (with $2{,}000$ points each)",
    )
    rng = np.random.default_rng(seed)
    real, again = j.target_samples(2000, rng), j.target_samples(2000, rng)
    blob = rng.multivariate_normal(real.mean(0), np.cov(real, rowvar=False), 2000)
    assert j.frechet_distance(blob, real) < 0.01 and j.frechet_distance(again, real) < 0.01
    assert j.frechet_distance(j.features(blob), j.features(real)) > 1.2
    assert j.frechet_distance(j.features(again), j.features(real)) < 0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_total_collapse_is_high_precision_and_low_recall(seed):
    states("its precision is above $0.85$; but two\n  modes of eight reach few real points, so its recall stays below $0.3$",
           "it has by far the largest\n  energy and Fréchet distances of the six")
    s = line_up(seed)
    c = s["two modes"]
    assert c.precision > 0.85 and c.recall < 0.3
    others = [v for name, v in s.items() if name != "two modes"]
    assert c.energy > 1.5 * max(o.energy for o in others)
    assert c.frechet > 2 * max(o.frechet for o in others)


def median_width(points: np.ndarray) -> float:
    """How wide a generator's blobs are: the median distance of its points to the nearest mode centre."""
    return float(np.median(j.pairwise_distances(points, fm.ring_centres()).min(axis=1)))


def test_the_trained_gan_reaches_every_mode_with_narrower_blobs():
    states("reaches all\n  eight modes", "its blobs are about half as wide as\n  the real ones")
    gan = j.trained_samples()["gan"]
    assert fm.mode_shares(gan, fm.ring_centres()).min() > 0.08  # each of the 8 near its fair 1/8
    ratio = median_width(gan) / median_width(j.target_samples(len(gan), np.random.default_rng(0)))
    assert 0.45 < ratio < 0.6


@pytest.mark.parametrize("seed", SEEDS)
def test_the_trained_gan_is_sharp_but_its_recall_is_moderate(seed):
    states("its precision is above $0.8$, yet its recall is only\n  between $0.6$ and $0.7$")
    g = line_up(seed)["GAN"]
    assert g.precision > 0.8 and 0.6 <= g.recall <= 0.7


def test_the_collapsed_gan_keeps_four_modes_and_a_sprinkle_of_the_others():
    states("puts over\n  $90\\%$ of its samples on four modes and between $1\\%$ and $3\\%$ near\n  each of the other four")
    shares = np.sort(fm.mode_shares(j.trained_samples()["gan_collapsed"], fm.ring_centres()))[::-1]
    assert shares[:4].sum() > 0.9 and shares[4] < 0.03 and shares[7] > 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_partial_collapse_slips_past_recall_but_not_past_the_distances(seed):
    states("its recall stays above $0.85$",
           "energy distance is six times the GAN's\n  or more, its Fréchet distance more than ten times")
    s = line_up(seed)
    c, g = s["collapsed GAN"], s["GAN"]
    assert c.recall > 0.85
    assert c.energy > 6 * g.energy and c.frechet > 10 * g.frechet


@pytest.mark.parametrize("seed", SEEDS)
def test_noise_has_low_precision_but_recall_near_one(seed):
    states("Plain noise has a precision below $0.1$, yet a\n  recall near $1$")
    n = line_up(seed)["noise"]
    assert n.precision < 0.1 and n.recall >= 0.98


@pytest.mark.parametrize("seed", SEEDS)
def test_the_flow_and_the_memoriser_pass_the_distribution_scores(seed):
    states("Both have\n  precision and recall of $0.85$ or more, and energy and Fréchet\n  distances a small fraction of the two-mode generator's")
    s = line_up(seed)
    for name in ("flow", "memoriser"):
        v = s[name]
        assert v.precision >= 0.85 and v.recall >= 0.85
        assert v.energy < 0.1 * s["two modes"].energy and v.frechet < 0.1 * s["two modes"].frechet


@pytest.mark.parametrize("seed", SEEDS)
def test_only_the_copy_ratio_catches_the_memoriser(seed):
    states("for the memoriser it is exactly $0$, while every other generator\nin the line-up scores $0.75$ or more")
    s = line_up(seed)
    assert s["memoriser"].copy_ratio == 0
    assert min(v.copy_ratio for name, v in s.items() if name != "memoriser") >= 0.75


@pytest.mark.parametrize("seed", SEEDS)
def test_a_memoriser_of_40_points_is_caught_by_recall_too(seed):
    states("Move the training-set slider down to $40$ points", "its recall drops\nto $0.03$ or less")
    assert line_up(seed, n_train=40)["memoriser"].recall <= 0.03


def test_the_chapter_2_1_figure_it_quotes():
    states("the exact field's samples lay within $0.01$ of a training image")
    assert "every distance is below $0.01$" in (Path(__file__).resolve().parent.parent / "docs" / "part2" / "conditional-marginal.md").read_text()


# Scores measured on few samples -----------------------------------------------------


def test_the_bias_demo_runs_from_25_to_3200_points():
    states("at sizes from $25$ to $3{,}200$ points")
    assert (fb.SIZES[0], fb.SIZES[-1]) == (25, 3200)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_perfect_model_scored_on_25_points_looks_worse_than_a_blurred_one_on_3200(seed):
    states(
        "the ideal generator scores above $0.5$ with $25$ points and below $0.01$ with $3{,}200$",
        "With $25$ points it even scores worse than the blurred generator does with $3{,}200$",
        "The two-mode generator stays above $4.5$ at every size",
    )
    d = fb.compute("random features", seed)
    assert d["ideal"][0] > 0.5 and d["ideal"][-1] < 0.01
    assert d["ideal"][0] > d["blurred"][-1]
    assert d["two modes"].min() > 4.5


@pytest.mark.parametrize("seed", SEEDS)
def test_on_coordinates_the_blur_all_but_vanishes(seed):
    states("the blurred generator then falls below $0.005$ at $3{,}200$ points, as low as the ideal one")
    d = fb.compute("coordinates", seed)
    assert d["blurred"][-1] < 0.005 and d["ideal"][-1] < 0.005
