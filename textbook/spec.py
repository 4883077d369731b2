"""The demo block's contents: parse and validate what an author wrote.

A demo block is YAML naming a module under ``demos/`` and the controls that
feed its ``compute`` function::

    demo: dice
    caption: A fair die rolled *N* times.
    controls:
      n_rolls: {label: Rolls, min: 10, max: 100000, value: 600, scale: log}
      seed: {type: seed, value: 0}

Every mistake raises ``SpecError`` with a message an author can act on.
"""

from __future__ import annotations

import importlib
import inspect
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

# Types ----------------------------------------------------------------------

KINDS = ("slider", "number", "select", "checkbox", "text", "seed", "sketch")
_BLOCK_KEYS = {"demo", "caption", "controls", "button", "editable"}
_CONTROL_KEYS = {"type", "label", "value", "min", "max", "step", "scale", "options", "help", "when"}


class SpecError(ValueError):
    """A block that cannot be built, with the reason and where it went wrong.

    at: the keys leading to the faulty setting, e.g. ("controls", "n_rolls",
    "value"); line: its 0-based line in the block when known outright (YAML
    syntax errors). See line_in_block.
    """

    def __init__(self, message: str, at: tuple = (), line: int | None = None):
        super().__init__(message)
        self.at = at
        self.line = line

    def inside(self, *keys) -> SpecError:
        """The same error, found under these keys."""
        return SpecError(str(self), (*keys, *self.at), self.line)


@dataclass(frozen=True)
class Control:
    """One input of a demo, bound to a parameter of its compute function."""

    name: str
    kind: str
    label: str
    value: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    scale: str = "linear"
    options: tuple = ()
    help: str = ""
    when: tuple = ()  # (control, value): shown only while that control has that value

    @property
    def integer(self) -> bool:
        """Whether the control only produces whole numbers."""
        numbers = (self.value, self.min, self.max, self.step)
        return self.kind == "seed" or all(
            isinstance(v, int) and not isinstance(v, bool) for v in numbers if v is not None
        )

    def to_json(self) -> dict:
        """The fields the browser widget needs."""
        data = {"name": self.name, "type": self.kind, "value": self.value, "integer": self.integer}
        if self.scale != "linear":
            data["scale"] = self.scale
        if self.options:
            data["options"] = list(self.options)
        if self.kind == "sketch":
            data["max"] = self.max
        if self.kind in ("number", "seed"):  # to check what the reader types, and say so
            data["label"] = self.label
            data.update({key: bound for key, bound in (("min", self.min), ("max", self.max)) if bound is not None})
        if self.when:
            data["when"] = list(self.when)
        return data

    def shown(self, values: dict) -> bool:
        """Whether the control is on show when the controls hold these values."""
        return not self.when or values.get(self.when[0]) == self.when[1]


@dataclass(frozen=True)
class DemoSpec:
    """A validated demo block."""

    demo: str
    caption: str = ""
    controls: tuple[Control, ...] = field(default_factory=tuple)
    button: str = ""  # when set, the demo runs only when this button is pressed
    stream: bool = False  # the module yields frames (e.g. while training)
    editable: bool = False  # readers may edit and re-run the module's code

    @property
    def params(self) -> dict:
        """The default arguments of compute, as the controls start out."""
        return {c.name: c.value for c in self.controls}


# Functions ------------------------------------------------------------------


