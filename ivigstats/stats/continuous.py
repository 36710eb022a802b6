"""Two-arm continuous outcomes from summary statistics: mean differences, SMDs, ratio of means.

Every function takes ``(mean1, sd1, n1, mean2, sd2, n2, level=0.95)`` (arm 1 experimental), is
vectorised over numpy arrays and returns a :class:`~ivigstats.stats.result.Result`. Formulas,
edge cases and what each pair was checked against: docs/methods/continuous.md.

Edge cases shared by all functions: an arm with ``n < 2`` has no SD and gives NaN with a note;
when every SD involved is 0 the standard error is 0, so the statistic and P are NaN (R's
``t.test`` stops with "data are essentially constant") and the note says so.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays, notes
from ivigstats.stats.tails import floor_p, log_p_normal, log_p_t

SMALL_N = "an arm has n < 2: its SD is undefined"
ZERO_SE = "standard error is 0 (every SD is 0): no test"


def _z(level):
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    return special.ndtri(0.5 + level / 2)


def _t_result(method, diff, se, df, level, small):
    """Mean difference with a t interval and two-sided t test on ``df`` degrees of freedom."""
    zero = (se == 0) & ~small
    bad = small | zero
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        df = np.where(small, np.nan, df)
        t = np.where(bad, np.nan, diff / se)
        q = special.stdtrit(df, 0.5 + level / 2)
        p = np.where(bad, np.nan, 2 * special.stdtr(df, -np.abs(t)))
    se = np.where(small, np.nan, se)
    return floor_p(Result("mean_difference", method, level, estimate=diff, std_error=se,
                          conf_low=diff - q * se, conf_high=diff + q * se, statistic=t, df=df,
                          p_value=p, note=notes(diff.size, (small, SMALL_N), (zero, ZERO_SE))),
                   log_p_t(df, t))


def mean_difference_welch(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Mean difference with Welch's unequal-variance t interval and test.

    Parameters
    ----------
    mean1, sd1, n1 : array_like
        Mean, standard deviation and size of arm 1 (experimental).
    mean2, sd2, n2 : array_like
        The same for arm 2 (control).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    Result
        ``estimate = mean1 - mean2``, its SE, the t interval, ``statistic`` t, ``df`` the
        Welch-Satterthwaite degrees of freedom and the two-sided P.

    Notes
    -----
    ``SE = sqrt(sd1^2/n1 + sd2^2/n2)``; ``df = SE^4 / ((sd1^2/n1)^2/(n1-1) + (sd2^2/n2)^2/(n2-1))``;
    interval ``diff +- t(1 - alpha/2, df) SE``; ``P = 2 T_df(-|t|)`` (a survival function);
    a P below the double range is reported as the bound 4.9e-324 with ``log10 P`` in the note
    (:mod:`ivigstats.stats.tails`). This is R's ``t.test(var.equal = FALSE)`` applied to
    summary statistics.

    References
    ----------
    .. [1] Welch BL. The generalization of 'Student's' problem when several different
       population variances are involved. Biometrika 1947;34:28-35.

    Examples
    --------
    Fazekas 1997, EDSS change -0.23 (SD 0.89, n 75) vs 0.12 (SD 1.07, n 73); R gives
    -0.35 (-0.6703 to -0.0297), t = -2.160, P = 0.0324:

    >>> r = mean_difference_welch(-0.23, 0.89, 75, 0.12, 1.07, 73)
    >>> [round(float(v[0]), 4) for v in (r.conf_low, r.conf_high, r.statistic, r.p_value)]
    [-0.6703, -0.0297, -2.1605, 0.0324]
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    small = (n1 < 2) | (n2 < 2)
    se = np.hypot(s1 / np.sqrt(n1), s2 / np.sqrt(n2))  # no overflow for SDs up to 1e308
    with np.errstate(divide="ignore", invalid="ignore"):
        # shares of the variance: the df formula without squaring variances (no overflow)
        r1, r2 = (s1 / np.sqrt(n1) / se) ** 2, (s2 / np.sqrt(n2) / se) ** 2
        df = 1 / (r1**2 / (n1 - 1) + r2**2 / (n2 - 1))
    return _t_result("welch", m1 - m2, se, df, level, small)


def _pooled_sd(s1, n1, s2, n2):
    """Pooled SD, scaled by the larger SD so that squaring never overflows."""
    big = np.maximum(s1, s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        u1, u2 = np.where(big > 0, s1 / big, 0.0), np.where(big > 0, s2 / big, 0.0)
        return big * np.sqrt(((n1 - 1) * u1**2 + (n2 - 1) * u2**2) / (n1 + n2 - 2))


def mean_difference_student(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Mean difference with Student's pooled-variance t interval and test.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean, SD and size per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = mean1 - mean2``, SE, t interval, t, ``df = n1 + n2 - 2`` and P.

    Notes
    -----
    ``sp^2 = ((n1-1) sd1^2 + (n2-1) sd2^2) / (n1 + n2 - 2)``, ``SE = sp sqrt(1/n1 + 1/n2)``;
    R's ``t.test(var.equal = TRUE)``; metafor's ``escalc("MD", vtype = "HO")`` variance.

    References
    ----------
    .. [1] Student. The probable error of a mean. Biometrika 1908;6:1-25.
    .. [2] Armitage P, Berry G, Matthews JNS. Statistical Methods in Medical Research, 4th ed.
       Blackwell 2002, section 4.3.

    Examples
    --------
    >>> r = mean_difference_student(-0.23, 0.89, 75, 0.12, 1.07, 73)
    >>> round(float(r.p_value[0]), 4), float(r.df[0])
    (0.0319, 146.0)
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    small = (n1 < 2) | (n2 < 2)
    se = _pooled_sd(s1, n1, s2, n2) * np.sqrt(1 / n1 + 1 / n2)
    return _t_result("student", m1 - m2, se, n1 + n2 - 2, level, small)


def _hedges_j(m):
    """Exact small-sample correction ``J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        j = np.exp(special.gammaln(m / 2) - 0.5 * np.log(m / 2) - special.gammaln((m - 1) / 2))
    return np.where(m > 1, j, np.nan)


