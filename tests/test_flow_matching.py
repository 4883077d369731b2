"""Flow matching in 2-D: the hand-written network, its training and its samples."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import flow_matching as fm
from demos import mlp


def small_batch(n=7, seed=0):
    rng = np.random.default_rng(seed)
    return fm.regression_batch(fm.make_target("moons"), n, rng)


# The network and its gradient ---------------------------------------------------


def test_backward_matches_central_differences_for_every_layer():
    sizes = (fm.N_INPUT, 6, 5, 2)
    state = mlp.TrainState.create(sizes, np.random.default_rng(1), np.float64)
    theta = state.params + 0.1 * np.random.default_rng(2).standard_normal(state.params.shape)
    x_t, t, u = small_batch()
    ws = mlp.Workspace(sizes, len(u), np.float64)
    grad = np.empty_like(theta)
    fm.loss_and_grad(theta, ws, x_t, t, u, grad)
    grad = grad.copy()
    eps = 1e-6
    numeric = np.empty_like(theta)
    for i in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[i] += eps
        down[i] -= eps
        scratch = np.empty_like(theta)
        numeric[i] = (
            fm.loss_and_grad(up, ws, x_t, t, u, scratch) - fm.loss_and_grad(down, ws, x_t, t, u, scratch)
        ) / (2 * eps)
    for layer, (g, n) in enumerate(zip(mlp.layers(grad, sizes), mlp.layers(numeric, sizes))):
        assert np.abs(g).max() > 1e-4, f"layer {layer} has a vanishing gradient: the check would be empty"
        rel = np.abs(g - n).max() / np.abs(n).max()
        assert rel < 1e-6, f"layer {layer}: relative error {rel:.2e}"


def test_predict_matches_forward_and_layer_views_cover_all_parameters():
    sizes = (3, 4, 2)
    theta = mlp.init_params(sizes, np.random.default_rng(0), np.float64)
    assert sum(w.size for w in mlp.layers(theta, sizes)) == mlp.n_params(sizes) == theta.size
    x = np.random.default_rng(1).standard_normal((5, 3))
    w1, w2 = mlp.layers(theta, sizes)
    z = x @ w1[:-1] + w1[-1]
    h = z / (1 + np.exp(-z))
    np.testing.assert_allclose(mlp.predict(theta, sizes, x), h @ w2[:-1] + w2[-1], rtol=1e-12)


def test_adam_steps_reduce_the_loss_on_a_fixed_batch():
    state = fm.init_model(16, seed=3, depth=2, dtype=np.float64).copy()
    x_t, t, u = small_batch(64)
    ws = mlp.Workspace(state.sizes, 64, np.float64)
    grad, scratch = np.empty_like(state.params), np.empty_like(state.params)
    losses = []
    for step in range(1, 51):
        losses.append(fm.loss_and_grad(state.params, ws, x_t, t, u, grad))
        mlp.adam_update(state, grad, step, 1e-2, 0.99, scratch)
    assert losses[1] < losses[0]
    assert losses[-1] < 0.7 * losses[0]


def test_cosine_schedule_runs_from_peak_to_floor():
    assert mlp.cosine_lr(0.1, 0, 100) == pytest.approx(0.1)
    assert mlp.cosine_lr(0.1, 50, 100) == pytest.approx(0.1 * (1 + mlp.LR_FLOOR) / 2)
    assert mlp.cosine_lr(0.1, 100, 100) == pytest.approx(0.1 * mlp.LR_FLOOR)
    assert mlp.cosine_lr(0.1, 500, 100) == pytest.approx(0.1 * mlp.LR_FLOOR)


# The regression ------------------------------------------------------------------


def test_interpolation_endpoints_and_velocity():
    rng = np.random.default_rng(0)
    x0, x1 = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    np.testing.assert_allclose(fm.interpolate(x0, x1, np.zeros(5)), x0)
    np.testing.assert_allclose(fm.interpolate(x0, x1, np.ones(5)), x1)
    h = 1e-6
    t = rng.random(5)
    slope = (fm.interpolate(x0, x1, t + h) - fm.interpolate(x0, x1, t - h)) / (2 * h)
    np.testing.assert_allclose(slope, x1 - x0, rtol=1e-6)


def test_time_features():
    f = fm.time_features(np.array([0.0, 0.5, 1.0]))
    assert f.shape == (3, 1 + 2 * fm.N_FREQ)
    np.testing.assert_allclose(f[:, 0], [0, 0.5, 1])
    np.testing.assert_allclose(f[1, 1:4], np.sin(np.pi * 0.5 * np.arange(1, 4)), atol=1e-12)
    np.testing.assert_allclose(f[2, 4:], np.cos(np.pi * np.arange(1, 4)), atol=1e-12)


def test_targets_sample_the_right_shapes():
    rng = np.random.default_rng(0)
    ring = fm.make_target("ring").sample(4000, rng)
    radius = np.hypot(*ring.T)
    assert abs(np.median(radius) - fm.RING_RADIUS) < 0.05
    assert fm.mode_shares(ring, fm.ring_centres()).min() > 0.1
    board = fm.make_target("checkerboard").sample(4000, rng)
    cells = np.floor(board + 2).astype(int)
    assert np.all((cells >= 0) & (cells < 4)) and np.all(cells.sum(1) % 2 == 0)
    pts = fm.make_target("points", "0 0; 1 1").sample(2000, rng)
    near = np.minimum(np.hypot(*pts.T), np.hypot(*(pts - 1).T))
    assert np.mean(near < 4 * fm.POINT_JITTER) > 0.99
    moons = fm.make_target("moons").sample(4000, rng)
    assert np.abs(moons.mean(0)).max() < 0.1 and np.abs(moons).max() < 3


# Sampling --------------------------------------------------------------------------


def test_euler_is_exact_for_the_velocity_towards_one_point():
    # Data is a single point c: the exact field (c - x) / (1 - t) is constant
    # along each straight path, so even 3 Euler steps land on c.
    c = np.array([1.5, -0.5])
    x0 = np.random.default_rng(0).standard_normal((100, 2))
    path = fm.integrate(lambda x, t: (c - x) / (1 - t), x0, 3)
    assert path.shape == (4, 100, 2)
    np.testing.assert_allclose(path[0], x0)
    np.testing.assert_allclose(path[-1], np.broadcast_to(c, (100, 2)), atol=1e-12)


def gaussian_field(mu, sigma):
    """Exact flow-matching velocity when the data are N(mu, sigma^2 I):
    x_t = t mu + s_t z with s_t^2 = (1 - t)^2 + t^2 sigma^2."""

    def field(x, t):
        s2 = (1 - t) ** 2 + (t * sigma) ** 2
        return mu + (t * sigma**2 - (1 - t)) / s2 * (x - t * mu)

    return field


def test_integrating_the_exact_field_turns_noise_into_the_gaussian_target():
    mu, sigma = np.array([2.0, -1.0]), 0.3
    x0 = np.random.default_rng(0).standard_normal((20000, 2))
    for method, steps, tol in (("euler", 200, 0.01), ("midpoint", 20, 0.01)):
        end = fm.integrate(gaussian_field(mu, sigma), x0, steps, method)[-1]
        np.testing.assert_allclose(end.mean(0), mu + sigma * x0.mean(0), atol=tol)
        np.testing.assert_allclose(end.std(0), sigma * x0.std(0), rtol=0.05)
    # Midpoint is second order: far closer than Euler for the same step count.
    exact = mu + sigma * x0
    err = {
        m: np.abs(fm.integrate(gaussian_field(mu, sigma), x0, 10, m)[-1] - exact).max()
        for m in ("euler", "midpoint")
    }
    assert err["midpoint"] < err["euler"] / 5


def test_sample_and_velocity_grid_shapes():
    state = fm.init_model(8, seed=0, depth=1)
    paths = fm.sample(state, 50, 7, np.random.default_rng(0), "midpoint")
    assert paths.shape == (8, 50, 2) and np.all(np.isfinite(paths))
    X, Y, U, V = fm.velocity_grid(state, 0.3, n=9)
    assert X.shape == Y.shape == U.shape == V.shape == (9, 9)
    # The grid agrees with the network evaluated point by point.
    v = fm.velocity(state, np.array([[X[2, 3], Y[2, 3]]]), 0.3)
    np.testing.assert_allclose(v[0], [U[2, 3], V[2, 3]], rtol=1e-5)


# Training ----------------------------------------------------------------------------


def test_training_is_resumable_in_chunks():
    target = fm.make_target("ring")
    start = fm.init_model(16, seed=4, depth=2)
    one, losses = fm.train(start, target, 40, 1e-2, 32, np.random.default_rng(9))
    rng = np.random.default_rng(9)
    half, first = fm.train(start, target, 20, 1e-2, 32, rng, total_steps=40)
    two, second = fm.train(half, target, 20, 1e-2, 32, rng, total_steps=40)
    assert two.step == one.step == 40
    np.testing.assert_array_equal(np.r_[first, second], losses)
    for name in ("params", "ema", "m", "v"):
        np.testing.assert_array_equal(getattr(two, name), getattr(one, name))
    # train never changes the state it was given.
    np.testing.assert_array_equal(start.params, fm.init_model(16, seed=4, depth=2).params)


def test_energy_distance():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((300, 2))
    assert fm.energy_distance(a, a) == pytest.approx(0, abs=1e-9)
    assert fm.energy_distance(a, a + [3, 0]) > 1
    # Blocked and direct computations agree.
    b = rng.standard_normal((700, 2))
    direct = np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1)).mean()
    assert fm.mean_distance(a, b, block=64) == pytest.approx(direct, rel=1e-10)


@pytest.fixture(scope="module")
def default_results():
    """The demo at its default settings, as the page first shows it."""
    return {name: fm.compute(name) for name in ("moons", "ring")}


@pytest.mark.parametrize("name", ["moons", "ring"])
def test_default_training_reaches_the_target(default_results, name):
    r = default_results[name]
    assert r.steps == fm.DEFAULT_STEPS and len(r.samples) == fm.N_SAMPLES
    assert r.floor < 0.1 * r.ceiling
    # Close to what two sets of real target samples score, far from noise.
    # One set of 1,000 samples wobbles by several hundredths of the way to
    # the noise (moons, sampling seeds 0-5: -0.02 to 0.15), so the claim is
    # made for the average over six sampling seeds: under a tenth of the way.
    state, losses = fm._TRAINED[fm._check(name, fm.DEFAULT_POINTS, fm.DEFAULT_WIDTH, fm.DEFAULT_STEPS, fm.DEFAULT_LR, 0, 20, 0.5)]
    gaps = [(s.energy - s.floor) / s.ceiling for s in (fm.summarise(state, name, losses, seed=k) for k in range(6))]
    assert np.mean(gaps) < 0.1 and max(gaps) < 0.2, gaps
    assert (r.energy - r.floor) / r.ceiling == pytest.approx(gaps[0])
    assert smoothed_drop(r.losses) > 0.1


def moon_curves():
    """Dense points on the two noiseless half circles of the moons target."""
    a = np.linspace(0, np.pi, 400)
    upper = np.stack([np.cos(a) - 0.5, np.sin(a) - 0.25], 1)
    lower = np.stack([0.5 - np.cos(a), 0.25 - np.sin(a)], 1)
    return 1.6 * np.concatenate([upper, lower])


def test_default_moons_lie_on_the_moons(default_results):
    r = default_results["moons"]
    curves = moon_curves()
    d = np.sqrt(((r.samples[:, None] - curves[None]) ** 2).sum(-1)).min(1)
    upper = d == np.sqrt(((r.samples[:, None] - curves[None, :400]) ** 2).sum(-1)).min(1)
    assert np.mean(d < 0.25) > 0.85  # real samples: 0.99
    assert 0.4 < upper.mean() < 0.6  # both moons, in equal shares


def smoothed_drop(losses):
    curve = fm.smoothed(losses)
    return (curve[49] - curve[-1]) / curve[49]


def test_default_ring_covers_every_mode(default_results):
    r = default_results["ring"]
    shares = fm.mode_shares(r.samples, fm.ring_centres())
    assert shares.min() > 0.08 and shares.max() < 0.17, shares
    # Modes are separate: most samples sit within 3 sigma of a centre.
    d = np.sqrt(((r.samples[:, None] - fm.ring_centres()[None]) ** 2).sum(-1)).min(1)
    assert np.mean(d < 3 * fm.RING_SIGMA) > 0.75


# Validation and the demo -------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(target="spiral"),
        dict(target="points", points="1 2 3"),
        dict(target="points", points="a b"),
        dict(target="points", points=""),
        dict(target="points", points="0 0; 9 9"),
        dict(width=1),
        dict(steps=0),
        dict(lr=0),
        dict(euler_steps=0),
        dict(arrow_t=1.5),
    ],
)
def test_compute_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        fm.compute(**{"steps": 5, **kwargs})


def test_train_and_sampling_reject_bad_parameters():
    state = fm.init_model(8, depth=1)
    with pytest.raises(ValueError):
        fm.train(state, "moons", -1)
    with pytest.raises(ValueError):
        fm.train(state, "moons", 5, batch=0)
    with pytest.raises(ValueError):
        fm.velocity_grid(state, -0.1)
    with pytest.raises(ValueError):
        fm.integrate(lambda x, t: x, np.zeros((1, 2)), 5, "rk4")


def test_points_target_parses_text():
    np.testing.assert_array_equal(fm.parse_points("0 0; 1 1.5\n-1, 2"), [[0, 0], [1, 1.5], [-1, 2]])


def test_draw_and_update_on_a_figure():
    first = fm.compute("points", steps=30, euler_steps=5)
    second = fm.compute("ring", steps=40, euler_steps=8, midpoint=True, arrow_t=0.9)
    fig = Figure(figsize=fm.FIGSIZE)
    FigureCanvasAgg(fig)
    update = fm.draw(first, fig)
    assert callable(update)
    update(second)
    fig.savefig(io.BytesIO(), format="png")
    titles = [ax.get_title() for ax in fig.axes]
    assert "generated, 8 midpoint steps, NFE 16" in titles and "learned velocity at t = 0.90" in titles
    text = fm.describe(second)
    assert "ring" in text and "40 training steps" in text and "8 midpoint steps, 16 network evaluations each" in text
    assert "5 Euler steps, 5 network evaluations each" in fm.describe(first)


def test_partial_training_can_be_summarised_for_the_live_figure():
    state = fm.init_model(seed=1)
    state, losses = fm.train(state, "moons", 20, rng=np.random.default_rng(0), total_steps=100)
    r = fm.summarise(state, "moons", losses, n_samples=200)
    assert r.samples.shape == (200, 2) and r.steps == 20 and len(r.losses) == 20


def test_browser_einsum_products_match_matmul(monkeypatch):
    # The browser takes einsum for wide layers (numpy there has no BLAS);
    # both routes must give the same numbers.
    sizes = (9, 64, 20, 2)
    theta = mlp.init_params(sizes, np.random.default_rng(0), np.float64)
    x = np.random.default_rng(1).standard_normal((11, 9))
    d_out = np.random.default_rng(2).standard_normal((11, 2))
    results = []
    for einsum in (False, True):
        monkeypatch.setattr(mlp, "EINSUM", einsum)
        ws = mlp.Workspace(sizes, 11, np.float64)
        ws.inputs[...] = x
        out = mlp.forward(theta, ws).copy()
        results.append((out, mlp.backward(theta, ws, d_out, np.empty_like(theta)).copy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-14)


# Streaming: the page watches training frame by frame -------------------------------


def fresh_caches():
    fm._TRAINED.clear()
    fm._stopped.clear()


def same_result(a, b):
    for name in ("target_samples", "samples", "paths", "at_t", "losses"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for x, y in zip(a.grid, b.grid):
        np.testing.assert_array_equal(x, y)
    assert (a.energy, a.floor, a.ceiling, a.steps, a.planned) == (b.energy, b.floor, b.ceiling, b.steps, b.planned)
    assert (a.euler_steps, a.method, a.arrow_t, a.target) == (b.euler_steps, b.method, b.arrow_t, b.target)


def test_stream_yields_a_frame_every_chunk_with_a_growing_loss_history():
    fresh_caches()
    frames = list(fm.stream("ring", width=16, steps=700, seed=3))
    assert [f.steps for f in frames] == [250, 500, 700]  # CHUNK steps apart, the rest last
    assert [len(f.losses) for f in frames] == [250, 500, 700]
    for before, after in zip(frames, frames[1:]):
        np.testing.assert_array_equal(after.losses[: len(before.losses)], before.losses)
    assert all(f.planned == 700 for f in frames)
    assert [f.training for f in frames] == [True, True, False]
    assert "step 250 of 700" in fm.describe(frames[0]) and "700 training steps" in fm.describe(frames[-1])


def test_the_last_frame_of_the_stream_is_computes_result():
    params = dict(target="moons", width=24, steps=600, lr=1e-2, seed=5, euler_steps=9, midpoint=True, arrow_t=0.3)
    fresh_caches()
    last = list(fm.stream(**params))[-1]
    fresh_caches()
    same_result(last, fm.compute(**params))


def test_after_training_the_stream_resamples_without_retraining():
    fresh_caches()
    params = dict(target="points", points="0 0; 1 1", width=16, steps=500, seed=2)
    trained = list(fm.stream(**params))[-1]
    state = fm._TRAINED[fm._check(**{**params, "lr": fm.DEFAULT_LR}, euler_steps=20, arrow_t=0.5)][0]
    again = list(fm.stream(**params, euler_steps=5, arrow_t=0.9))
    assert len(again) == 1  # one frame, at once
    assert again[0].steps == 500 and not again[0].training
    np.testing.assert_array_equal(again[0].losses, trained.losses)
    # compute finds the same trained model too.
    assert fm._TRAINED[fm._check(**{**params, "lr": fm.DEFAULT_LR}, euler_steps=20, arrow_t=0.5)][0] is state
    same_result(fm.compute(**params, euler_steps=5, arrow_t=0.9), again[0])


def test_a_stopped_run_carries_on_where_it_stopped():
    params = dict(target="checkerboard", width=16, steps=750, seed=1)
    fresh_caches()
    run = fm.stream(**params)
    first = next(run)
    next(run)
    run.close()  # the reader pressed Stop after the second frame
    rest = list(fm.stream(**params))
    assert [f.steps for f in rest] == [750]
    np.testing.assert_array_equal(rest[-1].losses[:250], first.losses)
    fresh_caches()
    same_result(rest[-1], fm.compute(**params))


@pytest.mark.parametrize("kwargs", [dict(steps=0), dict(target="spiral"), dict(euler_steps=0), dict(arrow_t=-1), dict(lr=2)])
def test_stream_rejects_bad_parameters_before_training(kwargs):
    with pytest.raises(ValueError):
        fm.stream(**kwargs)  # at the call, not at the first frame
