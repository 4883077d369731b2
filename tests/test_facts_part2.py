"""Every number and claim in the prose of Part 2, checked.

Page: docs/part2/conditional-marginal.md. Each test names the claim and
checks that the page still states it, so that prose and test cannot drift
apart. Numbers are computed here, never copied from a run. Claims about
training hold for seeds 0-2.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from demos import digits as dg
from demos import empirical_field as ef
from demos import flow_matching as fm
from demos import marginal_field as mf
from demos import mlp
from demos import velocity_field as vf
from conftest import stated_by

SEEDS = (0, 1, 2)


states = stated_by("part2/conditional-marginal.md")


pytestmark = pytest.mark.usefixtures("one_blas_thread")


# Two data points in one dimension --------------------------------------------------


def two_point_spread(t: float) -> float:
    """C_t for data +-1: E[(1 - tanh^2(t x_t / (1 - t)^2)) / (1 - t)^2], by Gauss-Hermite over x0
    (the two points are mirror images, so x1 = +1 suffices)."""
    z, w = np.polynomial.hermite_e.hermegauss(80)
    m = np.tanh(t * (t + (1 - t) * z) / (1 - t) ** 2)
    return float(w @ (1 - m**2)) / w.sum() / (1 - t) ** 2


def two_point_floor() -> float:
    s, w = np.polynomial.legendre.leggauss(200)
    return sum(wi / 2 * two_point_spread((si + 1) / 2) for si, wi in zip(s, w))


def test_two_points_floor_is_1_at_t0_falls_to_0_near_t1_and_averages_102():
    states("so $C_0 = 1$, the variance of $x_1$", "$C_t$ falls to $0$", "the floor is $C \\approx 1.02$")
    assert two_point_spread(0.0) == pytest.approx(1.0)
    assert two_point_spread(0.95) < 1e-6
    floor = two_point_floor()
    assert floor == pytest.approx(1.02, abs=0.005)
    # and by brute force, with the field of the text
    rng = np.random.default_rng(0)
    x0, x1, t = rng.standard_normal(2_000_000), rng.choice([-1.0, 1.0], 2_000_000), rng.random(2_000_000)
    x_t = (1 - t) * x0 + t * x1
    u = (np.tanh(t * x_t / (1 - t) ** 2) - x_t) / (1 - t)
    assert np.mean((x1 - x0 - u) ** 2) == pytest.approx(floor, abs=0.005)


def test_two_points_zero_network_scores_2_about_twice_the_floor():
    states("scores $\\mathbb E(x_1 - x_0)^2 = 2$", "leaves about half of that")
    rng = np.random.default_rng(1)
    x0, x1 = rng.standard_normal(1_000_000), rng.choice([-1.0, 1.0], 1_000_000)
    assert np.mean((x1 - x0) ** 2) == pytest.approx(2.0, abs=0.01)
    assert 1.02 / 2 == pytest.approx(0.5, abs=0.02)


def test_two_points_posterior_mean_is_the_tanh_of_the_text():
    """E[x1 | x_t = x] from Bayes' rule with the two Gaussians, against tanh(t x / (1 - t)^2)."""
    states("\\tanh\\!\\Big(\\frac{t\\,x}{(1 - t)^2}\\Big)")
    x, t = np.linspace(-3, 3, 13), 0.4
    up, down = np.exp(-((x - t) ** 2) / (2 * (1 - t) ** 2)), np.exp(-((x + t) ** 2) / (2 * (1 - t) ** 2))
    np.testing.assert_allclose((up - down) / (up + down), np.tanh(t * x / (1 - t) ** 2), atol=1e-12)