def parse(source: str) -> DemoSpec:
    """Parse and validate the YAML body of a demo block."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise SpecError(f"the block is not valid YAML: {error}", line=yaml_error_line(error)) from None
    if not isinstance(data, dict) or "demo" not in data:
        raise SpecError("the block must be a YAML mapping with a 'demo: <module>' key")
    _reject_unknown(data, _BLOCK_KEYS, "demo block")
    try:
        module = load_module(str(data["demo"]))
    except SpecError as error:
        raise error.inside("demo") from None
    controls = data.get("controls") or {}
    if not isinstance(controls, dict):
        raise SpecError("'controls' must be a mapping of parameter name to settings", ("controls",))
    parsed = []
    for name, settings in controls.items():
        try:
            parsed.append(_control(name, settings))
        except SpecError as error:
            raise error.inside("controls", name) from None
    parsed = tuple(parsed)
    _check_conditions(parsed)
    _check_signature(module, parsed)
    button = data.get("button") or ""
    if not isinstance(button, str):
        raise SpecError("'button' must be the label of the run button, e.g. 'button: Train'", ("button",))
    stream = callable(getattr(module, "stream", None))
    editable = data.get("editable", False)
    if not isinstance(editable, bool):
        raise SpecError("'editable' must be true or false", ("editable",))
    return DemoSpec(str(data["demo"]), str(data.get("caption") or ""), parsed, button, stream, editable)


def load_module(name: str) -> ModuleType:
    """Import ``demos.<name>`` and check it has the functions a demo needs."""
    if not name.isidentifier():
        raise SpecError(f"'demo' must name a module in demos/, got {name!r}")
    _forget_changed_demos()
    try:
        module = importlib.import_module(f"demos.{name}")
    except ModuleNotFoundError as error:
        if error.name in (f"demos.{name}", "demos"):
            raise SpecError(f"no demo module demos/{name}.py") from None
        raise
    for function in ("compute", "draw"):
        if not callable(getattr(module, function, None)):
            raise SpecError(f"demos/{name}.py has no function '{function}'")
    return module


def line_in_block(source: str, error: SpecError) -> int | None:
    """The 0-based line of the block's source where the error lies: the line of
    the deepest key of error.at found there; None if the block as a whole is at fault."""
    if error.line is not None:
        return error.line
    try:
        node = yaml.compose(source)
    except yaml.YAMLError:
        return None
    line = None
    for key in error.at:
        if not isinstance(node, yaml.MappingNode):
            break
        found = [(k, v) for k, v in node.value if str(k.value) == str(key)]
        if not found:
            break
        key_node, node = found[0]
        line = key_node.start_mark.line
    return line


def yaml_error_line(error: yaml.YAMLError) -> int | None:
    """The 0-based line where PyYAML found a syntax error."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line if mark else None


# Helper functions -----------------------------------------------------------

_demo_files: dict[Path, int] = {}  # each demos/*.py and its modification time when last imported


def _forget_changed_demos() -> None:
    """`./book.sh serve` rebuilds in the same Python process: once a file in
    demos/ has changed, import every demo afresh (a demo may import another)."""
    folder = Path(importlib.import_module("demos").__file__).parent
    files = {path: path.stat().st_mtime_ns for path in folder.glob("*.py")}
    if _demo_files and files != _demo_files:
        for name in [name for name in sys.modules if name.startswith("demos.")]:
            del sys.modules[name]
    _demo_files.clear()
    _demo_files.update(files)



def _reject_unknown(data: dict, known: set, where: str) -> None:
    unknown = sorted(set(data) - known, key=str)
    if unknown:
        raise SpecError(f"unknown key(s) {', '.join(map(str, unknown))} in {where}; use {', '.join(sorted(known))}", (unknown[0],))


def _kind(name: str, settings: dict) -> str:
    """Infer a control's kind from its settings when 'type' is not given."""
    kind = settings.get("type")
    if kind is None:
        if "options" in settings:
            kind = "select"
        elif isinstance(settings.get("value"), bool):
            kind = "checkbox"
        elif isinstance(settings.get("value"), str):
            kind = "text"
        else:
            kind = "slider"
    if kind not in KINDS:
        raise SpecError(f"control '{name}': unknown type {kind!r}; use one of {', '.join(KINDS)}", ("type",))
    return kind


def _control(name: str, settings: Any) -> Control:
    """Build one control and check that its default is allowed."""
    if not isinstance(settings, dict):
        raise SpecError(f"control '{name}' must be a mapping like {{min: 0, max: 1, value: 0.5}}")
    _reject_unknown(settings, _CONTROL_KEYS, f"control '{name}'")
    kind = _kind(name, settings)
    if "value" not in settings:
        raise SpecError(f"control '{name}' needs a default 'value'")
    value = settings["value"]
    label = str(settings.get("label") or name.replace("_", " ").capitalize())
    common = dict(name=name, kind=kind, label=label, value=value, help=str(settings.get("help") or ""), when=_when(name, settings))
    if kind == "sketch":
        return _sketch(settings, common)
    if kind in ("slider", "number", "seed"):
        return _numeric(settings, common)
    if kind == "select":
        options = settings["options"] if "options" in settings else None
        if not isinstance(options, list) or not options:
            raise SpecError(f"control '{name}': 'options' must be a non-empty list", ("options",))
        if value not in options:
            raise SpecError(f"control '{name}': default {value!r} is not one of the options {options}", ("value",))
        return Control(**common, options=tuple(options))
    if kind == "checkbox" and not isinstance(value, bool):
        raise SpecError(f"control '{name}': a checkbox's value must be true or false", ("value",))
    if kind == "text" and not isinstance(value, str):
        raise SpecError(f"control '{name}': a text control's value must be a string", ("value",))
    return Control(**common)


