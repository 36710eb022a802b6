"""Standard deviations recovered from what papers print (Cochrane Handbook 6.5.2)."""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import as_float_arrays


def sd_from_se(se, n):
    """Standard deviation of one arm from the standard error of its mean.

    Parameters
    ----------
    se : array_like
        Standard error of the mean (> 0).
    n : array_like
        Number of participants (>= 1).

    Returns
    -------
    numpy.ndarray
        ``SD = SE * sqrt(n)``.

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of Interventions,
       version 6.4, 2023, section 6.5.2.2.

    Examples
    --------
    >>> float(sd_from_se(0.1, 100)[0])
    1.0
    """
    se, n = as_float_arrays(se, n)
    return se * np.sqrt(n)


def sd_from_ci(lower, upper, n, level=0.95, distribution="t"):
    """Standard deviation of one arm from a confidence interval for its mean.

    Parameters
    ----------
    lower, upper : array_like
        Confidence limits of the mean.
    n : array_like
        Number of participants (>= 2 for the t quantile).
    level : float
        Confidence level of the interval, e.g. 0.95.
    distribution : {"t", "z"}
        ``"t"``: the interval was ``mean +- t(1 - alpha/2, n - 1) SE`` (the default; what a paper
        computing a CI for a mean from its own data prints). ``"z"``: ``mean +- z SE``.

    Returns
    -------
    numpy.ndarray
        ``SD = sqrt(n) * (upper - lower) / (2 q)``, q the t (n-1 df) or normal quantile.
        NaN where n < 2 with the t quantile.

    Notes
    -----
    The Cochrane Handbook (6.5.2.2) divides by 3.92 for large samples and replaces it by
    ``2 t(0.975, n-1)`` for small ones; using the t quantile for every n is exact for a t
    interval and differs from 3.92 by under 1% once n > 100.

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of Interventions,
       version 6.4, 2023, section 6.5.2.2.

    Examples
    --------
    Placebo arm of Fazekas 1997, EDSS change +0.12 (-0.13 to 0.37), n = 73:

    >>> round(float(sd_from_ci(-0.13, 0.37, 73)[0]), 4)
    1.0715
    """
    lower, upper, n = as_float_arrays(lower, upper, n)
    p = 1.0 - (1.0 - level) / 2.0
    if distribution == "t":
        with np.errstate(invalid="ignore"):
            q = np.where(n >= 2, special.stdtrit(np.maximum(n - 1.0, 1.0), p), np.nan)
    elif distribution == "z":
        q = np.full_like(n, special.ndtri(p))
    else:
        raise ValueError(f"distribution must be 't' or 'z', not {distribution!r}")
    return np.sqrt(n) * (upper - lower) / (2.0 * q)


def _sd_from_se_of(se, n1, n2):
    """SD from the SE of one mean (``n2`` NaN) or of a difference of two means."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(n2), se * np.sqrt(n1), se / np.sqrt(1.0 / n1 + 1.0 / n2))


def sd_from_t(estimate, t, n1, n2=float("nan")):
    """Standard deviation from a t statistic, for one arm's mean or a difference of means.

    Parameters
    ----------
    estimate : array_like
        The mean (one arm, tested against 0) or the difference in means.
    t : array_like
        Its t statistic (the sign is ignored).
    n1 : array_like
        Participants in the arm (or in arm 1 of a difference).
    n2 : array_like
        Participants in arm 2 of a difference; NaN (the default) for one arm.

    Returns
    -------
    numpy.ndarray
        ``SE = |estimate| / |t|``; one arm ``SD = SE sqrt(n1)``, a difference
        ``SD = SE / sqrt(1/n1 + 1/n2)`` (a common SD of the two arms).

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    Cochrane Handbook 6.5.2.3: a difference of 3.8 with t = 2.78, n 25 and 22:

    >>> round(float(sd_from_t(3.8, 2.78, 25, 22)[0]), 2)
    4.68
    """
    estimate, t, n1, n2 = as_float_arrays(estimate, t, n1, n2)
    with np.errstate(divide="ignore"):
        return _sd_from_se_of(np.abs(estimate) / np.abs(t), n1, n2)


def sd_from_p(estimate, p, n1, n2=float("nan"), distribution="t"):
    """Standard deviation from a two-sided P value, for one arm's mean or a difference.

    Parameters
    ----------
    estimate : array_like
        The mean (one arm) or the difference in means.
    p : array_like
        Two-sided P value of a t test (or z test) of the estimate, in (0, 1).
    n1, n2 : array_like
        As for :func:`sd_from_t`.
    distribution : {"t", "z"}
        ``"t"``: ``t = t^-1(1 - P/2)`` with ``n1 - 1`` (one arm) or ``n1 + n2 - 2`` df;
        ``"z"``: the normal quantile.

    Returns
    -------
    numpy.ndarray
        :func:`sd_from_t` at that statistic.

    Notes
    -----
    A P printed as "P < 0.05" gives at most a conservative SD (use the bound); a rounded P
    (0.04) carries its rounding into the SD.

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    Cochrane Handbook 6.5.2.3: P = 0.008, difference 3.8, n 25 and 22 (t = 2.78, SE 1.37,
    SD 4.69 after rounding each step; unrounded, t(45) = 2.7755 and SD = 4.68):

    >>> round(float(sd_from_p(3.8, 0.008, 25, 22)[0]), 2)
    4.68
    """
    estimate, p, n1, n2 = as_float_arrays(estimate, p, n1, n2)
    if distribution == "t":
        df = np.where(np.isnan(n2), n1 - 1.0, n1 + n2 - 2.0)
        stat = special.stdtrit(df, 1.0 - p / 2.0)
    elif distribution == "z":
        stat = special.ndtri(1.0 - p / 2.0)
    else:
        raise ValueError(f"distribution must be 't' or 'z', not {distribution!r}")
    return sd_from_t(estimate, stat, n1, n2)


def sd_from_se_difference(se, n1, n2):
    """Common SD of two arms from the SE of their difference in means.

    ``SD = SE / sqrt(1/n1 + 1/n2)`` (Cochrane Handbook 6.5.2.3).

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    >>> round(float(sd_from_se_difference(1.37, 25, 22)[0]), 2)
    4.69
    """
    se, n1, n2 = as_float_arrays(se, n1, n2)
    return _sd_from_se_of(se, n1, n2)


def sd_from_ci_difference(lower, upper, n1, n2, level=0.95, distribution="t"):
    """Common SD of two arms from a confidence interval for their difference in means.

    ``SE = (upper - lower) / (2 q)``, q the t quantile with ``n1 + n2 - 2`` df (or z);
    ``SD = SE / sqrt(1/n1 + 1/n2)`` (Cochrane Handbook 6.5.2.3).

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    >>> round(float(sd_from_ci_difference(1.0, 6.6, 25, 22)[0]), 3)
    4.756
    """
    lower, upper, n1, n2 = as_float_arrays(lower, upper, n1, n2)
    p = 1.0 - (1.0 - level) / 2.0
    if distribution == "t":
        q = special.stdtrit(n1 + n2 - 2.0, p)
    elif distribution == "z":
        q = np.full_like(n1, special.ndtri(p))
    else:
        raise ValueError(f"distribution must be 't' or 'z', not {distribution!r}")
    return _sd_from_se_of((upper - lower) / (2.0 * q), n1, n2)
