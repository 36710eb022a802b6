"""Reported P against recomputed P (statcheck's idea, applied to arm-level numbers).

Each reported P is recomputed with every applicable registry method of the outcome's kind
(all but the slow exact tests; only the named measure's methods when the file names one). A
method reproduces a reported ``P = x`` when its P rounds to x at x's printed precision, or,
for ``P < x``, when it is below x (statcheck's rules: Nuijten MB et al. Behav Res Methods
2016;48:1205-1226; Epskamp S, Nuijten MB. statcheck R package, 2016). When counts come from
percentages, every consistent count is tried. A reported P that no method reproduces is a
warning; when moreover every method puts it on the other side of 0.05 (a reported P <= 0.05
counts as significant, as statcheck), it is a decision error. A P that only half the
two-sided P reproduces is said to match a one-sided test.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ivigstats.audit._common import Finding, half_unit, num, p_text

ALPHA = 0.05


def p_matches(computed, reported: float, relation: str = "=") -> np.ndarray:
    """Whether each ``computed`` P is consistent with the printed ``P <relation> reported``.

    ``=``: rounds to ``reported`` at its printed precision (0.03 matches 0.025 to 0.035);
    ``<``, ``<=``, ``>``: as the bound reads.
    """
    p = np.asarray(computed, dtype=float)
    if relation == "=":
        return np.abs(p - reported) <= half_unit(reported) * (1 + 1e-9)
    if relation == "<":
        return p < reported
    if relation == "<=":
        return p <= reported
    if relation == ">":
        return p > reported
    raise ValueError(f"relation must be one of =, <, <=, >; not {relation!r}")


def reported_significant(reported: float, relation: str = "=", alpha: float = ALPHA):
    """True/False: the conclusion a reader draws at ``alpha``; None when the bound leaves it
    open (``P > 0.01``)."""
    if relation in ("=", "<", "<="):
        return reported <= alpha if relation != "<" or reported <= alpha else None
    return False if reported >= alpha else None


def recomputed(trial, outcome, a1, a2, methods, level=0.95):
    """``({key: array of P}, notes)`` for one comparison; empty when it cannot be computed."""
    from ivigstats.analysis import arm_arguments
    from ivigstats.audit.intervals import repaired
    from ivigstats.audit.percent_range import p_values_over_counts

    broken = [f"{a.arm}: {what}" for a in (a1, a2) for where, what in a.issues
              if where.endswith((".events", ".counts"))]
    if broken:
        return {}, broken
    if outcome.kind in ("binary", "ordinal"):
        with np.errstate(all="ignore"):
            return p_values_over_counts(outcome, a1, a2, methods, level), []
    notes = []
    if outcome.kind == "continuous":
        fixed = []
        for a in (a1, a2):
            if a.sd is None and a.se is None and a.ci is not None and a.ci[0] > a.ci[1]:
                ci = repaired(a.mean, *a.ci)
                if ci is None:
                    return {}, [f"{a.arm}: its CI is contradictory and no single edit repairs it"]
                notes.append(f"{a.arm} SD from its CI as corrected ({num(ci[0])} to "
                             f"{num(ci[1])})")
                a = replace(a, ci=ci)
            fixed.append(a)
        a1, a2 = fixed
    args, derived = arm_arguments(outcome, a1, a2)
    if args is None:
        return {}, ["no SD, SE or CI for an arm"]
    out = {}
    for m in methods:
        if m.per_arm or m.kind != outcome.kind:
            continue
        func = m.load()
        with np.errstate(all="ignore"):
            res = func(*args, level=level, benefit=outcome.benefit) if m.needs_benefit else \
                func(*args, level=level)
        if res.p_value is not None and np.isfinite(res.p_value).any():
            out[m.key] = np.asarray(res.p_value, dtype=float)
    return out, notes + [d for d in derived if d.startswith("SD of")]


def _shown(p: np.ndarray) -> str:
    finite = p[np.isfinite(p)]
    lo, hi = float(finite.min()), float(finite.max())
    return f"P = {p_text(lo)}" if p_text(lo) == p_text(hi) else \
        f"P = {p_text(lo)} to {p_text(hi)} over the counts the percentages allow"


def p_value_finding(outcome, label, computed: dict, notes, reported, relation="="):
    """The finding for one reported P against the methods' P values (``computed``)."""
    printed = f"P {relation} {num(reported)}"
    if not computed:
        why = "; ".join(notes) or "no applicable method"
        return Finding(outcome.id, "p_value", "info",
                       f"{label}: reported {printed} cannot be recomputed ({why})",
                       "give each arm's SD, SE or CI to check it" if "no SD" in why
                       else "correct the numbers above first")
    yes = [k for k, p in computed.items() if p_matches(p, reported, relation).any()]
    no = [k for k in computed if k not in yes]
    listing = lambda keys: ", ".join(f"{k} ({_shown(computed[k])})" for k in keys)
    from_ = f" (inputs: {'; '.join(notes)})" if notes else ""
    if yes:
        msg = f"{label}: reported {printed} is reproduced by {listing(yes)}"
        if no:
            msg += f"; not by {listing(no)}"
        return Finding(outcome.id, "p_value", "info", msg + from_)
    one_sided = [k for k, p in computed.items() if p_matches(p / 2, reported, relation).any()]
    sig = reported_significant(reported, relation)
    flipped = sig is not None and all(((p < ALPHA) != sig).all() for p in computed.values())
    msg = f"{label}: reported {printed} is not reproduced by any method: {listing(no)}{from_}"
    if one_sided:
        msg += f"; half of it (a one-sided test) matches for {', '.join(one_sided)}"
    if flipped and not one_sided:
        conclusion = "significant" if sig else "not significant"
        return Finding(outcome.id, "p_value", "error",
                       msg + f"; decision error: reported as {conclusion} at 0.05, every "
                       "method says the opposite",
                       "check which test was used and on which numbers; the conclusion "
                       "depends on it")
    return Finding(outcome.id, "p_value", "warning", msg + "; the 0.05 conclusion holds",
                   "the paper may have used another test (rank-based, adjusted) or other "
                   "numbers; say which before relying on this P")


