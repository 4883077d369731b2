"""A demo's figure in the colours of the page around it: Material's light or dark palette.

Demos are written for white paper: hex colours of their choosing, black for
ink, matplotlib's defaults for the rest. `apply` recolours a drawn figure for
a scheme without the demo's help:

- the figure's and axes' backgrounds take the page's background; text, axes
  and grid take Material's text colours (its `--md-default-fg-color` and the
  lighter variants, blended over the background as the browser blends them);
- a grey or black "ink" colour becomes the same share of the way from the
  background to the text colour (black is the text colour, white the background);
- any other colour keeps its hue and saturation and moves in lightness just
  as far as it must to stand at 3:1 against the background (4.5:1 for text);
- a colour map that starts at white ("Greys", "Purples": white means
  nothing there) starts at the background instead, in the dark scheme;
  other maps (viridis, grey-level pictures) are data shown as they are,
  except that a light colour for gaps becomes as dark as it was light; and
  whatever a demo draws over such an image keeps its colours, which were
  chosen against the image.

It remembers what it set, so calling it again after a demo's update touches
only what the update changed, and calling it with the other scheme
recolours from the demo's own colours, not from the previous theme's.
"""

from __future__ import annotations

import colorsys
import functools
from typing import Any, Callable, NamedTuple

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import Colormap, LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

Rgba = tuple[float, float, float, float]


class Theme(NamedTuple):
    """One scheme's colours, from Material's CSS variables (hsla colours blended over the background)."""

    background: str  # --md-default-bg-color
    text: str  # --md-default-fg-color
    axes: str  # --md-default-fg-color--light: spines and tick marks
    grid: str  # --md-default-fg-color--lighter


THEMES = {
    # Material's `default`: black at 87 %, 54 %, 32 % over white
    "light": Theme("#ffffff", "#212121", "#757575", "#adadad"),
    # Material's `slate`: hsl(225deg 15% 14%), text hsla(225deg 15% 90%) at 82 %, 56 %, 32 %
    "dark": Theme("#1e2129", "#bec1c7", "#8c8e95", "#5d5f67"),
}

DATA_CONTRAST = 3.0  # WCAG's minimum for graphical objects
TEXT_CONTRAST = 4.5  # and for text of ordinary size
_MARGIN = 0.1  # aim a little higher, so rounding to 8-bit pixels keeps the minimum

NEUTRAL_CHROMA = 0.1  # max - min of r, g, b below this: a grey (blue-greys like #37474f included)
PAPER = 0.06  # a grey this close to white is the paper: it becomes the background


# Colours -----------------------------------------------------------------------


def luminance(colour: Any) -> float:
    """WCAG relative luminance of a colour."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in mcolors.to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: Any, second: Any) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_neutral(colour: Any) -> bool:
    r, g, b = mcolors.to_rgb(colour)
    return max(r, g, b) - min(r, g, b) < NEUTRAL_CHROMA


def _is_paper(colour: Any) -> bool:
    """A grey so light it stands for the white paper itself."""
    return is_neutral(colour) and colorsys.rgb_to_hls(*mcolors.to_rgb(colour))[1] > 1 - PAPER


def _mix(start: Any, end: Any, share: float) -> tuple[float, float, float]:
    a, b = np.array(mcolors.to_rgb(start)), np.array(mcolors.to_rgb(end))
    return tuple(float(x) for x in np.round(((1 - share) * a + share * b) * 255) / 255)


def _ink(rgba: Rgba, theme: Theme, full: str) -> tuple[float, float, float]:
    """A grey's place between paper and ink, kept between the background and `full`."""
    lightness = colorsys.rgb_to_hls(*rgba[:3])[1]
    return _mix(theme.background, full, 1 - lightness)


def _with_contrast(rgb: tuple, background: str, minimum: float) -> tuple[float, float, float]:
    """rgb with its hue and saturation, lightened or darkened as little as gives `minimum` against background."""
    if contrast(rgb, background) >= minimum:
        return rgb
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb)
    towards = 1.0 if luminance(background) < 0.2 else 0.0  # away from the background
    near, far = lightness, towards
    for _ in range(24):  # bisection on lightness: the first one far enough
        middle = (near + far) / 2
        if contrast(colorsys.hls_to_rgb(hue, middle, saturation), background) >= minimum + _MARGIN:
            far = middle
        else:
            near = middle
    return tuple(round(c * 255) / 255 for c in colorsys.hls_to_rgb(hue, far, saturation))


