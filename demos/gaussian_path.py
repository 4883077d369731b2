"""Four ways to say the same thing: velocity, clean data, noise and score.

On a Gaussian path x_t = alpha_t x1 + sigma_t x0 (x0 ~ N(0, I) noise, x1 data),
a network can be trained to predict any of

    u     = E[x1' alpha + x0' sigma | x_t = x]   the velocity (' is d/dt),
    x1hat = E[x1 | x_t = x]                     the clean data,
    x0hat = E[x0 | x_t = x]                     the noise,
    score = grad_x log p_t(x)                   the score.

They are tied together by two exact facts. The point itself is the average
of its decomposition, x = alpha x1hat + sigma x0hat. And the score is the
average of the Gaussian's own score given x1, -(x - alpha x1)/sigma^2 =
-x0/sigma, so score = -x0hat / sigma (Tweedie's formula). So any one of the
four gives the other three; the functions below convert, and the mixture
helpers give all four exactly for the linear path to a Gaussian mixture.
"""

from __future__ import annotations

import numpy as np

from demos import velocity_field as vf

# The path -----------------------------------------------------------------------


def linear_path(t):
    """alpha_t, sigma_t and their time derivatives for the book's straight path."""
    t = np.asarray(t, dtype=float)
    return t, 1 - t, np.ones_like(t), -np.ones_like(t)


def ddpm_path(alpha_bar):
    """DDPM's path at a step with cumulative product alpha_bar: x = sqrt(ab) data + sqrt(1 - ab) noise."""
    return np.sqrt(alpha_bar), np.sqrt(1 - alpha_bar)


def linear_time_for(alpha_bar):
    """The time t of the linear path with the same ratio of signal to noise as a
    DDPM step: t / (1 - t) = sqrt(ab / (1 - ab)). The two points differ only by
    the factor a + s = sqrt(ab) + sqrt(1 - ab): a rescaling of x, which
    neither adds nor removes information."""
    a, s = ddpm_path(alpha_bar)
    return a / (a + s)


# Conversions (any Gaussian path) ------------------------------------------------------


def x1_from_x0(x, x0hat, alpha, sigma):
    return (x - sigma * x0hat) / alpha


def x0_from_x1(x, x1hat, alpha, sigma):
    return (x - alpha * x1hat) / sigma


def score_from_x0(x0hat, sigma):
    return -x0hat / sigma


def x0_from_score(score, sigma):
    return -sigma * score


def velocity_from_x0_x1(x0hat, x1hat, d_alpha, d_sigma):
    return d_alpha * x1hat + d_sigma * x0hat


def velocity_from_x0(x, x0hat, alpha, sigma, d_alpha, d_sigma):
    return velocity_from_x0_x1(x0hat, x1_from_x0(x, x0hat, alpha, sigma), d_alpha, d_sigma)


def velocity_from_score(x, score, alpha, sigma, d_alpha, d_sigma):
    """u = (alpha'/alpha) x + sigma (alpha' sigma / alpha - sigma') score."""
    return d_alpha / alpha * x + sigma * (d_alpha * sigma / alpha - d_sigma) * score


def x0_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma):
    """Solve u = alpha' (x - sigma x0)/alpha + sigma' x0 for x0."""
    return (d_alpha * x - alpha * u) / (d_alpha * sigma - alpha * d_sigma)


def x1_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma):
    """Solve u = alpha' x1 + sigma' (x - alpha x1)/sigma for x1."""
    return (sigma * u - d_sigma * x) / (d_alpha * sigma - alpha * d_sigma)


def score_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma):
    return (alpha * u - d_alpha * x) / (sigma * (d_alpha * sigma - alpha * d_sigma))


def all_from_velocity(x, u, t):
    """x1hat, x0hat and score from the velocity on the linear path (0 < t < 1)."""
    alpha, sigma, d_alpha, d_sigma = linear_path(t)
    x0hat = x0_from_velocity(x, u, alpha, sigma, d_alpha, d_sigma)
    return x1_from_x0(x, x0hat, alpha, sigma), x0hat, score_from_x0(x0hat, sigma)


# Exact answers for a Gaussian mixture on the linear path --------------------------------


def mixture_velocity(mix: vf.Mixture, x, t: float):
    """u_t(x) in the closed form of chapter 2.1 (valid at t = 0 too, where the
    conversion from the score would divide by alpha_0 = 0)."""
    return vf.marginal_velocity(x, t, mix)


def mixture_score(mix: vf.Mixture, x, t):
    """grad log p_t(x) = sum_k pi_k(x) (t m_k - x) / v_t, straight from the mixture."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    t = np.broadcast_to(np.asarray(t, dtype=float), (len(x),))[:, None]
    var = (1 - t) ** 2 + t**2 * mix.std**2
    logits = np.log(mix.weights) - ((x[:, None, :] - t[:, :, None] * mix.means) ** 2).sum(-1) / (2 * var)
    logits -= logits.max(axis=1, keepdims=True)
    post = np.exp(logits)
    post /= post.sum(axis=1, keepdims=True)
    return (t * (post @ mix.means) - x) / var


def mixture_log_density(mix: vf.Mixture, x, t: float):
    """log p_t(x), for finite differences."""
    return vf._posterior_mean(np.atleast_2d(np.asarray(x, dtype=float)), t, mix)[2]
