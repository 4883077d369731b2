"""Run a demo: compute its data, draw it once, then update the drawing in place.

The same code renders the static SVG at build time (CPython) and every live
frame in the reader's browser (Pyodide, inside a Web Worker). It uses the
object-oriented matplotlib API only: importing pyplot would cost about a
second in the browser and buys nothing here.
"""

from __future__ import annotations

import importlib
import io
import linecache
import re
import sys
import types
import traceback
from typing import Any, Callable, Iterator, NamedTuple

import matplotlib.artist
from matplotlib.artist import Artist

# As each Artist subclass is defined, matplotlib 3.8 writes a signature and a
# docstring listing every property for its set() method: a quarter of a
# second of the browser's start-up, for help() text. Skipped, set() works
# the same and keeps its general docstring.
Artist._update_set_signature_and_docstring = classmethod(lambda cls: None)
# Likewise the property tables its modules paste into plotting functions'
# docstrings as they are imported (another 0.1 s): help() points to getp instead.
matplotlib.artist.kwdoc = lambda artist: "See matplotlib.artist.getp(artist) for the properties it takes."

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402 (after the line above)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from textbook import theme  # noqa: E402

DEFAULT_FIGSIZE = (6.4, 4.0)

# The metadata matplotlib writes into an SVG unless told not to
SVG_METADATA = ("Creator", "Date", "Format", "Type")
# Geometry attributes of matplotlib's SVG, and numbers in them with more than two decimals
_COORDINATES = re.compile(r' (d|x|y|width|height)="([^"]*)"')
_LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")
# The opening of the style sheet matplotlib writes into every SVG
_SVG_STYLE = '<style type="text/css">'

# What a reader's code may raise that must end up on the page, not in the
# worker: a Stop arrives as KeyboardInterrupt, sys.exit() as SystemExit.
READER_ERRORS = (Exception, KeyboardInterrupt, SystemExit)


class _Background(NamedTuple):
    """The figure without its animated artists, as last drawn (see LiveDemo.rgba)."""

    drawn_for: tuple  # the canvas size and each axes with its limits
    animated: list[Artist]  # drawn over it on every frame, lowest first
    pixels: Any  # Agg's copy of it; None when nothing is animated


def figure_size(module: types.ModuleType, narrow: bool = False) -> tuple[float, float]:
    """A demo's figure size in inches: FIGSIZE, or on a phone its NARROW_FIGSIZE if it has one.

    A demo's draw sees the size it gets and lays its panels out to suit,
    e.g. one above the other in a figure taller than it is wide.
    """
    if narrow and hasattr(module, "NARROW_FIGSIZE"):
        return module.NARROW_FIGSIZE
    return getattr(module, "FIGSIZE", DEFAULT_FIGSIZE)


