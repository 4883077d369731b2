"""The ``demo`` fence: a live demo placed in a page with one block.

Registered as a pymdownx.superfences custom fence (see mkdocs.yml), so it
works wherever superfences does, inside admonitions and tabs too. At build
time it renders the demo's default figure in CPython as SVG, so readers see
a figure before any Python runs in their browser; the widget script then
makes the block live.
"""

from __future__ import annotations

import html
import importlib
import json
import math
import re
import traceback
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from pymdownx.superfences import SuperFencesException

from .runner import LiveDemo, advice
from .spec import Control, DemoSpec, SpecError, line_in_block, load_module, parse

try:  # MkDocs prints a BuildError's message once, without a traceback of its own code
    from mkdocs.exceptions import BuildError as _CleanlyReported
except ImportError:  # built by another host of Python-Markdown
    _CleanlyReported = Exception

# Types ----------------------------------------------------------------------


class DemoBlockError(SuperFencesException, _CleanlyReported):
    """A block that cannot be built. Superfences lets this one through, and
    MkDocs reports it as 'Error reading page ...' and the message alone."""


# Functions ------------------------------------------------------------------


def validate(language, inputs, options, attrs, md) -> bool:
    """Accept the fence with no header options: everything is in its body."""
    return not inputs


def format(source: str, language: str, css_class: str, options: dict, md: Markdown, **kwargs) -> str:
    """Render a demo block: controls, the static figure, its readout."""
    line = line_of(md, source)
    try:
        spec = parse(source)
    except SpecError as error:
        raise DemoBlockError(f"{where(line, source, error)}demo block: {error}") from None
    except Exception as error:  # importing the demo module raised
        raise DemoBlockError(f"{where(line)}importing the demo raised:\n{demo_traceback(error)}") from None
    index = getattr(md, "demo_count", 0) + 1
    md.demo_count = index
    block = f"{spec.demo}-{index}"
    try:
        live = LiveDemo(spec.demo)
        text = live.run(spec.params)
        figures = {"wide": (live.figure.get_figwidth(), live.svg(salt=block))}
        if hasattr(live.module, "NARROW_FIGSIZE"):  # the phone layout, shown on narrow screens
            narrow = LiveDemo(spec.demo, narrow=True)
            narrow.run(spec.params)
            figures["narrow"] = (narrow.figure.get_figwidth(), narrow.svg(salt=f"{block}-narrow"))
    except Exception as error:
        raise DemoBlockError(
            f"{where(line)}demo '{spec.demo}' raised while rendering its default figure:\n{demo_traceback(error)}"
        ) from None
    return render(spec, block, figures, text, md)


def render(spec: DemoSpec, block: str, figures: dict[str, tuple[float, str]], text: str, md: Markdown) -> str:
    """The block's HTML; it reads and prints without JavaScript.

    figures: each layout's ("wide", and "narrow" for phones) width in inches and static SVG.
    """
    config = {
        "demo": spec.demo,
        "block": block,
        "controls": [c.to_json() for c in spec.controls],
        "stream": spec.stream,
        "inches": {layout: inches for layout, (inches, _) in figures.items()},  # to render pixel for pixel
    }
    if len(figures) == 1:
        svg = figures["wide"][1]
    else:  # marked for the stylesheet, which shows one
        svg = "".join(svg.replace("<svg ", f'<svg class="demo__{layout}" ', 1) for layout, (_, svg) in figures.items())
    caption = _inline_markdown(md, spec.caption) if spec.caption else ""
    controls = "".join(_control_html(block, c, spec.params) for c in spec.controls) + _actions_html(spec)
    label = html.escape(text or f"Figure of the {spec.demo} demo")
    # data-search-exclude: tick labels, default readouts and source lines would
    # only be noise in the search index (Material's search plugin skips them)
    return (
        f'<div class="demo" id="demo-{block}" data-demo="{html.escape(json.dumps(config))}">'
        f'<div class="demo__controls" role="group" aria-label="Controls of the {spec.demo} demo">{controls}</div>'
        f'<figure class="demo__figure">'
        f'<div class="demo__plot" role="img" aria-label="{label}" data-search-exclude>{svg}</div>'
        + (f"<figcaption>{caption}</figcaption>" if caption else "")
        + "</figure>"
        f'<p class="demo__readout" aria-live="polite" data-search-exclude>{html.escape(text)}</p>'
        f'<div class="demo__status" role="status"></div>'
        f'<pre class="demo__output" hidden></pre>'
        + (_code_html(spec) if spec.editable else "")
        + "</div>"
    )


class DemoExtension(Extension):
    """Keep the page's source lines so a broken block's error can name its line."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_RememberLines(md), "demo_lines", 29)


def makeExtension(**kwargs) -> DemoExtension:
    return DemoExtension(**kwargs)


# Helper functions -----------------------------------------------------------


class _RememberLines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        self.md.demo_lines = list(lines)
        self.md.demo_count = 0
        return lines


def line_of(md: Markdown, source: str, fence: str = "demo") -> int | None:
    """The 1-based line of the fence opening the block whose body is source."""
    lines = getattr(md, "demo_lines", None)
    if not lines:
        return None
    opening = re.compile(rf"^\s*(?:>\s*)*(`{{3,}}|~{{3,}})\s*{fence}\s*$")
    body = [line.strip() for line in source.strip("\n").splitlines()]
    for number, line in enumerate(lines):
        if opening.match(line):
            following = [x.strip().lstrip(">").strip() for x in lines[number + 1 : number + 1 + len(body)]]
            if following == [b.lstrip(">").strip() for b in body]:
                return number + 1
    return None


def where(fence_line: int | None, source: str = "", error: SpecError | None = None) -> str:
    """'line N: ' for an error message: the line of the faulty key when the error
    names one, else the block's opening fence; empty when the line is unknown."""
    if fence_line is None:
        return ""
    offset = line_in_block(source, error) if error else None
    return f"line {fence_line if offset is None else fence_line + 1 + offset}: "


