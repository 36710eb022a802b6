"""Conditional (binomial) and unconditional (E-test) exact methods for two Poisson rates.

Re-exported by :mod:`ivigstats.stats.counts`; see docs/methods/counts.md. Given the total
``n = x1 + x2``, the first arm's count is ``X ~ Bin(n, pi)`` with
``pi = RR t1 / (RR t1 + t2)``, so a limit ``pi`` for the binomial parameter is the rate-ratio
limit ``RR = pi / (1 - pi) * t2 / t1``. Everything is vectorised over rows: the minlike P
counts tail points by bisection over integers (the binomial pmf is monotone on each side of
the mean), mid-p limits are found by safeguarded Newton steps on ``logit(pi)`` inside the
Clopper-Pearson interval, and the E-test sums over the first arm's counts with the second arm's rejection set
in closed form (the score statistic is monotone in ``x2``), in blocks of at most ``BLOCK`` cells.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_LOG_REL_ERR = np.log1p(1e-7)  # R binom.test: probabilities within a relative 1e-7 are ties
BLOCK = 1 << 22
_ETEST_EPS = 1e-20  # statsmodels' etest_poisson_2indep: (x1 - x2 u) / sqrt((x1 + x2) u + eps)
_ETEST_TIE = 1e-15  # statsmodels: |T| >= |T_obs| - 1e-15 counts as "as extreme"
_ETEST_SPAN = 40.0  # E-test sum over k1 within mean +- 40 sd + 50 (and around the observed x1)


def binom_logpmf(k, n, p):
    """``log P(X = k)`` for ``X ~ Bin(n, p)`` (0 * log 0 taken as 0)."""
    return (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
            + special.xlogy(k, p) + special.xlog1py(n - k, -p))


def _cdf(k, n, p):
    """``P(X <= k)``, 0 for ``k < 0`` and 1 for ``k >= n``."""
    return np.where(k < 0, 0.0, special.bdtr(np.clip(k, 0, n), n.astype(np.int64), p))


def _sf(k, n, p):
    """``P(X > k)``, 1 for ``k < 0`` and 0 for ``k >= n``."""
    return np.where(k < 0, 1.0, special.bdtrc(np.clip(k, 0, n), n.astype(np.int64), p))


def minlike_p(x, n, p):
    """Two-sided binomial P as R's ``binom.test``: sum of P(i) <= P(x) * (1 + 1e-7).

    R counts the points on the far side of the mean ``m = n p`` whose probability is at most
    the observed one; the pmf is monotone there, so the count is found by bisection.
    """
    m = n * p
    below = x < m
    log_obs = binom_logpmf(x, n, p)

    def tie_or_less(i):
        return binom_logpmf(i, n, p) - log_obs <= _LOG_REL_ERR

    # x < m: first i in [ceil(m), n] with P(i) <= P(x) (n + 1 when none);
    # x > m: last i in [0, floor(m)] with P(i) <= P(x) (-1 when none), searched as a first
    # "not tie_or_less" index minus one.
    lo = np.where(below, np.ceil(m), 0.0)
    hi = np.where(below, n + 1, np.floor(m) + 1)
    while np.any(lo < hi):
        mid = np.floor((lo + hi) / 2)
        hit = tie_or_less(np.minimum(mid, n))
        go_left = np.where(below, hit, ~hit) & (lo < hi)
        hi = np.where(go_left, mid, hi)
        lo = np.where(~go_left & (lo < hi), mid + 1, lo)
    with np.errstate(invalid="ignore"):
        p_below = _cdf(x, n, p) + _sf(lo - 1, n, p)
        p_above = _cdf(lo - 1, n, p) + _sf(x - 1, n, p)
    return np.where(x == m, 1.0, np.minimum(1.0, np.where(below, p_below, p_above)))


def clopper_pearson(x, n, alpha):
    """Exact binomial limits as ``(low, 1 - low, high, 1 - high)`` (complements kept exact)."""
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, special.betaincinv(x, n - x + 1, alpha / 2), 0.0)
        low_c = np.where(x > 0, special.betaincinv(n - x + 1, x, 1 - alpha / 2), 1.0)
        high = np.where(x < n, special.betaincinv(x + 1, n - x, 1 - alpha / 2), 1.0)
        high_c = np.where(x < n, special.betaincinv(n - x, x + 1, alpha / 2), 0.0)
    return low, low_c, high, high_c


def odds_to_ratio(pi, pi_c, time1, time2):
    """Rate ratio ``pi / (1 - pi) * t2 / t1`` (infinite when ``1 - pi`` is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pi_c == 0, np.inf, pi / pi_c * time2 / time1)


def mid_p_tails(x, n, p):
    """``(P(X < x) + P(X = x)/2, P(X > x) + P(X = x)/2)`` under ``Bin(n, p)``."""
    half = 0.5 * np.exp(binom_logpmf(x, n, p))
    return _cdf(x - 1, n, p) + half, _sf(x, n, p) + half