def _when(name: str, settings: dict) -> tuple:
    """The condition under which a control is shown, as (control, value)."""
    when = settings.get("when")
    if when is None:
        return ()
    if not isinstance(when, dict) or len(when) != 1:
        raise SpecError(f"control '{name}': 'when' must name one control and its value, e.g. {{target: points}}", ("when",))
    return next(iter(when.items()))


def _sketch(settings: dict, common: dict) -> Control:
    """A text field of 'x y' pairs that readers can also draw on a square pad."""
    name, value, half = common["name"], common["value"], settings.get("max")
    if not isinstance(value, str):
        raise SpecError(f"control '{name}': a sketch's value must be a string of 'x y' pairs, e.g. \"0 0; 1 1\"", ("value",))
    if isinstance(half, bool) or not isinstance(half, (int, float)) or half <= 0:
        raise SpecError(f"control '{name}': a sketch needs 'max', the half-width of its square pad, e.g. max: 3", ("max",))
    return Control(**common, max=half)


def _check_conditions(controls: tuple[Control, ...]) -> None:
    """A 'when' must name another control of the block, and a value it can take."""
    by_name = {c.name: c for c in controls}
    for control in controls:
        if not control.when:
            continue
        other, value = control.when
        if other not in by_name or other == control.name:
            raise SpecError(f"control '{control.name}': 'when' names {other!r}, which is not another control of this block", ("controls", control.name, "when"))
        if by_name[other].options and value not in by_name[other].options:
            raise SpecError(f"control '{control.name}': 'when' asks for {other} = {value!r}, not one of its options {list(by_name[other].options)}", ("controls", control.name, "when"))


def _numeric(settings: dict, common: dict) -> Control:
    """Build a slider, number or seed control, checking its range."""
    name, kind, value = common["name"], common["kind"], common["value"]
    numbers = {k: settings.get(k) for k in ("value", "min", "max", "step")}
    for key, number in numbers.items():
        if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))):
            raise SpecError(f"control '{name}': '{key}' must be a number, got {number!r}", (key,))
    low, high = settings.get("min"), settings.get("max")
    if kind == "seed":
        low = 0 if low is None else low
        high = 2**32 - 1 if high is None else high
    elif kind == "slider" and (low is None or high is None):
        raise SpecError(f"control '{name}': a slider needs 'min' and 'max'")
    if low is not None and high is not None and not low < high:
        raise SpecError(f"control '{name}': 'min' ({low}) must be below 'max' ({high})", ("max",))
    if (low is not None and value < low) or (high is not None and value > high):
        raise SpecError(f"control '{name}': default {value} is outside its range [{low}, {high}]", ("value",))
    scale = settings.get("scale", "linear")
    if scale not in ("linear", "log"):
        raise SpecError(f"control '{name}': 'scale' must be linear or log, got {scale!r}", ("scale",))
    if scale == "log" and not (low and low > 0):
        raise SpecError(f"control '{name}': a log slider needs 'min' above 0", ("min",))
    step = settings.get("step")
    if step is not None and step <= 0:
        raise SpecError(f"control '{name}': 'step' must be positive", ("step",))
    if step is None and kind == "slider" and scale == "linear":
        whole = all(isinstance(v, int) for v in (value, low, high))
        step = 1 if whole else _nice_step((high - low) / 100)
    return Control(**common, min=low, max=high, step=step, scale=scale)


def _nice_step(raw: float) -> float:
    """Round a step down to 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (5, 2, 1):
        if multiple * power <= raw:
            return multiple * power
    return power


def _check_signature(module: ModuleType, controls: tuple[Control, ...]) -> None:
    """Every control must be a parameter of compute."""
    parameters = inspect.signature(module.compute).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    for control in controls:
        if control.name not in parameters and not takes_any:
            raise SpecError(
                f"control '{control.name}' is not a parameter of "
                f"{module.__name__}.compute{inspect.signature(module.compute)}",
                ("controls", control.name),
            )
