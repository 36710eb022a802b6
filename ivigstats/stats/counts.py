"""Two-arm event counts over person-time: rate ratios, the rate difference and per-arm rates.

Every comparison takes ``(events1, time1, events2, time2, level=0.95)`` (arm 1 experimental,
time in person-years), is vectorised over numpy arrays and returns a
:class:`~ivigstats.stats.result.Result`; :func:`rate_exact` takes one arm. Formulas, edge
cases and what each pair was checked against: docs/methods/counts.md. The binomial and
E-test machinery lives in ``_counts_exact``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats import _counts_exact as ex
from ivigstats.stats.result import Result, as_float_arrays, notes

NO_EVENTS = "no events in either arm"
ZERO_COUNT = "0.5 added to both counts (a zero count)"


def _z(level):
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    return special.ndtri(0.5 + level / 2)


def _alpha(level):
    _z(level)  # validates
    return 1 - level


def _p(z):
    return 2 * special.ndtr(-np.abs(z))


def _ratio(x1, t1, x2, t2):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x1 == 0) & (x2 == 0), np.nan, (x1 / t1) / (x2 / t2))


def rate_ratio_exact_conditional(events1, time1, events2, time2, level=0.95):
    """Rate ratio with the exact conditional (binomial) interval and P of R's poisson.test.

    Parameters
    ----------
    events1, time1 : array_like
        Events and person-time in arm 1 (experimental).
    events2, time2 : array_like
        Events and person-time in arm 2 (control).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    Result
        ``estimate = (x1/t1) / (x2/t2)``, Clopper-Pearson limits mapped to the ratio scale,
        the two-sided exact P for ``RR = 1``; no SE or statistic.

    Notes
    -----
    Given ``n = x1 + x2``, ``x1 ~ Bin(n, pi)`` with ``pi = RR t1 / (RR t1 + t2)``. The limits
    of ``pi`` are Clopper-Pearson beta quantiles, ``Beta(x1, n - x1 + 1)`` at ``alpha/2`` and
    ``Beta(x1 + 1, n - x1)`` at ``1 - alpha/2``, and ``RR = pi / (1 - pi) * t2 / t1``. The P
    value is R's binom.test "minlike" rule at ``pi0 = t1 / (t1 + t2)``: the sum of the
    probabilities of every ``x`` no more likely than the observed one (within a relative
    ``1e-7``), from ``bdtr``/``bdtrc`` tails. ``x1 = 0`` gives estimate and lower limit 0;
    ``x2 = 0`` an infinite estimate and upper limit. No events in either arm: estimate NaN,
    interval ``[0, inf]``, P 1 and a note (R's poisson.test stops with an error there).

    References
    ----------
    .. [1] Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the
       case of the binomial. Biometrika 1934;26:404-413.
    .. [2] Fay MP. Two-sided exact tests and matching confidence intervals for discrete data.
       R Journal 2010;2:53-58.

    Examples
    --------
    Fazekas 1997 relapses, 62 over 150 vs 116 over 146 person-years; R
    ``poisson.test(c(62, 116), c(150, 146))``: 0.5202 (0.3759, 0.7141), P 2.376e-05:

    >>> r = rate_ratio_exact_conditional(62, 150, 116, 146)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.5202, 0.3759, 0.7141]
    >>> f"{r.p_value[0]:.4g}"
    '2.376e-05'
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    n, none = x1 + x2, (x1 + x2) == 0
    low, low_c, high, high_c = ex.clopper_pearson(x1, n, _alpha(level))
    p = ex.minlike_p(x1, n, t1 / (t1 + t2))
    return Result(measure="rate_ratio", method="exact_conditional", conf_level=level,
                  estimate=_ratio(x1, t1, x2, t2),
                  conf_low=np.where(none, 0.0, ex.odds_to_ratio(low, low_c, t1, t2)),
                  conf_high=np.where(none, np.inf, ex.odds_to_ratio(high, high_c, t1, t2)),
                  p_value=np.where(none, 1.0, p),
                  note=notes(x1.size, (none, "rate ratio undefined: " + NO_EVENTS)))


