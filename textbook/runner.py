"""Run a demo: compute its data, draw it once, then update the drawing in place.

The same code renders the static SVG at build time (CPython) and every live
frame in the reader's browser (Pyodide, inside a Web Worker). It uses the
object-oriented matplotlib API only: importing pyplot would cost about a
second in the browser and buys nothing here.
"""

from __future__ import annotations

import importlib
import io
import traceback
from typing import Any, Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DEFAULT_FIGSIZE = (6.4, 4.0)


class LiveDemo:
    """One demo block's figure, kept between runs so updates are cheap."""

    def __init__(self, demo: str, dpi: float = 100):
        self.module = importlib.import_module(f"demos.{demo}")
        self.figure = Figure(figsize=getattr(self.module, "FIGSIZE", DEFAULT_FIGSIZE), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._update: Callable[[Any], None] | None = None

    def run(self, params: dict) -> str:
        """Compute with params and bring the figure up to date; return the readout."""
        data = self.module.compute(**params)
        if self._update is None:
            self.figure.clear()
            self._update = self.module.draw(data, self.figure)
        else:
            self._update(data)
        describe = getattr(self.module, "describe", None)
        return describe(data) if describe else ""

    def svg(self, salt: str) -> str:
        """The figure as an SVG element with text left as text (small, selectable)."""
        import matplotlib

        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
            self.figure.savefig(buffer, format="svg", metadata={"Date": None})
        svg = buffer.getvalue()
        return svg[svg.index("<svg") :]

    def rgba(self) -> tuple[memoryview, int, int]:
        """Render with Agg and return the raw pixels with their width and height."""
        self.canvas.draw()
        width, height = self.canvas.get_width_height(physical=True)
        return self.canvas.buffer_rgba(), width, height


# Functions for the browser worker --------------------------------------------

_blocks: dict[str, LiveDemo] = {}


def run_block(block: str, demo: str, params: dict, dpi: float) -> dict:
    """Run one block's demo in the worker; keep its figure for the next run.

    Returns the readout and pixels, or the traceback of the demo's error.
    """
    live = _blocks.get(block)
    try:
        if live is None or live.module.__name__ != f"demos.{demo}" or live.figure.dpi != dpi:
            live = _blocks[block] = LiveDemo(demo, dpi)
        text = live.run(params)
        pixels, width, height = live.rgba()
    except Exception as error:  # the reader sees it; the page goes on
        _blocks.pop(block, None)  # a half-updated figure is not worth keeping
        return {"error": format_error(error)}
    return {"text": text, "pixels": pixels, "width": width, "height": height}


def format_error(error: BaseException) -> str:
    """A traceback that starts at the demo's own code, not at this runner."""
    frames = traceback.extract_tb(error.__traceback__)
    here = __file__
    keep = [f for f in frames if f.filename != here]
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(keep)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


def forget(block: str) -> None:
    """Drop a block's figure, e.g. when its page is left."""
    _blocks.pop(block, None)

