"""A tiny GAN: two small networks trained against each other on 1-D data.

The data are a mixture of three Gaussians. A generator G turns Gaussian noise
z into numbers; a discriminator A scores how "real" a number looks. Both are
one-hidden-layer tanh networks trained with Adam, gradients written by hand.
How the two are balanced (learning rates, steps of A per step of G) decides
whether G learns all three modes, collapses onto one, or chases A around in
circles.
"""

from dataclasses import dataclass

import numpy as np

FIGSIZE = (7.2, 4.2)
NARROW_FIGSIZE = (3.8, 7.5)  # on a phone: the histogram above the panels over training
MODES = np.array([-3.0, 0.0, 3.0])  # centres of the three real modes
MODE_STD = 0.5  # standard deviation of each mode
HIDDEN = 16  # hidden units of each network
BATCH = 64  # real and generated samples per update
N_SNAPSHOTS = 80  # columns of the "samples over training" picture
N_PROBE = 400  # fixed noise samples used to watch G during training
N_FINAL = 2000  # generated samples in the final histogram
X_RANGE = (-6.0, 6.0)
N_BINS = 60
BETA1, BETA2, EPS = 0.5, 0.999, 1e-8  # Adam, as usual for GANs
COVER_WINDOW = 2 * MODE_STD  # a sample "belongs" to a mode within 2 std of it


