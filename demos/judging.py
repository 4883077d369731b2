"""Judging a generator by its samples: six generators, five scores.

One target, the finale's ring of eight Gaussian modes, and six generators
of it, each scored against fresh target samples (the *reference set*):

- GAN: Part 1's GAN grown to two dimensions, trained with its two networks
  in balance (demos/ring_generators.py, one stored run);
- collapsed GAN: the same GAN with a discriminator that learns ten times
  faster; it settles on four of the eight modes (mode collapse);
- two modes: mode collapse as textbooks draw it, emulated: the target
  restricted to two opposite modes of its eight;
- flow: the finale's flow-matching model, trained with its default recipe;
- memoriser: the exact field of a training set of real samples. Following
  it carries noise to the empirical distribution of that set (chapter 2.1),
  so each sample is a training point picked uniformly; we draw it that way;
- noise: plain N(0, I).

The trained models' samples are drawn once and stored; the demo picks
among them. Two emulated generators serve the sample-size demo
(demos/frechet_bias.py): ideal, which draws from the target itself, and
blurred, the right modes three times too wide.

Scores: precision and recall with k-nearest-neighbour balls (Kynkäänniemi
et al. 2019), the energy distance of Part 1, the Fréchet distance on a fixed
random feature map (Heusel et al. 2017 use Inception features), and the
memorisation check: how close samples sit to their nearest training point.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from demos import flow_matching as fm
from demos import ring_generators

GENERATORS = ("GAN", "collapsed GAN", "two modes", "flow", "memoriser", "noise")  # the line-up
COLOURS = ("#1b9e77", "#d95f02", "#a6761d", "#7570b3", "#e7298a", "#666666")
EMULATED_ONLY = ("ideal", "blurred")  # for the sample-size demo
TRAINED = {"GAN": "gan", "collapsed GAN": "gan_collapsed", "flow": "flow"}  # name in ring_generators
BLUR = 3.0  # the blurred generator's spread, in units of the target's
KEPT_MODES = (0, 4)  # the two-mode generator's (opposite) modes
N_FEATURES = 16  # size of the random feature map of the Fréchet distance
FEATURE_SCALE = 1.0  # length scale of the random features
K_MAX = 20  # the largest k the demo offers
N_COPY_CHECK = 200  # samples per generator in the memorisation check
FIGSIZE = (7.2, 5.4)
NARROW_FIGSIZE = (3.9, 5.9)
RASTER_DPI = 150


# The target and the generators ----------------------------------------------------


def target_samples(n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from the ring of eight Gaussians."""
    return fm.make_target("ring").sample(n, rng)