def rate_ratio_mid_p(events1, time1, events2, time2, level=0.95):
    """Rate ratio: median-unbiased estimate with the conditional mid-p interval and P.

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate`` the median-unbiased rate ratio, mid-p limits, two-sided mid-p P.

    Notes
    -----
    With ``x1 | n ~ Bin(n, pi)`` as in :func:`rate_ratio_exact_conditional`, let
    ``U(pi) = P(X > x1) + P(X = x1)/2`` and ``L(pi) = P(X < x1) + P(X = x1)/2``. The lower
    limit solves ``U = alpha/2``, the upper ``L = alpha/2``, the estimate ``U = 1/2``
    (Rothman's median-unbiased estimate, as epitools::rateratio.midp); each ``pi`` maps to
    ``RR = pi/(1 - pi) t2/t1``. P ``= min(1, 2 min(L, U))`` at ``pi0 = t1/(t1 + t2)`` (epitools'
    rate2by2.test, here from survival functions). ``x1 = 0``: estimate and lower limit 0;
    ``x2 = 0``: estimate and upper limit infinite; no events: estimate NaN, ``[0, inf]``, P 1.

    References
    ----------
    .. [1] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed. Lippincott Williams
       & Wilkins 2008, ch. 14 (mid-P intervals for person-time data).
    .. [2] Aragon TJ. epitools: Epidemiology Tools, R package (rateratio.midp).

    Examples
    --------
    >>> r = rate_ratio_mid_p(62, 150, 116, 146)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.5209, 0.3804, 0.7063]
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    alpha = _alpha(level)
    n, none = x1 + x2, (x1 + x2) == 0
    low, low_c, high, high_c = ex.clopper_pearson(x1, n, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):  # bracket: the exact interval
        lo, hi = np.log(low) - np.log(low_c), np.log(high) - np.log(high_c)
    # a zero count leaves one exact limit infinite; the mid-p roots lie within 50 of the other
    lo = np.where(np.isfinite(lo), lo, np.where(np.isfinite(hi), hi - 50, -1.0))
    hi = np.where(np.isfinite(hi), hi, lo + 50)
    theta = {}
    for name, target, upper in (("low", alpha / 2, True), ("est", 0.5, True),
                                ("high", alpha / 2, False)):
        theta[name] = ex.mid_p_root(x1, n, target, upper, lo.copy(), hi.copy())
    scale = t2 / t1
    est = np.where(x1 == 0, 0.0, np.where(x2 == 0, np.inf, np.exp(theta["est"]) * scale))
    conf_low = np.where(x1 == 0, 0.0, np.exp(theta["low"]) * scale)
    conf_high = np.where(x2 == 0, np.inf, np.exp(theta["high"]) * scale)
    below, above = ex.mid_p_tails(x1, n, t1 / (t1 + t2))
    p = np.minimum(1.0, 2 * np.minimum(below, above))
    return Result(measure="rate_ratio", method="mid_p", conf_level=level,
                  estimate=np.where(none, np.nan, est), conf_low=np.where(none, 0.0, conf_low),
                  conf_high=np.where(none, np.inf, conf_high), p_value=np.where(none, 1.0, p),
                  note=notes(x1.size, (none, "rate ratio undefined: " + NO_EVENTS)))


def rate_ratio_wald_log(events1, time1, events2, time2, level=0.95):
    """Rate ratio with the log-scale Wald interval (metafor's IRR).

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = (x1/t1)/(x2/t2)``; ``std_error`` is the SE of **log** RR; z and P for
        ``log RR = 0``.

    Notes
    -----
    ``log RR = log(x1/t1) - log(x2/t2)``, ``SE = sqrt(1/x1 + 1/x2)``, interval
    ``exp(log RR +- z SE)``, ``P = 2 Phi(-|z|)``. When either count is 0 (also both) 0.5 is
    added to both counts, person-time unchanged, for the estimate and the SE alike: metafor
    ``escalc("IRR")`` with its defaults ``add = 1/2, to = "only0", drop00 = FALSE``. The
    row's note says so.

    References
    ----------
    .. [1] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed. Lippincott Williams
       & Wilkins 2008, ch. 14.

    Examples
    --------
    >>> r = rate_ratio_wald_log(62, 150, 116, 146)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.5202, 0.3822, 0.7081]
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    zero = (x1 == 0) | (x2 == 0)
    add = np.where(zero, 0.5, 0.0)
    a, c = x1 + add, x2 + add
    log_ratio = np.log(a) - np.log(t1) - np.log(c) + np.log(t2)
    se = np.sqrt(1 / a + 1 / c)
    z, q = log_ratio / se, _z(level)
    return Result(measure="rate_ratio", method="wald_log", conf_level=level,
                  estimate=np.exp(log_ratio), std_error=se, conf_low=np.exp(log_ratio - q * se),
                  conf_high=np.exp(log_ratio + q * se), statistic=z, p_value=_p(z),
                  note=notes(x1.size, (zero, ZERO_COUNT)))


