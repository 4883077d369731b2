"""Every number and formula stated on the toolbox page, checked.

Page: docs/part1/toolbox.md. Numbers are computed here from the demos'
own constants, never copied from the page, except the number the page
states, which is what is checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from demos import flow_matching as fm
from demos import gan, mlp
from conftest import stated_by


states = stated_by("part1/toolbox.md")


def layer_parameters(sizes) -> int:
    """n * m weights and m biases per layer, as the page counts them."""
    return sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))


def test_gan_generator_has_49_parameters():
    states("$16 + 16 + 16 + 1 = 49$", "one hidden layer of $16$ units")
    assert gan.HIDDEN == 16
    assert layer_parameters((1, gan.HIDDEN, 1)) == 49 == 3 * gan.HIDDEN + 1  # the demo's flat vector


def test_finale_network_has_2498_parameters():
    states("($9$ inputs, three hidden layers of $32$ units, $2$ outputs) has $2{,}498$")
    sizes = (fm.N_INPUT, 32, 32, 32, 2)
    assert layer_parameters(sizes) == 2498 == mlp.n_params(sizes)


def test_a_stack_of_layers_without_activation_is_linear():
    """'a stack of any number of layers would compute nothing but a straight-line function'."""
    rng = np.random.default_rng(0)
    w1, b1, w2, b2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)
    x, y = rng.normal(size=3), rng.normal(size=3)
    f = lambda v: w2 @ (w1 @ v + b1) + b2
    np.testing.assert_allclose(f(x + y) - f(y), f(x) - f(np.zeros(3)))
    g = lambda v: w2 @ np.tanh(w1 @ v + b1) + b2  # with the activation, no longer
    assert not np.allclose(g(x + y) - g(y), g(x) - g(np.zeros(3)))


def test_silu_near_zero_for_large_negative_and_near_z_for_large_positive():
    silu = lambda z: z / (1 + np.exp(-z))
    assert abs(silu(-20.0)) < 1e-6 and abs(silu(20.0) - 20.0) < 1e-6


def test_chain_rule_for_one_tanh_unit():
    states(r"2\,(h - y)", r"(1 - h^2)")
    w, b, x, y = 0.7, -0.2, 1.3, 0.4
    loss = lambda w: (math.tanh(w * x + b) - y) ** 2
    h = math.tanh(w * x + b)
    eps = 1e-6
    assert 2 * (h - y) * (1 - h * h) * x == pytest.approx((loss(w + eps) - loss(w - eps)) / (2 * eps), rel=1e-6)


def test_adam_settings_09_0999_finale_and_05_for_the_gan():
    states(r"$\beta_1 = 0.9$ and $\beta_2 = 0.999$, which the finale uses", r"$\beta_1 = 0.5$, as the GAN demo does")
    assert (mlp.BETA1, mlp.BETA2) == (0.9, 0.999)
    assert gan.BETA1 == 0.5


def test_log_loss_is_ln2_at_one_half_whatever_the_label():
    states(r"$\ln 2 \approx 0.69$ for the unsure answer $p = \tfrac12$, whatever the label")
    p = 0.5
    assert -math.log(p) == -math.log(1 - p) and round(math.log(2), 2) == 0.69


def test_logistic_regression_gradient_is_p_minus_y_times_the_input():
    states("it is $(p - y)$ times the input")
    w, x, y = np.array([0.3, -1.1, 0.5]), np.array([0.8, 0.2, 1.0]), 1.0  # last input: the 1 of the bias
    loss = lambda w: -(y * np.log(1 / (1 + np.exp(-w @ x))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-w @ x))))
    p = 1 / (1 + np.exp(-w @ x))
    eps = 1e-6
    numeric = [(loss(w + eps * e) - loss(w - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose((p - y) * x, numeric, rtol=1e-6)


def test_mixture_density_is_the_weighted_sum_and_sampling_matches_it():
    weights, means, sd = np.array([0.3, 0.7]), np.array([-2.0, 2.0]), 0.5
    rng = np.random.default_rng(0)
    k = rng.choice(2, size=200_000, p=weights)  # first a component, then a Gaussian draw
    x = means[k] + sd * rng.standard_normal(len(k))
    edges = np.linspace(-4, 4, 41)
    hist, _ = np.histogram(x, edges, density=True)
    centres = (edges[1:] + edges[:-1]) / 2
    density = (weights * np.exp(-0.5 * ((centres[:, None] - means) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))).sum(1)
    assert np.abs(hist - density).max() < 0.03
