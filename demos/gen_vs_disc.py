"""One data set, two kinds of model.

Two classes of points in the plane. A discriminative model (logistic
regression) learns only where the border between the classes runs. A
generative model (one Gaussian per class, mean and covariance fitted to the
points) learns what each class looks like, so it can draw new points that
were never in the data.
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 3.5)
NARROW_FIGSIZE = (3.8, 6.6)  # on a phone: one panel above the other
LIMIT = 6.0  # both panels show [-LIMIT, LIMIT]^2
GD_STEPS = 300
GD_RATE = 0.5
GRID = 60  # resolution of the classifier's probability shading
COLOURS = ("#3949ab", "#e65100")
# True shapes of the two classes (covariances); the means depend on separation.
COVARIANCES = (np.array([[1.0, 0.6], [0.6, 1.0]]), np.array([[0.6, -0.3], [-0.3, 1.4]]))


@dataclass(frozen=True)
class Models:
    """The data and both models fitted to it."""

    points: np.ndarray  # (2n, 2) training points
    labels: np.ndarray  # (2n,) 0 or 1
    true_means: np.ndarray  # (2, 2)
    weights: np.ndarray  # logistic regression: w1, w2, bias
    accuracy: float  # classifier's accuracy on the training points
    means: np.ndarray  # (2, 2) fitted class means
    covariances: np.ndarray  # (2, 2, 2) fitted class covariances
    samples: np.ndarray  # (2m, 2) new points drawn from the fitted Gaussians
    sample_labels: np.ndarray  # (2m,)

    def probability(self, xy: np.ndarray) -> np.ndarray:
        """The classifier's probability of class 1 at points xy (..., 2)."""
        w = self.weights
        return 1 / (1 + np.exp(-(xy[..., 0] * w[0] + xy[..., 1] * w[1] + w[2])))


# Functions ------------------------------------------------------------------


def fit_logistic(points: np.ndarray, labels: np.ndarray, steps: int = GD_STEPS, rate: float = GD_RATE) -> np.ndarray:
    """Logistic regression by plain gradient descent on the mean log loss."""
    X = np.c_[points, np.ones(len(points))]
    w = np.zeros(3)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w)))
        w -= rate * (X.T @ (p - labels)) / len(labels)
    return w