def rate_difference_wald(events1, time1, events2, time2, level=0.95):
    """Rate difference ``x1/t1 - x2/t2`` with the uncorrected Wald interval (metafor's IRD).

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        The difference in events per unit of person-time, its SE, Wald interval, z and P.

    Notes
    -----
    ``SE = sqrt(x1/t1^2 + x2/t2^2)``, as metafor ``escalc("IRD", add = 0)``: no zero-count
    correction (metafor's default would add 0.5 to both counts when one is 0). No events in
    either arm: difference 0 and SE 0, so the interval collapses to 0 and z, P are NaN with a
    note.

    References
    ----------
    .. [1] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed. Lippincott Williams
       & Wilkins 2008, ch. 14.

    Examples
    --------
    >>> r = rate_difference_wald(62, 150, 116, 146)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [-0.3812, -0.5586, -0.2037]
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    with np.errstate(over="ignore"):
        diff = x1 / t1 - x2 / t2
        # sqrt(x1/t1^2 + x2/t2^2) without squaring t (person-time near 0 or huge)
        se = np.hypot(np.sqrt(x1) / t1, np.sqrt(x2) / t2)
    flat = se == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(flat, np.nan, diff / se)
    q = _z(level)
    return Result(measure="rate_difference", method="wald", conf_level=level, estimate=diff,
                  std_error=se, conf_low=diff - q * se, conf_high=diff + q * se, statistic=z,
                  p_value=_p(z), note=notes(x1.size, (
                      flat, "Wald SE is 0 (" + NO_EVENTS + "): z and P undefined")))


def rate_ratio_score(events1, time1, events2, time2, level=0.95):
    """Rate ratio with the score interval and score test of Gu et al. (2008).

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = (x1/t1)/(x2/t2)``, score limits, the score z and its P for ``RR = 1``.

    Notes
    -----
    With ``u = RR t1/t2`` the score statistic is ``z(RR) = (x1 - x2 u) / sqrt((x1 + x2) u)``
    (statsmodels test_poisson_2indep, method "score"), decreasing in ``u``. The interval is
    the set with ``|z| <= z_{1-alpha/2}``; its ends are the roots of
    ``x2^2 u^2 - (2 x1 x2 + q^2 (x1 + x2)) u + x1^2 = 0``, taken in the stable form
    ``u_hi = (B + sqrt(D)) / (2 x2^2)``, ``u_lo = 2 x1^2 / (B + sqrt(D))``. ``x1 = 0``: lower
    limit 0 (upper ``q^2/x2 * t2/t1``); ``x2 = 0``: upper limit infinite (lower
    ``x1/q^2 * t2/t1``). No events: estimate NaN, ``[0, inf]``, z 0 and P 1, with a note.

    References
    ----------
    .. [1] Gu K, Ng HKT, Tang ML, Schucany WR. Testing the ratio of two Poisson rates. Biom J
       2008;50:283-298.

    Examples
    --------
    >>> r = rate_ratio_score(62, 150, 116, 146)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.5202, 0.3827, 0.7073]
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    q2, none = _z(level) ** 2, (x1 + x2) == 0
    total = x1 + x2
    b = 2 * x1 * x2 + q2 * total
    big = b + np.sqrt(q2 * total * (4 * x1 * x2 + q2 * total))
    u0 = t1 / t2
    with np.errstate(divide="ignore", invalid="ignore"):
        u_low = 2 * x1 * x1 / big
        u_high = np.where(x2 == 0, np.inf, big / (2 * x2 * x2))
        z = np.where(none, 0.0, (x1 - x2 * u0) / np.sqrt(total * u0))
    return Result(measure="rate_ratio", method="score", conf_level=level,
                  estimate=_ratio(x1, t1, x2, t2), conf_low=np.where(none, 0.0, u_low / u0),
                  conf_high=np.where(none, np.inf, u_high / u0), statistic=z, p_value=_p(z),
                  note=notes(x1.size, (none, "rate ratio undefined: " + NO_EVENTS)))


