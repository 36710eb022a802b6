"""Cost per outcome avoided: an incremental cost divided by an absolute effect.

A deliberately simple calculation from a trial's own numbers. It ignores discounting,
adverse events and their costs, quality of life, costs after the trial and every cost other
than the stated annual cost per patient of each arm; it is not a cost-effectiveness
analysis in the sense of Drummond et al. (2015).
"""

from __future__ import annotations

import numpy as np

from ivigstats.stats.result import Result, as_float_arrays, notes

UNBOUNDED = "the effect's interval includes no benefit, so the ratio is unbounded on one side"
IGNORES = ("ignores discounting, adverse events and their costs, quality of life and "
           "costs other than the stated annual cost per patient")


def cost_per_outcome_avoided(cost1, cost2, effect, effect_low, effect_high, years=1.0, *,
                             measure="cost_per_event_avoided", level=0.95):
    """Incremental cost per unit of benefit, with an interval from the effect's interval.

    Parameters
    ----------
    cost1, cost2 : array_like
        Annual cost per patient in arm 1 (experimental) and arm 2 (control).
    effect, effect_low, effect_high : array_like
        The benefit per patient over ``years`` and its confidence limits, positive for a
        benefit of arm 1 (relapses avoided per patient; additional relapse-free patients per
        patient treated, i.e. a risk difference).
    years : array_like
        Horizon over which ``effect`` accrues and costs are paid.
    measure : str
        Row label, e.g. ``cost_per_relapse_avoided``.
    level : float
        Level of the effect's interval (carried to the rows).

    Returns
    -------
    Result
        ``estimate = (cost1 - cost2) * years / effect``; ``conf_low``/``conf_high`` the same
        ratio at the effect's limits, ordered. Method ``incremental_ratio``.

    Notes
    -----
    Like the number needed to treat (Altman 1998), the ratio is unbounded when the effect's
    interval includes no benefit: then the limit beyond zero is infinite and the note says
    so. NaN estimate when the point effect shows no benefit (<= 0): a cost per outcome
    avoided is undefined when nothing is avoided.

    References
    ----------
    .. [1] Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the
       Economic Evaluation of Health Care Programmes, 4th ed. Oxford University Press, 2015,
       chapter 4 (incremental cost per unit of effect).
    .. [2] Altman DG. Confidence intervals for the number needed to treat. BMJ
       1998;317:1309-1312.

    Examples
    --------
    10,000 a year more for 0.4 relapses avoided per patient-year (0.2 to 0.6):

    >>> r = cost_per_outcome_avoided(10000, 0, 0.4, 0.2, 0.6)
    >>> float(r.estimate[0]), float(r.conf_low[0]), float(r.conf_high[0])
    (25000.0, 16666.666666666668, 50000.0)
    """
    c1, c2, e, lo, hi, t = as_float_arrays(cost1, cost2, effect, effect_low, effect_high,
                                           years)
    extra = (c1 - c2) * t
    benefit = e > 0
    crosses = lo <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(benefit, extra / e, np.nan)
        at_hi = np.where(hi > 0, extra / hi, np.nan)
        at_lo = np.where(lo > 0, extra / lo, np.inf * np.sign(extra))
    low, high = np.fmin(at_hi, at_lo), np.fmax(at_hi, at_lo)
    note = notes(e.size, (np.ones(e.size, bool), IGNORES),
                 (benefit & crosses, UNBOUNDED),
                 (~benefit, "no benefit at the point estimate: no cost per outcome avoided"))
    low = np.where(benefit, low, np.nan)
    high = np.where(benefit, high, np.nan)
    return Result(measure, "incremental_ratio", level, estimate=est, conf_low=low,
                  conf_high=high, note=note)


def rate_difference_wald(events1, time1, events2, time2, level=0.95):
    """Rate difference ``e1/t1 - e2/t2`` with its Wald interval (for the cost rows).

    Notes
    -----
    ``SE = sqrt(e1/t1^2 + e2/t2^2)``; interval ``RD +- z SE`` (Rothman et al. 2008, ch. 14).

    References
    ----------
    .. [1] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd ed. 2008, chapter 14.

    Examples
    --------
    >>> lo, est, hi = rate_difference_wald(62, 150, 116, 146)
    >>> round(float(est[0]), 4)
    -0.3812
    """
    from scipy import special
    e1, t1, e2, t2 = as_float_arrays(events1, time1, events2, time2)
    est = e1 / t1 - e2 / t2
    se = np.sqrt(e1 / t1 ** 2 + e2 / t2 ** 2)
    z = special.ndtri(1 - (1 - level) / 2)
    return est - z * se, est, est + z * se
