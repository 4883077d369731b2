"""Tests of demos/gan.py: a tiny 1-D GAN with hand-written gradients."""


import numpy as np
import pytest

from conftest import run_like_the_browser
from demos import gan as demo

# The three settings the page names (tests of the page's claims are in test_facts_part1a.py).
CONVERGE = dict(lr_g=0.03, lr_d=0.01, d_steps=1, steps=1000)
COLLAPSE = dict(lr_g=0.002, lr_d=0.2, d_steps=3, steps=600)
OSCILLATE = dict(lr_g=0.01, lr_d=0.001, d_steps=1, steps=1000)


def _forward(params_g, params_d, z, H=demo.HIDDEN):
    """Reference forward pass, written independently of compute()."""
    w1, b1, w2, b2 = params_g[:H], params_g[H : 2 * H], params_g[2 * H : 3 * H], params_g[3 * H]
    x = np.tanh(np.outer(z, w1) + b1) @ w2 + b2
    v1, c1, v2, c2 = params_d[:H], params_d[H : 2 * H], params_d[2 * H : 3 * H], params_d[3 * H]
    logit = np.tanh(np.outer(x, v1) + c1) @ v2 + c2
    return x, logit


def test_generator_loss_gradient_matches_finite_differences():
    """The hand-written backward pass of G's loss, checked against numerical derivatives."""
    rng = np.random.default_rng(0)
    H = demo.HIDDEN
    g = rng.normal(size=3 * H + 1)
    d = rng.normal(size=3 * H + 1)
    z = rng.normal(size=32)

    def loss(params):
        _, logit = _forward(params, d, z)
        return np.mean(np.log1p(np.exp(-logit)))

    # Same formulas as in compute().
    h = np.tanh(z[:, None] * g[:H] + g[H : 2 * H])
    xg = h @ g[2 * H : 3 * H] + g[3 * H]
    a = np.tanh(xg[:, None] * d[:H] + d[H : 2 * H])
    e = np.exp(-(a @ d[2 * H : 3 * H] + d[3 * H]))
    dlogit = -e / (1 + e) / len(z)
    dx = ((1 - a * a) * (d[2 * H : 3 * H] * d[:H]) * dlogit[:, None]).sum(axis=1)
    grad = np.empty_like(g)
    grad[2 * H : 3 * H] = dx @ h
    grad[3 * H] = dx.sum()
    dh = dx[:, None] * g[2 * H : 3 * H] * (1 - h * h)
    grad[:H] = z @ dh
    grad[H : 2 * H] = dh.sum(axis=0)

    eps = 1e-6
    numeric = np.array([(loss(g + eps * np.eye(len(g))[i]) - loss(g - eps * np.eye(len(g))[i])) / (2 * eps) for i in range(len(g))])
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-8)


def test_discriminator_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    H, B = demo.HIDDEN, 16
    d = rng.normal(size=3 * H + 1)
    x = rng.normal(size=2 * B) * 2
    sign = np.r_[-np.ones(B), np.ones(B)]

    def loss(params):
        a = np.tanh(np.outer(x, params[:H]) + params[H : 2 * H])
        return np.log1p(np.exp(sign * (a @ params[2 * H : 3 * H] + params[3 * H]))).sum() / B

    grad = np.empty_like(d)
    demo._discriminator_gradient(d, x[:, None], sign, grad)  # the function compute() and the fresh discriminator use
    eps = 1e-6
    numeric = np.array([(loss(d + eps * np.eye(len(d))[i]) - loss(d - eps * np.eye(len(d))[i])) / (2 * eps) for i in range(len(d))])
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-8)


def test_compute_uses_the_gradients_tested_above():
    """The generator's gradient test copies compute()'s formulas, and the
    discriminator's tests the helper compute() calls; make sure both still hold."""
    import inspect

    source = inspect.getsource(demo.compute)
    for line in (
        "dx = ((1 - a * a) * (dW2 * dW1) * dlogit[:, None]).sum(axis=1)",
        "dh = dx[:, None] * gW2 * (1 - h * h)",
        "_discriminator_gradient(d, x, sign, grad_d)",
        "dlogit = -e / (1 + e) / B",
    ):
        assert line in source


def test_shapes_and_seeding():
    r = demo.compute(steps=100, seed=3)
    assert r.final_samples.shape == (demo.N_FINAL,)
    assert r.snapshots.shape == (len(r.snapshot_steps), demo.N_PROBE)
    assert r.loss_d.shape == r.loss_g.shape == (100,)
    assert np.all(np.isfinite(r.loss_d)) and np.all(np.isfinite(r.loss_g))
    np.testing.assert_array_equal(r.final_samples, demo.compute(steps=100, seed=3).final_samples)
    assert not np.array_equal(r.final_samples, demo.compute(steps=100, seed=4).final_samples)


def test_real_density_integrates_to_one():
    x = np.linspace(-10, 10, 20001)
    assert abs(np.trapezoid(demo.real_density(x), x) - 1) < 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_convergence_setting_covers_all_modes(seed):
    r = demo.compute(seed=seed, **CONVERGE)
    assert r.modes_covered == 3


def _count(setting, verdict):
    return sum(demo.compute(seed=s, **setting).verdict == verdict for s in range(8))


def test_collapse_setting_collapses_for_most_seeds():
    assert _count(COLLAPSE, "mode collapse") >= 6


def test_oscillation_setting_oscillates_for_most_seeds():
    assert sum(demo.compute(seed=s, **OSCILLATE).swing >= 0.6 for s in range(8)) >= 6


@pytest.mark.parametrize(
    "params", [dict(lr_g=0), dict(lr_d=2), dict(d_steps=0), dict(d_steps=11), dict(steps=10), dict(steps=6000)]
)
def test_validation(params):
    with pytest.raises(ValueError):
        demo.compute(**params)


def test_draw_and_update():
    sets = (dict(steps=100, lr_g=0.2, lr_d=0.5, d_steps=5), dict(steps=300, seed=2), dict(steps=20))
    for readout in run_like_the_browser("gan", *sets):
        assert "generator steps" in readout
