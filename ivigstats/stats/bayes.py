"""Bayesian reanalysis of a summary effect: normal prior x normal likelihood.

Ratios (risk, odds, rate ratios) are analysed on the log scale, differences on their natural
scale. Priors follow Spiegelhalter, Freedman and Parmar (1994): *sceptical* (centred on no
effect, 5% probability of an effect beyond a stated plausible one), *enthusiastic* (centred on
that effect, 5% probability of no benefit), *neutral* (flat: the posterior is the likelihood),
or any normal prior given by its mean and SD.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ivigstats.stats.result import Result, as_float_arrays

SPIEGELHALTER = ("Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches to "
                 "randomized trials. J R Stat Soc A 1994;157:357-416")
PRIORS = ("sceptical", "neutral", "enthusiastic")
Z95 = 1.6448536269514722  # ndtri(0.95): the prior puts 5% beyond the plausible effect


def prior_for(name: str, plausible):
    """``(mean, sd)`` of a named prior on the analysis scale (log for ratios).

    ``plausible`` is the plausible effect on the analysis scale (``log(0.75)`` for a ratio
    of 0.75); ``neutral`` returns ``(0, inf)``, a flat prior.
    """
    plausible = float(plausible)
    if name == "neutral":
        return 0.0, float("inf")
    if plausible == 0:
        raise ValueError("the plausible effect must differ from no effect")
    sd = abs(plausible) / Z95
    if name == "sceptical":
        return 0.0, sd
    if name == "enthusiastic":
        return plausible, sd
    raise ValueError(f"prior must be one of {PRIORS}, not {name!r}")


def posterior_normal(estimate, std_error, prior_mean, prior_sd, level=0.95, *,
                     log_scale=True, benefit="lower", mid=None, measure="effect",
                     prior="custom"):
    """Posterior of a treatment effect from a normal likelihood and a normal prior.

    Parameters
    ----------
    estimate : array_like
        The trial's effect on its natural scale (a ratio, or a difference).
    std_error : array_like
        Its standard error on the analysis scale (of the log for ratios).
    prior_mean, prior_sd : array_like
        The prior on the analysis scale; ``prior_sd = inf`` is a flat prior.
    level : float
        Credible level of the equal-tailed interval.
    log_scale : bool
        True for ratios (analysed as logs, reported back as ratios).
    benefit : {"lower", "higher"}
        Which side of no effect is benefit: "lower" when the ratio (or difference) falls
        below 1 (0) for a benefit, e.g. relapses; "higher" for a good outcome such as
        relapse-free patients.
    mid : float or None
        Minimal important effect on the natural scale (e.g. 0.9 for a ratio); the
        probability of a benefit beyond it is returned too.
    measure, prior : str
        Labels for the rows (``measure`` of the effect; ``prior`` name in the method).

    Returns
    -------
    list of Result
        ``[posterior, P(benefit), P(benefit beyond mid)]`` (the last only with ``mid``):
        the posterior's ``estimate`` is its median (on the natural scale), ``std_error`` its
        SD on the analysis scale, ``conf_low``/``conf_high`` the credible interval; the
        probabilities are ``estimate`` of rows with measure ``probability_of_benefit`` and
        ``probability_beyond_mid``. Methods are ``bayes_<prior>``.

    Notes
    -----
    Conjugate normal: precision ``w = 1/se^2 + 1/s0^2``, posterior mean
    ``(y/se^2 + m0/s0^2) / w``, SD ``w^-1/2`` (Spiegelhalter et al. 1994, section 3.1). On
    the log scale the posterior median of the ratio is ``exp(mean)``. With a flat prior the
    posterior equals the likelihood: median = estimate, interval = the Wald interval.
    ``P(benefit) = Phi(-mean/sd)`` when lower is benefit (``Phi(mean/sd)`` otherwise).

    References
    ----------
    .. [1] Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches to randomized
       trials. J R Stat Soc A 1994;157:357-416.
    .. [2] Spiegelhalter DJ, Abrams KR, Myles JP. Bayesian Approaches to Clinical Trials and
       Health-Care Evaluation. Wiley 2004, ch. 3: the GREAT trial reanalysed with an expert
       and a sceptical prior (Pocock & Spiegelhalter, BMJ 1992;305:1015); its printed
       posteriors are reproduced in tests/test_bayes_published.py.
    .. [3] Goligher EC, Tomlinson G, Hajage D, et al. Extracorporeal membrane oxygenation
       for severe acute respiratory distress syndrome and posterior probability of mortality
       benefit in a post hoc Bayesian analysis of a randomized clinical trial. JAMA
       2018;320:2251-2259 (the same sceptical/enthusiastic priors, but a binomial
       likelihood, so its posteriors are not reproduced here).

    Examples
    --------
    A risk ratio of 0.76 with SE(log) 0.16 under a flat prior:

    >>> post, p_benefit = posterior_normal(0.76, 0.16, 0.0, float("inf"))
    >>> round(float(post.estimate[0]), 2), round(float(p_benefit.estimate[0]), 3)
    (0.76, 0.957)
    """
    y, se, m0, s0 = as_float_arrays(estimate, std_error, prior_mean, prior_sd)
    if benefit not in ("lower", "higher"):
        raise ValueError(f"benefit must be 'lower' or 'higher', not {benefit!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.log(y) if log_scale else y
        prior_precision = np.where(np.isinf(s0), 0.0, 1.0 / s0 ** 2)
        precision = 1.0 / se ** 2 + prior_precision
        mean = (theta / se ** 2 + np.where(np.isinf(s0), 0.0, m0 * prior_precision)) / precision
        sd = 1.0 / np.sqrt(precision)
    z = special.ndtri(1 - (1 - level) / 2)
    back = np.exp if log_scale else (lambda x: x)
    sign = -1.0 if benefit == "lower" else 1.0
    method = f"bayes_{prior}"
    out = [Result(measure, method, level, estimate=back(mean), std_error=sd,
                  conf_low=back(mean - z * sd), conf_high=back(mean + z * sd)),
           Result("probability_of_benefit", method, level,
                  estimate=special.ndtr(sign * mean / sd))]
    if mid is not None:
        threshold = np.log(mid) if log_scale else float(mid)
        out.append(Result("probability_beyond_mid", method, level,
                          estimate=special.ndtr(sign * (mean - threshold) / sd)))
    return out
