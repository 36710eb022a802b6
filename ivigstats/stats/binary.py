"""Two-arm binary outcomes (2x2 tables): ratios, differences, NNT and tests.

Every function takes ``(events1, n1, events2, n2, level=0.95)`` (arm 1 experimental), is
vectorised over numpy arrays and returns a :class:`~ivigstats.stats.result.Result`. Cells:
``a = events1, b = n1 - events1, c = events2, d = n2 - events2``. Formulas, edge cases and what
each pair was checked against: docs/methods/binary.md. The exact conditional family lives in
``_binary_exact`` and is re-exported here.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats._binary_exact import (  # noqa: F401  (re-exported registry functions)
    barnard_exact,
    boschloo_exact,
    fisher_exact,
    floor_p,
    log_p_chi2,
    log_p_normal,
    odds_ratio_exact_conditional,
    odds_ratio_mid_p,
)
from ivigstats.stats.result import Result, as_float_arrays, notes

ZERO_CELL = "0.5 added to every cell (zero cell)"
NO_EVENTS = "no events in either arm"
ALL_EVENTS = "every participant had the event in both arms"


def _z(level):
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    return special.ndtri(0.5 + level / 2)


def _p(z):
    return 2 * special.ndtr(-np.abs(z))


def _margins(a, n1, c, n2):
    return a + c == 0, a + c == n1 + n2


def _log_wald(measure, method, events1, n1, events2, n2, level, odds):
    a, n1, c, n2 = as_float_arrays(events1, n1, events2, n2)
    b, d = n1 - a, n2 - c
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    add = np.where(zero, 0.5, 0.0)
    a, b, c, d = a + add, b + add, c + add, d + add
    if odds:
        log_ratio = np.log(a) + np.log(d) - np.log(b) - np.log(c)
        se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    else:
        log_ratio = np.log(a) - np.log(a + b) - np.log(c) + np.log(c + d)
        se = np.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    z, q = log_ratio / se, _z(level)
    return floor_p(Result(measure=measure, method=method, conf_level=level, estimate=np.exp(log_ratio),
                  std_error=se, conf_low=np.exp(log_ratio - q * se),
                  conf_high=np.exp(log_ratio + q * se), statistic=z, p_value=_p(z),
                  note=notes(a.size, (zero, ZERO_CELL))), log_p_normal(z))


def risk_ratio_katz_log(events1, n1, events2, n2, level=0.95):
    """Risk ratio with the Katz log-scale Wald interval.

    Parameters
    ----------
    events1, n1 : array_like
        Events and participants in arm 1 (experimental).
    events2, n2 : array_like
        Events and participants in arm 2 (control).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    Result
        ``estimate = RR``; ``std_error`` is the SE of **log** RR; ``statistic`` z for log RR = 0.

    Notes
    -----
    ``log RR = log(a/n1) - log(c/n2)``, ``SE = sqrt(1/a - 1/n1 + 1/c - 1/n2)``, interval
    ``exp(log RR +- z SE)``, ``P = 2 Phi(-|z|)``. When any cell is 0 (including double-zero and
    all-events tables) 0.5 is added to all four cells (so ``n + 1`` per arm), as metafor
    ``escalc`` (``add=1/2, to="only0"``), and the row's note says so.

    References
    ----------
    .. [1] Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk
       ratio in cohort studies. Biometrics 1978;34:469-474.

    Examples
    --------
    Fazekas 1997, relapse-free 40/75 IVIG vs 26/73 placebo (R metafor: RR 1.497):

    >>> r = risk_ratio_katz_log(40, 75, 26, 73)
    >>> [round(float(v[0]), 3) for v in (r.estimate, r.conf_low, r.conf_high)]
    [1.497, 1.03, 2.177]
    """
    return _log_wald("risk_ratio", "katz_log", events1, n1, events2, n2, level, odds=False)


def odds_ratio_woolf_log(events1, n1, events2, n2, level=0.95):
    """Odds ratio with Woolf's log-scale Wald interval.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = OR = ad/(bc)``; ``std_error`` is the SE of **log** OR; z and P for log OR = 0.

    Notes
    -----
    ``SE = sqrt(1/a + 1/b + 1/c + 1/d)``; interval ``exp(log OR +- z SE)``. Zero cells: 0.5 added
    to all four cells when any is 0 (metafor ``escalc`` default), with a note.

    References
    ----------
    .. [1] Woolf B. On estimating the relation between blood group and disease. Ann Hum Genet
       1955;19:251-253.

    Examples
    --------
    >>> r = odds_ratio_woolf_log(40, 75, 26, 73)
    >>> [round(float(v[0]), 3) for v in (r.estimate, r.conf_low, r.conf_high)]
    [2.066, 1.068, 3.996]
    """
    return _log_wald("odds_ratio", "woolf_log", events1, n1, events2, n2, level, odds=True)


def risk_difference_wald(events1, n1, events2, n2, level=0.95):
    """Risk difference ``p1 - p2`` with the uncorrected Wald interval.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = p1 - p2``, its SE, Wald interval, z and P.

    Notes
    -----
    ``SE = sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)``; no zero-cell correction (unlike metafor's default,
    which adds 0.5 for RD too). When both proportions are 0 or 1 the SE is 0: the interval
    collapses to the estimate and z, P are NaN with a note.

    References
    ----------
    .. [1] Agresti A. Categorical Data Analysis, 3rd ed. Wiley 2013, section 3.1.

    Examples
    --------
    >>> r = risk_difference_wald(40, 75, 26, 73)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.1772, 0.0196, 0.3347]
    """
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    p1, p2 = e1 / n1, e2 / n2
    rd, se = p1 - p2, np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    flat = se == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(flat, np.nan, rd / se)
    q = _z(level)
    return floor_p(Result(measure="risk_difference", method="wald", conf_level=level, estimate=rd,
                  std_error=se, conf_low=rd - q * se, conf_high=rd + q * se, statistic=z,
                  p_value=_p(z), note=notes(e1.size, (
                      flat, "Wald SE is 0 (each proportion is 0 or 1): z and P undefined"))), log_p_normal(z))


def _wilson(x, n, q):
    centre = (x + q * q / 2) / (n + q * q)
    half = q * np.sqrt(x * (n - x) / n + q * q / 4) / (n + q * q)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _newcombe(e1, n1, e2, n2, q):
    p1, p2 = e1 / n1, e2 / n2
    l1, u1 = _wilson(e1, n1, q)
    l2, u2 = _wilson(e2, n2, q)
    rd = p1 - p2
    return (rd, rd - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            rd + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def risk_difference_newcombe(events1, n1, events2, n2, level=0.95):
    """Risk difference ``p1 - p2`` with Newcombe's hybrid Wilson score interval (method 10).

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = p1 - p2`` and the interval; ``std_error``, ``statistic`` and ``p_value``
        are None (the interval inverts no single test; ``pearson_chi2`` is the matching test).

    Notes
    -----
    With Wilson limits ``(l_i, u_i)`` of each proportion (no continuity correction):
    ``L = RD - sqrt((p1 - l1)^2 + (u2 - p2)^2)``, ``U = RD + sqrt((u1 - p1)^2 + (p2 - l2)^2)``.
    Defined for every table, including zero cells, double zero and n = 1; always inside
    [-1, 1].

    References
    ----------
    .. [1] Newcombe RG. Interval estimation for the difference between independent proportions:
       comparison of eleven methods. Stat Med 1998;17:873-890 (method 10).
    .. [2] Wilson EB. Probable inference, the law of succession, and statistical inference.
       J Am Stat Assoc 1927;22:209-212.

    Examples
    --------
    Newcombe 1998, Table II example (a), 56/70 vs 48/80: 0.0524 to 0.3339.

    >>> r = risk_difference_newcombe(56, 70, 48, 80)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.2, 0.0524, 0.3339]
    """
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    rd, low, high = _newcombe(e1, n1, e2, n2, _z(level))
    return Result(measure="risk_difference", method="newcombe", conf_level=level, estimate=rd,
                  conf_low=low, conf_high=high, note=notes(e1.size))


def nnt_newcombe(events1, n1, events2, n2, level=0.95, benefit="higher"):
    """Number needed to treat, from the Newcombe risk-difference interval (Altman 1998).

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.
    benefit : {"higher", "lower"}
        "higher": events are good (e.g. relapse-free), so benefit is ``p1 - p2``; "lower": events
        are harmful, benefit is ``p2 - p1``.

    Returns
    -------
    Result
        ``estimate = 1 / ARR`` where ``ARR`` is the absolute benefit (above). **Sign
        convention:** positive = NNTB (patients treated for one more to benefit), negative =
        NNTH (for one more to be harmed). ``conf_low = 1 / ARR_upper`` and
        ``conf_high = 1 / ARR_lower``. When the ARR interval excludes 0, ``conf_low <
        conf_high`` and both have the estimate's sign. When it includes 0, the NNT set contains
        infinity: ``conf_low`` (> 0) is the NNTB limit, ``conf_high`` (< 0) the NNTH limit, the
        interval is "NNTB conf_low to infinity to NNTH |conf_high|", and the note says so.

    Notes
    -----
    ``ARR = 0`` exactly gives an infinite estimate with a note; a limit of ARR exactly 0 gives
    an infinite NNT limit. Statistic, SE and P are None.

    References
    ----------
    .. [1] Altman DG. Confidence intervals for the number needed to treat. BMJ
       1998;317:1309-1312.
    .. [2] Newcombe RG. Stat Med 1998;17:873-890 (method 10).

    Examples
    --------
    Fazekas 1997, relapse-free 40/75 vs 26/73 (events are good):

    >>> r = nnt_newcombe(40, 75, 26, 73, benefit="higher")
    >>> [round(float(v[0]), 2) for v in (r.estimate, r.conf_low, r.conf_high)]
    [5.64, 3.08, 58.25]
    """
    if benefit not in ("higher", "lower"):
        raise ValueError(f"benefit must be 'higher' or 'lower', got {benefit!r}")
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    rd, low, high = _newcombe(e1, n1, e2, n2, _z(level))
    if benefit == "lower":
        rd, low, high = -rd, -high, -low
    with np.errstate(divide="ignore"):
        est = np.where(rd == 0, np.inf, 1 / np.where(rd == 0, 1.0, rd))
        nntb = np.where(high == 0, np.inf, 1 / np.abs(high) * np.sign(high))
        nnth = np.where(low == 0, -np.inf, 1 / np.where(low == 0, 1.0, low))
    nnth = np.where(low == 0, np.where(high > 0, np.inf, -np.inf), nnth)
    crosses = (low < 0) & (high > 0)
    note = notes(e1.size, (rd == 0, "risk difference is 0: NNT infinite"))
    if crosses.any():
        text = ("CI includes infinity: NNTB " + np.char.mod("%.1f", nntb[crosses]).astype(object)
                + " to inf to NNTH " + np.char.mod("%.1f", -nnth[crosses]).astype(object)
                + " (Altman 1998)")
        note[crosses] = np.where(note[crosses] != "", note[crosses] + "; " + text, text)
    return Result(measure="nnt", method="newcombe", conf_level=level, estimate=est,
                  conf_low=nntb, conf_high=nnth, note=note)


def _chi2(method, events1, n1, events2, n2, level, yates):
    a, n1, c, n2 = as_float_arrays(events1, n1, events2, n2)
    b, d = n1 - a, n2 - c
    total, m1, m2 = n1 + n2, a + c, b + d
    none, every = _margins(a, n1, c, n2)
    diff = np.abs(a * d - b * c)
    if yates:  # R: YATES = min(0.5, |O - E|), |O - E| = |ad - bc| / N in every cell
        diff = diff - total * np.minimum(0.5, diff / total)
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(none | every, np.nan, total * diff ** 2 / (n1 * n2 * m1 * m2))
    return floor_p(Result(measure="test", method=method, conf_level=level, statistic=x2,
                  df=np.ones_like(x2), p_value=special.chdtrc(1, x2), note=notes(
                      a.size, (none, "chi-square undefined: " + NO_EVENTS),
                      (every, "chi-square undefined: " + ALL_EVENTS))), log_p_chi2(1, x2))


def pearson_chi2(events1, n1, events2, n2, level=0.95):
    """Pearson's chi-square test of the 2x2 table, no continuity correction.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Unused; recorded as ``conf_level``.

    Returns
    -------
    Result
        ``measure="test"``: ``statistic`` X^2, ``df`` 1, ``p_value``; no estimate.

    Notes
    -----
    ``X^2 = N (ad - bc)^2 / (n1 n2 m1 m2)`` with ``m1 = a + c`` events and ``m2 = b + d``
    non-events, ``P = chdtrc(1, X^2)`` (upper tail, so tiny P survive). Equals R
    ``chisq.test(correct = FALSE)``. NaN, with a note, when ``m1 = 0`` (no events in either arm)
    or ``m2 = 0`` (events in everyone), where R also returns NaN.

    References
    ----------
    .. [1] Pearson K. On the criterion that a given system of deviations from the probable...
       Phil Mag 1900;50:157-175.

    Examples
    --------
    Fazekas 1997, relapse-free 40/75 vs 26/73 (R: ``chisq.test(correct=FALSE)`` P = 0.0302):

    >>> r = pearson_chi2(40, 75, 26, 73)
    >>> round(float(r.statistic[0]), 3), round(float(r.p_value[0]), 4)
    (4.7, 0.0302)
    """
    return _chi2("pearson_chi2", events1, n1, events2, n2, level, yates=False)


def yates_chi2(events1, n1, events2, n2, level=0.95):
    """Chi-square test with Yates' continuity correction, as R ``chisq.test(correct = TRUE)``.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Unused; recorded as ``conf_level``.

    Returns
    -------
    Result
        ``statistic`` corrected X^2, ``df`` 1, ``p_value``.

    Notes
    -----
    ``X^2 = N (|ad - bc| - N y)^2 / (n1 n2 m1 m2)`` with ``y = min(0.5, |ad - bc| / N)``: R's
    rule, which never lets the correction exceed ``|O - E|`` (so X^2 >= 0). Zero margins: NaN
    with a note, as ``pearson_chi2``.

    References
    ----------
    .. [1] Yates F. Contingency tables involving small numbers and the chi-square test. Suppl J R
       Stat Soc 1934;1:217-235.

    Examples
    --------
    >>> round(float(yates_chi2(40, 75, 26, 73).p_value[0]), 4)
    0.0452
    """
    return _chi2("yates_chi2", events1, n1, events2, n2, level, yates=True)


def _bisect(f, lo, hi, target, iterations=62):
    """Vectorised bisection for decreasing ``f``: the point in [lo, hi] where f = target."""
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = f(mid) > target
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return 0.5 * (lo + hi)


def _mn_z(delta, p1, n1, p2, n2):
    """Miettinen-Nurminen score z for ``p1 - p2 = delta`` (restricted MLE in closed form)."""
    t = n2 / n1
    a = 1 + t
    b = -(1 + t + p1 + t * p2 + delta * (t + 2))
    c = delta * delta + delta * (2 * p1 + t + 1) + p1 + t * p2
    d = -p1 * delta * (1 + delta)
    v = b ** 3 / (27 * a ** 3) - b * c / (6 * a * a) + d / (2 * a)
    u = np.where(v < 0, -1.0, 1.0) * np.sqrt(np.maximum(b * b / (9 * a * a) - c / (3 * a), 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.clip(np.where(u == 0, 0.0, v / u ** 3), -1, 1)
        lo, hi = np.maximum(0, delta), np.minimum(1, 1 + delta)
        r1 = np.clip(2 * u * np.cos((np.pi + np.arccos(cos)) / 3) - b / (3 * a), lo, hi)
        for _ in range(3):  # Newton polish: arccos near 1 loses digits when roots nearly meet
            f = ((a * r1 + b) * r1 + c) * r1 + d
            step = f / ((3 * a * r1 + 2 * b) * r1 + c)
            new = np.clip(r1 - np.nan_to_num(step), lo, hi)
            better = np.abs(((a * new + b) * new + c) * new + d) < np.abs(f)
            r1 = np.where(better, new, r1)
        r2 = np.clip(r1 - delta, 0, 1)
        n = n1 + n2
        var = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * n / (n - 1)
        num = p1 - p2 - delta
        return np.where(num == 0, 0.0, num / np.sqrt(var))


def risk_difference_miettinen_nurminen(events1, n1, events2, n2, level=0.95):
    """Risk difference with the Miettinen-Nurminen score interval.

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = p1 - p2``; interval; ``statistic`` the score z at ``delta = 0`` and its
        two-sided P (``X^2 (N-1)/N`` of Pearson), so P < alpha exactly when 0 is outside.

    Notes
    -----
    ``z(delta) = (p1 - p2 - delta) / sqrt((r1(1-r1)/n1 + r2(1-r2)/n2) N/(N-1))`` with
    ``(r1, r2)`` the MLE under ``p1 - p2 = delta``: the closed-form cubic root of Miettinen &
    Nurminen (1985, appendix; Farrington & Manning 1990) polished by 3 Newton steps (the
    trigonometric form loses digits when two roots nearly meet, e.g. double zero with large n).
    Tables where events are the majority are solved for the non-events (``RD -> -RD``), keeping
    digits near p = 1. The limits solve ``z = +-z_{1-alpha/2}`` by 62 vectorised bisection steps
    on [-1, estimate] and [estimate, 1], so every valid table gives an interval (statsmodels'
    root finder raises on many ordinary tables). The test is NaN, with a note, when no one or
    everyone had the event.

    References
    ----------
    .. [1] Miettinen O, Nurminen M. Comparative analysis of two rates. Stat Med 1985;4:213-226.
    .. [2] Farrington CP, Manning G. Stat Med 1990;9:1447-1454.

    Examples
    --------
    Newcombe 1998 example (d), 5/56 vs 0/29: -0.0326 to 0.1933 (as ratesci ``scoreci``):

    >>> r = risk_difference_miettinen_nurminen(5, 56, 0, 29)
    >>> [round(float(v[0]), 4) for v in (r.conf_low, r.conf_high)]
    [-0.0326, 0.1933]
    """
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    flip = e1 + e2 > (n1 + n2) / 2  # count the rarer outcome: digits are kept near 0, not 1
    sign = np.where(flip, -1.0, 1.0)
    p1, p2, q = np.where(flip, n1 - e1, e1) / n1, np.where(flip, n2 - e2, e2) / n2, _z(level)
    rd = p1 - p2
    f = lambda d: _mn_z(d, p1, n1, p2, n2)
    low = _bisect(f, -np.ones_like(rd), rd, q)
    high = _bisect(f, rd, np.ones_like(rd), -q)
    rd, low, high = sign * rd, np.where(flip, -high, low), np.where(flip, -low, high)
    none, every = _margins(e1, n1, e2, n2)
    z = np.where(none | every, np.nan, sign * f(np.zeros_like(rd)))
    return floor_p(Result(measure="risk_difference", method="miettinen_nurminen", conf_level=level,
                  estimate=rd, conf_low=low, conf_high=high, statistic=z, p_value=_p(z),
                  note=notes(e1.size, (none, "score test undefined: " + NO_EVENTS),
                             (every, "score test undefined: " + ALL_EVENTS))), log_p_normal(z))


def risk_difference_agresti_caffo(events1, n1, events2, n2, level=0.95):
    """Risk difference with the Agresti-Caffo interval (one success and failure added per arm).

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate`` the raw ``p1 - p2``; ``std_error`` the adjusted SE; the adjusted Wald
        interval (not clipped to [-1, 1], as statsmodels); no test.

    Notes
    -----
    ``q_i = (x_i + 1)/(n_i + 2)``, ``SE = sqrt(q1(1-q1)/(n1+2) + q2(1-q2)/(n2+2))``, interval
    ``q1 - q2 +- z SE``. Defined for every table. The interval is centred on the shrunken
    ``q1 - q2``, so at low confidence levels it can miss the raw estimate.

    References
    ----------
    .. [1] Agresti A, Caffo B. Simple and effective confidence intervals for proportions and
       differences of proportions result from adding two successes and two failures. Am Stat
       2000;54:280-288.

    Examples
    --------
    >>> r = risk_difference_agresti_caffo(40, 75, 26, 73)
    >>> [round(float(v[0]), 4) for v in (r.conf_low, r.conf_high)]
    [0.0168, 0.3281]
    """
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    q1, q2 = (e1 + 1) / (n1 + 2), (e2 + 1) / (n2 + 2)
    se, q = np.sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2)), _z(level)
    return Result(measure="risk_difference", method="agresti_caffo", conf_level=level,
                  estimate=e1 / n1 - e2 / n2, std_error=se, conf_low=q1 - q2 - q * se,
                  conf_high=q1 - q2 + q * se, note=notes(e1.size))


def _koopman_z(log_phi, e1, n1, e2, n2):
    phi = np.exp(log_phi)
    a, b, c = (n1 + n2) * phi, -(n1 * phi + e1 + n2 + e2 * phi), e1 + e2
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.clip(2 * c / (-b + np.sqrt(np.maximum(b * b - 4 * a * c, 0))), 0, 1)
        r1 = np.clip(phi * r2, 0, 1)
        var = r1 * (1 - r1) / n1 + phi * phi * r2 * (1 - r2) / n2
        num = e1 / n1 - phi * e2 / n2
        return np.where(num == 0, 0.0, num / np.sqrt(var))


def risk_ratio_koopman(events1, n1, events2, n2, level=0.95):
    """Risk ratio with Koopman's score interval (no variance correction).

    Parameters
    ----------
    events1, n1, events2, n2 : array_like
        Events and participants per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = p1/p2``; interval; ``statistic`` the score z at RR = 1 (Pearson's z) and P.

    Notes
    -----
    ``z(phi) = (p1 - phi p2) / sqrt(r1(1-r1)/n1 + phi^2 r2(1-r2)/n2)`` with ``r2`` the MLE under
    ``p1 = phi p2`` (root of ``N phi r^2 - (n1 phi + x1 + n2 + x2 phi) r + x1 + x2 = 0``, taken
    in its cancellation-free form) and ``r1 = phi r2``; limits solve ``z = +-z_{1-alpha/2}`` by
    bisection on ``log phi`` within 80 of the 0.5-corrected log RR. ``x1 = 0``: estimate and lower limit
    0; ``x2 = 0``: estimate and upper limit infinite; double zero: estimate NaN, interval 0 to
    infinity, with a note. The test is NaN (note) when no one or everyone had the event.

    References
    ----------
    .. [1] Koopman PAR. Confidence intervals for the ratio of two binomial proportions.
       Biometrics 1984;40:513-517.
    .. [2] Gart JJ, Nam J. Approximate interval estimation of the ratio of binomial parameters.
       Biometrics 1988;44:323-338.

    Examples
    --------
    Gart & Nam 1988 example, 8/15 vs 4/15: 0.815 to 5.336 (as ratesci ``scoreci``):

    >>> r = risk_ratio_koopman(8, 15, 4, 15)
    >>> [round(float(v[0]), 3) for v in (r.estimate, r.conf_low, r.conf_high)]
    [2.0, 0.815, 5.336]
    """
    e1, n1, e2, n2 = as_float_arrays(events1, n1, events2, n2)
    q = _z(level)
    none, every = _margins(e1, n1, e2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log((e1 + 0.5) / (n1 + 0.5)) - np.log((e2 + 0.5) / (n2 + 0.5))
        f = lambda t: _koopman_z(t, e1, n1, e2, n2)
        low = np.where(e1 == 0, 0.0, np.exp(_bisect(f, centre - 80, centre + 80, q, 70)))
        high = np.where(e2 == 0, np.inf, np.exp(_bisect(f, centre - 80, centre + 80, -q, 70)))
        est = np.where(none, np.nan, (e1 / n1) / (e2 / n2))
        z = np.where(none | every, np.nan, f(np.zeros_like(e1)))
    return floor_p(Result(measure="risk_ratio", method="koopman", conf_level=level, estimate=est,
                  conf_low=low, conf_high=high, statistic=z, p_value=_p(z), note=notes(
                      e1.size, (none, "risk ratio undefined: " + NO_EVENTS),
                      (every, "score test undefined: " + ALL_EVENTS))), log_p_normal(z))
