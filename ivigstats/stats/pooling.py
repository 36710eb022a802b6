"""Meta-analysis of per-study effects, as R's metafor computes it.

Inverse-variance fixed effect; random effects with the DerSimonian-Laird or REML estimate of
tau^2, optionally with the Hartung-Knapp(-Sidik-Jonkman) adjustment; heterogeneity (Cochran's Q, I^2 with its Q-profile interval, tau^2) and the prediction
interval. Vectorised over the k studies of one meta-analysis. Effects of ratio measures are
pooled on the log scale (``yi = log ratio``); the caller exponentiates. Mantel-Haenszel and
Peto pooling of 2x2 tables: :mod:`ivigstats.stats.pooling_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

METHODS = ("fixed_effect", "dersimonian_laird", "reml")


@dataclass(frozen=True)
class Pooled:
    """One pooled estimate (on the analysis scale: log for ratios).

    ``df`` is NaN for normal-theory intervals and ``k - 1`` with Hartung-Knapp. ``tau2`` is 0
    for the fixed-effect model. ``pi_low``/``pi_high`` bound the prediction interval (equal to
    the CI for the fixed-effect model). ``weights`` are percentages summing to 100. ``i2`` and
    ``h2`` are metafor's: from Q for the fixed-effect model, ``100 tau2 / (tau2 + s2)`` with
    the typical within-study variance ``s2`` for random effects.
    """

    method: str
    hartung_knapp: bool
    conf_level: float
    k: int
    estimate: float
    std_error: float
    conf_low: float
    conf_high: float
    statistic: float
    df: float
    p_value: float
    tau2: float
    i2: float
    h2: float
    pi_low: float
    pi_high: float
    weights: np.ndarray


@dataclass(frozen=True)
class Heterogeneity:
    """Cochran's Q test, I^2 from Q, and the Q-profile intervals of tau^2 and I^2."""

    k: int
    q: float
    df: int
    p_value: float
    i2: float
    h2: float
    conf_level: float
    tau2_low: float
    tau2_high: float
    i2_low: float
    i2_high: float


def _z(level: float) -> float:
    return float(special.ndtri(0.5 + level / 2))


def _arrays(yi, vi):
    yi = np.asarray(yi, dtype=float).ravel()
    vi = np.asarray(vi, dtype=float).ravel()
    if yi.shape != vi.shape or yi.size == 0:
        raise ValueError("yi and vi must be non-empty and of equal length")
    if not (np.all(np.isfinite(yi)) and np.all(np.isfinite(vi)) and np.all(vi > 0)):
        raise ValueError("yi must be finite and vi finite and > 0")
    return yi, vi


def cochran_q(yi, vi, tau2: float = 0.0) -> float:
    """Generalised Q: ``sum w_i (y_i - mu_w)^2`` with ``w_i = 1 / (v_i + tau2)``.

    ``tau2 = 0`` gives Cochran's Q (Cochran WG. Biometrics 1954;10:101-129).
    """
    w = 1.0 / (np.asarray(vi, float) + tau2)
    mu = np.sum(w * yi) / np.sum(w)
    return float(np.sum(w * (np.asarray(yi, float) - mu) ** 2))


def typical_variance(vi) -> float:
    """Higgins & Thompson's typical within-study variance ``(k-1) sum w / ((sum w)^2 - sum w^2)``."""
    w = 1.0 / np.asarray(vi, float)
    return float((w.size - 1) * w.sum() / (w.sum() ** 2 - np.sum(w ** 2)))


def tau2_dersimonian_laird(yi, vi) -> float:
    """DerSimonian-Laird moment estimate ``max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w))``.

    References
    ----------
    .. [1] DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials
       1986;7:177-188.

    Examples
    --------
    >>> round(tau2_dersimonian_laird([0.1, 0.5, -0.2], [0.04, 0.05, 0.03]), 6)
    0.08125
    """
    yi, vi = _arrays(yi, vi)
    if yi.size < 2:
        return 0.0
    w = 1.0 / vi
    q = cochran_q(yi, vi)
    return float(max(0.0, (q - (yi.size - 1)) / (w.sum() - np.sum(w ** 2) / w.sum())))


