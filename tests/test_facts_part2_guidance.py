"""Every number and claim in the prose of chapter 2.5, checked.

Page: docs/part2/guidance.md. Each test names the claim and checks that the
page still states it; numbers are computed here, never copied from a run,
over five seeds ("every seed we tried") and both classes.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import stated_by
from demos import guidance as g
from demos import guidance_edge as e

states = stated_by("part2/guidance.md")
SEEDS = range(5)


def toy(w: float, measure) -> np.ndarray:
    """A measure of the checkerboard's guided samples, for every seed and class."""
    return np.array([measure(g.guided_samples(c, float(w), seed), c) for seed in SEEDS for c in g.NAMES])


def edge(w: float, measure, which: str = "guided") -> np.ndarray:
    draw = e.guided_samples if which == "guided" else e.sharpened_samples
    return np.array([measure(draw(float(w), seed)) for seed in SEEDS])


def test_the_checkerboard_demo_is_set_up_as_the_text_says():
    states("each a pair of Gaussian blobs (standard deviation $0.6$)", "shows $300$ samples",
           "Heun's method ($30$ steps) along the guided field")
    assert g.STD == 0.6 and g.N_SAMPLES == 300 and g.HEUN_STEPS == 30
    assert all(len(m.weights) == 2 for m in g.CLASSES.values())
    centres = np.concatenate([m.means for m in g.CLASSES.values()])
    assert sorted(map(tuple, np.abs(centres))) == [(1.5, 1.5)] * 4  # the squares of a 2 x 2 board
    blue, orange = g.CLASSES["blue"].means, g.CLASSES["orange"].means
    assert np.all(np.prod(blue, axis=1) < 0) and np.all(np.prod(orange, axis=1) > 0)  # diagonals


def test_w_0_puts_about_half_in_each_class():
    states("About half the samples land in each class")
    assert np.all(np.abs(toy(0, g.share_in_class) - 0.5) < 0.05)


def test_w_1_is_the_class_97_to_99_percent_on_their_blobs_with_spread_0_6():
    states("Between $97\\,\\%$ and $99\\,\\%$ land in the requested class",
           "(outward shift within $0.08$ of zero) with the blobs' own spread, about $0.6$")
    share = toy(1, g.share_in_class)
    assert np.all((share >= 0.97) & (share <= 0.995))
    assert np.all(np.abs(toy(1, g.outward_shift)) < 0.08)
    assert np.all(np.abs(toy(1, g.spread) - 0.6) < 0.03)


def test_w_2_sharpens_all_in_class_spread_0_5_shift_0_2_to_0_3():
    states("Every sample is now in its class", "(spread about $0.5$), shifted a little outwards, by about $0.2$ to $0.3$")
    assert np.all(toy(2, g.share_in_class) == 1.0)
    assert np.all(np.abs(toy(2, g.spread) - 0.5) < 0.03)
    shift = toy(2, g.outward_shift)
    assert np.all((shift > 0.18) & (shift < 0.3))


def test_w_6_pushes_shift_0_8_spread_0_65_or_more():
    states("The shift grows to about $0.8$ and the spread widens again, to about $0.65$ or more")
    assert np.all(np.abs(toy(6, g.outward_shift) - 0.8) < 0.06)
    assert np.all(toy(6, g.spread) > 0.64) and np.all(toy(6, g.spread) > toy(2, g.spread))


def test_the_classifier_is_vague_early_and_pushes_along_the_borders_late():
    states("early on ($t$ small) the classifier is vague and its push spans the whole board",
           "late, it is sure almost everywhere, its push vanishes on the requested class's own squares",
           "and is strong only on the other class's, pointing out of them")
    axis = np.linspace(-3.75, 3.75, 11)
    grid = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    early, late = g.classifier(grid, 0.1, "blue"), g.classifier(grid, 0.9, "blue")
    assert np.all(np.abs(early - 0.5) < 0.4) and np.mean(np.abs(late - 0.5) > 0.45) > 0.8
    push = g.classifier_push(grid, 0.9, "blue")
    size = np.linalg.norm(push, axis=1)
    off_border = np.min(np.abs(grid), axis=1) > 1.0
    blue_square = off_border & (grid[:, 0] * grid[:, 1] < 0)
    orange_square = off_border & (grid[:, 0] * grid[:, 1] > 0)
    assert size[blue_square].max() < 0.05 * size.max() and size[orange_square].min() > 0.5 * size.max()
    # out of the orange square: towards the nearer blue squares, across a border
    nearest_border = np.where(np.abs(grid[:, :1]) < np.abs(grid[:, 1:]), -grid * [1, 0], -grid * [0, 1])
    assert np.all(np.sum(push[orange_square] * nearest_border[orange_square], axis=1) > 0)
    early_size = np.linalg.norm(g.classifier_push(grid, 0.1, "blue"), axis=1)
    assert np.mean(early_size > 0.2 * early_size.max()) > 0.5