def _normal_result(measure, method, estimate, variance, level, small, note_pairs=(),
                   log=False):
    se = np.sqrt(variance)
    q = _z(level)
    zero = (se == 0) & ~small
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(zero | small, np.nan, estimate / se)
    p = 2 * special.ndtr(-np.abs(z))
    low, high = estimate - q * se, estimate + q * se
    if log:
        with np.errstate(over="ignore"):  # a huge log-scale SE: the interval is (0, inf)
            estimate, low, high = np.exp(estimate), np.exp(low), np.exp(high)
    return floor_p(Result(measure, method, level, estimate=estimate, std_error=se, conf_low=low,
                          conf_high=high, statistic=z, p_value=p,
                          note=notes(estimate.size, (small, SMALL_N), (zero, ZERO_SE),
                                     *note_pairs)), log_p_normal(z))


def _smd(method, d, sd, correction_df, n1, n2, n_var, small, level):
    """SMD ``J * d`` with the large-sample variance ``1/n1 + 1/n2 + g^2 / (2 n_var)``."""
    zero_sd = (sd == 0) & ~small
    huge = ~np.isfinite(d) & ~zero_sd & ~small
    g = _hedges_j(correction_df) * d if correction_df is not None else d
    g = np.where(small | zero_sd | huge, np.nan, g)
    with np.errstate(over="ignore"):
        var = 1 / n1 + 1 / n2 + g**2 / (2 * n_var)
    return _normal_result("smd", method, g, var, level, small,
                          ((zero_sd, "standardising SD is 0: SMD undefined"),
                           (huge, "SMD beyond double precision: not computed")))


