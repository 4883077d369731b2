"""Figures in the page's palette: every demo of the book, drawn light and dark,
has its data at 3:1 against the background and its text at 4.5:1, with the
backgrounds, text and axes of Material's own schemes (textbook/theme.py)."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib import colors as mcolors
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from conftest import fenced_blocks
from textbook import theme
from textbook.runner import LiveDemo, forget, next_frame, restyle_block, start_block
from textbook.spec import parse

# The first block of each demo the book's pages show, with its default settings
BOOK_DEMOS = {}
for _page, _body in fenced_blocks("demo"):
    _spec = parse(_body)
    BOOK_DEMOS.setdefault(_spec.demo, _spec.params)

SCHEMES = ("light", "dark")


def rgba(colour) -> tuple:
    return tuple(float(c) for c in mcolors.to_rgba(colour))


def starts_at_the_background(image: AxesImage, background) -> bool:
    """Whether an image's colour map starts at (or within a hair of) the background: it shows an amount of something."""
    return theme.contrast(image.get_cmap()(0.0), background) < 1.1


def shows_a_picture(ax) -> bool:
    """An opaque image whose map does not start at the background is a picture
    (viridis, grey-level pixels): what is drawn over it is judged against it, not here."""
    background = rgba(ax.patch.get_facecolor())
    return any(
        image.get_visible() and image.get_alpha() in (None, 1) and not starts_at_the_background(image, background)
        for image in ax.images
    )


def drawn_colours(artist) -> list[tuple]:
    """The colours an artist draws with: line and marker colours, fills, edges, text."""
    if isinstance(artist, Line2D):
        found = [artist.get_color()] if artist.get_linestyle() not in ("None", "none", "", " ") else []
        if artist.get_marker() not in (None, "None", "none", "", " "):
            found += [artist.get_markerfacecolor(), artist.get_markeredgecolor()]
        return [rgba(c) for c in found if not (isinstance(c, str) and c == "none")]
    if isinstance(artist, Collection):
        if artist.get_array() is not None:
            return []  # colour-mapped, like an image
        edges = list(artist.get_edgecolor()) if np.max(artist.get_linewidth(), initial=0) > 0 else []
        return [rgba(c) for c in (*artist.get_facecolor(), *edges)]
    if isinstance(artist, Patch):
        found = [artist.get_facecolor()] if artist.get_fill() else []
        return [rgba(c) for c in (*found, *([artist.get_edgecolor()] if artist.get_linewidth() > 0 else []))]
    return [rgba(artist.get_color())] if artist.get_text().strip() else []


def data_colours(figure) -> list[tuple[object, tuple, bool]]:
    """(artist, colour, is_text) of every opaque colour drawn in the data.

    Left out: artists drawn with alpha below 1 (a blended fill's colour on
    screen depends on what lies under it; such fills carry no line or mark
    a reader must find), fully transparent colours, colours equal to the
    background (a hollow marker's face, the paper it stood for), and what is
    drawn over a picture. An image whose map starts at the background adds
    the colour at the map's far end: its strongest ink.
    """
    found = []
    for ax in figure.axes:
        if shows_a_picture(ax):
            continue
        background = rgba(ax.patch.get_facecolor())
        for image in ax.images:
            if image.get_visible() and image.get_alpha() in (None, 1) and starts_at_the_background(image, background):
                found.append((image, rgba(image.get_cmap()(1.0)), False))
        for artist in (*ax.lines, *ax.collections, *ax.patches, *ax.texts):
            if not artist.get_visible() or artist.get_alpha() not in (None, 1):
                continue
            for colour in drawn_colours(artist):
                if colour[3] == 1 and not np.allclose(colour, background):
                    found.append((artist, colour, not isinstance(artist, (Line2D, Collection, Patch))))
    return found


def label_colours(figure) -> list[tuple]:
    """Colours of tick labels, axis labels and titles that show text."""
    texts = []
    for ax in figure.axes:
        texts += [*ax.xaxis.get_ticklabels(), *ax.yaxis.get_ticklabels(), ax.xaxis.label, ax.yaxis.label, ax.title]
    return [rgba(t.get_color()) for t in texts if t.get_visible() and t.get_text().strip()]


@pytest.fixture(scope="module")
def book_data(one_blas_thread):
    """Each demo's default data, computed once for both schemes."""
    cache = {}

    def data(demo):
        if demo not in cache:
            cache[demo] = LiveDemo(demo).module.compute(**BOOK_DEMOS[demo])
        return cache[demo]

    return data


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("demo", sorted(BOOK_DEMOS))
def test_every_demo_has_its_data_at_3_to_1_and_the_schemes_background(book_data, demo, scheme):
    live = LiveDemo(demo, scheme=scheme)
    live.show(book_data(demo))
    background = theme.THEMES[scheme].background
    assert rgba(live.figure.get_facecolor()) == rgba(background)
    for ax in live.figure.axes:
        assert rgba(ax.get_facecolor()) == rgba(background), f"{demo}: an axes keeps its own background in {scheme}"
    colours = data_colours(live.figure)
    assert colours, f"{demo}: no data colour found to check"
    for artist, colour, is_text in colours:
        needed = theme.TEXT_CONTRAST if is_text else theme.DATA_CONTRAST
        ratio = theme.contrast(colour, background)
        assert ratio >= needed, f"{demo} ({scheme}): {artist} drawn in {mcolors.to_hex(colour)} at {ratio:.2f}:1"
    for colour in label_colours(live.figure):
        assert theme.contrast(colour, background) >= theme.TEXT_CONTRAST, f"{demo} ({scheme}): a label in {mcolors.to_hex(colour)}"
    if scheme == "dark":  # no white panel: white is left only where a picture has white pixels
        assert white_share(pixels(live)) < 0.1, f"{demo}: the dark figure is {white_share(pixels(live)):.0%} near-white"


