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
