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
        ("weights: {type: sketch, value: '0 0'}", "a sketch needs 'max'"),
        ("weights: {type: sketch, max: 3, value: 7}", "a sketch's value must be a string"),
        ("weights: {value: '1', when: {seed: 1}}", "'when' names 'seed', which is not another control"),
        ("weights: {value: '1', when: {weights: '1'}}", "not another control"),
        ("weights: {value: '1', when: [a, b]}", "'when' must name one control"),
    ],
)
def test_mistakes_in_controls_are_explained(controls, message):
    with pytest.raises(SpecError, match=message):
        parse(f"demo: dice\ncontrols:\n  {controls}\n")


def test_a_block_without_a_demo_is_refused():
    with pytest.raises(SpecError, match="'demo: <module>'"):
        parse("controls: {}\n")


SKETCHED = """
demo: flow_matching
controls:
  target: {options: [moons, points], value: moons}
  points: {type: sketch, max: 3.2, when: {target: points}, value: "0 0; 1 1"}
"""


def test_a_sketch_is_shown_only_while_its_condition_holds():
    target, points = parse(SKETCHED).controls
    assert points.kind == "sketch" and points.max == 3.2
    assert points.to_json()["when"] == ["target", "points"] and points.to_json()["max"] == 3.2
    assert not points.shown({"target": "moons"}) and points.shown({"target": "points"})
    assert target.shown({})


def test_a_condition_must_ask_for_one_of_the_options():
    with pytest.raises(SpecError, match="not one of its options"):
        parse(SKETCHED.replace("when: {target: points}", "when: {target: ring}"))
