"""Training is minimising a loss: fit a line to house prices by gradient descent.

The model predicts price = a · size + b. The loss measures how far the
predictions are from the true prices, averaged over the houses: squared
errors (L2) or absolute errors (L1). Gradient descent starts from a = b = 0
and repeatedly steps downhill on the loss. One house is an outlier whose
price the reader sets: L2 bends the line towards it, L1 barely notices.
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 3.4)
NARROW_FIGSIZE = (3.8, 6.4)  # on a phone: one panel above the other
# Eleven houses: floor area in m² and price in thousands of euros. The last
# one is the outlier; its price is a parameter.
SIZES = np.array([55, 62, 70, 78, 85, 96, 104, 115, 128, 140, 90], dtype=float)
PRICES = np.array([150, 185, 190, 230, 240, 265, 300, 310, 355, 380, 0], dtype=float)
OUTLIER = len(SIZES) - 1
# Gradient descent works on rescaled numbers (size in 100 m², price in
# 100 k€) so that one learning rate suits both a and b.
SIZE_UNIT, PRICE_UNIT = 100.0, 100.0
LOSSES = ("L2 (squared error)", "L1 (absolute error)")


@dataclass(frozen=True)
class Fit:
    """The data, the fitted line and the loss after every step."""

    sizes: np.ndarray
    prices: np.ndarray
    slope: float  # k€ per m²
    intercept: float  # k€
    losses: np.ndarray  # loss (in the rescaled units) before each step and after the last
    loss: str
    learning_rate: float

    def predict(self, sizes: np.ndarray) -> np.ndarray:
        return self.slope * np.asarray(sizes) + self.intercept


# Functions ------------------------------------------------------------------


def house_data(outlier_price: float) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and prices, with the outlier's price set."""
    prices = PRICES.copy()
    prices[OUTLIER] = outlier_price
    return SIZES.copy(), prices


def loss_value(errors: np.ndarray, loss: str) -> float:
    """Mean squared error (L2) or mean absolute error (L1)."""
    return float(np.mean(errors**2) if loss.startswith("L2") else np.mean(np.abs(errors)))