@functools.lru_cache(maxsize=4096)
def data_colour(rgba: Rgba, scheme: str, minimum: float = DATA_CONTRAST) -> Rgba:
    """A demo's colour for lines, markers, fills and text in the data, for a scheme."""
    theme = THEMES[scheme]
    if is_neutral(rgba):
        if _is_paper(rgba):
            return (*mcolors.to_rgb(theme.background), rgba[3])  # white fill: the paper it stood for
        rgb = _ink(rgba, theme, theme.text)
    else:
        rgb = rgba[:3]
    return (*_with_contrast(rgb, theme.background, minimum), rgba[3])


@functools.lru_cache(maxsize=1024)
def chrome_colour(rgba: Rgba, scheme: str, role: str) -> Rgba:
    """The colour of a background, spine, tick, label, frame or grid line, by its role:

    - "background", "grid": a grey keeps its depth between the background and the text colour;
    - "axes": the same, towards Material's lighter text colour (spines, tick marks);
    - "text": as "background", then at least 4.5:1 (labels must be read).

    A colour the demo chose (a coloured axis label) is treated as data.
    """
    theme = THEMES[scheme]
    if not is_neutral(rgba):
        return data_colour(rgba, scheme, TEXT_CONTRAST if role == "text" else DATA_CONTRAST)
    ink = _ink(rgba, theme, theme.axes if role == "axes" else theme.text)
    if role == "text" and not _is_paper(rgba):
        ink = _with_contrast(ink, theme.background, TEXT_CONTRAST)
    return (*ink, rgba[3])


def _rgba(colour: Any) -> Rgba:
    return tuple(float(c) for c in mcolors.to_rgba(colour))


# Colour maps -------------------------------------------------------------------


def _starts_at_paper(cmap: Colormap) -> bool:
    return _is_paper(cmap(0.0))


_themed_cmaps: dict[tuple[int, str], tuple[Colormap, Colormap]] = {}


def _cmap_for(cmap: Colormap, scheme: str) -> Colormap:
    """A map that starts at white starts at the background: its steps keep their
    share of the way from paper to its last colour, which is adjusted like data."""
    if scheme == "light" or not (_starts_at_paper(cmap) or _light_gaps(cmap)):
        return cmap
    key = (id(cmap), scheme)  # colour maps compare by value and cannot be hashed
    if key not in _themed_cmaps:
        themed = _ramp_from_background(cmap, scheme) if _starts_at_paper(cmap) else _with_dark_gaps(cmap)
        _themed_cmaps[key] = (cmap, themed)  # the original kept, so its id stays its own
    return _themed_cmaps[key][1]


def _light_gaps(cmap: Colormap) -> bool:
    """Whether a map paints missing values (gaps between pictures, say) in an opaque light colour."""
    bad = cmap.get_bad()
    return bad[3] == 1 and colorsys.rgb_to_hls(*bad[:3])[1] > 0.6


def _with_dark_gaps(cmap: Colormap) -> Colormap:
    """A picture's map as it is, but its light gaps as dark as they were light, in their hue:
    they would glare, and are no pixel of the picture."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*cmap.get_bad()[:3])
    themed = cmap.copy()
    themed.set_bad(colorsys.hls_to_rgb(hue, 1 - lightness, saturation))
    return themed


def _ramp_from_background(cmap: Colormap, scheme: str) -> Colormap:
    """The map from the background to its last colour made readable, each step as far along as its luminance was."""
    steps = cmap(np.linspace(0, 1, 256))
    paper, last = luminance(steps[0]), luminance(steps[-1])
    end = mcolors.to_rgb(data_colour(_rgba(steps[-1]), scheme, TEXT_CONTRAST))
    shares = [(paper - luminance(step)) / max(paper - last, 1e-9) for step in steps]
    colours = [_mix(THEMES[scheme].background, end, share) for share in shares]
    themed = LinearSegmentedColormap.from_list(f"{cmap.name}_{scheme}", colours, N=256)
    bad, under, over = cmap.get_bad(), cmap.get_under(), cmap.get_over()
    themed.set_bad(bad if bad[3] == 0 else data_colour(_rgba(bad), scheme))
    themed.set_under(_mix(THEMES[scheme].background, end, shares[0]) if np.allclose(under, steps[0]) else under)
    themed.set_over(end if np.allclose(over, steps[-1]) else over)
    return themed


# Artists -----------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b)
    return a == b


def _recolour(
    owner: Any, key: str, current: Any, scheme: str, themed_for: Callable[[Any], Any], put: Callable[[Any], None]
) -> None:
    """Set owner's colour `key` for the scheme, remembering the demo's own colour.

    What it set last time is remembered with the colour it replaced: if the
    colour is still that, the demo did not touch it and the original is
    recoloured (for a new scheme) or left alone; if the demo changed it, the
    new colour is the demo's own.
    """
    memo = owner.__dict__.setdefault("_theme_memo", {})
    seen = memo.get(key)
    if seen is not None and _same(current, seen[1]):
        if seen[2] == scheme:
            return
        original = seen[0]
    else:
        original = current
    themed = themed_for(original)
    put(themed)
    memo[key] = (original, themed, scheme)


def _original(owner: Any, key: str, current: Any) -> Any:
    """The demo's own value of a colour `_recolour` may have replaced."""
    seen = owner.__dict__.get("_theme_memo", {}).get(key)
    return seen[0] if seen is not None and _same(current, seen[1]) else current


