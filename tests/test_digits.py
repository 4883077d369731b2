"""Class-conditional flow matching on scikit-learn's 8 x 8 digits."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

sklearn = pytest.importorskip("sklearn", reason="training the digits model needs scikit-learn")

from sklearn.linear_model import LogisticRegression  # noqa: E402

from demos import digits as dg  # noqa: E402
from demos import train_digits as td  # noqa: E402


@pytest.fixture(scope="session")
def data():
    return td.load_data()


@pytest.fixture(scope="session")
def weights(data, tmp_path_factory):
    """Train the default recipe once, as `python -m demos.train_digits` does."""
    path = str(tmp_path_factory.mktemp("digits") / "digits_fm.npz")
    assert td.main(["--out", path]) == 0
    return path


@pytest.fixture(scope="session")
def classifier(data):
    """Logistic regression on the real digits: the judge of generated ones."""
    images, labels = data
    return LogisticRegression(max_iter=3000).fit(images, labels)


@pytest.fixture(scope="session")
def generated(weights):
    """100 samples of each digit with the page's default 50 Euler steps."""
    model = dg.load_model(weights)
    return {d: dg.sample(model, d, 100, 50, seed=d)[-1] for d in range(10)}


def test_data_scaled_to_unit_range(data):
    images, labels = data
    assert images.shape == (1797, 64) and images.dtype == np.float32
    assert images.min() == -1 and images.max() == 1
    assert set(labels) == set(range(10))


def test_generated_digits_are_recognised_as_the_requested_class(classifier, generated):
    accuracy = {d: np.mean(classifier.predict(x) == d) for d, x in generated.items()}
    mean = np.mean(list(accuracy.values()))
    assert mean >= 0.9, accuracy  # measured: 0.99
    assert min(accuracy.values()) >= 0.75, accuracy


def test_generated_digits_are_as_close_to_real_ones_as_real_ones_are(data, generated):
    images, _ = data
    rng = np.random.default_rng(0)
    order = rng.permutation(len(images))
    half_a, half_b = images[order[:898]], images[order[898:]]
    fake = np.concatenate([x[:90] for x in generated.values()])[: len(half_b)]
    noise = rng.standard_normal(half_b.shape)
    floor = dg.energy_distance(half_b, half_a)
    ceiling = dg.energy_distance(noise, half_a)
    model = dg.energy_distance(fake, half_a)
    assert model < floor + 0.02 * (ceiling - floor), (model, floor, ceiling)


def test_weights_are_float16_and_small(weights):
    with np.load(weights) as f:
        assert f["params"].dtype == np.float16
        assert tuple(f["sizes"]) == dg.network_sizes(td.WIDTH, td.DEPTH)
    import os

    assert os.path.getsize(weights) < 400_000


def test_training_is_deterministic(data):
    images, labels = data
    a, la = td.train(images, labels, steps=20, width=16, seed=3)
    b, lb = td.train(images, labels, steps=20, width=16, seed=3)
    c, _ = td.train(images, labels, steps=20, width=16, seed=4)
    np.testing.assert_array_equal(a.ema, b.ema)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a.ema, c.ema)
    assert la[-5:].mean() < la[:5].mean()


def test_fill_inputs_places_pixels_time_and_class():
    inputs = np.zeros((3, dg.N_INPUT), np.float32)
    x = np.arange(3 * 64, dtype=np.float32).reshape(3, 64)
    dg.fill_inputs(inputs, x, 0.5, np.array([0, 7, 9]))
    np.testing.assert_array_equal(inputs[:, :64], x)
    assert np.all(inputs[:, 64] == 0.5)
    np.testing.assert_array_equal(inputs[:, -10:].argmax(1), [0, 7, 9])
    assert np.all(inputs[:, -10:].sum(1) == 1)


def test_frames_follow_the_euler_path(weights):
    model = dg.load_model(weights)
    frames = dg.sample(model, 4, n=3, steps=2, seed=5, times=(0.0, 0.25, 0.5, 1.0))
    noise = np.random.default_rng(5).standard_normal((3, 64)).astype(np.float32)
    np.testing.assert_array_equal(frames[0], noise)
    # Half a step is halfway along the first straight Euler piece.
    np.testing.assert_allclose(frames[1], (frames[0] + frames[2]) / 2, atol=1e-5)
    one_step = dg.sample(model, 4, n=3, steps=1, seed=5, times=(1.0,))
    np.testing.assert_allclose(frames[2], (noise + one_step[0]) / 2, atol=1e-5)


def test_compute_draw_and_update(weights):
    first = dg.compute(3, 50, 0, weights)
    second = dg.compute(8, 20, 1, weights)
    assert first.images.shape == (16, 8, 8) and first.frames.shape == (5, 16, 8, 8)
    assert first.images.min() >= 0 and first.images.max() <= 16
    np.testing.assert_array_equal(first.frames[-1], first.images)
    fig = Figure(figsize=dg.FIGSIZE)
    FigureCanvasAgg(fig)
    update = dg.draw(first, fig)
    update(second)
    fig.savefig(io.BytesIO(), format="png")
    assert "sixteen generated 8s, 20 Euler steps" in [t.get_text() for t in fig.texts]
    assert "digit 8" in dg.describe(second)


@pytest.mark.parametrize("kwargs", [dict(digit=10), dict(digit=-1), dict(steps=0), dict(weights="/nonexistent/w.npz")])
def test_compute_rejects_bad_parameters(weights, kwargs):
    with pytest.raises(ValueError):
        dg.compute(**{"weights": weights, **kwargs})


def test_weights_default_to_next_to_the_demo_module(monkeypatch, tmp_path):
    """train_digits writes demos/digits_fm.npz unless told otherwise, and
    digits.compute() finds it there whatever the working directory."""
    import os

    here = os.path.dirname(os.path.abspath(dg.__file__))
    assert td.DEFAULT_OUT == os.path.join(here, dg.DEFAULT_WEIGHTS)
    monkeypatch.chdir(tmp_path)
    assert dg.resolve(dg.DEFAULT_WEIGHTS) == td.DEFAULT_OUT
    assert dg.resolve("/elsewhere/w.npz") == "/elsewhere/w.npz"
    (tmp_path / "other.npz").write_bytes(b"")
    assert dg.resolve("other.npz") == "other.npz"  # not beside the module: as given
