"""Classifier-free guidance on the digits: the label-dropout model, its judge and the demo."""

import io
import os

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from demos import digits as dg
from demos import guided_digits as gd

pytestmark = pytest.mark.usefixtures("one_blas_thread", "guided_digits_model")


@pytest.fixture(scope="module")
def model():
    return gd.load()


# The set-up artefact --------------------------------------------------------------


def test_the_shipped_artefact_is_small_half_precision_and_holds_the_judge_and_the_split():
    path = dg.resolve(gd.DEFAULT_WEIGHTS)
    with np.load(path) as f:
        assert f["params"].dtype == np.float16
        assert f["classifier_w"].shape == (64, 10) and f["classifier_b"].shape == (10,)
        assert float(f["p_uncond"]) == pytest.approx(0.15)
    assert os.path.getsize(path) < 400_000  # the finale's model is under 200 kB; the split and judge add a little


def test_the_split_keeps_597_digits_unseen_and_uses_the_rest():
    train, held = gd.load().train_idx, gd.load().held_out_idx
    assert len(train) == 1200 and len(held) == 597
    assert not set(train) & set(held) and set(train) | set(held) == set(range(1797))


def test_a_hidden_label_switches_every_class_input_off():
    inputs = np.ones((3, dg.N_INPUT), np.float32)
    dg.fill_inputs(inputs, np.zeros((3, 64), np.float32), 0.5, np.array([4, dg.NO_LABEL, 9]))
    onehot = inputs[:, -10:]
    assert onehot[0].argmax() == 4 and onehot[0].sum() == 1
    assert onehot[1].sum() == 0
    assert onehot[2].argmax() == 9 and onehot[2].sum() == 1


def test_label_dropout_training_is_deterministic_and_hides_labels_only_when_asked():
    from demos import train_digits as td

    images, labels = td.load_data()
    a, la = td.train(images, labels, steps=15, width=16, seed=1, label_dropout=0.15)
    b, lb = td.train(images, labels, steps=15, width=16, seed=1, label_dropout=0.15)
    plain, _ = td.train(images, labels, steps=15, width=16, seed=1)
    np.testing.assert_array_equal(a.ema, b.ema)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a.ema, plain.ema)


# The judge ------------------------------------------------------------------------


def test_the_softmax_regression_names_at_least_95_percent_of_held_out_digits(model):
    _, _, held, labels = gd.split_images()
    assert np.mean(gd.classify(model, held) == labels) >= 0.95


def test_nearest_class_mean_would_be_a_worse_judge():
    train, train_labels, held, labels = gd.split_images()
    means = np.stack([train[train_labels == d].mean(0) for d in range(10)])
    named = ((held[:, None] - means[None]) ** 2).sum(-1).argmin(1)
    assert np.mean(named == labels) < 0.9


# Guided sampling ------------------------------------------------------------------


def test_guided_velocity_is_the_cfg_combination():
    label, none = np.array([1.0, 2.0], np.float32), np.array([0.5, -1.0], np.float32)
    np.testing.assert_allclose(gd.guided_velocity(label, none, 0), none)
    np.testing.assert_allclose(gd.guided_velocity(label, none, 1), label)
    np.testing.assert_allclose(gd.guided_velocity(label, none, 3), none + 3 * (label - none))


def test_scale_one_is_the_plain_conditional_model_from_the_same_noise(model):
    guided = gd.sample(model, 7, 1.0, n=4, steps=10, seed=3)
    plain = dg.sample(model.flow, 7, n=4, steps=10, seed=3, times=(1.0,))[0]
    np.testing.assert_allclose(guided, plain, atol=1e-4)


def test_scale_zero_ignores_the_label_and_every_scale_starts_from_the_seeds_noise(model):
    np.testing.assert_array_equal(gd.sample(model, 2, 0.0, n=4, steps=5, seed=1), gd.sample(model, 8, 0.0, n=4, steps=5, seed=1))
    noise = np.random.default_rng(1).standard_normal((4, 64)).astype(np.float32)
    for w in (0.0, 4.0):
        np.testing.assert_array_equal(gd.sample(model, 2, w, n=4, steps=0, seed=1), noise)


def test_readouts_measure_what_they_say():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    assert gd.mean_pairwise_distance(x) == pytest.approx((5 + 0 + 5) * 2 / 6)


def test_compute_draw_update_and_describe(model):
    first, second = gd.compute(3, 1.0, 0), gd.compute(8, 4.0, 1)
    assert first.images.shape == (16, 8, 8) and 0 <= first.images.min() and first.images.max() <= 16
    assert first.share == np.mean(first.named == 3)
    fig = Figure(figsize=gd.FIGSIZE)
    FigureCanvasAgg(fig)
    update = gd.draw(first, fig)
    update(second)
    fig.savefig(io.BytesIO(), format="png")
    assert "guidance w = 4.00" in "".join(t.get_text() for t in fig.texts)
    assert "digit 8 with guidance scale w = 4" in gd.describe(second)


@pytest.mark.parametrize("kwargs", [dict(digit=10), dict(digit=-1), dict(w=-0.5), dict(w=21)])
def test_compute_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        gd.compute(**kwargs)


def test_set_up_training_repeats_the_shipped_model_to_the_bit(tmp_path):
    """What book.sh runs at set-up, run again: the same bytes (bench_native.py --training times it)."""
    from demos import train_guided_digits as tg

    path = str(tmp_path / "cfg.npz")
    assert tg.main(["--out", path]) == 0
    with np.load(path) as again, np.load(dg.resolve(gd.DEFAULT_WEIGHTS)) as shipped:
        for name in ("params", "classifier_w", "classifier_b", "train_idx"):
            np.testing.assert_array_equal(again[name], shipped[name])