def compute(
    loss: str = LOSSES[0], learning_rate: float = 0.3, steps: int = 300, outlier_price: float = 260.0
) -> Fit:
    """Fit price = a·size + b by gradient descent on the chosen loss."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    learning_rate, steps, outlier_price = float(learning_rate), int(steps), float(outlier_price)
    if not 0 < learning_rate <= 2:
        raise ValueError(f"learning_rate must be in (0, 2], got {learning_rate}")
    if not 1 <= steps <= 5000:
        raise ValueError(f"steps must be between 1 and 5000, got {steps}")
    if not 0 <= outlier_price <= 2000:
        raise ValueError(f"outlier_price must be between 0 and 2000 (k€), got {outlier_price}")
    sizes, prices = house_data(outlier_price)
    x, y = sizes / SIZE_UNIT, prices / PRICE_UNIT
    a = b = 0.0
    l2 = loss.startswith("L2")
    history = np.empty(steps + 1)
    for step in range(steps):
        errors = a * x + b - y
        history[step] = np.mean(errors**2) if l2 else np.mean(np.abs(errors))
        # Gradient of the mean loss with respect to the prediction of each house:
        # 2·error for the square, sign(error) for the absolute value.
        # The absolute value's slope never shrinks near the minimum, so L1 steps
        # shrink as 1/sqrt(1 + step) or they would jitter for ever.
        g = 2 * errors if l2 else np.sign(errors)
        rate = learning_rate if l2 else learning_rate / np.sqrt(1 + step)
        a -= rate * float(np.mean(g * x))
        b -= rate * float(np.mean(g))
        if not (np.isfinite(a) and np.isfinite(b)) or abs(a) > 1e12:
            history[step + 1 :] = np.inf  # diverged: the learning rate is too large
            break
    else:
        errors = a * x + b - y
        history[steps] = np.mean(errors**2) if l2 else np.mean(np.abs(errors))
    slope = a * PRICE_UNIT / SIZE_UNIT
    intercept = b * PRICE_UNIT
    return Fit(sizes, prices, slope, intercept, history, loss, learning_rate)


def describe(fit: Fit) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    kind = fit.loss.split()[0]
    final = fit.losses[-1]
    if not np.isfinite(final):
        return f"Gradient descent on the {kind} loss diverged: the learning rate {fit.learning_rate:g} is too large."
    return (
        f"{kind} fit after {len(fit.losses) - 1} steps: price ≈ {fit.slope:.2f} k€/m² × size "
        f"{fit.intercept:+.0f} k€. Loss fell from {fit.losses[0]:.3g} to {final:.3g}. "
        f"The outlier ({fit.sizes[OUTLIER]:.0f} m², {fit.prices[OUTLIER]:.0f} k€) is predicted at "
        f"{fit.predict(fit.sizes[OUTLIER]):.0f} k€."
    )


# Drawing --------------------------------------------------------------------


def draw(fit: Fit, fig):
    """Houses and the fitted line on the left (above, in a tall figure), the loss curve on the right; return an updater."""
    rows, columns = (2, 1) if fig.get_figheight() > fig.get_figwidth() else (1, 2)
    ax = fig.add_subplot(rows, columns, 1)
    ax_loss = fig.add_subplot(rows, columns, 2)
    normal = np.arange(len(SIZES)) != OUTLIER
    ax.scatter(fit.sizes[normal], fit.prices[normal], color="#5c6bc0", s=25, zorder=3, label="houses")
    outlier = ax.scatter([fit.sizes[OUTLIER]], [fit.prices[OUTLIER]], color="#d81b60", marker="D", s=40, zorder=4, label="outlier (you set it)")
    xs = np.array([40.0, 160.0])
    (line,) = ax.plot(xs, fit.predict(xs), color="#e65100", linewidth=2, label="fitted line")
    residuals = ax.vlines(fit.sizes, fit.prices, fit.predict(fit.sizes), color="#e65100", linewidth=0.8, alpha=0.6)
    ax.set_xlim(*xs)
    ax.set_xlabel("size (m²)")
    ax.set_ylabel("price (k€)")
    ax.legend(loc="upper left", frameon=False, fontsize=8)

    (curve,) = ax_loss.plot([], [], color="#00897b", linewidth=1.8)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("gradient-descent step")
    loss_label = ax_loss.set_ylabel("")
    title = ax_loss.set_title("", fontsize=10)

    def update(fit: Fit) -> None:
        outlier.set_offsets([[fit.sizes[OUTLIER], fit.prices[OUTLIER]]])
        predicted = fit.predict(fit.sizes)
        finite = np.all(np.isfinite(predicted))
        line.set_data(xs, fit.predict(xs) if finite else [np.nan, np.nan])
        segments = [np.array([[s, p], [s, q]]) for s, p, q in zip(fit.sizes, fit.prices, predicted)] if finite else []
        residuals.set_segments(segments)
        ax.set_ylim(0, max(450.0, 1.35 * fit.prices.max()))  # headroom: the legend sits above the highest house
        shown = fit.losses[np.isfinite(fit.losses)]
        steps = np.arange(len(shown))
        curve.set_data(steps, shown)
        ax_loss.set_xlim(0, max(1, len(fit.losses) - 1))
        if len(shown):
            low, high = float(shown.min()), float(shown.max())
            ax_loss.set_ylim(max(low / 1.5, 1e-6), high * 1.5)
        kind = fit.loss.split()[0]
        loss_label.set_text(f"{kind} loss (mean {'squared' if kind == 'L2' else 'absolute'} error)")
        title.set_text(f"{kind} loss: {shown[-1]:.3g}" if np.isfinite(fit.losses[-1]) else "diverged: step too large")

    update(fit)
    fig.tight_layout(pad=0.6)
    return update