def mid_p_root(x, n, target, upper, lo, hi, iterations=200):
    """``logit(pi)`` where the mid-p upper tail (``upper``) or lower tail equals ``target``.

    The upper tail ``U = P(X > x) + P(X = x)/2`` increases and the lower tail ``L = 1 - U``
    decreases in ``pi``; ``lo``/``hi`` bracket the root on the logit scale. Newton steps with
    ``dU/dlogit(pi) = n/2 [b(x; n-1, pi) + b(x-1; n-1, pi)] pi (1 - pi)``, kept inside the
    shrinking bracket (bisection when a step leaves it); only unconverged rows are evaluated.
    """
    theta = 0.5 * (lo + hi)
    rows = np.arange(x.size)
    for _ in range(iterations):
        if rows.size == 0:
            break
        xr, nr, th = x[rows], n[rows], theta[rows]
        pi = special.expit(th)
        below, above = mid_p_tails(xr, nr, pi)
        value = above - target if upper else target - below
        lo[rows] = np.where(value < 0, th, lo[rows])
        hi[rows] = np.where(value > 0, th, hi[rows])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            slope = 0.5 * nr * (np.exp(binom_logpmf(xr, nr - 1, pi))
                                + np.exp(binom_logpmf(xr - 1, nr - 1, pi))) * pi * (1 - pi)
            new = th - value / slope
        inside = np.isfinite(new) & (new > lo[rows]) & (new < hi[rows])
        new = np.where(inside, new, 0.5 * (lo[rows] + hi[rows]))
        theta[rows] = np.where(value == 0, th, new)
        tol = 4e-16 * np.maximum(1.0, np.abs(new))
        done = (value == 0) | (np.abs(new - th) <= tol) | (hi[rows] - lo[rows] <= tol)
        rows = rows[~done]
    return theta


def _etest_stat(k1, k2, u):
    return (k1 - k2 * u) / np.sqrt((k1 + k2) * u + _ETEST_EPS)


def _poisson_logpmf(k, mu):
    return special.xlogy(k, mu) - mu - special.gammaln(k + 1)


def etest_p(x1, time1, x2, time2):
    """Two-sided E-test P (Krishnamoorthy & Thomson 2004) with the score statistic.

    ``P = sum_k1 Pois(k1; mu1) [P(K2 <= b(k1)) + P(K2 >= c(k1))]``, where ``mu_i = n t_i/(t1+t2)``
    are the null means (conditional MLE), and ``b``/``c`` bound the ``k2`` with
    ``T(k1, k2) >= |T_obs|`` / ``<= -|T_obs|`` (``T`` decreases in ``k2``; the bounds solve a
    quadratic in ``sqrt(k1 + k2)`` and are then checked against ``T`` itself, so ties follow
    statsmodels' rule ``|T| >= |T_obs| - 1e-15``). Returns ``(T_obs, P)``.
    """
    u = time1 / time2
    total = x1 + x2
    mu1, mu2 = total * time1 / (time1 + time2), total * time2 / (time1 + time2)
    t_obs = _etest_stat(x1, x2, u)
    crit = np.abs(t_obs) - _ETEST_TIE
    centre = np.maximum(mu1, x1)
    spread = _ETEST_SPAN * np.sqrt(centre) + 50
    start = np.maximum(0.0, np.floor(np.minimum(mu1, x1) - spread))
    width = (np.ceil(centre + spread) - start + 1).astype(np.int64)
    p = np.ones_like(x1)
    active = np.flatnonzero(crit > 0)
    order = active[np.argsort(width[active], kind="stable")]
    begin = 0
    while begin < order.size:  # blocks of rows whose padded grid holds <= BLOCK cells
        cost = np.arange(1, order.size - begin + 1) * width[order[begin:]]
        end = begin + max(1, int(np.searchsorted(cost, BLOCK, side="right")))
        rows, begin = order[begin:end], end
        w = int(width[rows].max())
        k1 = start[rows, None] + np.arange(w, dtype=float)
        valid = np.arange(w) < width[rows, None]
        uu, cc, m2 = u[rows, None], crit[rows, None], mu2[rows, None]
        p[rows] = _etest_block(k1, valid, uu, cc, m2, mu1[rows, None])
    return t_obs, np.minimum(p, 1.0)


def _etest_block(k1, valid, uu, cc, m2, m1):
    """E-test P of one block: rows of padded ``k1`` grids (``valid`` marks real cells)."""
    with np.errstate(invalid="ignore"):
        root = np.sqrt(cc * cc * uu + 4 * uu * k1 * (1 + uu))
        high = np.floor(((-cc * np.sqrt(uu) + root) / (2 * uu)) ** 2 - k1)
        low = np.ceil(((cc * np.sqrt(uu) + root) / (2 * uu)) ** 2 - k1)
        for _ in range(2):  # settle rounding at the boundaries on the statistic itself
            high = np.where(_etest_stat(k1, high + 1, uu) >= cc, high + 1, high)
            high = np.where((high >= 0) & (_etest_stat(k1, np.maximum(high, 0), uu) < cc),
                            high - 1, high)
            low = np.maximum(low, 0)
            low = np.where(_etest_stat(k1, low, uu) > -cc, low + 1, low)
            low = np.where((low > 0) & (_etest_stat(k1, low - 1, uu) <= -cc), low - 1, low)
        upper_region = np.where(high >= 0, special.pdtr(np.maximum(high, 0), m2), 0.0)
        lower_region = np.where(low > 0, special.pdtrc(np.maximum(low - 1, 0), m2), 1.0)
        weight = np.exp(_poisson_logpmf(k1, m1))
        return np.where(valid, weight * (upper_region + lower_region), 0.0).sum(axis=1)