def white_share(rgba_pixels: np.ndarray) -> float:
    """Share of near-white pixels (every channel at least 235) in a rendered figure."""
    return float((rgba_pixels[..., :3].min(axis=2) >= 235).mean())


def test_contrast_is_wcags():
    assert theme.contrast("white", "black") == pytest.approx(21)
    assert theme.contrast("#767676", "white") == pytest.approx(4.54, abs=0.01)  # the classic lightest grey passing 4.5:1
    assert theme.contrast("#777777", "white") < 4.5


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("colour", ["#283593", "#5c6bc0", "#e65100", "#00897b", "#d81b60", "#2e7d32", "#c5cae9"])
def test_a_data_colour_keeps_its_hue_and_meets_3_to_1(scheme, colour):
    themed = theme.data_colour(rgba(colour), scheme)
    assert theme.contrast(themed, theme.THEMES[scheme].background) >= 3
    hue = colorsys.rgb_to_hls(*mcolors.to_rgb(colour))[0]
    assert colorsys.rgb_to_hls(*themed[:3])[0] == pytest.approx(hue, abs=0.01)
    if theme.contrast(colour, theme.THEMES[scheme].background) >= 3:
        assert mcolors.to_hex(themed) == colour, "a colour that already stands out is left as the author chose it"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_ink_becomes_the_text_colour_and_paper_the_background(scheme):
    text, background = theme.THEMES[scheme].text, theme.THEMES[scheme].background
    assert mcolors.to_hex(theme.data_colour(rgba("black"), scheme)) == text
    assert mcolors.to_hex(theme.data_colour(rgba("white"), scheme)) == background
    # a light grey an author used to keep something in the background stays lighter than black ink, and readable
    light_grey = theme.data_colour(rgba("#bdbdbd"), scheme)
    assert theme.contrast(light_grey, background) >= 3
    assert theme.contrast(light_grey, background) < theme.contrast(text, background)


def _material_stylesheet(pattern: str) -> str:
    folder = Path(matplotlib.__file__).parents[1] / "material" / "templates" / "assets" / "stylesheets"
    return next(folder.glob(pattern)).read_text()


def _blend(colour, alpha: float, under: str) -> str:
    return mcolors.to_hex(alpha * np.array(mcolors.to_rgb(colour)) + (1 - alpha) * np.array(mcolors.to_rgb(under)))


def test_the_themes_are_materials_colours():
    """The colours are Material's CSS variables, read from the installed theme, as the browser blends them."""
    main, palette = _material_stylesheet("main.*.min.css"), _material_stylesheet("palette.*.min.css")
    hue = float(re.search(r"--md-hue:(\d+)deg", main).group(1))
    slate = palette[palette.index("[data-md-color-scheme=slate]{") :]

    def variable(css: str, name: str) -> str:
        return re.search(rf"{name}:([^;}}]+)", css).group(1).strip()

    def hsla(value: str) -> tuple:
        s, light, alpha = (float(x.strip(" %)")) for x in value.split(",")[1:])
        return colorsys.hls_to_rgb(hue / 360, light / 100, s / 100), alpha

    dark_bg = mcolors.to_hex(hsla(variable(slate, "--md-default-bg-color"))[0])
    dark = [_blend(*hsla(variable(slate, f"--md-default-fg-color{v}")), dark_bg) for v in ("", "--light", "--lighter")]
    assert theme.THEMES["dark"] == (dark_bg, *dark)
    default = main[main.index(":root,[data-md-color-scheme=default]{") :]
    light = [_blend(*(lambda c: (c[:3], c[3]))(mcolors.to_rgba(variable(default, f"--md-default-fg-color{v}"))), "#ffffff") for v in ("", "--light", "--lighter")]
    assert theme.THEMES["light"] == (mcolors.to_hex(variable(default, "--md-default-bg-color")), *light)


def pixels(live: LiveDemo) -> np.ndarray:
    buffer, width, height = live.rgba()
    return np.asarray(buffer).reshape(height, width, 4).copy()