def test_two_point_demo_floor_rises_to_about_19_near_04_and_is_all_but_0_by_08():
    from demos import two_points as tp

    states("climbs from $1$ to about $1.9$", "Between $t = 0$ and about $t = 0.4$", "By $t = 0.8$",
           "lie $2/(1 - t)$ apart", "the field is $u_0(x) = -x$")
    times = np.linspace(0, 0.95, 96)
    values = np.array([tp.floor_at(t) for t in times])
    assert values[0] == pytest.approx(1.0) and values.max() == pytest.approx(1.9, abs=0.03)
    assert times[values.argmax()] == pytest.approx(0.4, abs=0.05)
    assert np.all(np.diff(values[times <= 0.4]) > 0)  # rises all the way there
    assert tp.floor_at(0.8) < 0.01
    assert tp.floor_curve()[2] == pytest.approx(two_point_floor(), abs=1e-4)
    x = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(tp.field(x, 0.0), -x, atol=1e-12)


# Mixtures in the plane ---------------------------------------------------------------


def test_floors_ring_358_two_blobs_378_three_unequal_blobs_462():
    states("The\nresult for the ring is $C \\approx 3.58$", "for two blobs\n$3.78$; for three unequal blobs $4.62$",
           "about $3.58$ for the ring")
    assert mf.loss_floor("ring") == pytest.approx(3.58, abs=0.005)
    assert mf.loss_floor("2 blobs") == pytest.approx(3.78, abs=0.005)
    assert mf.loss_floor("3 unequal blobs") == pytest.approx(4.62, abs=0.005)
    # the finale's ring, not a look-alike
    assert mf.TARGETS["ring"].std == fm.RING_SIGMA and np.allclose(mf.TARGETS["ring"].means, fm.ring_centres())


def test_quadrature_to_three_decimals_checked_against_a_million_lines():
    states("computes to three decimals", "over a million\nrandom lines")
    for target, mix in mf.TARGETS.items():
        s, w = np.polynomial.legendre.leggauss(96)
        fine = sum(wi / 2 * mf.conditional_spread(mix, (si + 1) / 2, nodes=28) for si, wi in zip(s, w))
        assert abs(mf.loss_floor(target) - fine) < 5e-4, target


def test_demo_measures_every_250_steps_on_2048_points_with_the_finales_recipe():
    states("every $250$\nsteps", "measured on $2{,}048$ fixed points", "averaged over the last $250$ steps")
    assert mf.CHUNK == 250 and mf.N_GAP == 2048
    states("black where they differ by $2$ or more")
    assert mf.MAX_DIFFERENCE == 2
    assert (mf.WIDTH, mf.LR, mf.BATCH) == (fm.DEFAULT_WIDTH, fm.DEFAULT_LR, fm.DEFAULT_BATCH)


@functools.lru_cache(maxsize=None)
def frames(target: str, steps: int, seed: int):
    mf._TRAINED.clear()
    return list(mf.stream(target, steps, 0.5, seed))


def test_loss_follows_floor_plus_gap_within_a_tenth_after_the_first_frame_gap_below_005():
    states("agree to within about a tenth", "they agree to a few hundredths and the\ngap is below $0.05$ for every target")
    for target in mf.TARGETS:
        for seed in SEEDS:
            run = frames(target, 1500, seed)
            diffs = [fm.smoothed(f.losses, 250)[-1] - (f.floor + f.gaps[-1]) for f in run]
            assert diffs[0] > 0.05, (target, seed)  # the first average still holds the early losses
            assert max(abs(d) for d in diffs[1:]) < 0.15, (target, seed, diffs)
            assert abs(diffs[-1]) < 0.05 and run[-1].gaps[-1] < 0.05, (target, seed, diffs)


def test_250_steps_leave_a_gap_two_to_ten_times_larger_and_a_loss_015_to_055_above_the_floor():
    states("two to ten times larger", "between $0.15$ and $0.55$ above\nthe floor")
    for target in mf.TARGETS:
        for seed in SEEDS:
            short, long = frames(target, 250, seed)[-1], frames(target, 1500, seed)[-1]
            assert 2 < short.gaps[-1] / long.gaps[-1] < 10, (target, seed)
            assert 0.15 < fm.smoothed(short.losses, 250)[-1] - short.floor < 0.55, (target, seed)


