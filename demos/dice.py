"""Rolling a die: sampling from a categorical distribution.

Roll a die N times and compare how often each face came up with the
probability the die gives it. With more rolls the empirical frequencies
settle on the probabilities: that is what "sampling from p" means.
"""

from dataclasses import dataclass

import numpy as np

FACES = np.arange(1, 7)
FIGSIZE = (6.4, 3.6)
NARROW_FIGSIZE = (3.8, 3.6)  # on a phone: narrower, so its text reads at phone size


@dataclass(frozen=True)
class Rolls:
    """The outcome of one experiment: N rolls of a die with known probabilities."""

    probabilities: np.ndarray  # p(face) for faces 1..6, sums to 1
    frequencies: np.ndarray  # share of the rolls that showed each face
    n_rolls: int

    @property
    def largest_deviation(self) -> float:
        """Largest gap between a face's frequency and its probability."""
        return float(np.max(np.abs(self.frequencies - self.probabilities)))


# Functions ------------------------------------------------------------------


def parse_weights(text: str) -> np.ndarray:
    """Turn "1, 1, 1, 1, 1, 2" into six probabilities that sum to 1."""
    try:
        weights = np.array([float(w) for w in text.replace(",", " ").split()])
    except ValueError:
        raise ValueError(f"weights must be six numbers, got {text!r}") from None
    if weights.shape != (6,):
        raise ValueError(f"a die has six faces: give six weights, got {weights.size}")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError("weights must be finite and not negative")
    if weights.max() == 0:
        raise ValueError("at least one weight must be positive")
    weights = weights / weights.max()  # first: the sum of weights near 1e308 would overflow to infinity
    return weights / weights.sum()


def compute(n_rolls: int = 600, weights: str = "1 1 1 1 1 1", seed: int = 0) -> Rolls:
    """Roll a die with the given face weights n_rolls times."""
    n_rolls = int(n_rolls)
    if not 1 <= n_rolls <= 10_000_000:
        raise ValueError(f"n_rolls must be between 1 and 10,000,000, got {n_rolls}")
    probabilities = parse_weights(weights)
    rng = np.random.default_rng(seed)
    # Drawing from a multinomial counts the faces of n_rolls independent rolls
    # in one step; it needs no array of n_rolls outcomes.
    counts = rng.multinomial(n_rolls, probabilities)
    return Rolls(probabilities, counts / n_rolls, n_rolls)


def describe(rolls: Rolls) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    shares = ", ".join(f"{face}: {f:.3f}" for face, f in zip(FACES, rolls.frequencies))
    return (
        f"{rolls.n_rolls:,} rolls. Largest deviation from the probabilities: "
        f"{rolls.largest_deviation:.4f}. Frequencies {shares}."
    )


# Drawing --------------------------------------------------------------------


def draw(rolls: Rolls, fig):
    """Draw frequencies as bars against the probabilities; return an updater."""
    ax = fig.add_subplot()
    bars = ax.bar(FACES, rolls.frequencies, color="#5c6bc0", label="frequency in the rolls")
    (line,) = ax.step(
        np.r_[0.5, FACES + 0.5],
        np.r_[rolls.probabilities, rolls.probabilities[-1]],
        where="post",
        color="#e65100",
        linewidth=2,
        label="probability",
    )
    ax.set_xticks(FACES)
    ax.set_xlim(0.5, 6.5)
    ax.set_xlabel("face")
    ax.set_ylabel("share of rolls")
    ax.legend(loc="upper right", frameon=False)
    title = ax.set_title("")
    # Only these change from one roll to the next (and the frame is drawn over
    # them): the page redraws just them over a saved copy of the rest
    for artist in (*bars, line, *ax.spines.values(), title):
        artist.set_animated(True)

    def update(rolls: Rolls) -> None:
        for bar, height in zip(bars, rolls.frequencies):
            bar.set_height(height)
        line.set_ydata(np.r_[rolls.probabilities, rolls.probabilities[-1]])
        # headroom for the legend, in steps of 0.1 so the axis holds still
        top = max(rolls.frequencies.max(), rolls.probabilities.max())
        ax.set_ylim(0, max(0.3, np.ceil(12.5 * top) / 10))
        title.set_text(f"{rolls.n_rolls:,} rolls")

    update(rolls)
    fig.tight_layout()
    return update
