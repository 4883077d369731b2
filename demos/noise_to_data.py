"""From noise to data: push Gaussian samples through a fixed map.

Draw z from a standard Gaussian and compute x = f(z). The x values follow a
new distribution whose shape depends only on f: stretching spreads
probability thin, squeezing piles it up. A generative network is such an f,
learned so that the output looks like the data. For an increasing f the new
density is exact: p_x(f(z)) = p_z(z) / f'(z).
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 3.2)
NARROW_FIGSIZE = (3.8, 7.5)  # on a phone: the three panels one above the other
N_BINS = 50
Z_RANGE = (-4.0, 4.0)

# name: (f, derivative f', x-range shown, formula for the title)
MAPS = {
    "affine": (lambda z: 1.5 * z + 2.0, lambda z: np.full_like(z, 1.5), (-5.0, 9.0), "x = 1.5 z + 2"),
    "cube": (lambda z: z**3, lambda z: 3 * z**2, (-4.0, 4.0), "x = z³"),
    "squash": (lambda z: np.tanh(2 * z), lambda z: 2 / np.cosh(2 * z) ** 2, (-1.1, 1.1), "x = tanh(2z)"),
    "two bumps": (lambda z: 0.3 * z + 2 * np.tanh(3 * z), lambda z: 0.3 + 6 / np.cosh(3 * z) ** 2, (-4.0, 4.0), "x = 0.3z + 2 tanh(3z)"),
    "exp": (np.exp, np.exp, (0.0, 8.0), "x = exp(z)  (log-normal)"),
}


@dataclass(frozen=True)
class Pushed:
    """Gaussian samples, their images under the map, and the exact densities."""

    name: str
    formula: str
    z: np.ndarray
    x: np.ndarray
    x_range: tuple
    curve_z: np.ndarray  # grid of z for the map's graph and the exact density
    curve_x: np.ndarray  # f(curve_z)
    curve_density: np.ndarray  # exact density of x at curve_x
    show_density: bool

    @property
    def share_in_view(self) -> float:
        """Share of the x samples inside the plotted range."""
        return float(np.mean((self.x >= self.x_range[0]) & (self.x <= self.x_range[1])))


# Functions ------------------------------------------------------------------


def gaussian_density(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)


def pushed_density(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact density of x = f(z) at the points f(z): p_z(z) / f'(z) (f increasing)."""
    f, df, _, _ = MAPS[name]
    with np.errstate(divide="ignore"):
        return f(z), gaussian_density(z) / df(z)


def compute(mapping: str = "two bumps", n_samples: int = 5000, show_density: bool = True, seed: int = 0) -> Pushed:
    """Sample z ~ N(0, 1) and push it through the chosen map."""
    if mapping not in MAPS:
        raise ValueError(f"mapping must be one of {', '.join(MAPS)}, got {mapping!r}")
    n_samples = int(n_samples)
    if not 10 <= n_samples <= 200_000:
        raise ValueError(f"n_samples must be between 10 and 200,000, got {n_samples}")
    f, _, x_range, formula = MAPS[mapping]
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n_samples)
    curve_z = np.linspace(*Z_RANGE, 801)
    curve_z = curve_z[curve_z != 0] if mapping == "cube" else curve_z  # f'(0) = 0: infinite density
    curve_x, density = pushed_density(mapping, curve_z)
    return Pushed(mapping, formula, z, f(z), x_range, curve_z, curve_x, density, bool(show_density))


def describe(p: Pushed) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    return (
        f"{len(p.z):,} standard Gaussian samples z pushed through {p.formula}. "
        f"Input mean {p.z.mean():.2f}, sd {p.z.std():.2f}; output mean {p.x.mean():.2f}, "
        f"sd {p.x.std():.2f}, median {np.median(p.x):.2f}; {p.share_in_view:.1%} of outputs within the plotted range."
    )


# Drawing --------------------------------------------------------------------


def _hist(values: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Density histogram over [lo, hi] normalised by all samples (so tails count)."""
    counts, edges = np.histogram(values, bins=N_BINS, range=(lo, hi))
    return counts / (len(values) * (edges[1] - edges[0])), edges


def draw(p: Pushed, fig):
    """Input histogram, the map's graph, output histogram (top to bottom, in a tall figure); return an updater."""
    rows, columns = (3, 1) if fig.get_figheight() > fig.get_figwidth() else (1, 3)
    ax_z = fig.add_subplot(rows, columns, 1)
    ax_f = fig.add_subplot(rows, columns, 2)
    ax_x = fig.add_subplot(rows, columns, 3)

    hz, ez = _hist(p.z, *Z_RANGE)
    ax_z.bar(ez[:-1], hz, width=ez[1] - ez[0], align="edge", color="#9e9e9e")
    zs = np.linspace(*Z_RANGE, 200)
    ax_z.plot(zs, gaussian_density(zs), color="black", linewidth=1.5)
    ax_z.set_xlim(*Z_RANGE)
    ax_z.set_ylim(0, 0.5)
    ax_z.set_xlabel("noise z")
    ax_z.set_ylabel("density")
    ax_z.set_title("input: N(0, 1)", fontsize=10)
    bars_z = ax_z.patches

    (graph,) = ax_f.plot(p.curve_z, p.curve_x, color="#5c6bc0", linewidth=2)
    ax_f.axhline(0, color="#bdbdbd", linewidth=0.8)
    ax_f.axvline(0, color="#bdbdbd", linewidth=0.8)
    ax_f.set_xlim(*Z_RANGE)
    ax_f.set_xlabel("z")
    ax_f.set_ylabel("x = f(z)")
    map_title = ax_f.set_title("", fontsize=10)

    hx, ex = _hist(p.x, *p.x_range)
    bars_x = ax_x.bar(ex[:-1], hx, width=ex[1] - ex[0], align="edge", color="#e65100", alpha=0.8)
    (exact,) = ax_x.plot(p.curve_x, p.curve_density, color="black", linewidth=1.5, label="exact density")
    ax_x.set_xlabel("data x")
    ax_x.set_title("output: a new distribution", fontsize=10)

    def update(p: Pushed) -> None:
        hz, _ = _hist(p.z, *Z_RANGE)
        for bar, h in zip(bars_z, hz):
            bar.set_height(h)
        graph.set_data(p.curve_z, p.curve_x)
        lo, hi = p.x_range
        ax_f.set_ylim(lo, hi)
        map_title.set_text(p.formula)
        hx, ex = _hist(p.x, lo, hi)
        width = ex[1] - ex[0]
        for bar, left, h in zip(bars_x, ex[:-1], hx):
            bar.set_x(left)
            bar.set_width(width)
            bar.set_height(h)
        exact.set_data(p.curve_x, p.curve_density)
        exact.set_visible(p.show_density)
        ax_x.set_xlim(lo, hi)
        ax_x.set_ylim(0, 1.15 * float(hx.max()) if hx.max() > 0 else 1.0)

    update(p)
    fig.tight_layout(pad=0.6)
    return update