def tau2_reml(yi, vi, tol: float = 1e-12, max_iter: int = 1000) -> float:
    """Restricted maximum-likelihood tau^2 by Fisher scoring, truncated at 0 (as metafor).

    Notes
    -----
    With ``w_i = 1/(v_i + tau2)`` and ``P = W - w w' / sum w``, each step adds
    ``(y'PPy - tr P) / tr(PP)`` and truncates at 0, from the Hedges moment estimate, until the
    change is below ``tol`` (metafor's default threshold is 1e-5; the reference script runs it
    to 1e-12 too). When the truncated steps oscillate without converging in ``max_iter``
    steps, the root of the score is bracketed and bisected instead (0 when the score at 0 is
    not positive).

    References
    ----------
    .. [1] Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the
       random-effects model. J Educ Behav Stat 2005;30:261-293.
    .. [2] Raudenbush SW. Analyzing effect sizes: random-effects models. In: Cooper H et al.
       The Handbook of Research Synthesis and Meta-Analysis, 2nd ed. 2009:295-315.

    Examples
    --------
    >>> round(tau2_reml([0.1, 0.5, -0.2], [0.04, 0.05, 0.03]), 5)
    0.08197
    """
    yi, vi = _arrays(yi, vi)
    k = yi.size
    if k < 2:
        return 0.0
    # Hedges (unweighted moment) starting value, as metafor
    tau2 = max(0.0, np.var(yi, ddof=1) - np.mean(vi))
    for _ in range(max_iter):
        score, tr_pp = _reml_score(yi, vi, tau2)
        new = max(0.0, tau2 + score / tr_pp)
        if abs(new - tau2) < tol:
            return float(new)
        tau2 = new
    return _reml_bisection(yi, vi)


def _reml_score(yi, vi, tau2):
    """Twice the REML score ``y'PPy - tr P`` at ``tau2``, and the information ``tr(PP)``."""
    w = 1.0 / (vi + tau2)
    sw = w.sum()
    resid = yi - np.sum(w * yi) / sw
    score = np.sum(w ** 2 * resid ** 2) - (sw - np.sum(w ** 2) / sw)
    return score, np.sum(w ** 2) - 2 * np.sum(w ** 3) / sw + np.sum(w ** 2) ** 2 / sw ** 2


def _reml_bisection(yi, vi) -> float:
    """Fallback when Fisher scoring oscillates (its truncated steps can jump between 0 and a
    positive value): 0 if the score at 0 is <= 0, else the root bracketed and bisected."""
    if _reml_score(yi, vi, 0.0)[0] <= 0:
        return 0.0
    lo, hi = 0.0, max(1.0, float(np.var(yi)))
    while _reml_score(yi, vi, hi)[0] > 0:
        lo, hi = hi, hi * 10
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _reml_score(yi, vi, mid)[0] > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return float(0.5 * (lo + hi))


