"""The runner the browser worker uses, exercised in CPython with real demos."""

import base64
import io
import json
import re
import sys
import types

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager

from textbook import bundle, runner


@pytest.fixture
def counting_demo():
    """A streaming demo: three frames, each drawable by the same updater."""
    module = types.ModuleType("demos.counting")

    def compute(n: int = 3):
        return n

    def stream(n: int = 3):
        yield from range(1, n + 1)

    def draw(value, fig):
        (line,) = fig.add_subplot().plot([0, 1], [0, value])

        def update(value):
            line.set_ydata([0, value])

        return update

    module.compute, module.stream, module.draw = compute, stream, draw
    module.describe = lambda value: f"value {value}"
    sys.modules["demos.counting"] = module
    yield "counting"
    del sys.modules["demos.counting"]


def test_a_run_gives_readout_and_rgba_pixels_then_ends():
    frame = runner.start_block("page#dice-1", "dice", {"n_rolls": 100, "seed": 1}, 100)
    assert frame["text"].startswith("100 rolls")
    assert frame["pixels"].nbytes == frame["width"] * frame["height"] * 4
    assert (frame["width"], frame["height"]) == (640, 360)
    assert runner.next_frame("page#dice-1") is None


def test_a_higher_dpi_gives_a_sharper_figure():
    frame = runner.start_block("page#dice-2", "dice", {}, 200)
    assert (frame["width"], frame["height"]) == (1280, 720)


def test_the_second_run_updates_the_same_figure():
    runner.start_block("page#dice-3", "dice", {"n_rolls": 100}, 100)
    figure = runner._blocks["page#dice-3"].figure
    frame = runner.start_block("page#dice-3", "dice", {"n_rolls": 5000}, 100)
    assert runner._blocks["page#dice-3"].figure is figure
    assert frame["text"].startswith("5,000 rolls")


def test_an_error_gives_a_traceback_of_the_demo_code_only():
    frame = runner.start_block("page#dice-4", "dice", {"weights": "1 2"}, 100)
    assert "ValueError: a die has six faces" in frame["error"]
    assert "demos/dice.py" in frame["error"]
    assert "runner.py" not in frame["error"]


def test_a_streaming_demo_gives_every_frame(counting_demo):
    texts = [runner.start_block("b", counting_demo, {"n": 3}, 100)["text"]]
    while (frame := runner.next_frame("b")) is not None:
        texts.append(frame["text"])
    assert texts == ["value 1", "value 2", "value 3"]


def test_stopping_a_stream_keeps_the_last_frame(counting_demo):
    runner.start_block("b", counting_demo, {"n": 100}, 100)
    runner.next_frame("b")
    runner.stop_block("b")
    assert runner.next_frame("b") is None
    line = runner._blocks["b"].figure.axes[0].lines[0]
    assert list(line.get_ydata()) == [0, 2]


def test_the_font_list_matches_this_matplotlib_and_uses_relative_paths():
    fonts = json.loads(bundle.matplotlib_fontlist())
    assert fonts["_version"] == font_manager.FontManager.__version__
    assert fonts["ttflist"] and all(not f["fname"].startswith("/") for f in fonts["ttflist"])
    assert any(f["name"] == "DejaVu Sans" for f in fonts["ttflist"])


def test_the_worker_bundle_carries_every_demo_and_the_runner():
    files = json.loads(bundle.worker_bundle())["files"]
    assert f"{bundle.SOURCES}/textbook/runner.py" in files
    assert f"{bundle.SOURCES}/demos/dice.py" in files
    assert f"{bundle.SITE_PACKAGES}/matplotlib/fontlist.json" in files


def test_edited_code_runs_and_its_errors_quote_the_readers_lines():
    source = open("demos/dice.py").read()
    halved = source.replace("counts / n_rolls", "counts / n_rolls / 2")
    frame = runner.start_block("edit", "dice", {"n_rolls": 600}, 100, halved)
    assert "Frequencies 1: 0.0" in frame["text"]  # every share halved
    broken = source.replace("counts = rng", "counts = 1 / 0 + rng")
    frame = runner.start_block("edit", "dice", {"n_rolls": 600}, 100, broken)
    assert '<your edit of demos/dice.py>", line' in frame["error"]
    assert "counts = 1 / 0 + rng" in frame["error"]
    assert "ZeroDivisionError" in frame["error"]


