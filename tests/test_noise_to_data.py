"""Tests of demos/noise_to_data.py: Gaussian noise pushed through fixed maps."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import noise_to_data as demo


@pytest.mark.parametrize("name", list(demo.MAPS))
def test_maps_are_increasing_with_the_right_derivative(name):
    f, df, _, _ = demo.MAPS[name]
    z = np.linspace(-3, 3, 2001)
    assert np.all(np.diff(f(z)) > 0)
    h = 1e-5
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(df(z), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in demo.MAPS if n != "cube"])
def test_exact_density_integrates_to_one(name):
    z = np.linspace(-8, 8, 200_001)
    x, density = demo.pushed_density(name, z)
    assert abs(np.trapezoid(density, x) - 1) < 1e-3


@pytest.mark.parametrize("name", list(demo.MAPS))
def test_histogram_matches_exact_density(name):
    p = demo.compute(mapping=name, n_samples=200_000, seed=0)
    lo, hi = p.x_range
    counts, edges = np.histogram(p.x, bins=40, range=(lo, hi))
    centres = 0.5 * (edges[1:] + edges[:-1])
    # Exact probability of each bin from the CDF of z: P(a < x < b) = Phi(f^-1(b)) - Phi(f^-1(a)).
    grid_z = np.linspace(-9, 9, 400_001)
    grid_x = demo.MAPS[name][0](grid_z)
    cdf = np.cumsum(demo.gaussian_density(grid_z)) * (grid_z[1] - grid_z[0])
    bin_prob = np.diff(np.interp(edges, grid_x, cdf))
    assert np.abs(counts / len(p.x) - bin_prob).max() < 0.005
    assert centres.shape == (40,)


def test_affine_output_is_gaussian_with_mean_2_sd_1_5():
    p = demo.compute(mapping="affine", n_samples=200_000, seed=1)
    assert abs(p.x.mean() - 2) < 0.02 and abs(p.x.std() - 1.5) < 0.02


def test_seeded_and_shapes():
    a = demo.compute(n_samples=300, seed=4)
    b = demo.compute(n_samples=300, seed=4)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.z.shape == a.x.shape == (300,)
    assert a.curve_x.shape == a.curve_density.shape


@pytest.mark.parametrize("params", [dict(mapping="sine"), dict(n_samples=5), dict(n_samples=10**6)])
def test_validation(params):
    with pytest.raises(ValueError):
        demo.compute(**params)


def test_draw_and_update():
    fig = Figure(figsize=demo.FIGSIZE)
    canvas = FigureCanvasAgg(fig)
    update = demo.draw(demo.compute(), fig)
    for name in demo.MAPS:
        for show in (True, False):
            p = demo.compute(mapping=name, n_samples=1000, show_density=show, seed=3)
            update(p)
            canvas.draw()
            assert p.formula in demo.describe(p)
