"""Percentages: each is attainable as a whole count of its n at the printed precision; the
category percentages of one arm sum to 100 within rounding; counts do not exceed n.

A percentage printed with d decimals stands for [p - h, p + h], h = half a unit in the last
place; k of n is attainable when 100 k / n lies in it (GRIM applied to proportions: Brown NJL,
Heathers JAJ. Soc Psychol Personal Sci 2017;8:363-369). k percentages each within h of the
truth sum to 100 +- k h.
"""

from __future__ import annotations

from ivigstats.arm_data import counts_rounding_to
from ivigstats.audit._common import Finding, decimals, half_unit, num


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} = {100 * k / n:.1f}%"


def attainable_ns(percent: float, n: int, reach: int = 6) -> list[int]:
    """The arm sizes within ``reach`` below or above ``n`` (nearest first, smaller first on a
    tie) with which ``percent`` is attainable."""
    d = decimals(percent)
    near = sorted(range(max(1, n - reach), n + reach + 1), key=lambda m: (abs(m - n), m))
    return [m for m in near if m != n and counts_rounding_to(percent, m, d)]


def attainability_finding(outcome_id, what, percent, n):
    """A finding when no whole count of ``n`` rounds to ``percent``; None otherwise."""
    if counts_rounding_to(percent, n, decimals(percent)):
        return None
    below = int(percent * n / 100)
    near = ", ".join(_pct(k, n) for k in (below, below + 1) if 0 <= k <= n)
    ns = attainable_ns(percent, n)[:3]
    examples = ", ".join(f"{m} ({_pct(counts_rounding_to(percent, m, decimals(percent))[0], m)})"
                         for m in ns)
    suggestion = f"check the n: {num(percent)}% is attainable with n = {examples}" if ns else \
        "check the percentage and its n"
    return Finding(outcome_id, "percentage", "error",
                   f"{what}: {num(percent)}% is not attainable with n = {n}: no whole count "
                   f"rounds to it (nearest: {near})", suggestion)


def sum_finding(outcome_id, arm_id, labels, percents, n):
    """A finding when an arm's category percentages cannot sum to 100; None otherwise."""
    total = sum(percents)
    slack = sum(half_unit(p) for p in percents)
    if abs(total - 100) <= slack + 1e-9:
        return None
    shown = " / ".join(num(p) for p in percents)
    fixes = []
    for i, (label, p) in enumerate(zip(labels, percents)):
        rest = total - p
        rest_slack = slack - half_unit(p)
        if p == int(p) and 0 < p <= n and abs(rest + 100 * p / n - 100) <= rest_slack + 1e-9:
            fixes.append(f"{label} {num(p)} is probably the count {int(p)} of {n} = "
                         f"{100 * p / n:.1f}% (the percentages then sum to 100)")
    if not fixes:
        fixes = [(f"one category is off by {abs(100 - total):g} points (e.g. {labels[-1]} "
                 f"{num(percents[-1] + 100 - total)}% would make the sum 100)")]
    return Finding(outcome_id, "percent_sum", "error",
                   f"{arm_id}: category percentages {shown}% sum to {num(total)}%, not 100 "
                   f"(rounding allows {100 - slack:g} to {100 + slack:g})", "; ".join(fixes))


def check(trial) -> list[Finding]:
    findings = []
    for outcome in trial.outcomes:
        for arm in trial.arms:
            a = outcome.arms.get(arm.id)
            if a is None:
                continue
            for where, what in a.issues:
                if where.endswith((".events", ".counts")):
                    findings.append(Finding(outcome.id, "counts", "error", f"{arm.id}: {what}",
                                            "check the count and the arm's n"))
            if a.percent is not None:
                f = attainability_finding(outcome.id, arm.id, a.percent, a.n)
                if f:
                    findings.append(f)
            if a.percents is not None:
                for label, p in zip(outcome.categories, a.percents):
                    f = attainability_finding(outcome.id, f"{arm.id} {label}", p, a.n)
                    if f:
                        findings.append(f)
                f = sum_finding(outcome.id, arm.id, outcome.categories, a.percents, a.n)
                if f:
                    findings.append(f)
    return findings