def test_the_original_demo_is_untouched_by_an_edit():
    runner.start_block("edit2", "dice", {}, 100, "def compute(): return 1\ndef draw(d, fig): pass\n")
    frame = runner.start_block("orig", "dice", {"n_rolls": 600}, 100)
    assert frame["text"].startswith("600 rolls")


def test_running_out_of_memory_is_explained_in_plain_words():
    from textbook.checks import judge

    verdict = judge("import numpy as np\nx = np.ones((10**7, 10**7))\n", "pass")
    assert verdict["status"] == "error"
    assert "Unable to allocate" in verdict["message"]
    assert "at most 4 GB of memory" in verdict["message"]


def test_an_array_too_big_for_32_bit_numpy_is_explained_in_plain_words():
    from textbook.checks import run_code

    # 2**62 doubles are too big even for 64-bit numpy; in the browser 10**9 already are
    ran = run_code("import numpy as np\nnp.ones(2**62)\n")
    assert "array is too big" in ran["message"] and "at most 2 GB" in ran["message"]


def test_matplotlib_trimmed_for_start_up_still_sets_properties_and_points_to_them():
    """The runner skips two docstring builders of matplotlib's import (a third
    of a second in the browser); what a reader can do, and find out, stays.
    In a fresh Python, as in the worker: the skips act as matplotlib is imported."""
    import subprocess

    program = """
import io, contextlib
from textbook.runner import Figure
import matplotlib.artist, matplotlib.axes
(line,) = Figure().add_subplot().plot([0, 1], [1, 0])
line.set(color="red", linewidth=3)
assert line.get_color() == "red" and line.get_linewidth() == 3
assert "matplotlib.artist.getp(artist)" in matplotlib.axes.Axes.plot.__doc__
listing = io.StringIO()
with contextlib.redirect_stdout(listing):
    matplotlib.artist.getp(line)  # the advice the docstring gives works
assert "linewidth or lw = 3.0" in listing.getvalue(), listing.getvalue()
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_static_svg_is_trimmed_but_draws_the_same_figure():
    live = runner.LiveDemo("dice")
    live.run({"n_rolls": 600, "seed": 0})
    svg = live.svg(salt="dice-1")
    assert svg.startswith("<svg") and "<metadata" not in svg and "Matplotlib v" not in svg
    geometry = re.findall(r' (?:d|x|y|width|height)="([^"]*)"', svg)
    numbers = [n for value in geometry for n in re.findall(r"-?\d+\.\d+", value)]
    assert numbers and all(len(n.split(".")[1]) <= 2 for n in numbers)
    # the same drawing as matplotlib's own SVG: every element there, the text untouched
    plain = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        live.figure.savefig(plain, format="svg")
    plain = plain.getvalue().split("</metadata>")[1]
    assert re.findall(r"<(\w+)", svg)[1:] == re.findall(r"<(\w+)", plain)  # after <svg>
    assert re.findall(r">([^<]+)</text>", svg) == re.findall(r">([^<]+)</text>", plain)
    assert ">0.05<" in svg



def test_the_static_svg_keeps_runs_of_spaces_so_a_monospace_table_keeps_its_columns():
    live = runner.LiveDemo("judging")
    live.run({})
    svg = live.svg(salt="judging-1")
    assert "text{white-space:pre}" in svg  # whitespace is kept for every text of the figure
    assert re.search(r">GAN {2,}0\.\d\d", svg)  # the table's row, its padding intact

CLOUD_DEMO = """
import numpy as np

def compute(seed=0):
    return np.random.default_rng(seed).normal(size=(3000, 2))

def draw(points, fig):
    fig.add_subplot().scatter(*points.T, s=2).set_rasterized(True)