@dataclass(frozen=True)
class Training:
    """What one training run produced."""

    lr_g: float
    lr_d: float
    d_steps: int
    steps: int
    final_samples: np.ndarray  # N_FINAL generated numbers after training
    snapshots: np.ndarray  # (N_SNAPSHOTS, N_PROBE) generated numbers during training
    snapshot_steps: np.ndarray  # generator step of each snapshot
    loss_d: np.ndarray  # discriminator loss per generator step
    loss_g: np.ndarray  # generator loss per generator step

    @property
    def mode_shares(self) -> np.ndarray:
        """Share of the final samples near each real mode."""
        return mode_shares(self.final_samples)

    @property
    def modes_covered(self) -> int:
        """Modes holding at least 15 % of the final samples."""
        return int(np.sum(self.mode_shares >= 0.15))

    @property
    def swing(self) -> float:
        """How much any mode's share moved over the second half of training (0 to 1)."""
        shares = np.array([mode_shares(s) for s in self.snapshots[len(self.snapshots) // 2 :]])
        return float(np.max(shares.max(axis=0) - shares.min(axis=0)))

    @property
    def verdict(self) -> str:
        """A plain-words reading of the run."""
        if self.swing >= 0.6:
            return "oscillating"
        if self.modes_covered == 3:
            return "all three modes"
        if self.modes_covered == 1 and self.mode_shares.max() >= 0.8:
            return "mode collapse"
        return f"{self.modes_covered} of 3 modes"


# Functions ------------------------------------------------------------------



def _adam_step(params: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int, lr: float) -> None:
    """Adam step number t (from 1), in place: each weight moves by its gradient
    scaled by a running estimate of that gradient's size."""
    m *= BETA1
    m += (1 - BETA1) * grad
    v *= BETA2
    v += (1 - BETA2) * grad * grad
    params -= (lr * np.sqrt(1 - BETA2**t) / (1 - BETA1**t)) * m / (np.sqrt(v) + EPS)

def _init_network(rng: np.random.Generator) -> np.ndarray:
    """A fresh network's parameters in one flat vector, so Adam is a few
    whole-array operations: [W1 (H), b1 (H), W2 (H), b2 (1)]."""
    H = HIDDEN
    p = np.zeros(3 * H + 1)
    p[:H] = rng.normal(0, 1.0, H)
    p[H : 2 * H] = rng.normal(0, 0.5, H)
    p[2 * H : 3 * H] = rng.normal(0, 1 / np.sqrt(H), H)
    return p


def _discriminator_logit(d: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A's output before the sigmoid (its log-odds that x is real), for a 1-D array x."""
    H = HIDDEN
    return np.tanh(x[:, None] * d[:H] + d[H : 2 * H]) @ d[2 * H : 3 * H] + d[3 * H]


def _discriminator_gradient(d: np.ndarray, x: np.ndarray, sign: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Gradient of A's log loss on the batch x (shape (n, 1); sign -1 for real,
    +1 for generated; equal halves) into grad; returns exp(sign * logit)."""
    H, half = HIDDEN, len(sign) // 2
    a = np.tanh(x * d[:H] + d[H : 2 * H])
    e = np.exp(sign * (a @ d[2 * H : 3 * H] + d[3 * H]))
    dlogit = sign * e / (1 + e) / half
    grad[2 * H : 3 * H] = dlogit @ a
    grad[3 * H] = dlogit.sum()
    da = dlogit[:, None] * d[2 * H : 3 * H] * (1 - a * a)
    grad[:H] = x[:, 0] @ da
    grad[H : 2 * H] = da.sum(axis=0)
    return e


def fresh_discriminator_accuracy(generated: np.ndarray, steps: int = 4000, lr: float = 0.01, seed: int = 0) -> float:
    """Train a new discriminator of the game's size (same network, loss and
    Adam) on half of `generated` against as many real samples, each step on
    the whole training half, and return its accuracy on the other half (0.5 is
    a coin toss)."""
    rng = np.random.default_rng(seed)
    generated = rng.permutation(np.asarray(generated, dtype=float))
    n = len(generated) // 2
    fake_train, fake_test = generated[:n], generated[n : 2 * n]
    real_train, real_test = sample_real(rng, n), sample_real(rng, n)
    x = np.r_[real_train, fake_train][:, None]
    sign = np.r_[-np.ones(n), np.ones(n)]  # -1 real, +1 generated, as in the game
    d, grad = _init_network(rng), np.zeros(3 * HIDDEN + 1)
    m, v = np.zeros_like(d), np.zeros_like(d)
    for t in range(1, steps + 1):
        _discriminator_gradient(d, x, sign, grad)
        _adam_step(d, grad, m, v, t, lr)
    correct = np.r_[_discriminator_logit(d, real_test) > 0, _discriminator_logit(d, fake_test) <= 0]
    return float(correct.mean())


def mode_shares(samples: np.ndarray) -> np.ndarray:
    """Share of samples within COVER_WINDOW of each real mode."""
    near = np.abs(np.asarray(samples)[:, None] - MODES) < COVER_WINDOW
    return near.mean(axis=0)


def real_density(x: np.ndarray) -> np.ndarray:
    """Density of the real data: an equal mixture of three Gaussians."""
    z = (np.asarray(x)[:, None] - MODES) / MODE_STD
    return np.exp(-0.5 * z**2).mean(axis=1) / (MODE_STD * np.sqrt(2 * np.pi))


def sample_real(rng: np.random.Generator, shape) -> np.ndarray:
    """Draw real data of the given shape."""
    which = rng.integers(0, len(MODES), size=shape)
    return MODES[which] + MODE_STD * rng.standard_normal(shape)


def compute(lr_g: float = 0.03, lr_d: float = 0.01, d_steps: int = 1, steps: int = 1000, seed: int = 0) -> Training:
    """Train G and A for `steps` generator updates, each after `d_steps` A updates."""
    lr_g, lr_d, d_steps, steps = float(lr_g), float(lr_d), int(d_steps), int(steps)
    for name, lr in (("lr_g", lr_g), ("lr_d", lr_d)):
        if not 0 < lr <= 1:
            raise ValueError(f"{name} must be in (0, 1], got {lr}")
    if not 1 <= d_steps <= 10:
        raise ValueError(f"d_steps must be between 1 and 10, got {d_steps}")
    if not 20 <= steps <= 5000:
        raise ValueError(f"steps must be between 20 and 5000, got {steps}")
    rng = np.random.default_rng(seed)
    H, B = HIDDEN, BATCH

    g, d = _init_network(rng), _init_network(rng)
    gW1, gb1, gW2, gb2 = g[:H], g[H : 2 * H], g[2 * H : 3 * H], g[3 * H :]
    dW1, db1, dW2, db2 = d[:H], d[H : 2 * H], d[2 * H : 3 * H], d[3 * H :]
    grad_g, grad_d = np.zeros_like(g), np.zeros_like(d)
    m_g, v_g, m_d, v_d = (np.zeros_like(g) for _ in range(4))

    # All randomness drawn up front: cheaper than many small draws.
    z_d = rng.standard_normal((steps, d_steps * B, 1))
    z_g = rng.standard_normal((steps, B, 1))
    real = sample_real(rng, (steps, d_steps, B))
    z_probe = rng.standard_normal((N_PROBE, 1))
    z_final = rng.standard_normal((N_FINAL, 1))

    snapshot_steps = np.unique(np.linspace(0, steps - 1, N_SNAPSHOTS).astype(np.int32))
    take = np.zeros(steps, dtype=bool)
    take[snapshot_steps] = True
    snapshots = np.empty((len(snapshot_steps), N_PROBE))
    loss_d, loss_g = np.empty(steps), np.empty(steps)
    x = np.empty((2 * B, 1))
    # A's loss is log(1 + exp(sign * logit)): sign -1 for real, +1 for generated.
    sign = np.r_[-np.ones(B), np.ones(B)]
    t_d = t_g = 0
    n_snap = 0

    for step in range(steps):
        # --- d_steps updates of the discriminator A (G fixed) ---
        fake = np.tanh(z_d[step] * gW1 + gb1) @ gW2 + gb2[0]
        for j in range(d_steps):
            x[:B, 0] = real[step, j]
            x[B:, 0] = fake[j * B : (j + 1) * B]
            e = _discriminator_gradient(d, x, sign, grad_d)
            t_d += 1
            _adam_step(d, grad_d, m_d, v_d, t_d, lr_d)
        loss_d[step] = np.log1p(e).sum() / B  # -mean log A(real) - mean log(1 - A(fake))

        # --- one update of the generator G (A fixed), non-saturating loss ---
        z = z_g[step]
        h = np.tanh(z * gW1 + gb1)
        xg = h @ gW2 + gb2[0]
        a = np.tanh(xg[:, None] * dW1 + db1)
        e = np.exp(-(a @ dW2 + db2[0]))
        loss_g[step] = np.log1p(e).mean()  # -mean log A(G(z))
        dlogit = -e / (1 + e) / B
        dx = ((1 - a * a) * (dW2 * dW1) * dlogit[:, None]).sum(axis=1)
        grad_g[2 * H : 3 * H] = dx @ h
        grad_g[3 * H] = dx.sum()
        dh = dx[:, None] * gW2 * (1 - h * h)
        grad_g[:H] = z[:, 0] @ dh
        grad_g[H : 2 * H] = dh.sum(axis=0)
        t_g += 1
        _adam_step(g, grad_g, m_g, v_g, t_g, lr_g)

        if take[step]:
            snapshots[n_snap] = np.tanh(z_probe * gW1 + gb1) @ gW2 + gb2[0]
            n_snap += 1

    final = np.tanh(z_final * gW1 + gb1) @ gW2 + gb2[0]
    return Training(lr_g, lr_d, d_steps, steps, final, snapshots, snapshot_steps, loss_d, loss_g)


def describe(run: Training) -> str:
    """A one-line readout, also used as the figure's text alternative."""
    shares = ", ".join(f"{m:+.0f}: {s:.0%}" for m, s in zip(MODES, run.mode_shares))
    tail = max(1, run.steps // 10)
    return (
        f"{run.steps} generator steps, {run.d_steps} discriminator step(s) each, "
        f"learning rates G {run.lr_g:g} / A {run.lr_d:g}: {run.verdict}. "
        f"Share of generated samples near each mode {shares}. "
        f"Final losses A {run.loss_d[-tail:].mean():.2f}, G {run.loss_g[-tail:].mean():.2f}."
    )


# Drawing --------------------------------------------------------------------


def _smooth(y: np.ndarray, width: int) -> np.ndarray:
    """Moving average (same length), to make the loss curves readable."""
    if width <= 1:
        return y
    kernel = np.ones(width) / width
    padded = np.r_[np.full(width - 1, y[0]), y]
    return np.convolve(padded, kernel, mode="valid")


def _heat(run: Training) -> np.ndarray:
    """Histogram of the generated samples at each snapshot, one column each."""
    edges = np.linspace(*X_RANGE, N_BINS + 1)
    idx = np.clip(((run.snapshots - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0]) * N_BINS).astype(np.int32), 0, N_BINS - 1)
    inside = (run.snapshots >= edges[0]) & (run.snapshots <= edges[-1])
    counts = np.zeros((len(run.snapshots), N_BINS))
    rows = np.broadcast_to(np.arange(len(run.snapshots), dtype=np.int32)[:, None], idx.shape)
    np.add.at(counts, (rows[inside], idx[inside]), 1.0)
    counts /= np.maximum(counts.max(axis=1, keepdims=True), 1.0)
    return counts.T


def draw(run: Training, fig):
    """Final histogram, samples over training, and both losses; return an updater."""
    if fig.get_figheight() > fig.get_figwidth():  # a phone's figure: one column, histogram on top
        grid = fig.add_gridspec(2, 1, height_ratios=(1.3, 2.15))
        over_training = grid[1].subgridspec(2, 1, height_ratios=(1.15, 1), hspace=0.1)
        ax_hist = fig.add_subplot(grid[0])
        ax_heat = fig.add_subplot(over_training[0])
        ax_loss = fig.add_subplot(over_training[1])
    else:
        grid = fig.add_gridspec(2, 2, width_ratios=(1, 1.25), height_ratios=(1.15, 1))
        ax_hist = fig.add_subplot(grid[:, 0])
        ax_heat = fig.add_subplot(grid[0, 1])
        ax_loss = fig.add_subplot(grid[1, 1])

    xs = np.linspace(*X_RANGE, 400)
    edges = np.linspace(*X_RANGE, N_BINS + 1)
    width = edges[1] - edges[0]
    bars = ax_hist.bar(edges[:-1], np.zeros(N_BINS), width=width, align="edge", color="#5c6bc0", alpha=0.75, label="generated by G")
    ax_hist.plot(xs, real_density(xs), color="#e65100", linewidth=2, label="real data")
    ax_hist.set_xlim(*X_RANGE)
    ax_hist.set_xlabel("x")
    ax_hist.set_ylabel("density")
    ax_hist.legend(loc="upper left", frameon=False, fontsize=8)
    title = ax_hist.set_title("", fontsize=10)

    image = ax_heat.imshow(
        _heat(run), origin="lower", aspect="auto", cmap="Purples", vmin=0, vmax=1,
        extent=(0, run.steps, *X_RANGE), interpolation="nearest",
    )
    for m in MODES:
        ax_heat.axhline(m, color="#e65100", linewidth=0.8, linestyle="--")
    ax_heat.set_ylabel("G's samples x", fontsize=9)
    ax_heat.set_title("what G produces during training", fontsize=10)
    ax_heat.tick_params(labelbottom=False, labelsize=8)

    (line_d,) = ax_loss.plot([], [], color="#00897b", linewidth=1.2, label="A (discriminator)")
    (line_g,) = ax_loss.plot([], [], color="#5c6bc0", linewidth=1.2, label="G (generator)")
    ax_loss.axhline(2 * np.log(2), color="#00897b", linewidth=0.8, linestyle=":")
    ax_loss.axhline(np.log(2), color="#5c6bc0", linewidth=0.8, linestyle=":")
    ax_loss.set_xlabel("generator step")
    ax_loss.set_ylabel("loss", fontsize=9)
    ax_loss.tick_params(labelsize=8)
    ax_loss.legend(loc="upper right", frameon=False, fontsize=7, ncol=2)

    def update(run: Training) -> None:
        density, _ = np.histogram(run.final_samples, bins=edges, density=True)
        top = real_density(xs).max()
        for bar, h in zip(bars, density):
            bar.set_height(h)
        # headroom: a collapsed G's one tall bar stays below the legend
        ax_hist.set_ylim(0, 1.3 * max(top, min(density.max(), 4 * top)))
        title.set_text(f"after training: {run.verdict}")
        image.set_data(_heat(run))
        image.set_extent((0, run.steps, *X_RANGE))
        steps = np.arange(1, run.steps + 1)
        w = max(1, run.steps // 50)
        sd, sg = _smooth(run.loss_d, w), _smooth(run.loss_g, w)
        line_d.set_data(steps, sd)
        line_g.set_data(steps, sg)
        ax_loss.set_xlim(0, run.steps)
        ax_loss.set_ylim(0, max(2.0, 1.1 * min(float(max(sd.max(), sg.max())), 8.0)))

    update(run)
    fig.tight_layout(pad=0.6)
    return update