def _colours(array: np.ndarray, colour_of: Callable[[Rgba], Rgba]) -> np.ndarray:
    """Recolour an (n, 4) array of colours, each distinct colour once."""
    if len(array) == 0:
        return array
    unique, index = np.unique(array, axis=0, return_inverse=True)
    return np.array([colour_of(tuple(float(c) for c in row)) for row in unique])[index.reshape(-1)]


def _data(scheme: str, minimum: float = DATA_CONTRAST) -> Callable[[Rgba], Rgba]:
    return lambda rgba: rgba if rgba[3] == 0 else data_colour(rgba, scheme, minimum)


def _theme_line(line: Line2D, scheme: str) -> None:
    colour = _data(scheme)
    _recolour(line, "color", _rgba(line.get_color()), scheme, colour, line.set_color)
    # marker colours left at "auto" follow the line's colour; only explicit ones are recoloured
    for key, raw, put in (
        ("face", line._markerfacecolor, line.set_markerfacecolor),
        ("edge", line._markeredgecolor, line.set_markeredgecolor),
    ):
        if not (isinstance(raw, str) and raw.lower() in ("auto", "none")):
            _recolour(line, key, _rgba(raw), scheme, colour, put)


def _theme_patch(patch: Patch, scheme: str) -> None:
    colour = _data(scheme)
    _recolour(patch, "face", _rgba(patch.get_facecolor()), scheme, colour, patch.set_facecolor)
    _recolour(patch, "edge", _rgba(patch.get_edgecolor()), scheme, colour, patch.set_edgecolor)


def _theme_collection(collection: Collection, scheme: str) -> None:
    if collection.get_array() is not None:  # colour-mapped: its map, like an image's
        _recolour(collection, "cmap", collection.get_cmap(), scheme, lambda c: _cmap_for(c, scheme), collection.set_cmap)
        return
    colour = _data(scheme)
    _recolour(collection, "face", collection.get_facecolor(), scheme, lambda a: _colours(a, colour), collection.set_facecolor)
    if not (isinstance(collection._original_edgecolor, str) and collection._original_edgecolor == "face"):
        _recolour(collection, "edge", collection.get_edgecolor(), scheme, lambda a: _colours(a, colour), collection.set_edgecolor)


def _theme_text(text: Text, scheme: str, in_data: bool = True) -> None:
    """Text in the data (held to 4.5:1, keeping its hue) or a label of the chrome (the theme's text colour)."""

    def themed_for(rgba: Rgba) -> Rgba:
        if in_data and not _is_paper(rgba):  # white text in the data would become the paper: it takes the text colour
            return data_colour(rgba, scheme, TEXT_CONTRAST)
        return chrome_colour(rgba, scheme, "text")

    _recolour(text, "color", _rgba(text.get_color()), scheme, themed_for, text.set_color)
    box = text.get_bbox_patch()
    if box is not None:
        _theme_chrome_patch(box, scheme, face="background", edge="axes")


def _theme_chrome_patch(patch: Patch, scheme: str, face: str | None = None, edge: str | None = None) -> None:
    """A background's, frame's or spine's fill and edge, each by its role (see chrome_colour)."""
    if face is not None:
        _recolour(patch, "face", _rgba(patch.get_facecolor()), scheme, lambda c: chrome_colour(c, scheme, face), patch.set_facecolor)
    if edge is not None:
        _recolour(patch, "edge", _rgba(patch.get_edgecolor()), scheme, lambda c: chrome_colour(c, scheme, edge), patch.set_edgecolor)


