"""Sampling images: a hand-made distribution over tiny 2x2 grayscale images.

Each image is a 2x2x1 array of brightness values 0..255. A distribution
over such images is a table giving each image a probability; sampling
picks images with those probabilities. Only six images get a non-zero
probability here, but there are 256^4 = 4,294,967,296 possible 2x2 images,
and the count explodes for real image sizes: the table could never be
written down.
"""

import math
from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 3.8)
NARROW_FIGSIZE = (3.9, 4.0)  # on a phone: the same panels, the samples in 4 rows of 3
# The table: six images (rows of [[top-left, top-right], [bottom-left, bottom-right]])
# and their probabilities. Every other 2x2 image has probability 0.
TABLE = np.array(
    [
        [[100, 0], [0, 200]],  # the example of the text
        [[42, 0], [0, 42]],
        [[255, 255], [0, 0]],
        [[0, 0], [255, 255]],
        [[0, 255], [255, 0]],
        [[128, 128], [128, 128]],
    ],
    dtype=np.int32,
)
NAMES = ("A", "B", "C", "D", "E", "F")
PROBABILITIES = np.array([0.30, 0.10, 0.20, 0.15, 0.15, 0.10])
SHOWN = 12  # sampled images drawn as pixel grids (3 rows of 4, or 4 of 3 on a phone)
LEVELS = 256  # brightness values per channel in an 8-bit image
EXACT_LIMIT = 1500  # up to this many numbers, count digits on the exact integer
# (256**1500 has 3,613 digits, below Python's default 4,300-digit limit for str(int))


@dataclass(frozen=True)
class ImageSamples:
    """Sampled images and the size of the space they live in."""

    indices: np.ndarray  # which table image each sample is
    frequencies: np.ndarray  # share of the samples that are each table image
    n_samples: int
    width: int
    height: int
    channels: int

    @property
    def images(self) -> np.ndarray:
        """The first SHOWN sampled images, (k, 2, 2)."""
        return TABLE[self.indices[:SHOWN]]

    @property
    def numbers_per_image(self) -> int:
        return self.width * self.height * self.channels

    @property
    def digits(self) -> int:
        """Decimal digits of the number of possible images, 256^(W·H·C)."""
        return count_digits(self.numbers_per_image)


# Functions ------------------------------------------------------------------


def count_images(numbers_per_image: int) -> int:
    """How many different 8-bit images hold this many numbers: 256**n, exactly."""
    return LEVELS ** int(numbers_per_image)


def count_digits(numbers_per_image: int) -> int:
    """Decimal digits of 256**n.

    For small n the exact integer is written out; beyond that the digits are
    floor(n·log10 256) + 1, exact here because 256**n is never a power of ten.
    """
    n = int(numbers_per_image)
    if n < 0:
        raise ValueError("an image cannot hold a negative count of numbers")
    if n <= EXACT_LIMIT:
        return len(str(count_images(n)))
    return math.floor(n * math.log10(LEVELS)) + 1


def compute(n_samples: int = 12, width: int = 2, height: int = 2, channels: int = 1, seed: int = 0) -> ImageSamples:
    """Sample n_samples images from the table; size up a W x H x C image space."""
    n_samples, width, height, channels = int(n_samples), int(width), int(height), int(channels)
    if not 1 <= n_samples <= 100_000:
        raise ValueError(f"n_samples must be between 1 and 100,000, got {n_samples}")
    for name, value, top in (("width", width, 4096), ("height", height, 4096), ("channels", channels, 4)):
        if not 1 <= value <= top:
            raise ValueError(f"{name} must be between 1 and {top}, got {value}")
    rng = np.random.default_rng(seed)
    # Inverse-CDF sampling: a uniform number falls in image k's slice of [0, 1).
    indices = np.searchsorted(np.cumsum(PROBABILITIES), rng.random(n_samples), side="right")
    indices = np.minimum(indices, len(TABLE) - 1).astype(np.int32)
    frequencies = np.bincount(indices, minlength=len(TABLE)) / n_samples
    return ImageSamples(indices, frequencies, n_samples, width, height, channels)


def describe(s: ImageSamples) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    shares = ", ".join(f"{n}: {f:.2f} (p = {p:.2f})" for n, f, p in zip(NAMES, s.frequencies, PROBABILITIES))
    return (
        f"{s.n_samples:,} sampled 2×2 images; share of each table image {shares}. "
        f"A {s.width}×{s.height}×{s.channels} image holds {s.numbers_per_image:,} numbers, so there are "
        f"256^{s.numbers_per_image:,} possible images, a number with {s.digits:,} digits."
    )