def test_both_kinds_of_guidance_agree_to_the_last_digits_on_the_toy():
    states("the tests of this chapter check that the two agree to the last digits")
    x = np.random.default_rng(0).normal(size=(200, 2)) * 2
    for t in (0.0, 0.25, 0.5, 0.75, 0.95):
        for c in g.NAMES:
            cfg = g.cfg(g.velocity(x, t, c), g.velocity(x, t), 3.0)
            assert np.max(np.abs(cfg - (g.velocity(x, t) + 3.0 * g.classifier_push(x, t, c)))) < 1e-12


def test_the_rectangles_demo_is_set_up_as_the_text_says():
    states("blue spread evenly over $[-3, -1] \\times [-1, 1]$", "$[1, 3] \\times [-1, 1]$",
           "a row of $8$ narrow Gaussians", "shows $400$ samples of classifier-free guidance",
           "Heun's method ($30$ steps)", "$400$ samples of the sharpened distribution")
    assert e.EDGE == (-3.0, -1.0) and e.HEIGHT == (-1.0, 1.0) and e.BUMPS == 8
    assert e.N_SAMPLES == 400 and e.HEUN_STEPS == 30
    np.testing.assert_allclose(e.ORANGE_X, -e.BLUE_X[::-1])
    # the rows fill the intervals evenly: the density is nearly flat inside
    inside = e.density_1d(np.linspace(-2.8, -1.2, 200), 1.0, e.BLUE_X)
    assert inside.max() / inside.min() < 1.1


def test_at_w_1_a_quarter_in_the_far_quarter_and_the_sharpened_stays_there():
    states("about a quarter of the points in the quarter farthest from orange",
           "for every $w \\ge 1$ its far quarter holds about a quarter of the points")
    assert np.all(np.abs(edge(1, e.far_quarter) - 0.25) < 0.05)
    for w in (1, 2, 4, 6, 8):
        assert np.all(np.abs(edge(w, e.far_quarter, "sharpened") - 0.25) < 0.05)
    np.testing.assert_allclose(e.sharpened_density(1.0), e.sharpened_density(8.0), atol=1e-6)


def test_w_0_both_panels_show_both_rectangles():
    states("With no guidance both panels show both rectangles")
    for which in ("guided", "sharpened"):
        right = edge(0, lambda s: np.mean(s[:, 0] > 0), which)
        assert np.all(np.abs(right - 0.5) < 0.07)


def test_guided_far_quarter_half_at_2_ninety_percent_at_4_all_at_6():
    states("about half of them lie in the far quarter at $w = 2$, about $90\\,\\%$ at $w = 4$ and all of them at $w = 6$")
    assert np.all(np.abs(edge(2, e.far_quarter) - 0.5) < 0.08)
    assert np.all(np.abs(edge(4, e.far_quarter) - 0.9) < 0.04)
    assert np.all(edge(6, e.far_quarter) == 1.0)


def test_w_8_more_than_half_beyond_the_edge_no_further_than_0_45_blue_itself_2_percent():
    states("At $w = 8$ more than half of the guided samples lie beyond the rectangle's outline",
           "(no further than $0.45$ past it)", "blue's own distribution puts only about $2\\,\\%$ of its points")
    assert np.all(edge(8, e.beyond_edge) > 0.5)
    assert np.all(edge(8, lambda s: e.EDGE[0] - s[:, 0].min()) < 0.45)
    x = e.sample_rows(e.BLUE_X, 400_000, np.random.default_rng(0))
    assert np.mean(x < e.EDGE[0]) == pytest.approx(0.02, abs=0.003)
