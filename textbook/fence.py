"""The ``demo`` fence: a live demo placed in a page with one block.

Registered as a pymdownx.superfences custom fence (see mkdocs.yml), so it
works wherever superfences does, inside admonitions and tabs too. At build
time it renders the demo's default figure in CPython as SVG files (light and
dark palette; wide, and narrow for phones when the demo has a phone layout),
so readers see a figure before any Python runs in their browser, and a phone
downloads only its own; the widget script then makes the block live.

The files are named after their content (``assets/figures/<demo>-<digest>.svg``),
so browsers and the offline copy may keep them for good. The fence writes them
to ``FIGURES``; ``copy_figures`` puts those a built site's pages use into it,
and lets the store forget figures no build has used for a day.
"""

from __future__ import annotations

import copy
import hashlib
import html
import importlib
import json
import math
import posixpath
import re
import shutil
import time
import traceback
from pathlib import Path
from typing import NamedTuple

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from pymdownx.superfences import SuperFencesException

from .runner import LiveDemo, advice
from .spec import Control, DemoSpec, SpecError, line_in_block, load_module, parse

try:  # MkDocs prints a BuildError's message once, without a traceback of its own code
    from mkdocs.exceptions import BuildError as _CleanlyReported
except ImportError:  # built by another host of Python-Markdown
    _CleanlyReported = Exception

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / ".cache" / "figures"  # every static figure built, by content digest
FIGURES_URI = "assets/figures"  # where the site serves them
SCHEMES = ("light", "dark")  # drawn for Material's palettes "default" and "slate"
NARROW_MEDIA = "screen and (max-width: 30em)"  # as demo.css and widget.js's NARROW_SCREEN
PX_PER_INCH = 96  # CSS pixels
_SVG_SIZE = re.compile(r'<svg [^>]*?width="([\d.]+)pt" height="([\d.]+)pt"')

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
        text, figures = static_figures(spec)
    except Exception as error:
        raise DemoBlockError(
            f"{where(line)}demo '{spec.demo}' raised while rendering its default figure:\n{demo_traceback(error)}"
        ) from None
    return render(spec, block, figures, text, md, first=index == 1)


class Figure(NamedTuple):
    """One static figure file: its size in inches and its address in the site."""

    width: float
    height: float
    uri: str


def static_figures(spec: DemoSpec) -> tuple[str, dict[tuple[str, str], Figure]]:
    """Draw the block's default figure for each palette and layout, write the files;
    return the readout and the figures keyed by (scheme, "wide" or "narrow")."""
    module = load_module(spec.demo)
    data = module.compute(**spec.params)  # once: every drawing shows the same result
    layouts = [False, True] if hasattr(module, "NARROW_FIGSIZE") else [False]
    figures, text = {}, ""
    for scheme in SCHEMES:
        for narrow in layouts:
            live = LiveDemo(spec.demo, narrow=narrow, scheme=scheme)
            text = live.show(copy.deepcopy(data))
            svg = live.svg(salt=spec.demo)
            width, height = (float(v) / 72 for v in _SVG_SIZE.search(svg).groups())  # points to inches
            figures[scheme, "narrow" if narrow else "wide"] = Figure(width, height, write_figure(spec.demo, svg))
    return text, figures


def write_figure(demo: str, svg: str) -> str:
    """Store an SVG under a name made of its content; return its address in the site."""
    name = f"{demo}-{hashlib.sha256(svg.encode()).hexdigest()[:12]}.svg"
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / name
    if path.exists():
        path.touch()  # in use: see prune_figures
    else:
        path.write_text(svg, encoding="utf-8")
    return f"{FIGURES_URI}/{name}"


def copy_figures(site_dir: Path) -> int:
    """Copy into a built site the figures its pages refer to, and prune the
    store of old ones; return how many were copied."""
    pattern = re.compile(rf"{FIGURES_URI}/([\w.-]+\.svg)")
    names = {name for page in Path(site_dir).rglob("*.html") for name in pattern.findall(page.read_text(encoding="utf-8"))}
    target = Path(site_dir) / FIGURES_URI
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(FIGURES / name, target / name)
    prune_figures(keep=names)
    return len(names)


