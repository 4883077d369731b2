"""The reflow demo: one round of reflow measurably straightens the flow."""

from __future__ import annotations

import numpy as np
import pytest

from demos import flow_matching as fm
from demos import reflow as rf
from demos import solvers as sv


@pytest.fixture(scope="module")
def frames():
    return list(rf.stream(0))


def test_the_stream_starts_untrained_then_yields_a_frame_per_chunk(frames):
    assert frames[0].after is None and frames[0].step == 0
    assert [f.step for f in frames[1:]] == list(range(rf.CHUNK, rf.STEPS + 1, rf.CHUNK))
    assert rf.describe(frames[0]).startswith("Before reflow")


def test_the_pairs_are_the_exact_flows_ends():
    x0, x1 = rf.pairs(0)
    np.testing.assert_allclose(x1, sv.solve("RK4", x0, 256)[-1], atol=5e-3)


def test_reflow_straightens_paths_one_step_lands_where_many_do(frames):
    """Straightness measured directly: the reflowed network's one-step end
    points are close to its own 32-step end points; the exact field's are not."""
    state_field = frames[-1]
    z, _ = rf.test_set(0)
    x0, x1 = rf.pairs(0)
    rng = np.random.default_rng([0, 2])
    state = rf.reflow_steps(fm.init_model(rf.WIDTH, seed=0), x0, x1, rf.STEPS, rng)
    field = lambda x, t: fm.velocity(state, x, t, use_ema=False)  # noqa: E731
    gap_after = np.mean(np.linalg.norm(fm.integrate(field, z, 1)[-1] - fm.integrate(field, z, 32)[-1], axis=1))
    gap_before = np.mean(np.linalg.norm(sv.solve("Euler", z, 1)[-1] - sv.solve("RK4", z, 128)[-1], axis=1))
    assert gap_after < gap_before / 10
    np.testing.assert_allclose(state_field.after[0], fm.integrate(field, z, 1)[-1])  # the stream trains the same network


def test_after_reflow_one_step_scores_far_better_than_before(frames):
    last = frames[-1]
    assert last.after_ed[0] < last.before_ed[0] / 50
    assert all(a < b for a, b in zip(last.after_ed, last.before_ed))
    assert frames[-1].after_ed[0] < frames[1].after_ed[0]  # training helped


def test_a_seed_gives_the_same_frames():
    a, b = rf.compute(3), rf.compute(3)
    np.testing.assert_array_equal(a.after[0], b.after[0])