class LiveDemo:
    """One demo block's figure, kept between runs so updates are cheap."""

    def __init__(self, demo: str, dpi: float = 100, source: str | None = None, narrow: bool = False, scheme: str = "light"):
        """scheme is the page's palette, "light" or "dark": the figure takes its colours (see textbook/theme.py)."""
        if scheme not in theme.THEMES:
            raise ValueError(f"scheme must be one of {sorted(theme.THEMES)}, not {scheme!r}")
        self.demo, self.source, self.narrow, self.scheme = demo, source, narrow, scheme
        self.module = load_edited(demo, source) if source is not None else importlib.import_module(f"demos.{demo}")
        self.figure = Figure(figsize=figure_size(self.module, narrow), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._update: Callable[[Any], None] | None = None
        self._background: _Background | None = None
        self._readout = ""

    def run(self, params: dict) -> str:
        """Compute with params and bring the figure up to date; return the readout."""
        return self.show(self.module.compute(**params))

    def frames(self, params: dict) -> Iterator[str]:
        """Bring the figure up to date once per frame the demo yields.

        A demo with a ``stream`` generator (say, a model in training) yields
        intermediate results; any other demo gives one frame from ``compute``.
        """
        stream = getattr(self.module, "stream", None)
        results = stream(**params) if stream else iter([self.module.compute(**params)])
        for data in results:
            yield self.show(data)

    def show(self, data: Any) -> str:
        """Draw data (first time) or update the artists in place; return the readout."""
        if self._update is None:
            self.figure.clear()
            self._background = None
            self._update = self.module.draw(data, self.figure)
        else:
            self._update(data)
        # after every draw and update: artists the update made or recoloured get the theme too
        theme.apply(self.figure, self.scheme)
        describe = getattr(self.module, "describe", None)
        self._readout = describe(data) if describe else ""
        return self._readout

    def restyle(self, scheme: str) -> str:
        """Recolour the figure as last drawn for another scheme, computing nothing; return its readout."""
        if scheme not in theme.THEMES:
            raise ValueError(f"scheme must be one of {sorted(theme.THEMES)}, not {scheme!r}")
        self.scheme = scheme
        theme.apply(self.figure, scheme)
        self._background = None  # the saved pixels are in the old colours
        return self._readout

    def svg(self, salt: str) -> str:
        """The figure as an SVG element for the page, as small as it reads the same.

        Text stays text (small, selectable), no metadata block (its "Matplotlib
        v3.8.4" would otherwise land in the search index), and coordinates keep
        two decimals of a point instead of six.
        """
        import matplotlib

        buffer = io.StringIO()
        animated = self._animated()
        for artist in animated:  # savefig leaves animated artists out, like any full draw
            artist.set_animated(False)
        try:
            with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
                self.figure.savefig(buffer, format="svg", metadata=dict.fromkeys(SVG_METADATA), dpi=self._raster_dpi())
        finally:
            for artist in animated:
                artist.set_animated(True)
        svg = buffer.getvalue()
        # SVG, like HTML, collapses runs of spaces in text unless told not to:
        # a table laid out in a monospace font would lose its columns. (Chromium
        # ignores xml:space on the root; a style rule it honours.)
        svg = svg[svg.index("<svg") :].replace(_SVG_STYLE, _SVG_STYLE + "text{white-space:pre}", 1)
        return _COORDINATES.sub(_rounded_attribute, svg)

    def _raster_dpi(self) -> float:
        """Resolution of the artists a demo rasterizes in its static figure: its
        RASTER_DPI, or the figure's own. Dots of a point or two need about 150
        dpi to stay round; at 100 they come out as little crosses."""
        return getattr(self.module, "RASTER_DPI", self.figure.dpi)

    def rgba(self) -> tuple[memoryview, int, int]:
        """Render with Agg and return the raw pixels with their width and height.

        Artists a demo's draw marks with ``set_animated(True)`` are drawn over
        a saved copy of the rest of the figure (matplotlib's blitting): a
        slider then redraws a few bars, not every tick label. The rest is
        drawn again whenever the axes, their limits or the size change.
        """
        drawn_for = (self.canvas.get_width_height(), [(ax, tuple(ax.viewLim.bounds)) for ax in self.figure.axes])
        if self._background is None or self._background.drawn_for != drawn_for:
            animated = sorted(self._animated(), key=lambda artist: artist.get_zorder())
            self._background = _Background(drawn_for, animated, self._draw_background(animated))
        elif self._background.animated:
            self.canvas.restore_region(self._background.pixels)
        else:
            self.canvas.draw()  # nothing animated: the whole figure each time
        for artist in self._background.animated:
            self.figure.draw_artist(artist)
        width, height = self.canvas.get_width_height(physical=True)
        return self.canvas.buffer_rgba(), width, height

    def _draw_background(self, animated: list[Artist]) -> Any:
        """Draw all but the animated artists; keep a copy of the pixels if there are any."""
        # an axes draws its images even when they are animated: hide those meanwhile
        images = [artist for artist in animated if isinstance(artist, AxesImage) and artist.get_visible()]
        for image in images:
            image.set_visible(False)
        self.canvas.draw()
        for image in images:
            image.set_visible(True)
        return self.canvas.copy_from_bbox(self.figure.bbox) if animated else None

    def _animated(self) -> list[Artist]:
        return self.figure.findobj(lambda artist: artist.get_animated())


def load_edited(demo: str, source: str) -> types.ModuleType:
    """A demo module made from a reader's edited source.

    It gets a name of its own, so the original stays importable, and its
    lines are registered with linecache, so tracebacks quote the reader's code.
    """
    name = f"demos._edited_{demo}"
    filename = f"<your edit of demos/{demo}.py>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    exec(compile(source, filename, "exec"), module.__dict__)
    for function in ("compute", "draw"):
        if not callable(getattr(module, function, None)):
            raise AttributeError(f"your code must define a function '{function}'")
    return module


def _rounded_attribute(match: re.Match) -> str:
    """A geometry attribute with its numbers rounded to 0.01 pt: finer than any screen shows."""
    name, value = match.groups()
    return f' {name}="{_LONG_NUMBER.sub(_rounded_number, value)}"'


def _rounded_number(match: re.Match) -> str:
    text = f"{float(match.group()):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Functions for the browser worker --------------------------------------------

_blocks: dict[str, LiveDemo] = {}
_runs: dict[str, Iterator[str]] = {}


def start_block(
    block: str, demo: str, params: dict, dpi: float, source: str | None = None, narrow: bool = False, scheme: str = "light"
) -> dict:
    """Start a run of one block's demo in the worker and return its first frame.

    source, when given, is the reader's edited version of the demo's module;
    narrow asks for the demo's phone layout; scheme is the page's palette.
    The block's figure is kept, so the next run only updates its artists.
    """
    try:
        live = _blocks.get(block)
        if live is None or (live.demo, live.source, live.figure.dpi, live.narrow) != (demo, source, dpi, narrow):
            live = _blocks[block] = LiveDemo(demo, dpi, source, narrow, scheme)
        if live.scheme != scheme:  # the palette changed since its last run
            live.restyle(scheme)
        _runs[block] = live.frames(params)
    except READER_ERRORS as error:  # the reader sees it; the page goes on
        return _failed(block, error)
    return next_frame(block)


def next_frame(block: str, scheme: str | None = None) -> dict | None:
    """The run's next frame: readout and pixels, or the demo's traceback; None when done.

    scheme, when given, is the page's palette now: a reader who switches it
    while a demo streams (a model in training) sees the next frame in it.
    """
    run = _runs.get(block)
    if run is None:
        return None
    try:
        if scheme is not None and _blocks[block].scheme != scheme:
            _blocks[block].restyle(scheme)
        text = next(run)
        pixels, width, height = _blocks[block].rgba()
    except StopIteration:
        _runs.pop(block, None)
        return None
    except READER_ERRORS as error:
        return _failed(block, error)
    return {"text": text, "pixels": pixels, "width": width, "height": height}


def restyle_block(block: str, scheme: str) -> dict | None:
    """The block's figure as last drawn, recoloured for the page's new palette
    without running the demo again; None if the block has no figure yet."""
    live = _blocks.get(block)
    if live is None:
        return None
    try:
        text = live.restyle(scheme)
        pixels, width, height = live.rgba()
    except READER_ERRORS as error:  # an edited demo's artists may fail to draw
        return _failed(block, error)
    return {"text": text, "pixels": pixels, "width": width, "height": height}


def stop_block(block: str) -> None:
    """End a block's run early; its figure keeps the last frame."""
    run = _runs.pop(block, None)
    if run is not None:
        run.close()


def forget(block: str) -> None:
    """Drop a block's figure, e.g. when its page is left."""
    stop_block(block)
    _blocks.pop(block, None)


def _failed(block: str, error: BaseException) -> dict:
    _runs.pop(block, None)
    _blocks.pop(block, None)  # a half-updated figure is not worth keeping
    return {"error": format_error(error)}


def format_error(error: BaseException) -> str:
    """A traceback that starts at the demo's own code, not at this runner."""
    frames = traceback.extract_tb(error.__traceback__)
    here = __file__
    keep = [f for f in frames if f.filename != here]
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(keep)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines) + advice(error)


def advice(error: BaseException) -> str:
    """A plain-words note for the errors the browser's limits cause, and for Stop."""
    if isinstance(error, KeyboardInterrupt):
        return "\nStopped. Python kept everything it had loaded, so the next run starts at once.\n"
    if isinstance(error, MemoryError):
        return (
            "\nPython in your browser has at most 4 GB of memory (often less), shared by"
            " every demo on the page. Ask for smaller arrays.\n"
        )
    if isinstance(error, ValueError) and "Maximum allowed dimension" in str(error):
        return "\nnumpy in your browser is 32-bit: an array holds at most 2,147,483,647 elements.\n"
    if isinstance(error, ValueError) and "array is too big" in str(error):
        return (
            "\nnumpy in your browser is 32-bit: one array can hold at most 2 GB, and Python in your"
            " browser has at most 4 GB of memory (often less). Ask for a smaller array.\n"
        )
    return ""