def _theme_image(image: AxesImage, scheme: str) -> None:
    _recolour(image, "cmap", image.get_cmap(), scheme, lambda c: _cmap_for(c, scheme), image.set_cmap)


def _theme_artist(artist: Any, scheme: str) -> None:
    if isinstance(artist, Line2D):
        _theme_line(artist, scheme)
    elif isinstance(artist, Collection):
        _theme_collection(artist, scheme)
    elif isinstance(artist, Patch):
        _theme_patch(artist, scheme)
    elif isinstance(artist, Text):
        _theme_text(artist, scheme)
    elif isinstance(artist, AxesImage):
        _theme_image(artist, scheme)


def _theme_legend(legend: Legend, scheme: str) -> None:
    _theme_chrome_patch(legend.get_frame(), scheme, face="background", edge="grid")
    for text in (*legend.get_texts(), legend.get_title()):
        _theme_text(text, scheme)
    for handle in legend.legend_handles:
        if handle is not None:
            _theme_artist(handle, scheme)


def _tick_colours(axis, scheme: str) -> None:
    """Tick marks, tick labels and grid lines, through the axis's tick settings (ticks made later get them too)."""
    name, settings = axis.axis_name, axis._major_tick_kw
    mark = _rgba(settings.get("color", rcParams[f"{name}tick.color"]))
    label = settings.get("labelcolor", rcParams[f"{name}tick.labelcolor"])
    label = mark if isinstance(label, str) and label == "inherit" else _rgba(label)
    grid = _rgba(settings.get("grid_color", rcParams["grid.color"]))

    def themed_for(original: tuple) -> tuple:
        mark, label, grid = original
        return chrome_colour(mark, scheme, "axes"), chrome_colour(label, scheme, "text"), chrome_colour(grid, scheme, "grid")

    def put(themed: tuple) -> None:
        axis.set_tick_params(which="both", color=themed[0], labelcolor=themed[1], grid_color=themed[2])

    _recolour(axis, "ticks", (mark, label, grid), scheme, themed_for, put)


def _theme_chrome(ax: Axes, scheme: str) -> None:
    _theme_chrome_patch(ax.patch, scheme, face="background")
    for spine in ax.spines.values():
        _theme_chrome_patch(spine, scheme, edge="axes")
    for axis in (ax.xaxis, ax.yaxis):
        _tick_colours(axis, scheme)
        _theme_text(axis.label, scheme, in_data=False)
        _theme_text(axis.get_offset_text(), scheme, in_data=False)
    for title in (ax.title, ax._left_title, ax._right_title):
        _theme_text(title, scheme, in_data=False)


def _shows_a_picture(ax: Axes) -> bool:
    """Whether the axes shows an opaque image in its own colours, which what is drawn over it was chosen against."""
    return any(
        image.get_visible() and image.get_alpha() in (None, 1) and not _starts_at_paper(_original(image, "cmap", image.get_cmap()))
        for image in ax.images  # the demo's own map: after theming, a ramp no longer starts at white
    )


def _theme_axes(ax: Axes, scheme: str) -> None:
    _theme_chrome(ax, scheme)
    over_picture = _shows_a_picture(ax)
    for artist in (*ax.images, *ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.artists):
        if not over_picture or isinstance(artist, AxesImage):
            _theme_artist(artist, scheme)
    legend = ax.get_legend()
    if legend is not None:
        _theme_legend(legend, scheme)
    for child in ax.child_axes:
        _theme_axes(child, scheme)


def apply(figure: Figure, scheme: str) -> None:
    """Give a drawn figure the colours of a scheme, "light" or "dark" (see the module's docstring)."""
    if scheme not in THEMES:
        raise ValueError(f"scheme must be one of {sorted(THEMES)}, not {scheme!r}")
    _theme_chrome_patch(figure.patch, scheme, face="background")
    for ax in figure.axes:
        _theme_axes(ax, scheme)
    for legend in figure.legends:
        _theme_legend(legend, scheme)
    for text in (*figure.texts, figure._suptitle, figure._supxlabel, figure._supylabel):
        if text is not None:
            _theme_text(text, scheme, in_data=False)
    for artist in (*figure.lines, *figure.patches, *figure.images):
        _theme_artist(artist, scheme)
