"""The P values of every count consistent with printed percentages.

When a paper prints 36% of 75, any count k with 100 k / 75 rounding to 36 could be the truth;
with several arms or categories, every combination could. Recomputing each method over all of
them shows how far rounding alone could move a P (and whether it could cross 0.05).
"""

from __future__ import annotations

import itertools

import numpy as np

from ivigstats.arm_data import counts_rounding_to
from ivigstats.audit._common import decimals

MAX_COMBINATIONS = 100_000


def candidate_counts(percent: float, n: int) -> list[int]:
    """Counts of ``n`` that round to ``percent``; the two nearest when none does."""
    found = counts_rounding_to(percent, n, decimals(percent))
    if found:
        return found
    below = int(percent * n / 100)
    return [k for k in (below, below + 1) if 0 <= k <= n]


def _arm_options(outcome, a) -> list:
    """Every count vector (binary: event count) this arm's printed numbers allow."""
    if outcome.kind == "binary":
        return candidate_counts(a.percent, a.n) if a.percent is not None else [a.events]
    if a.percents is None:
        return [tuple(a.counts)]
    per_category = [candidate_counts(p, a.n) for p in a.percents]
    combos = list(itertools.islice(itertools.product(*per_category), MAX_COMBINATIONS))
    exact = [c for c in combos if sum(c) == a.n]
    return exact or combos


def consistent_arguments(outcome, a1, a2):
    """The kind's positional arrays over every combination of consistent counts, or None when
    the outcome is not binary or ordinal."""
    if outcome.kind not in ("binary", "ordinal"):
        return None
    pairs = list(itertools.islice(itertools.product(_arm_options(outcome, a1),
                                                    _arm_options(outcome, a2)),
                                  MAX_COMBINATIONS))
    if outcome.kind == "binary":
        e1, e2 = (np.array(x, dtype=float) for x in zip(*pairs))
        return e1, np.full(e1.shape, float(a1.n)), e2, np.full(e2.shape, float(a2.n))
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def p_values_over_counts(outcome, a1, a2, methods, level=0.95) -> dict:
    """``{"measure/method": array of P}`` over every combination of counts consistent with
    the printed numbers of ``a1`` and ``a2`` (one value when both arms print counts).

    ``methods`` are registry methods of the outcome's kind; methods without a P are skipped.
    """
    args = consistent_arguments(outcome, a1, a2)
    if args is None:
        return {}
    out = {}
    for m in methods:
        if m.per_arm or m.kind != outcome.kind:
            continue
        func = m.load()
        res = func(*args, level=level, benefit=outcome.benefit) if m.needs_benefit else \
            func(*args, level=level)
        if res.p_value is not None and np.isfinite(res.p_value).any():
            out[m.key] = np.asarray(res.p_value, dtype=float)
    return out


def p_value_range(outcome, a1, a2, methods, level=0.95) -> dict:
    """``{"measure/method": (min P, max P, combinations)}`` over all counts consistent with
    printed percentages (for summarize: how much rounding alone could move each P).

    >>> from ivigstats.trial import load_embedded
    >>> from ivigstats import methods
    >>> t = load_embedded("fazekas1997")
    >>> o = next(o for o in t.outcomes if o.id == "relapse_free")
    >>> lo, hi, k = p_value_range(o, o.arms["ivig"], o.arms["placebo"],
    ...                           methods.select("binary", "pearson_chi2"))["test/pearson_chi2"]
    >>> round(lo, 4), round(hi, 4), k   # printed as counts: a single table
    (0.0302, 0.0302, 1)
    """
    out = {}
    for key, p in p_values_over_counts(outcome, a1, a2, methods, level).items():
        finite = p[np.isfinite(p)]
        if finite.size:
            out[key] = (float(finite.min()), float(finite.max()), int(p.size))
    return out