def generate(name: str, n: int, train: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """n samples of the generator called name; train is the memoriser's training set."""
    centres = fm.ring_centres()
    if name in TRAINED:
        stored = trained_samples()[TRAINED[name]]
        return stored[rng.choice(len(stored), n, replace=False)]
    if name == "ideal":
        return target_samples(n, rng)
    if name == "blurred":
        modes = centres[rng.integers(0, len(centres), n)]
        return modes + BLUR * fm.RING_SIGMA * rng.standard_normal((n, 2))
    if name == "two modes":
        modes = centres[np.asarray(KEPT_MODES)[rng.integers(0, len(KEPT_MODES), n)]]
        return modes + fm.RING_SIGMA * rng.standard_normal((n, 2))
    if name == "memoriser":
        return train[rng.integers(0, len(train), n)]
    if name == "noise":
        return rng.standard_normal((n, 2))
    raise ValueError(f"generator must be one of {', '.join(GENERATORS + EMULATED_ONLY)}, got {name!r}")


@functools.lru_cache(maxsize=1)
def trained_samples() -> dict[str, np.ndarray]:
    """The trained models' stored samples (one run, committed; read once)."""
    return ring_generators.load()


# The scores -----------------------------------------------------------------------


def pairwise_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row of a to every row of b, shape (len(a), len(b))."""
    sq = np.subtract.outer(a[:, 0], b[:, 0]) ** 2
    for j in range(1, a.shape[1]):
        sq += np.subtract.outer(a[:, j], b[:, j]) ** 2
    return np.sqrt(sq)


def knn_radii(points: np.ndarray, k: int) -> np.ndarray:
    """Distance of each point to its k-th nearest *other* point of the same set."""
    if not 1 <= k < len(points):
        raise ValueError(f"k must be between 1 and {len(points) - 1}, got {k}")
    d = pairwise_distances(points, points)
    return np.partition(d, k, axis=1)[:, k]  # column 0 is the point itself, at distance 0


def coverage_share(queries: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> float:
    """Share of the queries that fall inside at least one ball (centre, radius)."""
    inside = pairwise_distances(queries, centres) <= radii[None, :]
    return float(inside.any(axis=1).mean())


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Kynkäänniemi et al.'s precision (share of fake samples inside the real
    set's k-NN balls) and recall (share of real samples inside the fake set's)."""
    precision = coverage_share(fake, real, knn_radii(real, k))
    recall = coverage_share(real, fake, knn_radii(fake, k))
    return precision, recall


@functools.lru_cache(maxsize=1)
def feature_map(n_features: int = N_FEATURES, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random Fourier feature map phi(x) = cos(W x + b): (W, b)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((2, n_features)) / FEATURE_SCALE, rng.uniform(0, 2 * np.pi, n_features)


def features(x: np.ndarray) -> np.ndarray:
    """The points seen through the fixed random feature map, one row each."""
    w, b = feature_map()
    return np.cos(x @ w + b)


def _sqrtm_psd(m: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix."""
    vals, vecs = np.linalg.eigh(m)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def frechet_gaussians(mu1, cov1, mu2, cov2) -> float:
    """Fréchet (2-Wasserstein) distance squared between N(mu1, cov1) and N(mu2, cov2):
    |mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1^1/2 cov2 cov1^1/2)^1/2)."""
    root = _sqrtm_psd(cov1)
    cross = _sqrtm_psd(root @ cov2 @ root)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(cross))


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Fréchet distance of two sample sets (rows), from their means and covariances."""
    return frechet_gaussians(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def median_nearest(points: np.ndarray, train: np.ndarray) -> float:
    """Median over the points of the distance to their nearest training point."""
    return float(np.median(pairwise_distances(points, train).min(axis=1)))


def memorisation_ratio(samples: np.ndarray, train: np.ndarray, real: np.ndarray) -> float:
    """Median distance of the samples to their nearest training point, over the
    same for fresh real points: about 1 for a model that makes new points, 0 for one that copies."""
    return median_nearest(samples, train) / median_nearest(real, train)


# The demo -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    energy: float
    frechet: float
    copy_ratio: float


@dataclass(frozen=True)
class LineUp:
    real: np.ndarray  # (n, 2) reference set
    samples: dict  # generator name -> (n, 2)
    scores: dict  # generator name -> Scores
    k: int
    n_train: int


@dataclass(frozen=True)
class _Prepared:
    """Everything that does not depend on k, computed once per (n, n_train, seed)."""

    real: np.ndarray
    samples: dict
    real_sorted: np.ndarray  # each real point's K_MAX + 1 smallest distances to the real set
    fake_sorted: dict  # the same within each generator's samples
    cross: dict  # distances, generated (rows) to real (columns)
    other: dict  # name -> (energy, frechet, copy ratio)


def _nearest_columns(d: np.ndarray) -> np.ndarray:
    """The K_MAX + 1 smallest distances of each row, ascending: all that any k <= K_MAX needs,
    found without sorting whole rows."""
    keep = min(K_MAX + 1, d.shape[1])
    return np.sort(np.partition(d, keep - 1, axis=1)[:, :keep], axis=1)


@functools.lru_cache(maxsize=4)
def _prepare(n: int, n_train: int, seed: int) -> _Prepared:
    rng = np.random.default_rng(seed)
    real, train = target_samples(n, rng), target_samples(n_train, rng)
    samples = {name: generate(name, n, train, rng) for name in GENERATORS}
    real_self = pairwise_distances(real, real)
    real_features = features(real)
    # the copy check on the first N_COPY_CHECK points only: a median needs no more
    typical = median_nearest(real[:N_COPY_CHECK], train)
    fake_sorted, cross, other = {}, {}, {}
    for name, s in samples.items():
        own = pairwise_distances(s, s)
        cross[name] = pairwise_distances(s, real)
        fake_sorted[name] = _nearest_columns(own)
        # the energy distance from the distances already at hand (same as fm.energy_distance)
        energy = 2 * cross[name].mean() - own.mean() - real_self.mean()
        other[name] = (
            float(energy),
            frechet_distance(features(s), real_features),
            median_nearest(s[:N_COPY_CHECK], train) / typical,
        )
    return _Prepared(real, samples, _nearest_columns(real_self), fake_sorted, cross, other)


def compute(k: int = 3, n: int = 400, n_train: int = 1000, seed: int = 0) -> LineUp:
    """Score the six generators; a change of k alone reuses the cached distances."""
    n, k = int(n), int(k)
    if not 1 <= k <= min(K_MAX, n - 1):
        raise ValueError(f"k must be between 1 and {min(K_MAX, n - 1)}, got {k}")
    prep = _prepare(n, int(n_train), int(seed))
    real_radii = prep.real_sorted[:, k]  # column 0 is each point itself
    scores = {}
    for name in GENERATORS:
        cross = prep.cross[name]
        precision = float((cross <= real_radii[None, :]).any(axis=1).mean())
        recall = float((cross <= prep.fake_sorted[name][:, k][:, None]).any(axis=0).mean())
        scores[name] = Scores(precision, recall, *prep.other[name])
    return LineUp(prep.real, prep.samples, scores, k, int(n_train))


def describe(result: LineUp) -> str:
    parts = [
        f"{name}: P {s.precision:.2f}, R {s.recall:.2f}, copy ratio {s.copy_ratio:.2f}"
        for name, s in result.scores.items()
    ]
    return f"k = {result.k}. " + "; ".join(parts)


def _table(result: LineUp) -> str:
    rows = [f"{'':<14}{'P':>5}{'R':>5}{'energy':>7}{'Fréchet':>8}{'copy':>6}"]
    for name, s in result.scores.items():
        rows.append(
            f"{name:<14}{s.precision:5.2f}{s.recall:5.2f}{s.energy:7.3f}{s.frechet:8.3f}{s.copy_ratio:6.2f}"
        )
    return "\n".join(rows)


def draw(result: LineUp, fig):
    narrow = fig.get_figheight() > fig.get_figwidth()
    columns = 3 if narrow else len(GENERATORS)  # on a phone the clouds take two rows of three
    cloud_rows = len(GENERATORS) // columns
    if narrow:
        grid = fig.add_gridspec(cloud_rows + 2, columns, height_ratios=(1,) * cloud_rows + (2.2, 0.9))
    else:
        grid = fig.add_gridspec(cloud_rows + 1, 5, height_ratios=(0.62, 2.2))
        clouds_grid = grid[0, :].subgridspec(1, columns)
    clouds, refs, frames = [], [], []
    for i, name in enumerate(GENERATORS):
        cell = grid[i // columns, i % columns] if narrow else clouds_grid[0, i]
        ax = fig.add_subplot(cell)
        refs.append(ax.scatter(*result.real.T, s=1, c="#bbbbbb", rasterized=True))
        cloud = ax.scatter(*result.samples[name].T, s=1, c=COLOURS[i], rasterized=True)
        ax.set(xlim=(-3, 3), ylim=(-3, 3), xticks=[], yticks=[], aspect="equal")
        ax.set_title(name, fontsize=9, color=COLOURS[i])
        clouds.append(cloud)
        frames.extend(ax.spines.values())
    pr = fig.add_subplot(grid[cloud_rows, :] if narrow else grid[1, :3])
    dots = [pr.plot([], [], "o", ms=9, color=c)[0] for c in COLOURS]
    labels = [pr.text(0, 0, name, color=c, fontsize=8) for name, c in zip(GENERATORS, COLOURS)]
    pr.set(xlim=(-0.05, 1.05), ylim=(-0.05, 1.05), xlabel="recall", ylabel="precision")
    table_ax = fig.add_subplot(grid[cloud_rows + 1, :] if narrow else grid[1, 3:])
    table_ax.axis("off")
    table = table_ax.text(0 if narrow else 0.02, 1.0 if narrow else 0.9, "", family="monospace", fontsize=6.5, va="top")
    if narrow:
        fig.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.01, hspace=0.42)
    else:
        fig.subplots_adjust(left=0.08, right=0.99, top=0.95, bottom=0.09, hspace=0.15)
    # the frames are drawn over points and labels that reach them, so they are redrawn too
    for artist in (*refs, *clouds, *dots, *labels, table, *frames, *pr.spines.values()):
        artist.set_animated(True)

    def update(result: LineUp) -> None:
        for ref, cloud, name in zip(refs, clouds, GENERATORS):
            ref.set_offsets(result.real)
            cloud.set_offsets(result.samples[name])
        for i, (dot, label, name) in enumerate(zip(dots, labels, GENERATORS)):
            s = result.scores[name]
            dot.set_data([s.recall], [s.precision])
            # labels alternate above and below their dot, so that close dots stay readable
            right = s.recall > 0.5  # the name goes on the side with room
            label.set_horizontalalignment("right" if right else "left")
            label.set_position((s.recall + (-0.04 if right else 0.04), s.precision + (0.03 if i % 2 == 0 else -0.07)))
        table.set_text(_table(result))

    update(result)
    return update
