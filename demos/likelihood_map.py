"""A flow's exact likelihood, from its field alone: log p_1(x) by the divergence integral.

A flow model is a velocity field u_t carrying N(0, I) at t = 0 to a
distribution p_1 at t = 1. Its density at any x needs no normalising
constant: follow x backwards to t = 0 and add up the divergence on the way,

    log p_1(x) = log N(x_0; 0, I) - integral_0^1 div u_t(X_t) dt.

Here the field is the exact marginal field of a Gaussian mixture (the best
field a network could learn), so the density computed this way must match
the target's own density up to the error of the ODE solver. The demo draws
both as heat maps and scores fresh samples of the target by each: the
average log-likelihood, the number used to compare generative models.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import density_flow as df
from demos import marginal_field as mf

TARGETS = mf.TARGETS
LIM = mf.LIM
PIXELS = np.linspace(-LIM, LIM, 40)
N_FRESH = 500  # fresh samples of the target to score
COLOUR_RANGE = (-8.0, 1.0)  # log-density, nats: one scale for every target (the ring peaks at 0.7), so the colour bar never changes
FIGSIZE = (7.2, 3.9)
NARROW_FIGSIZE = (3.8, 6.6)  # on a phone: the two maps one above the other


def _grid() -> np.ndarray:
    X, Y = np.meshgrid(PIXELS, PIXELS)
    return np.stack([X.ravel(), Y.ravel()], axis=1)


@functools.lru_cache(maxsize=8)
def model_map(target: str, steps: int) -> np.ndarray:
    """log p_1 on the pixel grid by the divergence integral, (40, 40), rows = y."""
    return df.log_density_by_flow(_grid(), 1.0, TARGETS[target], steps)[0].reshape(len(PIXELS), len(PIXELS))


@functools.lru_cache(maxsize=4)
def exact_map(target: str) -> np.ndarray:
    """The target's own log-density on the pixel grid."""
    return df.log_density(_grid(), 1.0, TARGETS[target]).reshape(len(PIXELS), len(PIXELS))


@dataclass(frozen=True)
class Likelihood:
    """The flow's log-density against the target's, on a grid and on fresh samples."""

    target: str
    steps: int
    model: np.ndarray  # (40, 40) log p_1 by the divergence integral
    exact: np.ndarray  # (40, 40) log p_data
    samples: np.ndarray  # (N_FRESH, 2) fresh samples of the target
    model_ll: float  # average log p_1 over the samples, by the divergence integral
    exact_ll: float  # average log p_data over the same samples

    @property
    def evaluations(self) -> int:
        """Evaluations of the field per point: two per midpoint step (the divergence only at the second)."""
        return 2 * self.steps


def compute(target: str = "3 unequal blobs", steps: int = 24, seed: int = 0) -> Likelihood:
    """Score the grid and N_FRESH fresh samples with the flow's density and the target's."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
    steps = int(steps)
    if not 1 <= steps <= 200:
        raise ValueError(f"steps must be between 1 and 200, got {steps}")
    mix = TARGETS[target]
    samples = mix.sample(N_FRESH, np.random.default_rng(seed))
    scored = df.log_density_by_flow(samples, 1.0, mix, steps)[0]
    return Likelihood(
        target=target,
        steps=steps,
        model=model_map(target, steps),
        exact=exact_map(target),
        samples=samples,
        model_ll=float(np.mean(scored)),
        exact_ll=float(np.mean(df.log_density(samples, 1.0, mix))),
    )


def describe(r: Likelihood) -> str:
    """A one-line readout, also the figure's text alternative."""
    return (
        f"{r.target}, {r.steps} midpoint steps ({r.evaluations} evaluations of the field and {r.steps} of its divergence per point): "
        f"average log-likelihood of {N_FRESH} fresh target samples {r.model_ll:.3f} by the divergence integral, "
        f"{r.exact_ll:.3f} exact (difference {r.model_ll - r.exact_ll:+.3f} nats)."
    )


def draw(r: Likelihood, fig):
    """The two log-density maps on one colour scale, the fresh samples on the
    exact one, and the two average log-likelihoods. Returns an updater."""
    ax_m, ax_e, ax_bar = _panels(fig)
    images = []
    for ax, values, title in ((ax_m, r.model, "flow: $\\log p_1$ by the divergence"), (ax_e, r.exact, "target: $\\log p_{\\mathrm{data}}$ exact")):
        image = ax.imshow(values, origin="lower", extent=(-LIM, LIM, -LIM, LIM), cmap="viridis", interpolation="none", clim=COLOUR_RANGE)
        images.append(image)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    dots = ax_e.scatter(*r.samples.T, s=2, color="white", linewidths=0, alpha=0.7)
    dots.set_rasterized(True)
    ax_e.set_xlim(-LIM, LIM)
    ax_e.set_ylim(-LIM, LIM)
    bar = fig.colorbar(images[0], cax=ax_bar)
    bar.ax.tick_params(labelsize=8)
    bar.set_label("log-density (nats)", fontsize=8)
    readout = fig.text(0.5, 0.015, "", ha="center", va="bottom", fontsize=8)
    # Only the maps, the dots and the readout change; the frames are drawn over the maps
    for artist in (*images, dots, readout, *ax_m.spines.values(), *ax_e.spines.values()):
        artist.set_animated(True)

    def update(r: Likelihood) -> None:
        for image, values in zip(images, (r.model, r.exact)):
            image.set_data(values)
        dots.set_offsets(r.samples)
        readout.set_text(
            f"{r.steps} steps: mean log-likelihood of {N_FRESH} fresh samples\n"
            f"flow {r.model_ll:.3f}   exact {r.exact_ll:.3f}   (difference {r.model_ll - r.exact_ll:+.3f})"
        )

    update(r)
    return update


def _panels(fig):
    """Two square maps and a colour bar, placed in inches: side by side on a
    wide figure, one above the other on a tall one (a phone)."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    if height > width:
        side, left = 2.6, 0.3
        boxes = ((left, 3.65, side, side), (left, 0.75, side, side), (left + side + 0.15, 0.75, 0.12, 2 * side + 0.3))
    else:
        side, bottom = 2.9, 0.72
        boxes = ((0.25, bottom, side, side), (0.25 + side + 0.2, bottom, side, side), (0.45 + 2 * side + 0.15, bottom, 0.12, side))
    return [fig.add_axes((x / width, y / height, w / width, h / height)) for x, y, w, h in boxes]
