"""Parsing demo blocks: what authors write becomes controls with checked defaults."""

import pytest

from textbook.spec import SpecError, parse


def test_kinds_are_inferred_from_the_settings():
    spec = parse(
        """
demo: dice
controls:
  n_rolls: {min: 10, max: 100000, value: 600, scale: log}
  weights: {value: "1 1 1 1 1 1"}
  seed: {type: seed, value: 3}
"""
    )
    kinds = {c.name: c.kind for c in spec.controls}
    assert kinds == {"n_rolls": "slider", "weights": "text", "seed": "seed"}
    assert spec.params == {"n_rolls": 600, "weights": "1 1 1 1 1 1", "seed": 3}
    assert spec.controls[0].integer and spec.controls[0].scale == "log"


def test_a_float_slider_gets_a_round_step():
    spec = parse("demo: dice\ncontrols:\n  n_rolls: {min: 0.0, max: 2.0, value: 1.0}\n")
    assert spec.controls[0].step == pytest.approx(0.02)
    assert not spec.controls[0].integer


@pytest.mark.parametrize(
    "controls, message",
    [
        ("n_rolls: {min: 10, max: 5, value: 7}", "must be below"),
        ("n_rolls: {min: 0, max: 5, value: 1, scale: log}", "log slider needs 'min' above 0"),
        ("n_rolls: {min: 1, max: 5}", "needs a default 'value'"),
        ("n_rolls: {type: dial, value: 1}", "unknown type 'dial'"),
        ("weights: {options: [a, b], value: c}", "not one of the options"),
        ("n_rolls: {min: 1, max: five, value: 2}", "'max' must be a number"),
    ],
)
def test_mistakes_in_controls_are_explained(controls, message):
    with pytest.raises(SpecError, match=message):
        parse(f"demo: dice\ncontrols:\n  {controls}\n")


def test_a_block_without_a_demo_is_refused():
    with pytest.raises(SpecError, match="'demo: <module>'"):
        parse("controls: {}\n")