def test_fields_agree_where_the_cloud_is_and_disagree_in_the_corners():
    states("Where the orange cloud is, the two fields are\n  nearly the same", "the difference panel is\n  dark")
    for target in mf.TARGETS:
        r = frames(target, 1500, 0)[-1]
        X, Y = np.meshgrid(mf.PIXELS, mf.PIXELS)
        density = vf.path_density(np.stack([X.ravel(), Y.ravel()], 1), 0.5, mf.TARGETS[target]).reshape(X.shape)
        busy, empty = density > 0.1 * density.max(), density < 1e-4 * density.max()
        assert r.difference[busy].mean() < 0.2, target
        assert r.difference[empty].mean() > 3 * r.difference[busy].mean(), target


def test_at_t0_both_fields_point_at_the_targets_mean():
    states("At $t = 0$ both fields point at the target's mean")
    X, Y = np.meshgrid(mf.ARROWS, mf.ARROWS)
    grid = np.stack([X, Y], -1)

    def median_cos(field, want):
        return np.median(np.sum(field * want, -1) / (np.linalg.norm(field, axis=-1) * np.linalg.norm(want, axis=-1) + 1e-9))

    for target, mix in mf.TARGETS.items():
        frames(target, 1500, 0)
        r = mf.compute(target, 1500, 0.0, 0)
        assert median_cos(r.exact, mix.mean - grid) > 0.99 and median_cos(r.learned, mix.mean - grid) > 0.9, target


# The exact field of the digits -----------------------------------------------------


@pytest.fixture(scope="module")
def digit_data():
    if not os.path.exists(dg.resolve(ef.DATA)):
        pytest.importorskip("sklearn", reason="writing the digits needs scikit-learn")
        ef.write_data()
    return ef.load_data()


def test_about_180_images_of_64_pixels_per_class_1797_in_all(digit_data):
    states("about $180$ images of one class with $64$ pixels each", "all $1{,}797$ training images")
    images, labels = digit_data
    assert images.shape == (1797, 64)
    assert np.bincount(labels).min() >= 170 and np.bincount(labels).max() <= 190


def test_exact_field_copies_within_001_for_every_digit_and_seed(digit_data):
    states("every distance is below $0.01$, for\n  every digit and seed")
    for seed in SEEDS:
        for digit in range(10):
            assert ef.compute(digit, 50, seed).exact_distance.max() < 0.01, (digit, seed)


def test_network_samples_lie_about_25_never_below_19_real_neighbours_20(digit_data):
    states("lie about $2.5$ from their nearest\n  training image", "never below $1.9$", "typically $2.0$")
    medians = [np.median(ef.compute(d, 50, s).network_distance) for s in SEEDS for d in range(10)]
    assert np.mean(medians) == pytest.approx(2.5, abs=0.1)
    assert min(medians) > 1.9
    assert ef.typical_gap() == pytest.approx(2.0, abs=0.05)
    assert min(medians) > ef.typical_gap() - 0.1  # "at least as far as", give or take one sample


def test_one_euler_step_gives_eight_identical_class_averages(digit_data):
    states("lands every sample on the *average* training image of the\n  class: eight identical, blurred digits")
    images, labels = digit_data
    c = ef.compute(5, 1, 0)
    assert ef.N_SHOWN == 8
    for image in c.exact:
        np.testing.assert_allclose(image, dg.unit_to_pixels(images[labels == 5].mean(0)).reshape(8, 8), atol=1e-9)


def test_the_network_has_about_103000_weights_trained_4000_steps():
    from demos import train_digits as td

    states("about $103{,}000$ weights", "trained for $4{,}000$ steps")
    assert round(mlp.n_params(dg.network_sizes(td.WIDTH, td.DEPTH)), -3) == 103_000 and td.STEPS == 4000
