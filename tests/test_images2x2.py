"""Tests of demos/images2x2.py: sampling 2x2 images and counting all images."""

import math

import numpy as np
import pytest

from conftest import run_like_the_browser
from demos import images2x2 as demo


def test_table_is_a_distribution():
    assert demo.TABLE.shape == (6, 2, 2)
    assert demo.TABLE.min() >= 0 and demo.TABLE.max() <= 255
    assert np.isclose(demo.PROBABILITIES.sum(), 1.0) and (demo.PROBABILITIES > 0).all()
    # Six different images.
    assert len({t.tobytes() for t in demo.TABLE}) == 6


def test_example_image_is_in_the_table():
    np.testing.assert_array_equal(demo.TABLE[0], [[100, 0], [0, 200]])


def test_frequencies_approach_probabilities():
    s = demo.compute(n_samples=100_000, seed=0)
    assert np.abs(s.frequencies - demo.PROBABILITIES).max() < 0.01
    assert np.isclose(s.frequencies.sum(), 1.0)


def test_samples_are_table_images():
    s = demo.compute(n_samples=50, seed=3)
    assert s.indices.dtype == np.int32
    assert s.images.shape == (demo.SHOWN, 2, 2)
    for image in s.images:
        assert any(np.array_equal(image, t) for t in demo.TABLE)


def test_count_of_2x2_grayscale_images():
    assert demo.count_images(4) == 256**4 == 4_294_967_296 == 2**32


@pytest.mark.parametrize("n", [1, 4, 64, 784, 1500, 1501, 1700, 3072])
def test_digit_count_matches_exact_integer(n):
    exact = 256**n
    digits = demo.count_digits(n)
    # Compare without str(): 10**(d-1) <= 256**n < 10**d.
    assert 10 ** (digits - 1) <= exact < 10**digits


def test_digit_count_for_huge_images_uses_no_overflowing_floats():
    n = 1024 * 1024 * 3
    assert demo.count_digits(n) == math.floor(n * math.log10(256)) + 1 == 7_575_668


def test_describe_mentions_count():
    s = demo.compute(width=2, height=2, channels=1)
    assert "256^4" in demo.describe(s) and "10 digits" in demo.describe(s)


@pytest.mark.parametrize(
    "params", [dict(n_samples=0), dict(width=0), dict(height=5000), dict(channels=5), dict(n_samples=10**6)]
)
def test_validation(params):
    with pytest.raises(ValueError):
        demo.compute(**params)


def test_draw_and_update():
    sets = (dict(n_samples=1), dict(n_samples=5, width=1024, height=1024, channels=4), dict(n_samples=100_000, seed=2))
    assert len(run_like_the_browser("images2x2", *sets)) == 4
