"""Pooling of 2x2 tables without per-study variances: Mantel-Haenszel risk ratio, odds ratio
and risk difference (no zero-cell correction needed) and Peto's one-step odds ratio, as R's
metafor ``rma.mh`` and ``rma.peto`` compute them. Vectorised over the k studies.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.pooling import Pooled, _z


def mantel_haenszel(events1, n1, events2, n2, measure: str = "risk_ratio",
                    level: float = 0.95) -> Pooled:
    """Mantel-Haenszel pooled risk ratio, odds ratio or risk difference of 2x2 tables.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Per-study events and totals, arm 1 experimental.
    measure : {"risk_ratio", "odds_ratio", "risk_difference"}

    Returns
    -------
    Pooled
        ``method = "mantel_haenszel"``; estimate on the log scale for ratios; ``tau2 = 0``,
        prediction interval = CI; ``i2``/``h2`` are NaN (heterogeneity is computed from the
        per-study effects by the caller). No zero-cell correction is needed; when the total
        events of an arm are 0 a ratio is undefined and every field is NaN.

    Notes
    -----
    OR: ``sum(a d / N) / sum(b c / N)``, variance of Robins, Breslow & Greenland (1986).
    RR: ``sum(a n2 / N) / sum(c n1 / N)``, variance of Greenland & Robins (1985).
    RD: ``sum(a n2 - c n1) / N / sum(n1 n2 / N)``, variance of Sato, Greenland & Robins
    (1989). The formulas of metafor ``rma.mh``.

    References
    ----------
    .. [1] Mantel N, Haenszel W. J Natl Cancer Inst 1959;22:719-748.
    .. [2] Robins J, Breslow N, Greenland S. Biometrics 1986;42:311-323.
    .. [3] Greenland S, Robins JM. Biometrics 1985;41:55-68.
    .. [4] Sato T, Greenland S, Robins JM. Biometrics 1989;45:1323-1324.

    Examples
    --------
    >>> p = mantel_haenszel([10, 5], [50, 40], [20, 8], [50, 45], "risk_ratio")
    >>> round(float(np.exp(p.estimate)), 6)
    0.555556
    """
    a, n1_, c, n2_ = (np.asarray(x, dtype=float).ravel() for x in (events1, n1, events2, n2))
    b, d = n1_ - a, n2_ - c
    big_n = n1_ + n2_
    nan = float("nan")
    est = se = nan
    if measure == "odds_ratio":
        r, s = np.sum(a * d / big_n), np.sum(b * c / big_n)
        if r > 0 and s > 0:
            p_, q_ = (a + d) / big_n, (b + c) / big_n
            r_i, s_i = a * d / big_n, b * c / big_n
            est = float(np.log(r / s))
            se = float(np.sqrt(0.5 * (np.sum(p_ * r_i) / r ** 2 + np.sum(p_ * s_i + q_ * r_i)
                                      / (r * s) + np.sum(q_ * s_i) / s ** 2)))
    elif measure == "risk_ratio":
        r, s = np.sum(a * n2_ / big_n), np.sum(c * n1_ / big_n)
        if a.sum() > 0 and c.sum() > 0:
            est = float(np.log(r / s))
            se = float(np.sqrt(np.sum(n1_ / big_n * n2_ / big_n * (a + c) - a / big_n * c)
                               / (r * s)))
    elif measure == "risk_difference":
        wsum = np.sum(n1_ * n2_ / big_n)
        est = float(np.sum(a * (n2_ / big_n) - c * (n1_ / big_n)) / wsum)
        se = float(np.sqrt((est * np.sum(c * (n1_ / big_n) ** 2 - a * (n2_ / big_n) ** 2
                                         + n1_ / big_n * n2_ / big_n * (n2_ - n1_) / 2)
                            + np.sum(a * (n2_ - c) / big_n + c * (n1_ - a) / big_n) / 2)
                           / wsum ** 2))
    else:
        raise ValueError("measure must be risk_ratio, odds_ratio or risk_difference")
    crit = _z(level)
    stat = est / se if se > 0 else nan
    p = float(2 * special.ndtr(-abs(stat))) if np.isfinite(stat) else nan
    lo, hi = est - crit * se, est + crit * se
    return Pooled(method="mantel_haenszel", hartung_knapp=False, conf_level=level, k=a.size,
                  estimate=est, std_error=se, conf_low=lo, conf_high=hi, statistic=stat,
                  df=nan, p_value=p, tau2=0.0, i2=nan, h2=nan, pi_low=lo, pi_high=hi,
                  weights=np.full(a.size, nan))


def peto_odds_ratio(events1, n1, events2, n2, level: float = 0.95) -> Pooled:
    """Peto's one-step pooled log odds ratio ``sum(O - E) / sum V``, ``SE = 1/sqrt(sum V)``.

    ``O = a``, ``E = (a + c) n1 / N``, ``V = (a + c)(b + d) n1 n2 / (N^2 (N - 1))``; studies
    with ``V = 0`` contribute nothing. As metafor ``rma.peto``.

    References
    ----------
    .. [1] Yusuf S, Peto R, Lewis J, Collins R, Sleight P. Beta blockade during and after
       myocardial infarction: an overview of the randomized trials. Prog Cardiovasc Dis
       1985;27:335-371.

    Examples
    --------
    >>> p = peto_odds_ratio([10, 5], [50, 40], [20, 8], [50, 45])
    >>> round(float(np.exp(p.estimate)), 4)
    0.469
    """
    a, n1_, c, n2_ = (np.asarray(x, dtype=float).ravel() for x in (events1, n1, events2, n2))
    big_n = n1_ + n2_
    m1 = a + c
    expected = m1 * n1_ / big_n
    v = m1 * (big_n - m1) * n1_ * n2_ / (big_n ** 2 * (big_n - 1))
    v = np.where(big_n > 1, v, 0.0)
    est = float(np.sum(a - expected) / v.sum())
    se = float(1 / np.sqrt(v.sum()))
    crit = _z(level)
    stat = est / se
    lo, hi = est - crit * se, est + crit * se
    return Pooled(method="peto", hartung_knapp=False, conf_level=level, k=a.size, estimate=est,
                  std_error=se, conf_low=lo, conf_high=hi, statistic=stat, df=float("nan"),
                  p_value=float(2 * special.ndtr(-abs(stat))), tau2=0.0, i2=float("nan"),
                  h2=float("nan"), pi_low=lo, pi_high=hi, weights=100 * v / v.sum())
