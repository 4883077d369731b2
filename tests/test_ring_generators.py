"""The GAN of demos/ring_generators.py: its hand-written gradients, and what training gives."""

from __future__ import annotations

import numpy as np
import pytest

from demos import flow_matching as fm
from demos import ring_generators as rg


def test_backward_matches_finite_differences_for_weights_and_input():
    rng = np.random.default_rng(0)
    params = rg.init_network(rng, 2, 1)
    x = rng.standard_normal((5, 2))
    weights = rng.standard_normal(5)

    def loss(ps, xs):  # any smooth function of the output will do
        return float(weights @ rg.forward(ps, xs)[0][:, 0])

    out, kept = rg.forward(params, x)
    grads, d_input = rg.backward(params, kept, weights[:, None])
    eps = 1e-6
    for p, g in zip(params, grads):
        index = tuple(rng.integers(0, n) for n in p.shape)
        old = p[index]
        p[index] = old + eps
        up = loss(params, x)
        p[index] = old - eps
        down = loss(params, x)
        p[index] = old
        assert g[index] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)
    shifted = x.copy()
    shifted[2, 1] += eps
    assert d_input[2, 1] == pytest.approx((loss(params, shifted) - loss(params, x)) / eps, rel=1e-4)


def test_the_stored_samples_were_made_with_the_recipe_as_it_stands():
    """The samples are committed (GAN training differs from processor to processor),
    so a changed recipe would leave them stale: the recipe they record must be today's."""
    stored = rg.stored_recipe()
    for name, value in rg.recipe().items():
        np.testing.assert_array_equal(stored[name], value, err_msg=f"{name}: rerun python -m demos.ring_generators")


def test_the_stored_samples_are_plenty_and_finite():
    for name, samples in rg.load().items():
        assert samples.shape == (rg.N_SAMPLES, 2) and np.isfinite(samples).all(), name


def test_a_short_balanced_run_already_learns_every_mode(one_blas_thread):
    generator = rg.train_gan(*rg.BALANCED[:2], steps=1000, seed=3)
    shares = fm.mode_shares(rg.gan_samples(generator, 2000, np.random.default_rng(0)), fm.ring_centres())
    assert shares.min() > 0.05
