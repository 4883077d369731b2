"""Every number and claim in the prose of the finale, checked.

Page: docs/part1/flow-matching.md. Each test names the claim; where it can,
it also checks that the page still states the number, so that prose and test
cannot drift apart. Numbers are computed here, never copied from a run.
Claims about training are averaged over seeds 0-2 where one run is noisy.
"""

from __future__ import annotations

import functools
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from demos import flow_matching as fm
from demos import mlp
from demos import velocity_field as vf
from conftest import stated_by

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "part1" / "flow-matching.md").read_text()
SEEDS = (0, 1, 2)


states = stated_by("part1/flow-matching.md")


pytestmark = pytest.mark.usefixtures("one_blas_thread")


@functools.lru_cache(maxsize=None)
def trained(target="moons", width=fm.DEFAULT_WIDTH, steps=fm.DEFAULT_STEPS, lr=fm.DEFAULT_LR, seed=0):
    recipe = fm._check(target, fm.DEFAULT_POINTS, width, steps, lr, seed, 20, 0.5)
    return fm._trained(recipe)


def result(target="moons", seed=0, euler_steps=20, midpoint=False, arrow_t=0.5, **recipe):
    state, losses = trained(target, seed=seed, **recipe)
    return fm.summarise(state, target, losses, euler_steps, midpoint, arrow_t, seed=seed)


def gap(r) -> float:
    """How far the score lies from the floor, as a share of floor-to-ceiling."""
    return (r.energy - r.floor) / (r.ceiling - r.floor)


def mean_gap(target="moons", **kwargs) -> float:
    return float(np.mean([gap(result(target, seed=s, **kwargs)) for s in SEEDS]))


# The training step ------------------------------------------------------------