def smd_hedges_g(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Standardised mean difference, Hedges' g (bias-corrected), metafor's ``SMD``.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean, SD and size per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = g``, its large-sample SE, the normal interval, z and P.

    Notes
    -----
    ``d = (mean1 - mean2) / sp`` (pooled SD, ``m = n1 + n2 - 2`` df); ``g = J(m) d`` with the
    exact correction ``J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))`` (about
    ``1 - 3/(4m - 1)``); ``Var(g) = 1/n1 + 1/n2 + g^2 / (2 (n1 + n2))`` (metafor ``escalc("SMD")``,
    ``vtype = "LS"``); interval ``g +- z SE``. NaN with a note when the pooled SD is 0 or
    ``n1 + n2 < 4``.

    References
    ----------
    .. [1] Hedges LV. Distribution theory for Glass's estimator of effect size and related
       estimators. J Educ Stat 1981;6:107-128.
    .. [2] Hedges LV, Olkin I. Statistical Methods for Meta-Analysis. Academic Press 1985,
       chapter 5.

    Examples
    --------
    >>> r = smd_hedges_g(-0.23, 0.89, 75, 0.12, 1.07, 73)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [-0.3543, -0.679, -0.0295]
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    small = (n1 < 2) | (n2 < 2) | (n1 + n2 < 4)
    sp = _pooled_sd(s1, n1, s2, n2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = (m1 - m2) / sp
    return _smd("hedges_g", d, sp, n1 + n2 - 2, n1, n2, n1 + n2, small, level)


def smd_cohen_d(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Standardised mean difference, Cohen's d (pooled SD, no small-sample correction).

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean, SD and size per arm (arm 1 experimental).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = d``, its large-sample SE, the normal interval, z and P.

    Notes
    -----
    ``d = (mean1 - mean2) / sp`` with the pooled SD on ``n1 + n2 - 2`` df (as
    ``effectsize::cohens_d``); ``Var(d) = 1/n1 + 1/n2 + d^2 / (2 (n1 + n2))`` (Hedges & Olkin
    1985, eq. 5.14, the variance metafor uses for SMD), interval ``d +- z SE``. d overstates
    |delta| in small samples; prefer ``hedges_g`` unless reproducing a paper that used d.

    References
    ----------
    .. [1] Cohen J. Statistical Power Analysis for the Behavioral Sciences, 2nd ed. Erlbaum
       1988, chapter 2.
    .. [2] Hedges LV, Olkin I. Statistical Methods for Meta-Analysis. Academic Press 1985, ch. 5.

    Examples
    --------
    >>> round(float(smd_cohen_d(-0.23, 0.89, 75, 0.12, 1.07, 73).estimate[0]), 4)
    -0.3561
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    small = (n1 < 2) | (n2 < 2)
    sp = _pooled_sd(s1, n1, s2, n2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = (m1 - m2) / sp
    return _smd("cohen_d", d, sp, None, n1, n2, n1 + n2, small, level)


def smd_glass_delta(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Glass's delta: the difference in means over the control arm's SD, bias-corrected.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean, SD and size per arm (arm 1 experimental, arm 2 control).
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate`` = corrected delta, its large-sample SE, normal interval, z and P.

    Notes
    -----
    ``delta = J(n2 - 1) (mean1 - mean2) / sd2`` (Hedges 1981's correction with the control
    arm's ``n2 - 1`` df); ``Var = (sd1^2 / sd2^2) / n1 + 1/n2 + delta^2 / (2 n2)``, which does
    not assume equal SDs (the reason to standardise by the control SD at all): metafor's
    ``escalc("SMD1H")``. NaN with a note when ``sd2 = 0`` or ``n2 < 3``.

    References
    ----------
    .. [1] Glass GV. Primary, secondary, and meta-analysis of research. Educ Res 1976;5:3-8.
    .. [2] Hedges LV, Olkin I. Statistical Methods for Meta-Analysis. Academic Press 1985,
       chapter 5, section B.
    .. [3] Bonett DG. Confidence intervals for standardized linear contrasts of means.
       Psychol Methods 2008;13:99-109 (variance without equal SDs).

    Examples
    --------
    >>> round(float(smd_glass_delta(-0.23, 0.89, 75, 0.12, 1.07, 73).estimate[0]), 4)
    -0.3237
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    small = (n1 < 1) | (n2 < 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (m1 - m2) / s2
        ratio = np.where(s2 > 0, s1**2 / s2**2, np.nan)
        g = np.where(small | ~np.isfinite(d), np.nan, _hedges_j(n2 - 1) * d)
    var = ratio / n1 + 1 / n2 + g**2 / (2 * n2)
    zero_sd = (s2 == 0) & ~small
    return _normal_result("smd", "glass_delta", g, var, level, small,
                          ((zero_sd, "control SD is 0: delta undefined"),))


def ratio_of_means_log(mean1, sd1, n1, mean2, sd2, n2, level=0.95):
    """Ratio of means with a log-scale interval (metafor's ``ROM``).

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean, SD and size per arm (arm 1 experimental). Both means must be positive.
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``estimate = mean1 / mean2``; ``std_error`` is the SE of the **log** ratio; z and P for
        log ratio = 0.

    Notes
    -----
    ``log ROM = log(mean1 / mean2)``, ``Var = sd1^2 / (n1 mean1^2) + sd2^2 / (n2 mean2^2)`` (delta
    method), interval ``exp(log ROM +- z SE)``. Meaningful only on a ratio scale with positive
    means; a mean <= 0 gives NaN and a note.

    References
    ----------
    .. [1] Hedges LV, Gurevitch J, Curtis PS. The meta-analysis of response ratios in
       experimental ecology. Ecology 1999;80:1150-1156.
    .. [2] Friedrich JO, Adhikari NKJ, Beyene J. The ratio of means method as an alternative to
       mean differences for analyzing continuous outcome variables in meta-analysis. BMC Med
       Res Methodol 2008;8:32.

    Examples
    --------
    Annual relapse rates 0.52 (SD 0.85, n 75) vs 1.26 (SD 2.2, n 73):

    >>> r = ratio_of_means_log(0.52, 0.85, 75, 1.26, 2.2, 73)
    >>> [round(float(v[0]), 4) for v in (r.estimate, r.conf_low, r.conf_high)]
    [0.4127, 0.2392, 0.7119]
    """
    m1, s1, n1, m2, s2, n2 = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2)
    nonpositive = (m1 <= 0) | (m2 <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rom = np.where(nonpositive, np.nan, np.log(np.abs(m1)) - np.log(np.abs(m2)))
        var = np.where(nonpositive, np.nan, s1**2 / (n1 * m1**2) + s2**2 / (n2 * m2**2))
    return _normal_result("ratio_of_means", "log", log_rom, var, level, np.zeros_like(m1, bool),
                          ((nonpositive, "ratio of means needs positive means in both arms"),),
                          log=True)