def demo_traceback(error: BaseException) -> str:
    """The traceback of an error the demo raised, from the demo's own code on:
    the frames of this package and of Python's import machinery say nothing to an author."""
    machinery = (str(Path(__file__).parent), str(Path(importlib.__file__).parent), "<frozen ")
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith(machinery)]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    return "".join(lines + traceback.format_exception_only(type(error), error)) + advice(error)


def markdown_html(text: str) -> str:
    """Render a snippet of Markdown (emphasis, math, links, code) inside a block."""
    extensions = ["pymdownx.arithmatex", "pymdownx.superfences", "pymdownx.highlight"]
    config = {"pymdownx.arithmatex": {"generic": True}}
    return Markdown(extensions=extensions, extension_configs=config).convert(text)


def _inline_markdown(md: Markdown, text: str) -> str:
    """Render a caption's inline Markdown."""
    return re.sub(r"^<p>(.*)</p>$", r"\1", markdown_html(text).strip(), flags=re.S)


def _control_html(block: str, control: Control, values: dict) -> str:
    """One labelled control, rendered on the server so it shows without JS;
    hidden while its 'when' condition does not hold for the default values."""
    ident = f"demo-{block}-{control.name}"
    name = html.escape(control.name)
    label = html.escape(control.label)
    help_text = f' title="{html.escape(control.help)}"' if control.help else ""
    if control.kind == "select":
        options = "".join(
            f'<option value="{html.escape(str(o))}"{" selected" if o == control.value else ""}>{html.escape(str(o))}</option>'
            for o in control.options
        )
        field = f'<select id="{ident}" name="{name}">{options}</select>'
    elif control.kind == "checkbox":
        checked = " checked" if control.value else ""
        field = f'<input id="{ident}" name="{name}" type="checkbox"{checked}>'
    elif control.kind in ("text", "sketch"):
        field = f'<input id="{ident}" name="{name}" type="text" value="{html.escape(control.value)}" spellcheck="false">'
        if control.kind == "sketch":
            field += _pad_html(name, control.max)
    elif control.kind == "slider":
        field = _slider_html(ident, name, control)
    else:  # number or seed
        bounds = "".join(
            f' {key}="{value}"' for key, value in (("min", control.min), ("max", control.max), ("step", control.step)) if value is not None
        )
        field = f'<input id="{ident}" name="{name}" type="number" value="{control.value}"{bounds}>'
        if control.kind == "seed":
            field += f'<button type="button" class="demo__reroll" data-for="{name}" title="Draw a new random seed">New seed</button>'
    hidden = "" if control.shown(values) else " hidden"
    return f'<div class="demo__control demo__control--{control.kind}"{help_text}{hidden}><label for="{ident}">{label}</label>{field}</div>'


def _pad_html(name: str, half: float) -> str:
    """A square to draw points on; the widget shows it, as it needs JavaScript."""
    return (
        f'<div class="demo__pad" data-for="{name}" data-max="{half}" hidden>'
        '<canvas class="demo__pad-canvas" aria-hidden="true"></canvas>'
        '<p class="demo__pad-hint">Click or drag in the square to add points, or type them in the field as '
        f'<code>x y</code> pairs separated by <code>;</code>, each between {-half:g} and {half:g}.</p>'
        '<button type="button" class="demo__pad-clear">Clear the points</button>'
        "</div>"
    )


def _code_html(spec: DemoSpec) -> str:
    """The demo's source, readable without JavaScript; the widget makes it editable."""
    source = html.escape(load_module(spec.demo).__loader__.get_source(f"demos.{spec.demo}"))
    return (
        '<details class="demo__code"><summary>Edit the code</summary>'
        '<div class="demo__code-actions">'
        '<button type="button" class="md-button md-button--primary demo__code-run" title="Shift+Enter">Run</button>'
        '<button type="button" class="md-button demo__code-reset">Reset</button>'
        '<span class="demo__code-status" aria-live="polite"></span></div>'
        f'<pre class="demo__source" data-search-exclude><code>{source}</code></pre></details>'
    )


def _actions_html(spec: DemoSpec) -> str:
    """The run button of a button-run block and the Stop button of a streaming demo."""
    buttons = ""
    if spec.button:
        buttons += f'<button type="button" class="md-button md-button--primary demo__run">{html.escape(spec.button)}</button>'
    if spec.stream:
        buttons += '<button type="button" class="md-button demo__stop" hidden>Stop</button>'
    return f'<div class="demo__actions">{buttons}</div>' if buttons else ""


def _slider_html(ident: str, name: str, control: Control) -> str:
    """A range input with its value shown beside it; log sliders move in log10 space."""
    if control.scale == "log":
        low, high = math.log10(control.min), math.log10(control.max)
        position = math.log10(control.value)
        attributes = f'min="{low}" max="{high}" step="{(high - low) / 1000}" value="{position}"'
    else:
        attributes = f'min="{control.min}" max="{control.max}" step="{control.step}" value="{control.value}"'
    shown = f"{control.value:,}" if control.integer else f"{control.value:g}"
    return (
        f'<input id="{ident}" name="{name}" type="range" {attributes} aria-valuetext="{shown}">'
        f'<output for="{ident}" class="demo__value">{shown}</output>'
    )
