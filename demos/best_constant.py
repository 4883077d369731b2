"""The best constant guess under L2 is the mean; under L1 it is the median.

Predict every house's price with one number c. The average squared error
(L2) is smallest at the mean of the prices; the average absolute error (L1)
is smallest at the median. Move the outlier: the mean follows it, the median
does not.
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (6.4, 3.8)
NARROW_FIGSIZE = (4.0, 4.8)  # on a phone: narrower, so its text reads at phone size
# Nine house prices in k€; the last is the outlier set by the reader.
PRICES = np.array([150.0, 185.0, 190.0, 230.0, 240.0, 265.0, 300.0, 310.0, 0.0])
STEP = 0.1  # spacing (k€) of the candidate constants c


@dataclass(frozen=True)
class Constants:
    """The prices, both losses as functions of c, and their minimisers."""

    prices: np.ndarray
    c: np.ndarray  # candidate constants
    l2: np.ndarray  # mean squared error of each candidate
    l1: np.ndarray  # mean absolute error of each candidate
    best_l2: float  # the candidate with the smallest L2 loss
    best_l1: float  # the candidate with the smallest L1 loss

    @property
    def mean(self) -> float:
        return float(self.prices.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.prices))


# Functions ------------------------------------------------------------------


def l2_loss(prices: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Mean squared error of predicting every price by c (vectorised over c)."""
    return ((np.asarray(prices)[None, :] - np.asarray(c)[:, None]) ** 2).mean(axis=1)


def l1_loss(prices: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Mean absolute error of predicting every price by c (vectorised over c)."""
    return np.abs(np.asarray(prices)[None, :] - np.asarray(c)[:, None]).mean(axis=1)


def compute(outlier_price: float = 600.0) -> Constants:
    """Evaluate both losses on a grid of constants and find their minimisers."""
    outlier_price = float(outlier_price)
    if not 0 <= outlier_price <= 2000:
        raise ValueError(f"outlier_price must be between 0 and 2000 (k€), got {outlier_price}")
    prices = PRICES.copy()
    prices[-1] = outlier_price
    c = np.arange(0.0, max(700.0, 1.05 * prices.max()) + STEP / 2, STEP)
    l2, l1 = l2_loss(prices, c), l1_loss(prices, c)
    return Constants(prices, c, l2, l1, float(c[np.argmin(l2)]), float(c[np.argmin(l1)]))


def describe(k: Constants) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    return (
        f"Nine prices, outlier at {k.prices[-1]:.0f} k€. L2 loss of a constant guess is smallest at "
        f"c = {k.best_l2:.1f} (the mean is {k.mean:.2f}); L1 loss is smallest at c = {k.best_l1:.1f} "
        f"(the median is {k.median:.1f})."
    )


# Drawing --------------------------------------------------------------------


def draw(k: Constants, fig):
    """Prices on a number line above, both loss curves below; return an updater."""
    narrow = fig.get_figheight() > fig.get_figwidth()  # a phone's figure: title on two lines, legend in one column
    grid = fig.add_gridspec(2, 1, height_ratios=(1, 3.2))
    ax_pts = fig.add_subplot(grid[0])
    ax = fig.add_subplot(grid[1], sharex=ax_pts)
    ax2 = ax.twinx()
    L2_COLOUR, L1_COLOUR = "#5c6bc0", "#e65100"

    dots = ax_pts.scatter(k.prices[:-1], np.zeros(len(k.prices) - 1), s=30, color="#424242", zorder=3)
    outlier = ax_pts.scatter(k.prices[-1:], [0.0], s=40, marker="D", color="#d81b60", zorder=3)
    mean_mark = ax_pts.axvline(k.mean, color=L2_COLOUR, linewidth=2, label="mean")
    median_mark = ax_pts.axvline(k.median, color=L1_COLOUR, linewidth=2, linestyle="--", label="median")
    ax_pts.set_yticks([])
    ax_pts.set_title("prices (k€) of nine houses;" + ("\n" if narrow else " ") + "the diamond is the outlier", fontsize=10)
    ax_pts.tick_params(labelbottom=False)

    (l2_line,) = ax.plot(k.c, k.l2, color=L2_COLOUR, linewidth=2, label="L2: mean squared error")
    (l1_line,) = ax2.plot(k.c, k.l1, color=L1_COLOUR, linewidth=2, linestyle="--", label="L1: mean absolute error")
    (l2_min,) = ax.plot([k.best_l2], [k.l2.min()], "o", color=L2_COLOUR, markersize=7)
    (l1_min,) = ax2.plot([k.best_l1], [k.l1.min()], "o", color=L1_COLOUR, markersize=7)
    ax.set_xlabel("constant guess c (k€)")
    ax.set_ylabel("L2 loss (k€²)", color=L2_COLOUR)
    ax2.set_ylabel("L1 loss (k€)", color=L1_COLOUR)
    ax.legend(handles=[l2_line, l1_line, mean_mark, median_mark], loc="upper center", frameon=False, fontsize=8, ncol=1 if narrow else 2)

    def update(k: Constants) -> None:
        dots.set_offsets(np.c_[k.prices[:-1], np.zeros(len(k.prices) - 1)])
        outlier.set_offsets([[k.prices[-1], 0.0]])
        mean_mark.set_xdata([k.mean, k.mean])
        median_mark.set_xdata([k.median, k.median])
        l2_line.set_data(k.c, k.l2)
        l1_line.set_data(k.c, k.l1)
        l2_min.set_data([k.best_l2], [k.l2.min()])
        l1_min.set_data([k.best_l1], [k.l1.min()])
        ax.set_xlim(k.c[0], k.c[-1])
        ax.set_ylim(0, 1.25 * float(k.l2.max()))  # headroom for the legend
        ax2.set_ylim(0, 1.25 * float(k.l1.max()))

    update(k)
    fig.tight_layout(pad=0.6)
    return update
