"""Rate ratios when events cluster within patients: quasi-Poisson and negative-binomial
variance, and the dispersion estimated from the mean and SD of per-patient rates.

Arguments follow the count kind: ``(events1, time1, events2, time2, level)``, arm 1 the
experimental arm; the rate ratio is arm 1 / arm 2.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays, notes

MCCULLAGH = "McCullagh P, Nelder JA. Generalized Linear Models, 2nd ed. 1989, sections 6.2 and 4.5"
LAWLESS = ("Lawless JF. Negative binomial and mixed Poisson regression. Can J Stat "
           "1987;15:209-225")
DEFAULT_PHI_GRID = (1.0, 1.5, 2.0, 3.0)


def _wald_log(measure, method, log_est, se, level, note):
    z = special.ndtri(1 - (1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = log_est / se
    return Result(measure, method, level, estimate=np.exp(log_est), std_error=se,
                  conf_low=np.exp(log_est - z * se), conf_high=np.exp(log_est + z * se),
                  statistic=stat, p_value=2 * special.ndtr(-np.abs(stat)), note=note)


def phi_method_name(phi) -> str:
    """The stable method name of a dispersion: ``quasi_poisson_phi2``, ``..._phi1.5``."""
    return f"quasi_poisson_phi{float(phi):g}"


def rate_ratio_quasi_poisson(events1, time1, events2, time2, level=0.95, phi=1.0):
    """Rate ratio with its Wald interval and P widened by a dispersion factor phi.

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time of arm 1 and arm 2 (events > 0 in both arms).
    level : float
        Confidence level.
    phi : float or array_like
        Variance inflation: ``Var(count) = phi * mean`` (1 is Poisson).

    Returns
    -------
    Result
        ``measure="rate_ratio"``, ``method="quasi_poisson_phi<phi>"``; ``std_error`` of the
        log rate ratio.

    Notes
    -----
    ``log RR = log(e1/t1) - log(e2/t2)``, ``SE = sqrt(phi) * sqrt(1/e1 + 1/e2)``; interval
    ``exp(log RR +- z SE)``, P ``2 Phi(-|log RR| / SE)``. This is the standard error of the
    arm coefficient in a quasi-Poisson GLM (log link, offset log time) with the dispersion
    fixed at phi; R's ``summary.glm`` refers the Wald ratio to a t distribution on the
    residual df when phi is estimated from patient-level data, here phi is given, so the
    normal is used. Zero events in an arm: NaN (no log rate), with a note.

    References
    ----------
    .. [1] McCullagh P, Nelder JA. Generalized Linear Models, 2nd ed. London: Chapman and
       Hall, 1989, sections 4.5 and 6.2.
    .. [2] Wedderburn RWM. Quasi-likelihood functions, generalized linear models, and the
       Gauss-Newton method. Biometrika 1974;61:439-447.

    Examples
    --------
    Fazekas 1997 relapses, 62 in 150 and 116 in 146 person-years, phi = 2:

    >>> r = rate_ratio_quasi_poisson(62, 150, 116, 146, phi=2)
    >>> round(float(r.estimate[0]), 4), round(float(r.conf_high[0]), 4)
    (0.5202, 0.8046)
    """
    e1, t1, e2, t2, phi = as_float_arrays(events1, time1, events2, time2, phi)
    empty = (e1 <= 0) | (e2 <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_est = np.where(empty, np.nan, np.log(e1 / t1) - np.log(e2 / t2))
        se = np.where(empty, np.nan, np.sqrt(phi * (1 / e1 + 1 / e2)))
    phis = np.unique(phi)
    method = phi_method_name(phis[0]) if phis.size == 1 else "quasi_poisson"
    note = notes(e1.size, (np.full(e1.size, phis.size > 1),
                           "phi per row: " + ",".join(f"{p:g}" for p in phis)),
                 (empty, "zero events in an arm: no log rate ratio"))
    return _wald_log("rate_ratio", method, log_est, se, level, note)


def rate_ratio_negative_binomial(events1, time1, events2, time2, level=0.95, *, k, n1, n2):
    """Rate ratio with the variance of a negative-binomial count of shape k per patient.

    Parameters
    ----------
    events1, time1, events2, time2 : array_like
        Events and person-time of arm 1 and arm 2.
    level : float
        Confidence level.
    k : float or array_like
        Negative-binomial shape (R's ``theta``): ``Var(count) = mu + mu^2 / k``; smaller is
        more clustered, infinity is Poisson.
    n1, n2 : array_like
        Patients per arm (each followed for the same time within an arm).

    Returns
    -------
    Result
        ``measure="rate_ratio"``, ``method="negative_binomial"``.

    Notes
    -----
    With the group means as fitted values, the information for a group's log mean is
    ``n mu / (1 + mu / k)``, so ``Var(log rate) = 1/E + 1/(n k)`` with ``E = n mu`` the
    group's events; ``SE(log RR) = sqrt(1/e1 + 1/e2 + 1/(k n1) + 1/(k n2))``. This is the
    standard error ``MASS::glm.nb`` reports for the arm coefficient at its estimate of
    theta, when follow-up is equal within arms.

    References
    ----------
    .. [1] Lawless JF. Negative binomial and mixed Poisson regression. Can J Stat
       1987;15:209-225.
    .. [2] Venables WN, Ripley BD. Modern Applied Statistics with S, 4th ed. 2002, sec. 7.4.

    Examples
    --------
    >>> r = rate_ratio_negative_binomial(62, 150, 116, 146, k=0.5, n1=75, n2=73)
    >>> round(float(r.std_error[0]), 4)
    0.2807
    """
    e1, t1, e2, t2, k, n1, n2 = as_float_arrays(events1, time1, events2, time2, k, n1, n2)
    empty = (e1 <= 0) | (e2 <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_est = np.where(empty, np.nan, np.log(e1 / t1) - np.log(e2 / t2))
        se = np.where(empty, np.nan, np.sqrt(1 / e1 + 1 / e2 + 1 / (k * n1) + 1 / (k * n2)))
    note = notes(e1.size, (np.ones(e1.size, bool), "negative binomial, k = " +
                           ",".join(f"{x:.4g}" for x in np.unique(k))),
                 (empty, "zero events in an arm: no log rate ratio"))
    return _wald_log("rate_ratio", "negative_binomial", log_est, se, level, note)


def dispersion_from_rates(mean1, sd1, n1, mean2, sd2, n2, years):
    """Pearson dispersion phi from the mean and SD of per-patient rates in two arms.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : array_like
        Mean and SD of per-patient event rates (events per patient per year) and patients,
        per arm.
    years : array_like
        Follow-up per patient, in the rates' time unit.

    Returns
    -------
    phi : numpy.ndarray
        ``sum_g (n_g - 1) v_g / m_g / (n1 + n2 - 2)`` with per-patient counts
        ``m_g = mean_g * years`` and ``v_g = (sd_g * years)^2``.
    k : numpy.ndarray
        Moment estimate of a common negative-binomial shape, from ``v_g = m_g + m_g^2 / k``
        pooled over arms: ``k = sum (n_g - 1) m_g^2 / sum (n_g - 1) (v_g - m_g)`` (NaN when
        the counts are not overdispersed).

    Notes
    -----
    With counts = rate x follow-up, the Pearson statistic of a Poisson model with one mean
    per arm is ``sum (y - m_g)^2 / m_g = sum_g (n_g - 1) v_g / m_g``; divided by its residual
    df ``n1 + n2 - 2`` it is the moment estimate of the quasi-Poisson dispersion, the value R's
    ``summary(glm(..., family = quasipoisson))`` reports on patient-level data. It assumes
    equal follow-up; when patients were followed for different times, a mean of annualised
    rates differs from events / person-years, and phi is an approximation.

    References
    ----------
    .. [1] McCullagh P, Nelder JA. Generalized Linear Models, 2nd ed. 1989, section 4.5.2
       (moment estimator of the dispersion).
    .. [2] Anscombe FJ. Sampling theory of the negative binomial and logarithmic series
       distributions. Biometrika 1950;37:358-382 (moment estimate of k).

    Examples
    --------
    Fazekas 1997: IVIG 0.52 +- 0.85, placebo 1.26 +- 2.2 relapses a year, n 75 and 73,
    2 years:

    >>> phi, k = dispersion_from_rates(0.52, 0.85, 75, 1.26, 2.2, 73, 2.0)
    >>> round(float(phi[0]), 3)
    5.197
    """
    m1, s1, n1, m2, s2, n2, t = as_float_arrays(mean1, sd1, n1, mean2, sd2, n2, years)
    c1, c2 = m1 * t, m2 * t
    v1, v2 = (s1 * t) ** 2, (s2 * t) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = ((n1 - 1) * v1 / c1 + (n2 - 1) * v2 / c2) / (n1 + n2 - 2)
        excess = (n1 - 1) * (v1 - c1) + (n2 - 1) * (v2 - c2)
        k = np.where(excess > 0, ((n1 - 1) * c1 ** 2 + (n2 - 1) * c2 ** 2) / excess, np.nan)
    return phi, k


def phi_grid(events1, time1, events2, time2, level=0.95, phis=DEFAULT_PHI_GRID):
    """:func:`rate_ratio_quasi_poisson` for each phi of a grid: one Result per phi."""
    return [rate_ratio_quasi_poisson(events1, time1, events2, time2, level, phi=p)
            for p in phis]


def _grid_member(phi):
    """The registry-shaped quasi-Poisson rate ratio at one dispersion of the default grid."""
    def rate_ratio_at(events1, time1, events2, time2, level=0.95):
        return rate_ratio_quasi_poisson(events1, time1, events2, time2, level, phi=phi)
    rate_ratio_at.__name__ = f"rate_ratio_quasi_poisson_phi{phi:g}".replace(".", "_")
    rate_ratio_at.__doc__ = (
        f"Rate ratio with the variance inflated by phi = {phi:g} (quasi-Poisson).\n\n"
        "    See :func:`rate_ratio_quasi_poisson`; summarize's phi grid, registered so that "
        "batch and ``--methods`` reach it.\n\n    References\n    ----------\n"
        f"    .. [1] {MCCULLAGH}.\n")
    return rate_ratio_at


rate_ratio_quasi_poisson_phi1 = _grid_member(1.0)
rate_ratio_quasi_poisson_phi1_5 = _grid_member(1.5)
rate_ratio_quasi_poisson_phi2 = _grid_member(2.0)
rate_ratio_quasi_poisson_phi3 = _grid_member(3.0)