FIGURES_KEPT_FOR = 24 * 3600  # seconds; far longer than any build


def prune_figures(keep: set[str]) -> None:
    """Delete the stored figures no build has written or used for a day: every
    edit of a demo leaves its old figures behind. A build running alongside
    (the tests build the book more than once) touches each figure it uses as
    it renders, so none of its figures is ever that old."""
    old = time.time() - FIGURES_KEPT_FOR
    for path in FIGURES.glob("*.svg"):
        if path.name not in keep and path.stat().st_mtime < old:
            path.unlink(missing_ok=True)


def render(spec: DemoSpec, block: str, figures: dict, text: str, md: Markdown, first: bool = False) -> str:
    """The block's HTML; it reads and prints without JavaScript.

    figures: the static figures by (scheme, layout), see static_figures.
    """
    config = {
        "demo": spec.demo,
        "block": block,
        "controls": [c.to_json() for c in spec.controls],
        "stream": spec.stream,
        # to render pixel for pixel
        "inches": {layout: figure.width for (scheme, layout), figure in figures.items() if scheme == SCHEMES[0]},
    }
    caption = _inline_markdown(md, spec.caption) if spec.caption else ""
    controls = "".join(_control_html(block, c, spec.params) for c in spec.controls) + _actions_html(spec)
    label = html.escape(text or f"Figure of the {spec.demo} demo")
    page = _page_url(md)
    pictures = "".join(
        _picture_html(scheme, {layout: f for (s, layout), f in figures.items() if s == scheme}, label, page, eager=first and scheme == SCHEMES[0])
        for scheme in SCHEMES
    )
    # data-search-exclude: tick labels, default readouts and source lines would
    # only be noise in the search index (Material's search plugin skips them)
    return (
        f'<div class="demo" id="demo-{block}" data-demo="{html.escape(json.dumps(config))}">'
        f'<div class="demo__controls" role="group" aria-label="Controls of the {spec.demo} demo">{controls}</div>'
        f'<figure class="demo__figure">'
        f'<div class="demo__plot" role="img" aria-label="{label}" data-search-exclude>{pictures}</div>'
        # start-up progress, over the figure: appearing there it moves nothing
        '<div class="demo__status" role="status"></div>'
        + (f"<figcaption>{caption}</figcaption>" if caption else "")
        + "</figure>"
        f'<p class="demo__readout" aria-live="polite" data-search-exclude>{html.escape(text)}</p>'
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


def _picture_html(scheme: str, layouts: dict[str, Figure], label: str, page: str, eager: bool) -> str:
    """One palette's static figure: the phone layout, if any, by a media query.

    Lazy unless eager: the stylesheet hides the other palette's picture, and
    a hidden lazy image is never fetched, nor is a source the media query skips.
    """
    def size(figure: Figure) -> str:
        return f'width="{round(figure.width * PX_PER_INCH)}" height="{round(figure.height * PX_PER_INCH)}"'

    wide = layouts["wide"]
    narrow = layouts.get("narrow")
    source = f'<source media="{NARROW_MEDIA}" srcset="{_relative(narrow.uri, page)}" {size(narrow)}>' if narrow else ""
    loading = "eager" if eager else "lazy"
    return (
        f'<picture class="demo__static demo__static--{scheme}">{source}'
        f'<img src="{_relative(wide.uri, page)}" {size(wide)} alt="{label}" loading="{loading}" decoding="async">'
        "</picture>"
    )


def _page_url(md: Markdown) -> str:
    """The page's URL within the site, e.g. 'part1/sampling/', as MkDocs gives it
    to its link-rewriting step; '' (the site's root) when built elsewhere."""
    relpath = md.treeprocessors["relpath"] if "relpath" in md.treeprocessors else None
    file = getattr(relpath, "file", None)
    return getattr(file, "url", "") or ""


def _relative(uri: str, page: str) -> str:
    """A site address as seen from a page, so the book works under any sub-path."""
    folder = page.rsplit("/", 1)[0] if "/" in page else ""
    return posixpath.relpath(uri, folder or ".")


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