def pool_inverse_variance(yi, vi, method: str = "reml", hartung_knapp: bool = False,
                          level: float = 0.95) -> Pooled:
    """Inverse-variance pooled estimate: fixed effect or random effects (DL or REML tau^2).

    Parameters
    ----------
    yi, vi : array_like
        Per-study effects (log ratios for ratio measures) and their variances (> 0).
    method : {"fixed_effect", "dersimonian_laird", "reml"}
    hartung_knapp : bool
        Hartung-Knapp-Sidik-Jonkman: the variance is multiplied by
        ``sum w_i (y_i - mu)^2 / (k - 1)`` (not truncated) and t with ``k - 1`` df replaces z,
        as metafor ``rma(test = "knha")``. Only for random effects.
    level : float
        Confidence level of the CI and the prediction interval.

    Notes
    -----
    ``mu = sum w y / sum w`` with ``w = 1/(v + tau2)``, ``SE = 1/sqrt(sum w)``. The prediction
    interval is ``mu +- c sqrt(SE^2 + tau2)``, ``c`` the z (or, with Hartung-Knapp, the t with
    k - 1 df) quantile, as metafor ``predict.rma`` (Higgins et al. 2009 use t with k - 2 df).
    k = 1: the study itself, tau2 = 0, no heterogeneity. With Hartung-Knapp and identical
    effects the variance is 0: the interval is a point and the statistic and P are NaN.

    References
    ----------
    .. [1] DerSimonian R, Laird N. Control Clin Trials 1986;7:177-188.
    .. [2] Hartung J, Knapp G. Stat Med 2001;20:3875-3889; Sidik K, Jonkman JN. Stat Med
       2002;21:3153-3159.
    .. [3] Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects
       meta-analysis. J R Stat Soc A 2009;172:137-159.
    .. [4] Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw
       2010;36(3):1-48.

    Examples
    --------
    >>> p = pool_inverse_variance([0.1, 0.5, -0.2], [0.04, 0.05, 0.03], "fixed_effect")
    >>> round(p.estimate, 6), round(p.std_error, 6)
    (0.074468, 0.112987)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    yi, vi = _arrays(yi, vi)
    k = yi.size
    tau2 = {"fixed_effect": lambda: 0.0, "dersimonian_laird": lambda: tau2_dersimonian_laird(
        yi, vi), "reml": lambda: tau2_reml(yi, vi)}[method]()
    w = 1.0 / (vi + tau2)
    mu = float(np.sum(w * yi) / w.sum())
    var = 1.0 / w.sum()
    df = float("nan")
    if hartung_knapp and k > 1:
        var *= float(np.sum(w * (yi - mu) ** 2)) / (k - 1)
        df = float(k - 1)
    se = float(np.sqrt(var))
    stat = mu / se if se > 0 else float("nan")
    if np.isnan(df):
        crit = _z(level)
        p = float(2 * special.ndtr(-abs(stat)))
    else:
        crit = float(special.stdtrit(df, 0.5 + level / 2))
        p = float(2 * special.stdtr(df, -abs(stat)))
    q = cochran_q(yi, vi) if k > 1 else float("nan")
    if method == "fixed_effect" or k < 2:
        i2 = max(0.0, 100 * (q - (k - 1)) / q) if k > 1 and q > 0 else 0.0
        h2 = q / (k - 1) if k > 1 else 1.0
    else:
        s2 = typical_variance(vi)
        i2, h2 = 100 * tau2 / (tau2 + s2), (tau2 + s2) / s2
    half_pi = crit * np.sqrt(var + tau2)
    return Pooled(method=method, hartung_knapp=bool(hartung_knapp and k > 1),
                  conf_level=level, k=k, estimate=mu, std_error=se, conf_low=mu - crit * se,
                  conf_high=mu + crit * se, statistic=stat, df=df, p_value=p, tau2=tau2,
                  i2=i2, h2=h2, pi_low=mu - half_pi, pi_high=mu + half_pi,
                  weights=100 * w / w.sum())


def heterogeneity(yi, vi, level: float = 0.95) -> Heterogeneity:
    """Cochran's Q, I^2 and H^2 from Q, and Q-profile intervals for tau^2 and I^2.

    Notes
    -----
    ``Q = sum w_i (y_i - mu_FE)^2``, P from chi-square with ``k - 1`` df;
    ``I^2 = max(0, (Q - (k-1)) / Q)`` in percent (Higgins & Thompson 2002). The tau^2 interval
    is the Q-profile interval (Viechtbauer 2007): the tau^2 at which the generalised Q equals
    the chi-square quantiles ``1 - alpha/2`` (lower limit) and ``alpha/2`` (upper limit),
    truncated at 0; the I^2 limits are ``100 tau2 / (tau2 + s2)`` at those tau^2, ``s2`` the
    typical within-study variance -- the interval metafor ``confint()`` prints. (The
    test-based interval of Higgins & Thompson 2002 is not computed.)

    References
    ----------
    .. [1] Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med
       2002;21:1539-1558.
    .. [2] Viechtbauer W. Confidence intervals for the amount of heterogeneity in
       meta-analysis. Stat Med 2007;26:37-52.

    Examples
    --------
    >>> h = heterogeneity([0.1, 0.5, -0.2], [0.04, 0.05, 0.03])
    >>> round(h.q, 6), h.df, round(h.i2, 4)
    (6.148936, 2, 67.474)
    """
    yi, vi = _arrays(yi, vi)
    k = yi.size
    if k < 2:
        nan = float("nan")
        return Heterogeneity(k, nan, 0, nan, nan, nan, level, nan, nan, nan, nan)
    q = cochran_q(yi, vi)
    df = k - 1
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    alpha = 1 - level
    low = _q_profile_root(yi, vi, float(special.chdtri(df, alpha / 2)))
    high = _q_profile_root(yi, vi, float(special.chdtri(df, 1 - alpha / 2)))
    s2 = typical_variance(vi)
    return Heterogeneity(k=k, q=q, df=df, p_value=float(special.chdtrc(df, q)), i2=i2,
                         h2=q / df, conf_level=level, tau2_low=low, tau2_high=high,
                         i2_low=100 * low / (low + s2), i2_high=100 * high / (high + s2))


def _q_profile_root(yi, vi, target: float) -> float:
    """The tau^2 >= 0 where the generalised Q (decreasing in tau^2) equals ``target``."""
    if cochran_q(yi, vi) <= target:
        return 0.0
    lo, hi = 0.0, max(1.0, 10 * float(np.var(yi)))
    while cochran_q(yi, vi, hi) > target:
        lo, hi = hi, hi * 10
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if cochran_q(yi, vi, mid) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return 0.5 * (lo + hi)