def check(trial, level=0.95) -> list[Finding]:
    from ivigstats import methods as registry
    findings = []
    for outcome in trial.outcomes:
        rep = outcome.reported
        if rep is None or rep.p_value is None:
            continue
        relation = getattr(rep, "p_operator", "=") or "="
        methods = [m for m in registry.select(outcome.kind, "all") if not m.slow
                   and not m.per_arm and (rep.measure is None or m.measure == rep.measure)]
        for exp, ctl in trial.comparisons():
            if exp.id not in outcome.arms or ctl.id not in outcome.arms:
                continue
            computed, notes = recomputed(trial, outcome, outcome.arms[exp.id],
                                         outcome.arms[ctl.id], methods, level)
            label = f"{exp.id} vs {ctl.id}"
            findings.append(p_value_finding(outcome, label, computed, notes, rep.p_value,
                                            relation))
    return findings + shared_p_findings(trial)


def shared_p_findings(trial) -> list[Finding]:
    """An info row for each outcome whose printed P is printed for another outcome too (a P
    copied to the wrong result reads exactly like this)."""
    by_p: dict = {}
    for o in trial.outcomes:
        if o.reported is not None and o.reported.p_value is not None:
            by_p.setdefault(o.reported.p_value, []).append(o.id)
    findings = []
    for p, ids in by_p.items():
        for oid in ids if len(ids) > 1 else ():
            others = ", ".join(i for i in ids if i != oid)
            findings.append(Finding(oid, "p_value", "info",
                                    f"the same P = {num(p)} is printed for {others}",
                                    "check that this P belongs to this outcome"))
    return findings