def test_a_palette_switch_recolours_from_the_demos_colours_without_computing(monkeypatch):
    params = BOOK_DEMOS["dice"]
    fresh = {}
    for scheme in SCHEMES:
        fresh[scheme] = LiveDemo("dice", scheme=scheme)
        fresh[scheme].run(params)
    live = LiveDemo("dice")
    readout = live.run(params)
    monkeypatch.setattr(live.module, "compute", lambda **_: pytest.fail("a palette switch ran the demo"))
    assert live.restyle("dark") == readout
    assert np.array_equal(pixels(live), pixels(fresh["dark"]))
    live.restyle("light")
    assert np.array_equal(pixels(live), pixels(fresh["light"])), "back in light, the figure is the author's light figure again"


def corner(frame: dict) -> list[int]:
    """The colour of a frame's top-left pixel, the figure's background."""
    return np.asarray(frame["pixels"]).reshape(-1)[:3].tolist()


def test_the_worker_redraws_a_block_in_the_new_scheme_and_its_next_runs_too():
    block = "test_theme#dice"
    first = start_block(block, "dice", BOOK_DEMOS["dice"], 50, scheme="light")
    assert corner(first) == [255, 255, 255]
    redrawn = restyle_block(block, "dark")
    assert redrawn["text"] == first["text"]
    assert corner(redrawn) == [round(255 * c) for c in mcolors.to_rgb(theme.THEMES["dark"].background)]
    again = start_block(block, "dice", {**BOOK_DEMOS["dice"], "n_rolls": 50}, 50, scheme="dark")
    assert corner(again) == corner(redrawn)
    forget(block)
    assert restyle_block(block, "dark") is None, "a block with no figure has nothing to redraw"


@pytest.mark.parametrize(
    "demo, changed",
    [
        ("gen_vs_disc", {"separation": 0.5, "seed": 3}),  # its update recolours points
        ("probability_path", {"target": "two moons"}),  # its update clears the figure and draws new axes
        ("images2x2", {"seed": 5}),  # its update recolours the numbers on the pictures
    ],
)
def test_updates_keep_the_theme(demo, changed):
    live = LiveDemo(demo, scheme="dark")
    live.run(BOOK_DEMOS[demo])
    live.run({**BOOK_DEMOS[demo], **changed})
    background = theme.THEMES["dark"].background
    for ax in live.figure.axes:
        assert rgba(ax.get_facecolor()) == rgba(background)
    for artist, colour, is_text in data_colours(live.figure):
        assert theme.contrast(colour, background) >= (theme.TEXT_CONTRAST if is_text else theme.DATA_CONTRAST), artist


def test_numbers_on_a_picture_keep_the_colours_chosen_against_it():
    live = LiveDemo("images2x2", scheme="dark")
    live.run(BOOK_DEMOS["images2x2"])
    on_picture = [t for ax in live.figure.axes if ax.images for t in ax.texts if t.get_text()]
    assert on_picture
    assert {mcolors.to_hex(t.get_color()) for t in on_picture} <= {"#000000", "#ffffff"}


def test_a_map_that_starts_at_white_starts_at_the_background_in_the_dark():
    live = LiveDemo("langevin", scheme="dark")
    live.run(BOOK_DEMOS["langevin"])
    (image,) = [image for ax in live.figure.axes for image in ax.images]
    assert mcolors.to_hex(image.get_cmap()(0.0)) == theme.THEMES["dark"].background
    assert theme.contrast(image.get_cmap()(1.0), theme.THEMES["dark"].background) >= theme.TEXT_CONTRAST


def test_the_dark_static_figure_has_the_dark_background():
    live = LiveDemo("dice", scheme="dark")
    live.run(BOOK_DEMOS["dice"])
    svg = live.svg("salt")
    assert f"fill: {theme.THEMES['dark'].background}" in svg
    assert "fill: #ffffff" not in svg


def test_an_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="scheme"):
        LiveDemo("dice", scheme="slate")


def test_the_worker_gets_every_module_of_the_book_the_runner_imports():
    import json

    from textbook import bundle

    runner_source = (Path(bundle.ROOT) / "textbook" / "runner.py").read_text()
    imported = set(re.findall(r"^from textbook import (\w+)", runner_source, flags=re.M))
    imported |= set(re.findall(r"^(?:from|import) textbook\.(\w+)", runner_source, flags=re.M))
    assert "theme" in imported
    files = json.loads(bundle.worker_bundle())["files"]
    for name in imported:
        assert f"{bundle.SOURCES}/textbook/{name}.py" in files


STREAMING = '''
def compute(frames=3):
    return list(range(frames))


def stream(frames=3):
    for n in range(1, frames + 1):
        yield list(range(n))


def draw(data, fig):
    ax = fig.add_subplot()
    (line,) = ax.plot(data, color="#283593")
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    return lambda data: line.set_data(range(len(data)), data)
'''


def test_a_palette_switch_while_a_demo_streams_shows_from_its_next_frame():
    block = "test_theme#stream"
    first = start_block(block, "dice", {}, 50, source=STREAMING, scheme="light")
    assert corner(first) == [255, 255, 255]
    following = next_frame(block, "dark")
    assert corner(following) == [round(255 * c) for c in mcolors.to_rgb(theme.THEMES["dark"].background)]
    forget(block)
