"""Parsing demo blocks: what authors write becomes controls with checked defaults."""

import os
import sys

import pytest

from textbook.spec import SpecError, line_in_block, parse


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


# The numbers the authoring guide states about a slider's default step

@pytest.mark.parametrize(
    "settings, step, integer",
    [
        ("{min: 10, max: 1000, value: 100}", 1, True),  # whole numbers: step 1
        ("{min: 0, max: 1, value: 0}", 1, True),  # whole numbers too: only 0 and 1
        ("{min: 0, max: 1.0, value: 0}", 0.01, False),  # one decimal point: a hundredth of the range
        ("{min: 0, max: 1, value: 0.5}", 0.01, False),
        ("{min: 0.0, max: 3.0, value: 1.0}", 0.02, False),  # 0.03 rounded down to 1, 2 or 5 times a power of ten
        ("{min: 0.0, max: 7.0, value: 1.0}", 0.05, False),  # 0.07 rounded down
        ("{min: 0, max: 1, value: 0, step: 0.1}", 0.1, False),  # a step given is kept
    ],
)
def test_a_sliders_default_step(settings, step, integer):
    (control,) = parse(f"demo: dice\ncontrols:\n  n_rolls: {settings}\n").controls
    assert control.step == pytest.approx(step)
    assert control.integer is integer


def test_a_log_slider_with_whole_numbers_gives_whole_numbers():
    (control,) = parse("demo: dice\ncontrols:\n  n_rolls: {min: 10, max: 100000, value: 600, scale: log}\n").controls
    assert control.integer and control.step is None  # the page moves it in a thousand steps of log10


# Where an error lies: the build names the faulty key's line

BLOCK = """demo: dice
caption: A die.
controls:
  seed: {type: seed, value: 0}
  n_rolls:
    min: 10
    max: 1000
    value: 5000
"""


@pytest.mark.parametrize(
    "change, line",
    [
        ((), 7),  # the default, on its own line of a block-style mapping
        (("caption: A die.", "caption: A die.\ncolour: red"), 2),  # an unknown key
        (("demo: dice", "demo: no_such_demo"), 0),
        (("n_rolls:\n    min: 10\n    max: 1000\n    value: 5000", "n_throws: {min: 10, max: 1000, value: 50}"), 4),  # not a parameter of compute: the control's line
        (("seed: {type: seed, value: 0}", "seed: {type: seed, value: -1}"), 3),
        (("    max: 1000", "    max: [1000"), 7),  # YAML's own error: where PyYAML stopped
    ],
)
def test_an_error_names_the_line_of_the_faulty_key(change, line):
    source = BLOCK.replace(*change) if change else BLOCK
    with pytest.raises(SpecError) as raised:
        parse(source)
    assert line_in_block(source, raised.value) == line


def test_an_error_of_the_whole_block_names_no_line_of_its_own():
    with pytest.raises(SpecError) as raised:
        parse("controls: {}\n")
    assert line_in_block("controls: {}\n", raised.value) is None


# `./book.sh serve` rebuilds in one Python process: an edited demo must be imported afresh

EDITABLE_DEMO = '''
def compute(n: int = 1):
    return {version!r}

def draw(data, fig):
    pass
'''


def test_a_demo_edited_since_it_was_imported_is_imported_afresh(tmp_path, monkeypatch):
    from textbook import spec

    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "__init__.py").write_text("")
    module = tmp_path / "demos" / "edited.py"
    module.write_text(EDITABLE_DEMO.format(version="first"))
    monkeypatch.syspath_prepend(str(tmp_path))  # a demos package of its own
    for name in [n for n in sys.modules if n == "demos" or n.startswith("demos.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(spec, "_demo_files", {})
    try:
        assert spec.load_module("edited").compute() == "first"
        module.write_text(EDITABLE_DEMO.format(version="second"))
        later = module.stat().st_mtime_ns + 1_000_000_000  # however coarse the file system's clock
        os.utime(module, ns=(later, later))
        assert spec.load_module("edited").compute() == "second"
        assert spec.load_module("edited") is spec.load_module("edited")  # unchanged: imported once
    finally:
        for name in [n for n in sys.modules if n.startswith("demos.")]:
            del sys.modules[name]