def fit_gaussian(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood mean and covariance of a cloud of points."""
    mean = points.mean(axis=0)
    centred = points - mean
    return mean, centred.T @ centred / len(points)


def compute(separation: float = 3.0, n_points: int = 100, n_samples: int = 100, seed: int = 0) -> Models:
    """Draw two classes, fit both models, sample new points from the generative one."""
    separation, n_points, n_samples = float(separation), int(n_points), int(n_samples)
    if not 0 <= separation <= 8:
        raise ValueError(f"separation must be between 0 and 8, got {separation}")
    if not 5 <= n_points <= 1000:
        raise ValueError(f"n_points (per class) must be between 5 and 1000, got {n_points}")
    if not 1 <= n_samples <= 1000:
        raise ValueError(f"n_samples (per class) must be between 1 and 1000, got {n_samples}")
    rng = np.random.default_rng(seed)
    true_means = np.array([[-separation / 2, 0.0], [separation / 2, 0.0]])
    clouds = [rng.multivariate_normal(m, c, size=n_points) for m, c in zip(true_means, COVARIANCES)]
    points = np.concatenate(clouds)
    labels = np.repeat([0.0, 1.0], n_points)

    weights = fit_logistic(points, labels)
    predicted = (points @ weights[:2] + weights[2]) > 0
    accuracy = float(np.mean(predicted == (labels == 1)))

    fits = [fit_gaussian(c) for c in clouds]
    means = np.array([m for m, _ in fits])
    covariances = np.array([c for _, c in fits])
    # Sampling a Gaussian: mean + L z with L L^T = covariance, z standard normal.
    samples = np.concatenate(
        [m + rng.standard_normal((n_samples, 2)) @ np.linalg.cholesky(c + 1e-9 * np.eye(2)).T for m, c in fits]
    )
    sample_labels = np.repeat([0.0, 1.0], n_samples)
    return Models(points, labels, true_means, weights, accuracy, means, covariances, samples, sample_labels)


def describe(m: Models) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    w = m.weights
    return (
        f"Classifier: logistic regression, boundary {w[0]:.2f}·x₁ {w[1]:+.2f}·x₂ {w[2]:+.2f} = 0, "
        f"training accuracy {m.accuracy:.0%}. Generative model: {len(m.samples)} new points sampled from "
        f"Gaussians fitted to each class, fitted means ({m.means[0, 0]:.2f}, {m.means[0, 1]:.2f}) "
        f"and ({m.means[1, 0]:.2f}, {m.means[1, 1]:.2f})."
    )


# Drawing --------------------------------------------------------------------


def _ellipse(mean: np.ndarray, cov: np.ndarray, k: float = 2.0) -> np.ndarray:
    """Points on the k-standard-deviation ellipse of a Gaussian."""
    angle = np.linspace(0, 2 * np.pi, 80)
    circle = np.c_[np.cos(angle), np.sin(angle)]
    values, vectors = np.linalg.eigh(cov)
    return mean + k * (circle * np.sqrt(np.maximum(values, 0))) @ vectors.T


def _boundary(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two ends of the line w1 x + w2 y + b = 0 across the panel."""
    if abs(w[1]) > abs(w[0]):
        xs = np.array([-LIMIT, LIMIT])
        return xs, -(w[0] * xs + w[2]) / w[1]
    if abs(w[0]) < 1e-12:
        return np.array([np.nan, np.nan]), np.array([np.nan, np.nan])
    ys = np.array([-LIMIT, LIMIT])
    return -(w[1] * ys + w[2]) / w[0], ys


def draw(m: Models, fig):
    """Classifier on the left (above, in a tall figure), generative samples on the right; return an updater."""
    rows, columns = (2, 1) if fig.get_figheight() > fig.get_figwidth() else (1, 2)
    ax_d = fig.add_subplot(rows, columns, 1)
    ax_g = fig.add_subplot(rows, columns, 2)
    axis = np.linspace(-LIMIT, LIMIT, GRID)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1)
    shade = ax_d.imshow(
        m.probability(grid), origin="lower", extent=(-LIMIT, LIMIT, -LIMIT, LIMIT),
        cmap="PuOr_r", vmin=0, vmax=1, alpha=0.35, interpolation="bilinear",
    )
    data_d = ax_d.scatter(m.points[:, 0], m.points[:, 1], s=9, c=[COLOURS[int(l)] for l in m.labels])
    (boundary,) = ax_d.plot(*_boundary(m.weights), color="black", linewidth=1.8, label="decision boundary")
    ax_d.set_title("discriminative: which class?", fontsize=10)
    ax_d.legend(loc="lower left", frameon=False, fontsize=8)

    data_g = ax_g.scatter(m.points[:, 0], m.points[:, 1], s=9, c="#bdbdbd", label="training data")
    new_g = ax_g.scatter(m.samples[:, 0], m.samples[:, 1], s=12, marker="x", linewidths=1,
                         c=[COLOURS[int(l)] for l in m.sample_labels], label="new samples")
    ellipses = [ax_g.plot(*_ellipse(mu, c).T, color=col, linewidth=1.5)[0] for mu, c, col in zip(m.means, m.covariances, COLOURS)]
    ax_g.set_title("generative: new points per class", fontsize=10)
    ax_g.legend(loc="lower left", frameon=False, fontsize=8)
    for ax in (ax_d, ax_g):
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    # What the sliders change, inside both frames, with what is drawn over it (legends,
    # frames); the axes, titles and labels are drawn once ("Sliders that keep up")
    inside = (shade, data_d, boundary, data_g, new_g, *ellipses, ax_d.get_legend(), ax_g.get_legend())
    for artist in (*inside, *ax_d.spines.values(), *ax_g.spines.values()):
        artist.set_animated(True)

    def update(m: Models) -> None:
        shade.set_data(m.probability(grid))
        colours = [COLOURS[int(l)] for l in m.labels]
        data_d.set_offsets(m.points)
        data_d.set_facecolors(colours)
        boundary.set_data(*_boundary(m.weights))
        data_g.set_offsets(m.points)
        new_g.set_offsets(m.samples)
        new_g.set_facecolors([COLOURS[int(l)] for l in m.sample_labels])
        new_g.set_edgecolors([COLOURS[int(l)] for l in m.sample_labels])
        for line, mu, c in zip(ellipses, m.means, m.covariances):
            line.set_data(*_ellipse(mu, c).T)

    fig.tight_layout(pad=0.8)
    return update
