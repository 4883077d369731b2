"""demos/frechet_bias.py: the Fréchet distance against the sample size."""

from __future__ import annotations

import numpy as np
import pytest

from demos import frechet_bias as fb


def test_every_shown_generator_has_a_score_for_every_size_and_the_seed_fixes_them():
    a, b = fb.compute("random features", 3), fb.compute("random features", 3)
    assert set(a) == set(fb.SHOWN)
    for name in fb.SHOWN:
        assert a[name].shape == (len(fb.SIZES),) and np.all(a[name] >= -1e-9)
        np.testing.assert_array_equal(a[name], b[name])


def test_the_ideal_generator_s_score_shrinks_with_the_sample_size():
    ideal = np.mean([fb.compute("random features", s)["ideal"] for s in range(5)], axis=0)
    assert ideal[-1] < ideal[0] / 20


def test_an_unknown_feature_map_is_refused():
    with pytest.raises(ValueError, match="features must be"):
        fb.compute("pixels", 0)
