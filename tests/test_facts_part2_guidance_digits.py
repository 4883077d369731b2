"""Every number and claim in the digits section of Part 2's guidance chapter, checked.

Page: docs/part2/guidance.md, section "Classifier-free guidance on the
digits". Each test names the claim and checks that the page still states
it. Numbers are measured on the shipped model (demos/digits_cfg.npz, made at
set-up), averaged over the ten digits and seeds 0-2 as the page says.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from conftest import stated_by
from demos import digits as dg
from demos import guided_digits as gd
from demos import mlp
from demos import train_digits as td
from demos import train_guided_digits as tg

pytestmark = pytest.mark.usefixtures("one_blas_thread", "guided_digits_model")
SEEDS = (0, 1, 2)
states = stated_by("part2/guidance.md")


@functools.lru_cache(maxsize=None)
def runs(w: float) -> tuple:
    """The demo at scale w for every digit and seed."""
    return tuple(gd.compute(digit, w, seed) for digit in range(10) for seed in SEEDS)


def mean(w: float, readout: str) -> float:
    return float(np.mean([getattr(r, readout) for r in runs(w)]))


def black_share(images: np.ndarray) -> float:
    """Share of pixels at full black (16 on scikit-learn's 0..16 scale)."""
    return float(np.mean(np.asarray(images) >= 16))


def test_it_quotes_the_finale_on_the_unguided_model():
    states("a classifier names the requested digit for more than nine in ten of its samples")
    finale = " ".join((Path(__file__).resolve().parent.parent / "docs" / "part1" / "flow-matching.md").read_text().split())
    assert "gives more than nine in ten of the generated images of every digit the label that was asked for" in finale


def test_the_recipe_is_the_finales_with_label_dropout_015():
    states("two hidden layers of $256$ units", "$4{,}000$ steps of the same loop", "hidden with probability $0.15$")
    assert (td.WIDTH, td.DEPTH, td.STEPS) == (256, 2, 4000)
    assert tg.P_UNCOND == 0.15
    assert gd.load().flow.sizes == dg.network_sizes(256, 2)
    assert mlp.n_params(gd.load().flow.sizes) == mlp.n_params(dg.load_model().sizes)


def test_it_trains_on_1200_digits_and_never_sees_597():
    states("It trains on $1{,}200$ of the $1{,}797$ digits and never sees the other\n$597$")
    model = gd.load()
    assert (len(model.train_idx), len(model.held_out_idx)) == (1200, 597)


def test_sampling_takes_20_euler_steps_on_32_rows():
    states("with $20$ Euler steps", "Each step runs the network once on $32$ rows")
    assert gd.STEPS == 20 and 2 * gd.N_SAMPLES == 32


def test_the_judge_gets_97_percent_and_nearest_mean_87():
    states("It names $97\\%$ of the held-out digits correctly", "manages only $87\\%$")
    train, train_labels, held, labels = gd.split_images()
    assert round(100 * np.mean(gd.classify(gd.load(), held) == labels)) == 97
    means = np.stack([train[train_labels == d].mean(0) for d in range(10)])
    assert round(100 * np.mean(((held[:, None] - means[None]) ** 2).sum(-1).argmin(1) == labels)) == 87


def test_at_scale_zero_about_one_in_ten_is_the_requested_digit_and_variety_is_about_45():
    states("About one sample in ten is the\n  requested digit", "Their variety is the largest of any setting, about $4.5$")
    assert 0.05 <= mean(0.0, "share") <= 0.15
    assert 4.3 <= mean(0.0, "variety") <= 4.7
    assert mean(0.0, "variety") > max(mean(w, "variety") for w in (0.5, 1.0, 2.0, 4.0, 6.0))


def test_fidelity_rises_fast():
    states("At $w = 0.5$ nearly two thirds are the", "at $w = 1$ more than $95\\%$, and from $w = 1.5$ on\n  all sixteen, for every digit and seed we tried")
    assert 0.55 <= mean(0.5, "share") < 2 / 3
    assert mean(1.0, "share") > 0.95
    for w in (1.5, 2.0, 3.0, 4.0, 5.0, 6.0):
        assert min(r.share for r in runs(w)) == 1.0, w


def test_variety_drains_away_below_real_digits():
    states("It falls from about $4.5$ at $w = 0$ to about\n  $3.6$ at $w = 1$ and below $3.5$ at $w = 2$",
           "Real held-out digits of one\n  class have a variety near $4.4$")
    assert round(mean(1.0, "variety"), 1) == 3.6 and mean(2.0, "variety") < 3.5
    assert round(np.mean([gd.real_reference(d)[0] for d in range(10)]), 1) == 4.4


def test_share_up_and_variety_down_from_scale_0_to_4_on_the_shipped_model():
    """The issue's promise: fidelity rises and variety falls as the reader turns the dial."""
    assert mean(4.0, "share") > mean(0.0, "share") + 0.8
    assert mean(4.0, "variety") < mean(0.0, "variety") - 0.8


def test_the_3s_become_one_tidy_3():
    states("Watch the 3s: at $w = 4$ they have become one tidy 3")
    threes = lambda w: np.mean([r.variety for r in runs(w) if r.digit == 3])  # noqa: E731
    assert threes(4.0) < 0.75 * threes(1.0)


def test_nearest_training_distance_falls_to_the_real_level_then_climbs():
    states("The distance to the nearest\n  training image falls from $3.0$ at $w = 0$ to about $2.1$ at $w = 2$,\n  the same as for real held-out digits, and then climbs again, to above\n  $2.6$ at $w = 6$")
    assert round(mean(0.0, "nearest"), 1) == 3.0 and round(mean(2.0, "nearest"), 1) == 2.1
    assert round(np.mean([gd.real_reference(d)[1] for d in range(10)]), 1) == 2.1
    assert mean(6.0, "nearest") > 2.6 and mean(6.0, "nearest") > mean(4.0, "nearest") > mean(2.0, "nearest")


def test_strokes_go_solid_black():
    states("real digits have about\n  $9\\%$ of their pixels at full black, unguided samples ($w = 1$) about half\n  as many, and at $w = 6$ the samples nearly twice as many")
    real = black_share(dg.unit_to_pixels(gd.split_images()[2]))
    assert round(100 * real) == 9
    at = lambda w: np.mean([black_share(r.images) for r in runs(w)])  # noqa: E731
    assert 0.4 <= at(1.0) / real <= 0.6
    assert 1.7 <= at(6.0) / real < 2


def test_variety_creeps_back_up_at_large_scale():
    states("The\n  variety readout creeps back up too at large $w$")
    assert mean(6.0, "variety") > mean(3.0, "variety")


def test_the_glossary_quotes_the_dropout_rate():
    stated_by("glossary.md")("the label hidden on a random\n    share of the examples (15% for the book's digits)")
    assert tg.P_UNCOND == 0.15
