"""Adjusted indirect comparison of two treatments through a common comparator (Bucher 1997)."""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays


def indirect_bucher(estimate_ac, std_error_ac, estimate_bc, std_error_bc, *, measure: str,
                    log_scale: bool, level: float = 0.95) -> Result:
    """A versus B from A versus C and B versus C: ratio of ratios or difference of differences.

    Parameters
    ----------
    estimate_ac, std_error_ac : array_like
        Effect of A against the common comparator C and its standard error. For ratio
        measures (``log_scale=True``) the estimate is the ratio itself and the standard error
        is that of its logarithm (as in :class:`~ivigstats.stats.result.Result`).
    estimate_bc, std_error_bc : array_like
        The same for B against C, from independent trials.
    measure : str
        Name of the measure (``risk_ratio``, ``mean_difference``, ...), kept in the result.
    log_scale : bool
        True for ratio measures (compared on the log scale), False for differences.
    level : float
        Confidence level.

    Returns
    -------
    Result
        ``method = "bucher"``; estimate ``AC / BC`` (or ``AC - BC``), standard error (of the
        log for ratios), normal-theory interval, z and two-sided P.

    Notes
    -----
    ``d_AB = d_AC - d_BC`` on the analysis scale (log for ratios) and
    ``SE(d_AB) = sqrt(SE(d_AC)^2 + SE(d_BC)^2)``, because the two sets of trials are
    independent; interval ``d_AB +- z SE``, ``P = 2 Phi(-|d_AB| / SE)``. Each trial's
    randomisation is kept, but the comparison of A with B is not randomised: it is valid only
    if the relative effects would transfer between the trials (similar populations, eras,
    comparator, outcome definitions and follow-up). A standard error that is 0 or not finite
    gives NaN throughout.

    References
    ----------
    .. [1] Bucher HC, Guyatt GH, Griffith LE, Walter SD. The results of direct and indirect
       treatment comparisons in meta-analysis of randomized controlled trials. J Clin
       Epidemiol 1997;50:683-691.

    Examples
    --------
    Bucher 1997's example, TMP-SMX versus D/P through aerosolised pentamidine (AP), each arm
    set pooled with Peto's odds ratio (TMP-SMX vs AP 0.3248, AP vs D/P 1.1325):

    >>> r = indirect_bucher(0.324773, 0.213065, 1 / 1.132547, 0.201147,
    ...                     measure="odds_ratio", log_scale=True)
    >>> [round(float(x[0]), 2) for x in (r.estimate, r.conf_low, r.conf_high)]
    [0.37, 0.21, 0.65]
    """
    e1, s1, e2, s2 = as_float_arrays(estimate_ac, std_error_ac, estimate_bc, std_error_bc)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1, d2 = (np.log(e1), np.log(e2)) if log_scale else (e1, e2)
        diff = d1 - d2
        se = np.sqrt(s1 ** 2 + s2 ** 2)
        bad = ~(np.isfinite(se) & (se > 0) & np.isfinite(diff))
        se = np.where(bad, np.nan, se)
        diff = np.where(bad, np.nan, diff)
        z = diff / se
    crit = special.ndtri(0.5 + level / 2)
    low, high = diff - crit * se, diff + crit * se
    back = np.exp if log_scale else (lambda x: x)
    return Result(measure=measure, method="bucher", conf_level=level, estimate=back(diff),
                  std_error=se, conf_low=back(low), conf_high=back(high), statistic=z,
                  p_value=2 * special.ndtr(-np.abs(z)))