def poisson_etest(events1, time1, events2, time2, level=0.95):
    """Krishnamoorthy-Thomson E-test of equal Poisson rates (score statistic).

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time per arm (arm 1 experimental).
    level : float
        Kept for the common signature; the test has no interval.

    Returns
    -------
    Result
        ``measure = "test"``: the score statistic ``z`` of :func:`rate_ratio_score` at
        ``RR = 1`` and the E-test P.

    Notes
    -----
    Under ``H0`` the two counts are independent Poisson with the conditional MLE means
    ``mu_i = (x1 + x2) t_i / (t1 + t2)``; P is the probability of every pair ``(k1, k2)``
    whose statistic ``|T(k1, k2)|`` is at least the observed one, with statsmodels' conventions
    ``T = (k1 - k2 u)/sqrt((k1 + k2) u + 1e-20)`` and ties within ``1e-15``. The sum runs over
    ``k1`` within 40 SD + 50 of the null mean and of ``x1`` (the omitted Poisson probability is
    below 1e-142, so P values above ~1e-135 keep 1e-6)
    and takes the ``k2`` tails in closed form, so large counts need no grid. No events in either
    arm: z 0 and P 1 (as statsmodels), with a note.

    References
    ----------
    .. [1] Krishnamoorthy K, Thomson J. A more powerful test for comparing two Poisson means.
       J Stat Plan Inference 2004;119:23-35.
    .. [2] Gu K, Ng HKT, Tang ML, Schucany WR. Testing the ratio of two Poisson rates. Biom J
       2008;50:283-298.

    Examples
    --------
    >>> r = poisson_etest(62, 150, 116, 146)
    >>> f"{r.p_value[0]:.4g}"
    '2.085e-05'
    """
    x1, t1, x2, t2 = as_float_arrays(events1, time1, events2, time2)
    stat, p = ex.etest_p(x1, t1, x2, t2)
    return Result(measure="test", method="poisson_etest", conf_level=level, statistic=stat,
                  p_value=p, note=notes(x1.size, ((x1 + x2) == 0, "no test: " + NO_EVENTS)))


def rate_exact(events, time, level=0.95):
    """Event rate ``x/t`` of one arm with Garwood's exact Poisson interval.

    Parameters
    ----------
    events : array_like
        Number of events (whole numbers >= 0).
    time : array_like
        Person-time (> 0); the rate is per unit of ``time`` (per person-year here).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``measure = "rate"``: estimate and exact limits; no SE, statistic or P.

    Notes
    -----
    Limits are gamma quantiles divided by ``t``: ``Gamma(x, 1)`` at ``alpha/2`` (0 when
    ``x = 0``) and ``Gamma(x + 1, 1)`` at ``1 - alpha/2`` (``gammaincinv``/``gammainccinv``),
    as R ``poisson.test(x, T)``; equivalently ``chi2_{2x, alpha/2}/2`` and
    ``chi2_{2x+2, 1-alpha/2}/2``.

    References
    ----------
    .. [1] Garwood F. Fiducial limits for the Poisson distribution. Biometrika
       1936;28:437-442.

    Examples
    --------
    R ``poisson.test(62, 150)``: 0.4133 (0.3169, 0.5299):

    >>> r = rate_exact(62, 150)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.4133, 0.3169, 0.5299]
    """
    x, t = as_float_arrays(events, time)
    alpha = _alpha(level)
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, special.gammaincinv(x, alpha / 2), 0.0)
    high = special.gammainccinv(x + 1, alpha / 2)
    return Result(measure="rate", method="exact", conf_level=level, estimate=x / t,
                  conf_low=low / t, conf_high=high / t, note=notes(x.size))