"""


@pytest.mark.parametrize("raster_dpi", [None, 200])
def test_a_rasterized_cloud_is_one_image_in_the_static_svg_at_the_demos_raster_dpi(raster_dpi):
    source = CLOUD_DEMO + (f"RASTER_DPI = {raster_dpi}\n" if raster_dpi else "")
    live = runner.LiveDemo("cloud", source=source)
    live.run({})
    svg = live.svg(salt="cloud-1")
    assert svg.count("<use") < 30  # tick marks only, none for the 3,000 dots
    (image,) = re.findall(r"<image [^>]*>", svg)
    points = float(re.search(r' width="([\d.]+)"', image)[1])
    png = base64.b64decode(re.search(r'base64,([^"]+)"', image)[1])
    pixels = int.from_bytes(png[16:20], "big")  # the PNG's width, from its header
    assert pixels / points * 72 == pytest.approx(raster_dpi or 100, rel=0.02)  # or the figure's 100 dpi
    # the same dots as vectors: about 0.3 MB, as the authoring guide says
    live.figure.axes[0].collections[0].set_rasterized(False)
    assert 250_000 < len(live.svg(salt="cloud-1")) < 350_000


def book_demo_blocks() -> list:
    """The spec of every demo block in the book's pages."""
    from conftest import fenced_blocks
    from textbook.spec import parse

    return [parse(block) for _, block in fenced_blocks("demo")]


def book_layouts() -> list:
    """Every demo block of the book in each of its layouts, as (spec, narrow)."""
    import importlib

    return [
        (spec, narrow)
        for spec in book_demo_blocks()
        for narrow in (False, True)
        if not narrow or hasattr(importlib.import_module(f"demos.{spec.demo}"), "NARROW_FIGSIZE")
    ]


def full_redraw(live: runner.LiveDemo) -> np.ndarray:
    """The figure drawn whole, animated artists included, as without blitting."""
    animated = live._animated()
    for artist in animated:
        artist.set_animated(False)
    live.canvas.draw()
    pixels = np.asarray(live.canvas.buffer_rgba()).copy()
    for artist in animated:
        artist.set_animated(True)
    return pixels


def test_redrawing_only_the_animated_artists_gives_exactly_the_full_figure():
    checked = set()
    for spec, narrow in book_layouts():
        live = runner.LiveDemo(spec.demo, narrow=narrow)
        live.run(spec.params)
        live.rgba()
        if not live._animated():
            continue
        checked.add(spec.demo)
        # every number control at both ends of its range, every choice of a
        # select, one after the other
        params = dict(spec.params)
        for control in spec.controls:
            for value in (*control.options, control.min, control.max):
                if value is None:
                    continue
                params[control.name] = value
                live.run(params)
                blitted = np.asarray(live.rgba()[0]).copy()
                differ = (blitted != full_redraw(live)).any(axis=2).sum()
                assert differ == 0, f"{spec.demo} ({'narrow' if narrow else 'wide'}) with {params}: {differ} pixels differ from a full redraw"
    assert "dice" in checked


def test_nothing_of_any_demo_runs_off_its_figure():
    # what matplotlib's bbox_inches="tight" would keep: every drawn label, title and text
    for spec, narrow in book_layouts():
        live = runner.LiveDemo(spec.demo, narrow=narrow)
        live.run(spec.params)
        live.rgba()
        drawn = live.figure.get_tightbbox(live.canvas.get_renderer())  # inches
        width, height = live.figure.get_size_inches()
        margin = 0.0  # a glyph flush with the edge is already clipped
        inside = drawn.x0 >= -margin and drawn.y0 >= -margin and drawn.x1 <= width + margin and drawn.y1 <= height + margin
        assert inside, f"{spec.demo}: drawn from {drawn.p0} to {drawn.p1} in, past the edge of its {width} x {height} in figure"


def test_on_a_phone_a_demo_with_a_phone_layout_stacks_its_panels_and_reads_the_same():
    wide, narrow = runner.LiveDemo("gen_vs_disc"), runner.LiveDemo("gen_vs_disc", narrow=True)
    assert wide.run({}) == narrow.run({})
    left, right = (ax.get_position() for ax in wide.figure.axes)
    assert right.x0 > left.x1  # side by side
    upper, lower = (ax.get_position() for ax in narrow.figure.axes)
    assert lower.y1 < upper.y0  # one above the other
    # drawn across the same 390 px of a phone, its text is almost twice as large
    assert wide.figure.get_figwidth() / narrow.figure.get_figwidth() > 1.8


def test_a_block_takes_its_phone_layout_when_the_screen_turns_narrow_and_back():
    shapes = []
    for narrow in (False, True, False):
        frame = runner.start_block("turned-1", "gen_vs_disc", {}, 100, None, narrow)
        shapes.append("tall" if frame["height"] > frame["width"] else "wide")
    assert shapes == ["wide", "tall", "wide"]
    runner.forget("turned-1")
