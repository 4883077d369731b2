"""Guidance and the precision-recall trade: the scoring demo of chapter 2.6."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import guidance_scores as gs
from demos import guided_digits as gd
from demos import judging as jd

pytestmark = pytest.mark.usefixtures("one_blas_thread", "guided_digits_model")


def test_the_reference_set_is_balanced_held_out_digits():
    real = gs.reference_set(20)
    _, _, held, labels = gd.split_images()
    assert real.shape == (200, 64)
    # every reference image is a held-out one, 20 of each digit
    named = [labels[np.flatnonzero((held == row).all(1))[0]] for row in real]
    assert np.bincount(named).tolist() == [20] * 10


def test_the_guided_set_asks_for_every_digit_equally_and_uses_the_same_noise_at_every_scale():
    model = gd.load()
    at_0 = gs.guided_set(model, 0.0, 5, seed=2)
    at_0_again = gs.guided_set(model, 0.0, 5, seed=2)
    np.testing.assert_array_equal(at_0, at_0_again)
    assert at_0.shape == (50, 64) and at_0.min() >= -1 and at_0.max() <= 1
    named = gd.classify(model, gs.guided_set(model, 3.0, 5, seed=2))
    assert np.mean(named == np.repeat(np.arange(10), 5)) > 0.9


def test_scores_are_the_judging_chapters():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(60, 64)), rng.normal(size=(60, 64)) + 0.5
    s = gs.score(real, fake, 2.0)
    assert (s.precision, s.recall) == jd.precision_recall(real, fake, 3)
    assert s.frechet == jd.frechet_distance(fake, real)


def test_stream_yields_one_scale_more_each_time_and_compute_gives_them_all():
    frames = list(gs.stream(5, 0))
    assert [len(f) for f in frames] == list(range(1, len(gs.SCALES) + 1))
    assert [s.w for s in frames[-1]] == list(gs.SCALES)
    assert gs.compute(5, 0) == frames[-1]


def test_draw_update_and_describe():
    first, second = gs.compute(5, 0), gs.compute(5, 1)
    for size in (gs.FIGSIZE, gs.NARROW_FIGSIZE):
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        update = gs.draw(first[:2], fig)
        update(second)
        fig.savefig(io.BytesIO(), format="png")
    assert "w = 6: precision" in gs.describe(second)


def test_compute_rejects_bad_sizes():
    with pytest.raises(ValueError):
        gs.compute(2, 0)