def listing() -> str:
    blocks = re.findall(r"```python\n(.*?)```", PAGE, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_listing_is_one_real_training_step():
    """Steps 1-8 as printed, run with the module's objects, equal one step of fm.train."""
    code = listing()
    outer, inner = code.split("# inside loss_and_grad:")
    target, batch, lr = fm.make_target("ring"), 256, fm.DEFAULT_LR
    start = fm.init_model(seed=3)
    expected, losses = fm.train(start, target, 1, lr, batch, np.random.default_rng(7), total_steps=10)

    state = start.copy()
    ws = mlp.Workspace(state.sizes, batch, state.params.dtype)
    grad, scratch = np.empty_like(state.params), np.empty_like(state.params)
    names = dict(
        np=np, mlp=mlp, interpolate=fm.interpolate, loss_and_grad=fm.loss_and_grad, rng=np.random.default_rng(7),
        batch=batch, target=target, params=state.params, ws=ws, grad=grad, state=state, scratch=scratch,
        step=1, lr_now=mlp.cosine_lr(lr, 0, 10),
    )
    exec(outer, names)
    assert names["loss"] == pytest.approx(losses[0], rel=1e-6)
    np.testing.assert_array_equal(state.params, expected.params)
    np.testing.assert_array_equal(state.ema, expected.ema)

    # The three lines "inside loss_and_grad" give its loss and gradient.
    x_t, t, u = fm.regression_batch(target, batch, np.random.default_rng(1))
    want = np.empty_like(start.params)
    want_loss = fm.loss_and_grad(start.params, ws, x_t, t, u, want)
    got = dict(np=np, mlp=mlp, params=start.params, ws=ws, u=u, batch=batch, grad=np.empty_like(start.params))
    exec(inner, got)
    assert float(got["loss"]) == pytest.approx(want_loss, rel=1e-5)
    np.testing.assert_allclose(got["grad"], want, rtol=1e-4, atol=1e-6)


def test_recipe_batch_256_lr_002_cosine_to_2_percent_ema_099_roughly_100_steps():
    states("batch** of $256$", "starts at $0.02$", "$2\\%$ of that", r"0.99\,\bar\theta + 0.01\,\theta", "roughly the last hundred steps")
    assert fm.DEFAULT_BATCH == 256 and fm.DEFAULT_LR == 0.02 and fm.EMA_DECAY == 0.99
    assert mlp.cosine_lr(0.02, 0, 100) == pytest.approx(0.02)
    assert mlp.cosine_lr(0.02, 100, 100) == pytest.approx(0.02 * 0.02)
    assert 1 / (1 - fm.EMA_DECAY) == pytest.approx(100)


def test_adam_moves_every_weight_by_at_most_about_the_learning_rate_whatever_its_slope():
    """'by at most about eta per step, however steep or flat ... by about eta while
    its gradient keeps pointing the same way, by less when it keeps changing sign'."""
    states("at most about\n   $\\eta$ per step", "by less when the\n   gradient keeps changing sign")
    state = mlp.TrainState.create((3, 2), np.random.default_rng(0), np.float64)
    grad = np.geomspace(1e-4, 1e3, len(state.params))  # slopes over seven orders of magnitude
    scratch = np.empty_like(grad)
    moves = []
    for step in range(1, 6):  # the same gradient five times: about eta each step
        before = state.params.copy()
        mlp.adam_update(state, grad, step, 0.01, 0.99, scratch)
        moves.append(np.abs(state.params - before))
    np.testing.assert_allclose(moves, 0.01, rtol=1e-3)
    for step in range(6, 12):  # now a gradient that flips sign every step
        before = state.params.copy()
        mlp.adam_update(state, grad * (-1) ** step, step, 0.01, 0.99, scratch)
        assert np.all(np.abs(state.params - before) < 0.01)


def test_network_has_three_layers_of_32_silu_units_9_inputs_2498_numbers():
    states("three hidden\n[layers of $32$ units]", "$2{,}498$ numbers", "$9$ inputs", "$k = 1, 2, 3$")
    sizes = fm.init_model().sizes
    assert sizes == (9, 32, 32, 32, 2) and fm.N_FREQ == 3 and fm.N_INPUT == 9
    assert mlp.n_params(sizes) == 2498


# Why the loss does not go to zero ------------------------------------------------


RING = vf.Mixture(np.full(fm.RING_MODES, 1 / fm.RING_MODES), fm.ring_centres(), fm.RING_SIGMA)


def ring_residual(t: float, n: int, rng) -> float:
    """E|x1 - x0 - u_t(x_t)|^2 at one time, with the exact marginal velocity."""
    x0, x1 = rng.standard_normal((n, 2)), fm.make_target("ring").sample(n, rng)
    u = vf.marginal_velocity((1 - t) * x0 + t * x1, t, RING)
    return float(((x1 - x0 - u) ** 2).sum(1).mean())


@functools.lru_cache(maxsize=None)
def best_ring_loss() -> float:
    rng = np.random.default_rng(0)
    times = (np.arange(200) + 0.5) / 200  # midpoint rule over t in (0, 1)
    return float(np.mean([ring_residual(t, 4000, rng) for t in times]))


def test_ring_zero_network_scores_602_and_best_possible_loss_is_358():
    states("always answers $0$ reaches a loss of about $6.02$", "still leaves about $3.58$", "$4.02 + 2 = 6.02$")
    rng = np.random.default_rng(1)
    x0, x1 = rng.standard_normal((400_000, 2)), fm.make_target("ring").sample(400_000, rng)
    assert float(((x1 - x0) ** 2).sum(1).mean()) == pytest.approx(6.02, abs=0.01)
    assert fm.RING_RADIUS**2 + 2 * fm.RING_SIGMA**2 + 2 == pytest.approx(6.02)
    assert best_ring_loss() == pytest.approx(3.58, abs=0.01)


def test_ring_trained_running_loss_ends_less_than_015_above_the_best():
    states("ends less than $0.15$ above that floor")
    for seed in SEEDS:
        end = fm.smoothed(trained("ring", seed=seed)[1])[-1]
        assert best_ring_loss() < end < best_ring_loss() + 0.15, (seed, end)


def test_ring_leftover_is_the_targets_spread_402_at_t0_and_the_noises_2_at_t1():
    states("the target, $4.02$ ($= 2^2 + 2 \\cdot 0.1^2$", "which leaves $2$")
    rng = np.random.default_rng(2)
    assert fm.RING_RADIUS**2 + 2 * fm.RING_SIGMA**2 == pytest.approx(4.02)
    states("$8$ small round\nGaussian blobs, each of standard deviation $0.1$", "circle\nof radius $2$", "which has radius $3$ and standard\ndeviation $0.3$")
    assert (fm.RING_MODES, fm.RING_SIGMA, fm.RING_RADIUS) == (8, 0.1, 2.0)
    eight = vf.TARGETS["8 Gaussians"]
    assert np.allclose(np.linalg.norm(eight.means, axis=1), 3.0) and eight.std == 0.3
    assert ring_residual(0.0, 200_000, rng) == pytest.approx(4.02, abs=0.03)
    assert ring_residual(1.0, 200_000, rng) == pytest.approx(2.0, abs=0.02)


def test_moons_loss_levels_off_a_little_above_3():
    states("for the moons a little above $3$")
    for seed in SEEDS:
        curve = fm.smoothed(trained("moons", seed=seed)[1])
        losses = trained("moons", seed=seed)[1]
        assert 3.0 < curve[-1] < 3.2
        assert losses[:10].mean() > curve[-1] + 0.5  # falls fast at first
        assert abs(losses[-500:-250].mean() - losses[-250:].mean()) < 0.05  # then levels off


def _plateau(**recipe) -> float:
    """Where the moons' running loss ends, averaged over the seeds, after
    checking it has levelled off (the last two windows of 250 steps agree)."""
    ends = []
    for seed in SEEDS:
        losses = trained("moons", seed=seed, **recipe)[1]
        assert abs(losses[-500:-250].mean() - losses[-250:].mean()) < 0.05, (recipe, seed)
        ends.append(fm.smoothed(losses)[-1])
    return float(np.mean(ends))


def test_a_plateau_means_neither_done_nor_stuck():
    """finale: the default levels off near 3.07, width 4 near 3.38, lr 0.002
    near 3.25, all flat, and the last two draw samples more than twice as far."""
    states('means neither "done" nor "stuck"', "levels off\n near $3.07$", "levels off just as flat near\n$3.38$",
           "to $0.002$ near $3.25$", "more than twice as far from the real data")
    assert _plateau() == pytest.approx(3.07, abs=0.02)
    assert _plateau(width=4) == pytest.approx(3.38, abs=0.02)
    assert _plateau(lr=0.002) == pytest.approx(3.25, abs=0.02)
    assert mean_gap("moons", width=4) > 2 * mean_gap("moons")
    assert mean_gap("moons", lr=0.002) > 2 * mean_gap("moons")


def test_the_marginal_velocity_is_the_best_answer_under_the_squared_loss():
    """Any other field scores higher: shift the exact one and the ring loss rises."""
    rng = np.random.default_rng(3)
    x0, x1 = rng.standard_normal((100_000, 2)), fm.make_target("ring").sample(100_000, rng)
    t = 0.4
    u = vf.marginal_velocity((1 - t) * x0 + t * x1, t, RING)
    best = ((x1 - x0 - u) ** 2).sum(1).mean()
    for shift in (0.05, 0.2):
        assert ((x1 - x0 - u - shift) ** 2).sum(1).mean() > best


# Sampling and the score -------------------------------------------------------------


def test_nfe_is_n_for_euler_and_2n_for_midpoint_and_the_readout_shows_it():
    states("**number of function evaluations** (NFE)", "$n$ for $n$ Euler steps, $2n$ for $n$ midpoint steps")
    for method, per_step in (("euler", 1), ("midpoint", 2)):
        calls = []
        fm.integrate(lambda x, t: calls.append(t) or -x, np.zeros((3, 2)), 7, method)
        assert len(calls) == 7 * per_step
        r = result("ring", euler_steps=7, midpoint=method == "midpoint")
        assert r.evaluations == 7 * per_step and f"{7 * per_step} network evaluations" in fm.describe(r)


def test_euler_error_goes_like_h_and_midpoint_like_h_squared():
    states("Euler's error shrinks in proportion to $h$", "in proportion to $h^2$")

    def field(x, t):  # a nonlinear field, nothing special about it
        return np.sin(x) + t * np.cos(x[:, ::-1])

    x0 = np.random.default_rng(0).standard_normal((200, 2))
    exact = fm.integrate(field, x0, 1000, "midpoint")[-1]
    for method, order in (("euler", 1), ("midpoint", 2)):
        e1, e2 = (np.abs(fm.integrate(field, x0, n, method)[-1] - exact).max() for n in (20, 40))
        assert e1 / e2 == pytest.approx(2**order, rel=0.15), method


def test_score_uses_1000_points_floor_is_two_real_sets_ceiling_is_raw_noise():
    states("$1{,}000$ generated points", "$1{,}000$ fresh")
    r = result("moons")
    assert fm.N_SAMPLES == 1000 and len(r.samples) == len(r.target_samples) == 1000
    rng = np.random.default_rng(12345)
    t = fm.make_target("moons")
    a, b = t.sample(1000, rng), t.sample(1000, rng)
    assert r.floor == pytest.approx(fm.energy_distance(a, b))
    assert r.ceiling == pytest.approx(fm.energy_distance(rng.standard_normal((1000, 2)), b))
    assert r.energy == pytest.approx(fm.energy_distance(r.samples, r.target_samples))
    # Zero only when the distributions agree: a shifted copy scores clearly above.
    assert fm.energy_distance(a, a) == pytest.approx(0, abs=1e-12)
    assert fm.energy_distance(a, a + [0.3, 0]) > 10 * r.floor


# The 2-D demo's defaults and what the page says about them -------------------------


def test_demo_block_defaults_match_the_module():
    block = re.search(r"```demo\ndemo: flow_matching\n(.*?)```", PAGE, re.S).group(1)
    for snippet in ("button: Train", "value: moons", "value: 32", "value: 1500", "value: 0.02", "value: 20", "value: false", "value: 0.5"):
        assert snippet in block, snippet
    assert f'value: "{fm.DEFAULT_POINTS}"' in block
    assert (fm.DEFAULT_WIDTH, fm.DEFAULT_STEPS, fm.DEFAULT_LR) == (32, 1500, 0.02)


def test_points_become_blobs_of_width_01_within_32():
    states("a small blob of width $0.1$", "between -3.2 and 3.2")
    assert fm.POINT_JITTER == 0.1 and fm.LIM == 3.2


def test_the_figure_refreshes_every_250_steps():
    states("refreshes every $250$ training steps")
    fm._TRAINED.clear()
    fm._stopped.clear()
    assert fm.CHUNK == 250
    assert [f.steps for f in fm.stream("ring", steps=1000, width=8)] == [250, 500, 750, 1000]


def test_stop_then_train_carries_on_and_sampling_controls_do_not_retrain():
    states("pressing *Train* again with the same settings carries on from there", "it is sampled again at once")
    fm._TRAINED.clear()
    fm._stopped.clear()
    run = fm.stream("points", steps=750, width=8)
    next(run)
    run.close()
    assert [f.steps for f in fm.stream("points", steps=750, width=8)] == [500, 750]
    assert len(list(fm.stream("points", steps=750, width=8, euler_steps=3, midpoint=True, arrow_t=0.1))) == 1


def test_ring_and_points_within_5_percent_at_750_steps_moons_over_twice_as_far():
    states("with only $750$ training", "within $5\\%$ of the way", "more than twice as far from the floor", "within a tenth of the way")
    ring, points = mean_gap("ring", steps=750), mean_gap("points", steps=750)
    assert ring < 0.05 and points < 0.05, (ring, points)
    assert mean_gap("moons", steps=750) > 2 * max(ring, points)
    assert mean_gap("moons") < 0.1


def dark_share(samples: np.ndarray) -> float:
    cells = np.floor(samples + 2).astype(int)
    on_board = np.all((cells >= 0) & (cells < 4), axis=1)
    return float(np.mean(on_board & (cells.sum(1) % 2 == 0)))


def test_checkerboard_about_three_quarters_on_dark_squares_above_08_after_4000_steps():
    states("about three quarters of its points there", "$4{,}000$ steps lifts the share above $0.8$")
    rng = np.random.default_rng(0)
    assert dark_share(fm.make_target("checkerboard").sample(10_000, rng)) == 1.0
    assert dark_share(rng.uniform(-2, 2, (100_000, 2))) == pytest.approx(0.5, abs=0.01)
    default = np.mean([dark_share(result("checkerboard", seed=s).samples) for s in SEEDS])
    assert 0.68 < default < 0.8, default
    longer = np.mean([dark_share(result("checkerboard", seed=s, steps=4000).samples) for s in SEEDS])
    assert 0.8 < longer < 0.9, longer  # better, still short of sharp


def test_one_euler_step_sends_every_sample_to_the_mean_of_the_target():
    states("a single step of length\n  $1$ takes *every* starting point to the mean")
    for seed in SEEDS:
        r = result("moons", seed=seed, euler_steps=1)
        spread = np.linalg.norm(r.target_samples.std(0))
        assert np.linalg.norm(r.samples.std(0)) < 0.1 * spread  # one small clump
        assert np.linalg.norm(r.samples.mean(0)) < 0.1  # the moons' mean is (0, 0)
    t = fm.make_target("moons").sample(400_000, np.random.default_rng(0))
    np.testing.assert_allclose(t.mean(0), 0, atol=0.01)


def test_score_keeps_improving_with_2_3_5_10_20_euler_steps():
    states("$3$ steps the shape appears but blurred", "raise the steps to $5$, $10$ and $20$")
    scores = [mean_gap("moons", euler_steps=k) for k in (1, 2, 3, 5, 10, 20)]
    assert all(a > b for a, b in zip(scores, scores[1:])), scores
    assert scores[2] > 0.5  # 3 steps: still far off


def test_midpoint_with_5_steps_scores_as_well_as_euler_with_50():
    states("set *Sampling steps* to\n  $5$", "plain Euler with $50$ steps, for an NFE of $10$ instead of $50$")
    for target in ("moons", "ring", "points"):
        mid = mean_gap(target, euler_steps=5, midpoint=True)
        euler = mean_gap(target, euler_steps=50)
        assert mid < euler + 0.01, (target, mid, euler)
    calls = []
    fm.integrate(lambda x, t: calls.append(t) or x, np.zeros((1, 2)), 5, "midpoint")
    assert len(calls) == 10


def test_arrows_at_t0_point_at_the_middle_of_the_target():
    states("Slide *Arrows at t* to $0$: every arrow points at\n  the middle of the target")
    state, _ = trained("moons")
    X, Y, U, V = fm.velocity_grid(state, 0.0)
    points = np.stack([X.ravel(), Y.ravel()], 1)
    arrows = np.stack([U.ravel(), V.ravel()], 1)
    keep = np.linalg.norm(points, axis=1) > 0  # the centre point has no direction to point in
    points, arrows = points[keep], arrows[keep]
    towards = -points  # the moons' mean is the origin
    cos = (arrows * towards).sum(1) / np.linalg.norm(arrows, axis=1) / np.linalg.norm(towards, axis=1)
    assert cos.min() > 0.9 and np.median(cos) > 0.99


def test_arrows_at_t1_on_the_ring_point_away_from_the_origin():
    states("the arrows on the ring point straight away from the origin", "$u_1(x) = x$")
    for seed in SEEDS:
        state, _ = trained("ring", seed=seed)
        x = fm.make_target("ring").sample(2000, np.random.default_rng(1))
        v = fm.velocity(state, x, 1.0)
        cos = (v * x).sum(1) / np.linalg.norm(v, axis=1) / np.linalg.norm(x, axis=1)
        assert np.percentile(cos, 5) > 0.9 and np.median(cos) > 0.98


def test_learning_rate_03_unstable_0002_over_twice_as_far():
    states("At $0.3$ training goes unstable", "At\n  $0.002$", "more than twice as far from the floor as with the\n  default")
    default_loss = np.mean([fm.smoothed(trained("moons", seed=s)[1])[-1] for s in SEEDS])
    high_loss = np.mean([fm.smoothed(trained("moons", lr=0.3, seed=s)[1])[-1] for s in SEEDS])
    assert high_loss > default_loss + 0.5
    assert mean_gap("moons", lr=0.3) > 0.4  # scattered
    assert mean_gap("moons", lr=0.002) > 2 * mean_gap("moons")


def test_width_4_over_three_times_worse_width_128_about_the_same_as_32():
    states("more than three times as far from the\n  floor as with $32$", "A width of $128$ does about as well as $32$")
    default = mean_gap("moons")
    assert mean_gap("moons", width=4) > 3 * default
    assert abs(mean_gap("moons", width=128) - default) < 0.03


def test_one_score_wobbles_by_several_hundredths():
    states("wobbles by several\n  hundredths")
    state, losses = trained("moons")
    gaps = [gap(fm.summarise(state, "moons", losses, seed=s)) for s in range(8)]
    assert 0.02 < np.std(gaps) < 0.1, gaps


def test_the_ring_keeps_all_eight_modes():
    states("the ring's eight modes all receive their share")
    for seed in SEEDS:
        shares = fm.mode_shares(result("ring", seed=seed).samples, fm.ring_centres())
        assert len(shares) == 8 and shares.min() > 0.08 and shares.max() < 0.17, shares


# Digits ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    """The weights the page loads (demos/digits_fm.npz), made if missing."""
    pytest.importorskip("sklearn", reason="the digits facts need scikit-learn")
    from demos import digits as dg
    from demos import train_digits as td

    path = dg.resolve(dg.DEFAULT_WEIGHTS)
    if not os.path.exists(path):
        path = str(tmp_path_factory.mktemp("digits") / "digits_fm.npz")
        td.main(["--out", path])
    images, labels = td.load_data()
    return dg, td, path, dg.load_model(path), images, labels


@pytest.fixture(scope="module")
def classifier(digits):
    from sklearn.linear_model import LogisticRegression

    images, labels = digits[4], digits[5]
    return LogisticRegression(max_iter=3000).fit(images, labels)


def test_digits_data_and_network_sizes(digits):
    dg, td, path, model, images, labels = digits
    states("$8 \\times 8$ images", "($1{,}797$ of them", "$64$ coordinates", "$[-1, 1]$", "ten extra inputs",
           "two hidden layers of $256$ units and about $103{,}000$ weights", "for $4{,}000$ steps", "under $200$ kB")
    assert images.shape == (1797, 64) and images.min() == -1 and images.max() == 1
    assert dg.N_CLASSES == 10 and (td.WIDTH, td.DEPTH, td.STEPS) == (256, 2, 4000)
    states("the learning rate starts at\n$0.002$", "keeps $0.999$ of itself", "roughly the last thousand steps", "averaged over the $64$\npixels")
    assert td.LR == 0.002 and td.EMA_DECAY == 0.999 and td.BATCH == fm.DEFAULT_BATCH and 1 / (1 - td.EMA_DECAY) == pytest.approx(1000)
    assert model.sizes == (81, 256, 256, 64)
    assert round(mlp.n_params(model.sizes), -3) == 103_000
    assert os.path.getsize(path) < 200_000


def test_digits_loss_levels_off_near_045_per_pixel(digits):
    states("near $0.45$ per pixel", "about $29$ per image")
    with np.load(digits[2]) as f:
        assert float(f["final_loss"]) == pytest.approx(0.45, abs=0.02)
        assert round(64 * float(f["final_loss"])) == pytest.approx(29, abs=1)


def test_digits_more_than_nine_in_ten_recognised_for_every_digit(digits, classifier):
    states("more than nine in ten of the generated images of\n  every digit")
    dg, model = digits[0], digits[3]
    for d in range(10):
        assert np.mean(classifier.predict(dg.sample(model, d, 100, 50, seed=d)[-1]) == d) > 0.9, d


def test_digits_halfway_images_more_than_half_named_correctly(digits, classifier):
    states("names more than half of such halfway images correctly", "At $t = 0$ the framed image is pure noise")
    dg, model = digits[0], digits[3]
    assert dg.FRAME_TIMES[0] == 0.0 and dg.FRAME_TIMES[2] == 0.5
    frames = {d: dg.sample(model, d, 100, 50, seed=d) for d in range(10)}
    halfway = np.mean([np.mean(classifier.predict(f[2]) == d) for d, f in frames.items()])
    start = np.mean([np.mean(classifier.predict(f[0]) == d) for d, f in frames.items()])
    assert halfway > 0.5 and start < 0.2, (halfway, start)


def test_digits_one_step_greyer_and_more_alike_50_steps_as_varied_as_real(digits):
    states("greyer, smudged versions of much the same digit", "more alike than real handwriting is",
           "differ from one another about as much as real ones do")
    dg, model, images, labels = digits[0], digits[3], digits[4], digits[5]

    def grey(x):
        p = dg.unit_to_pixels(x)
        return np.mean((p > 4) & (p < 12))

    def variety(x):  # mean distance between two images of the set
        return np.mean(np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1)))

    for d in range(10):
        one, fifty = (dg.sample(model, d, 100, k, seed=d)[-1] for k in (1, 50))
        real = images[labels == d][:100]
        assert grey(one) > grey(fifty), d
        assert variety(one) < variety(real) and variety(one) < variety(fifty), d
        assert variety(fifty) == pytest.approx(variety(real), rel=0.15), d
