"""Interval sanity: a printed estimate lies inside its CI, and the CI is symmetric about it on
the scale its measure implies (linear for means and differences, log for ratios), within the
rounding of the printed numbers. When not, the single edit that would make it consistent.

A t or Wald interval ``estimate +- q SE`` is symmetric on its scale, so its printed midpoint
(geometric midpoint for ratios) equals the printed estimate up to rounding; score and exact
intervals need not be, which is why asymmetry alone is a warning.
"""

from __future__ import annotations

import math

from ivigstats.audit._common import Finding, half_unit, num

NAMES = ("lower bound", "upper bound", "estimate")


def _scale(values, log):
    return [math.log(v) for v in values] if log else list(values)


def consistent(estimate, low, high, log=False) -> tuple[bool, bool]:
    """``(inside, symmetric)`` allowing for the printed rounding of all three numbers.

    ``inside``: ``low <= estimate <= high`` as printed (rounding cannot carry a printed value
    across a different printed bound). ``symmetric``: some values that round to the printed ones have
    the estimate exactly at the midpoint (on the log scale when ``log``).
    """
    he, hl, hh = half_unit(estimate), half_unit(low), half_unit(high)
    inside = low <= estimate <= high  # printed values: rounding cannot move one across a bound
    if log and min(estimate - he, low - hl) <= 0:
        return inside, True  # not checkable on the log scale
    e_lo, e_hi = _scale((estimate - he, estimate + he), log)
    l_lo, l_hi = _scale((low - hl, low + hl), log)
    h_lo, h_hi = _scale((high - hh, high + hh), log)
    mid_lo, mid_hi = (l_lo + h_lo) / 2, (l_hi + h_hi) / 2
    return inside, e_lo <= mid_hi and mid_lo <= e_hi


def single_edits(estimate, low, high, log=False) -> list[str]:
    """Every one-number edit (a dropped or added minus sign, swapped bounds, a decimal point
    one place off) after which the estimate is inside a symmetric interval."""
    values = (low, high, estimate)
    candidates = []
    for i, v in enumerate(values):
        options = [v * 10, v / 10] + ([] if log else [-v])
        for new in options:
            if new == v:
                continue
            edited = list(values)
            edited[i] = new
            candidates.append((f"{NAMES[i]} {num(v)} is probably {num(new)}", edited))
    candidates.append((f"the bounds are probably swapped: {num(high)} to {num(low)}",
                       [high, low, estimate]))
    out = []
    for text, (lo, hi, est) in candidates:
        if log and min(lo, hi, est) <= 0:
            continue
        if all(consistent(est, lo, hi, log)):
            out.append(text)
    return out


def repaired(estimate, low, high, log=False):
    """The interval after its single consistent edit, or None when there is none or several."""
    edits = single_edits(estimate, low, high, log)
    if len(edits) != 1:
        return None
    text = edits[0]
    if text.startswith("the bounds"):
        return high, low
    new = float(text.rsplit(" ", 1)[1])
    return (new, high) if text.startswith("lower") else (low, new) if \
        text.startswith("upper") else (low, high)


def interval_finding(outcome_id, what, estimate, low, high, level=0.95, log=False):
    """A finding for one printed estimate and CI, or None when they are consistent."""
    inside, symmetric = consistent(estimate, low, high, log)
    if inside and symmetric:
        return None
    ci = f"{level:.0%} CI {num(low)} to {num(high)}"
    if low > high:
        problem = f"{what}: the {ci} has its lower bound above its upper bound"
        if not high <= estimate <= low:
            problem += f" and excludes the estimate {num(estimate)}"
    elif not inside:
        problem = f"{what}: the estimate {num(estimate)} lies outside its {ci}"
    else:
        scale = "geometric midpoint" if log else "midpoint"
        mid = math.sqrt(low * high) if log else (low + high) / 2
        problem = (f"{what}: the {ci} is not symmetric about the estimate {num(estimate)} "
                   f"({scale} {mid:.4g}); t and Wald intervals are, score and exact ones "
                   "need not be")
    edits = single_edits(estimate, low, high, log)
    if len(edits) == 1:
        suggestion = edits[0] + (" (then the estimate is the interval's geometric midpoint)"
                                 if log else " (then the estimate is the interval's midpoint)")
    elif edits:
        suggestion = "one of: " + "; ".join(edits)
    else:
        suggestion = "no single edit of a sign, bound order or decimal point makes it " \
                     "consistent; check the source"
    return Finding(outcome_id, "interval", "error" if not inside else "warning", problem,
                   suggestion)


def check(trial) -> list[Finding]:
    """Arm means with CIs, and every reported estimate with its CI."""
    from ivigstats.audit import log_scale_measure
    findings = []
    for outcome in trial.outcomes:
        for arm in trial.arms:
            a = outcome.arms.get(arm.id)
            for where, what in (a.issues if a is not None else ()):
                if where.endswith(".median"):  # quantiles out of order
                    findings.append(Finding(outcome.id, "interval", "error", f"{arm.id}: {what}",
                                            "check the printed quartiles and range"))
            if a is None or a.ci is None or a.mean is None:
                continue
            f = interval_finding(outcome.id, f"{arm.id} mean", a.mean, *a.ci, a.ci_level)
            if f:
                findings.append(f)
        rep = outcome.reported
        if rep is not None and rep.estimate is not None and rep.conf_low is not None:
            f = interval_finding(outcome.id, f"reported {rep.measure or 'estimate'}",
                                 rep.estimate, rep.conf_low, rep.conf_high, rep.conf_level,
                                 log=log_scale_measure(rep.measure))
            if f:
                findings.append(f)
    return findings