# Drawing --------------------------------------------------------------------


def _mosaic(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Lay 2x2 images out on a grid with one blank (NaN) pixel between them."""
    out = np.full((rows * 3 - 1, cols * 3 - 1), np.nan)
    for k, image in enumerate(images[: rows * cols]):
        r, c = divmod(k, cols)
        out[3 * r : 3 * r + 2, 3 * c : 3 * c + 2] = image
    return out


def draw(s: ImageSamples, fig):
    """Sampled images left, frequencies against probabilities right; return an updater."""
    tall = fig.get_figheight() > fig.get_figwidth()
    grid = fig.add_gridspec(2, 2, width_ratios=(1.3, 1) if tall else (1.1, 1), height_ratios=(1, 2.2))
    ax_img = fig.add_subplot(grid[:, 0])
    ax_table = fig.add_subplot(grid[0, 1])
    ax_bar = fig.add_subplot(grid[1, 1])
    from matplotlib import colormaps

    cmap = colormaps["gray"].copy()
    cmap.set_bad("#c5cae9")  # gaps between images, distinct from white pixels

    rows, cols = (4, 3) if tall else (3, 4)  # a narrow panel: pixels wide enough for their values
    sampled = ax_img.imshow(_mosaic(s.images, rows, cols), cmap=cmap, vmin=0, vmax=255, interpolation="nearest")
    labels = []
    for k in range(rows * cols):
        r, c = divmod(k, cols)
        for i in range(2):
            for j in range(2):
                labels.append(ax_img.text(3 * c + j, 3 * r + i, "", ha="center", va="center", fontsize=7))
    ax_img.set_axis_off()
    img_title = ax_img.set_title("", fontsize=10)

    ax_table.imshow(_mosaic(TABLE, 1, len(TABLE)), cmap=cmap, vmin=0, vmax=255, interpolation="nearest")
    for k, name in enumerate(NAMES):
        ax_table.text(3 * k + 0.5, -0.9, name, ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax_table.set_ylim(1.6, -1.8)
    ax_table.set_axis_off()

    x = np.arange(len(TABLE))
    bars = ax_bar.bar(x, s.frequencies, color="#5c6bc0", label="share of samples")
    ax_bar.step(np.r_[x - 0.5, x[-1] + 0.5], np.r_[PROBABILITIES, PROBABILITIES[-1]], where="post",
                color="#e65100", linewidth=2, label="probability")
    ax_bar.set_xticks(x, NAMES)
    ax_bar.set_xlim(-0.5, len(TABLE) - 0.5)
    ax_bar.set_ylim(0, 0.6)
    ax_bar.set_ylabel("share", fontsize=9)
    if tall:  # a narrow panel's legend spans it: above the bars, it never hides one
        ax_bar.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=8)
    else:
        ax_bar.legend(loc="upper right", frameon=False, fontsize=8)
    count = fig.text(0.02, 0.02, "", fontsize=9, ha="left", va="bottom")
    count_break = "\n" if tall else " "  # for large images the line is wider than a phone
    # What the controls change, with what is drawn over it (the probability line,
    # legend and frame over the bars); the rest is drawn once ("Sliders that keep up")
    on_bars = (*bars, *ax_bar.lines, ax_bar.get_legend(), *ax_bar.spines.values())
    for artist in (sampled, *labels, img_title, *on_bars, count):
        artist.set_animated(True)

    def update(s: ImageSamples) -> None:
        images = s.images
        sampled.set_data(_mosaic(images, rows, cols))
        for k in range(rows * cols):
            for i in range(2):
                for j in range(2):
                    text = labels[4 * k + 2 * i + j]
                    if k < len(images):
                        value = int(images[k, i, j])
                        text.set_text(str(value))
                        text.set_color("black" if value > 110 else "white")
                    else:
                        text.set_text("")
        img_title.set_text(f"first {len(images)} of {s.n_samples:,} samples")
        for bar, h in zip(bars, s.frequencies):
            bar.set_height(h)
        ax_bar.set_ylim(0, max(0.45, np.ceil(12 * float(s.frequencies.max())) / 10))  # in steps: the axis holds still
        count.set_text(
            f"{s.width}×{s.height}×{s.channels} images: 256$^{{{s.numbers_per_image:,}}}$ possible,{count_break}"
            f"a {s.digits:,}-digit number"
        )

    update(s)
    fig.tight_layout(pad=0.6, rect=(0, 0.1 if tall else 0.07, 1, 1))
    return update
