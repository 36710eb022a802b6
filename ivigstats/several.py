"""Several trials: one study's effect for an outcome, pooled rows and the indirect comparison.

The library behind ``ivigstats pool`` and ``ivigstats compare`` (which only parse and render).
Per-study effects come from the registry methods (:mod:`ivigstats.methods`) through
:func:`ivigstats.analysis.arm_arguments`, the same path as ``summarize``; the pooling is
:mod:`ivigstats.stats.pooling`, the indirect comparison :mod:`ivigstats.stats.indirect`.
Bad input raises :class:`~ivigstats.errors.InputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: measure -> the registry method whose estimate and standard error feed the pooling
#: (inverse-variance inputs: metafor's escalc RR, OR, RD, IRR, IRD, MD, SMD, ROM)
EFFECT_METHOD = {
    "risk_ratio": "katz_log", "odds_ratio": "woolf_log", "risk_difference": "wald",
    "rate_ratio": "wald_log", "rate_difference": "wald", "mean_difference": "welch",
    "smd": "hedges_g", "ratio_of_means": "log",
}
DEFAULT_MEASURE = {"binary": "risk_ratio", "count": "rate_ratio",
                   "continuous": "mean_difference"}
ASSUMPTION = ("ASSUMED (--assume-person-years), not printed in the trial: person-years = n x "
              "follow-up (no withdrawals) and events = annual rate x person-years (the printed "
              "rate read as total events / person-years); Poisson SE, too narrow if relapses "
              "cluster in patients")


@dataclass(frozen=True)
class StudyEffect:
    """One trial's comparison for one outcome: a one-row registry Result and its context."""

    trial: object
    outcome: object
    experimental: object
    control: object
    result: object  # ivigstats.stats.result.Result with one row
    log_scale: bool
    note: str
    counts: tuple | None  # (events1, n1, events2, n2) for binary outcomes (Mantel-Haenszel)

    @property
    def label(self) -> str:
        return f"{self.trial.id}: {self.experimental.id} vs {self.control.id}"


def _for_trial(trial, source: str, default, named):
    return named.get(trial.id, named.get(source, default))


def study_effect(trial, source: str, outcome_spec, arm_spec, measure: str | None,
                 level: float, assume_person_years: bool = False) -> StudyEffect:
    """The effect of ``trial``'s experimental arm against its control for the chosen outcome.

    Raises :class:`~ivigstats.errors.InputError` naming the trial and outcome when the outcome
    or arm is missing or ambiguous, or when the numbers give no standard error (then saying
    what is missing and which assumption ``--assume-person-years`` would make).
    """
    from ivigstats import methods
    from ivigstats.analysis import arm_arguments
    from ivigstats.errors import InputError

    outcome_id = _for_trial(trial, source, *outcome_spec)
    ids = [o.id for o in trial.outcomes]
    if outcome_id is None:
        raise InputError(trial.id, f"no outcome chosen; give --outcome ID or --outcome "
                         f"{trial.id}=ID (outcomes: {', '.join(ids)})")
    outcome = next((o for o in trial.outcomes if o.id == outcome_id), None)
    if outcome is None:
        raise InputError(trial.id, f"no outcome {outcome_id!r}; expected one of: {', '.join(ids)}")
    where = f"{trial.id}: outcome {outcome.id}"
    control = next(a for a in trial.arms if a.role == "control")
    arm_id = _for_trial(trial, source, *arm_spec)
    candidates = [a for a, _ in trial.comparisons() if a.id in outcome.arms]
    if arm_id is not None:
        chosen = [a for a in candidates if a.id == arm_id]
        if not chosen:
            raise InputError(where, f"no experimental arm {arm_id!r} with data; expected one "
                             f"of: {', '.join(a.id for a in candidates) or '(none)'}")
    elif len(candidates) > 1:
        raise InputError(where, f"{len(candidates)} experimental arms have data ("
                         f"{', '.join(a.id for a in candidates)}); choose one with --arm "
                         f"{trial.id}=ARM")
    else:
        chosen = candidates
    if not chosen or control.id not in outcome.arms:
        raise InputError(where, "has no experimental and control arm data to compare")
    exp = chosen[0]
    a1, a2 = outcome.arms[exp.id], outcome.arms[control.id]
    kind, notes = outcome.kind, []
    args, derived = arm_arguments(outcome, a1, a2)
    notes.extend(derived)
    if args is None and kind == "continuous":
        if not assume_person_years:
            raise InputError(where, f"arms give means only ({a1.mean:g} vs {a2.mean:g}) with no "
                             "SD, SE, CI, event count or person-years, so there is no standard "
                             "error; an interval needs each arm's event count and person-years "
                             "(or an SE). If the means are annual event rates, "
                             "--assume-person-years takes person-years = n x follow-up and "
                             "events = rate x person-years (not confirmed by the trial)")
        follow = outcome.follow_up_years or trial.follow_up_years
        t1, t2 = a1.n * follow, a2.n * follow
        args, kind = (a1.mean * t1, t1, a2.mean * t2, t2), "count"
        notes.append(f"{ASSUMPTION}: {a1.n} x {follow:g} and {a2.n} x {follow:g} years")
    if args is None:
        raise InputError(where, "the numbers give no comparison")
    if kind == "ordinal":
        raise InputError(where, "ordinal outcomes are not pooled or compared; expected a "
                         "binary, count or continuous outcome")
    measure = measure or DEFAULT_MEASURE[kind]
    method = next((m for m in methods.for_kind(kind) if m.measure == measure
                   and m.method == EFFECT_METHOD.get(measure)), None)
    if method is None:
        known = [m for m in EFFECT_METHOD if any(x.measure == m for x in methods.for_kind(kind))]
        raise InputError(where, f"measure {measure!r} does not apply to a {kind} outcome; "
                         f"expected one of: {', '.join(known)}")
    result = method.load()(*args, level=level)
    if result.note is not None and result.note[0]:
        notes.append(str(result.note[0]))
    counts = tuple(float(x) for x in args) if kind == "binary" else None
    return StudyEffect(trial, outcome, exp, control, result, method.log_scale,
                       "; ".join(notes), counts)


CSV_LAYOUTS = (("study", "yi", "vi"), ("study", "events1", "n1", "events2", "n2"))


def csv_effects(path: str, measure: str | None, level: float) -> list[StudyEffect]:
    """Studies from a CSV file: ``study,yi,vi`` (effects as metafor's escalc gives them, log
    ratios for ratio measures) or ``study,events1,n1,events2,n2`` (2x2 tables, arm 1
    experimental). Errors name ``FILE:LINE`` and the column."""
    import csv
    from types import SimpleNamespace

    import numpy as np

    from ivigstats import methods
    from ivigstats.errors import InputError
    from ivigstats.stats.result import Result

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    header = tuple(c.strip() for c in rows[0]) if rows else ()
    if header not in CSV_LAYOUTS:
        raise InputError(f"{path}:1", f"header {','.join(header) or '(empty)'}; expected "
                         + " or ".join(",".join(h) for h in CSV_LAYOUTS))
    effects = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{path}:{line}", f"{len(row)} fields; expected {len(header)}")
        values = []
        for name, cell in zip(header[1:], row[1:]):
            try:
                v = float(cell)
            except ValueError:
                v = float("nan")
            whole = name != "yi" and name != "vi"
            if not np.isfinite(v) or (whole and (v != int(v) or v < 0)) or \
                    (name in ("vi", "n1", "n2") and v <= 0):
                want = "a number > 0" if name == "vi" else "a whole number >= 0" if whole \
                    else "a finite number"
                raise InputError(f"{path}:{line}: {name}", f"{cell!r}; expected {want}")
            values.append(v)
        trial = SimpleNamespace(id=row[0].strip() or f"{path}:{line}")
        arms = SimpleNamespace(id="arm 1"), SimpleNamespace(id="arm 2")
        outcome = SimpleNamespace(id=path.rsplit("/", 1)[-1][:-4])
        if header == CSV_LAYOUTS[1]:
            e1, n1, e2, n2 = values
            if e1 > n1 or e2 > n2:
                raise InputError(f"{path}:{line}", "events exceed n; expected 0 <= events <= n")
            m = next((x for x in methods.for_kind("binary") if x.measure ==
                      (measure or "risk_ratio") and x.method == EFFECT_METHOD.get(x.measure)),
                     None)
            if m is None:
                raise InputError(path, f"measure {measure!r} does not apply to 2x2 tables; "
                                 "expected risk_ratio, odds_ratio or risk_difference")
            result, log, counts = m.load()(e1, n1, e2, n2, level=level), m.log_scale, \
                (e1, n1, e2, n2)
        else:
            yi, vi = values
            log = (measure or "") in _log_measures()
            from scipy.special import ndtri
            se = float(np.sqrt(vi))
            back = np.exp if log else float
            half = float(ndtri(0.5 + level / 2)) * se
            result = Result(measure or "effect", "as_given", level,
                            estimate=np.array([back(yi)]), std_error=np.array([se]),
                            conf_low=np.array([back(yi - half)]),
                            conf_high=np.array([back(yi + half)]),
                            note=np.array(["yi, vi as given; CI yi +- z sqrt(vi)"], dtype=object))
            counts = None
        effects.append(StudyEffect(trial, outcome, *arms, result, log, "", counts))
    if not effects:
        raise InputError(path, "no studies; expected one row per study after the header")
    return effects


def _log_measures():
    from ivigstats.methods import REGISTRY
    return {m.measure for m in REGISTRY if m.log_scale}


def pool_blocks(effects, level=0.95, hartung_knapp=False):
    """Tidy rows: one per study (with its weights), pooled rows, heterogeneity rows.

    Returns ``(blocks, weights)``: ``weights`` are the REML random-effects percentages of the
    study rows (for the forest plot's markers).
    """
    import numpy as np

    from ivigstats.rows import block_from_result
    from ivigstats.stats import pooling, pooling_tables

    first = effects[0]
    measure, log_scale = first.result.measure, first.log_scale
    est = np.array([float(e.result.estimate[0]) for e in effects])
    se = np.array([float(e.result.std_error[0]) for e in effects])
    yi = np.log(est) if log_scale else est
    vi = se ** 2
    outcome = "+".join(dict.fromkeys(e.outcome.id for e in effects))
    back = np.exp if log_scale else (lambda x: x)
    fits = [pooling.pool_inverse_variance(yi, vi, m, False, level) for m in pooling.METHODS]
    if hartung_knapp:
        fits += [pooling.pool_inverse_variance(yi, vi, m, True, level)
                 for m in pooling.METHODS[1:]]
    if all(e.counts is not None for e in effects) and measure in (
            "risk_ratio", "odds_ratio", "risk_difference"):
        cols = np.array([e.counts for e in effects]).T
        fits.insert(1, pooling_tables.mantel_haenszel(*cols, measure=measure, level=level))
    blocks = []
    by_method = {f.method: f for f in fits if not f.hartung_knapp}
    for i, e in enumerate(effects):
        weight = (f"weight {by_method['fixed_effect'].weights[i]:.1f}% fixed, "
                  f"{by_method['reml'].weights[i]:.1f}% REML")
        note = "; ".join(x for x in (weight, e.outcome.id if "+" in outcome else "", e.note) if x)
        blocks.append(block_from_result(e.result, outcome=outcome, arms=e.label,
                                        extra_note=note))
    k = len(effects)
    het = pooling.heterogeneity(yi, vi, level)
    pooled_arms = f"pooled, k = {k}"
    for f in fits:
        name = f.method + ("_hartung_knapp" if f.hartung_knapp else "")
        note = ("no zero-cell correction" if f.method == "mantel_haenszel" else
                f"tau2 = {f.tau2:.4g}, I2 = {f.i2:.1f}%" if f.method != "fixed_effect" else "")
        blocks.append(_row(measure, name, level, note, outcome, pooled_arms,
                           estimate=back(f.estimate), std_error=f.std_error,
                           conf_low=back(f.conf_low), conf_high=back(f.conf_high),
                           statistic=f.statistic, df=f.df, p_value=f.p_value))
        if f.method in ("dersimonian_laird", "reml") and k > 1:
            crit = "t, k - 1 df" if f.hartung_knapp else "z"
            note = f"prediction interval for a new study's effect (sqrt(SE^2 + tau2), {crit})"
            blocks.append(_row(measure, name + "_prediction", level, note, outcome, pooled_arms,
                               estimate=back(f.estimate), conf_low=back(f.pi_low),
                               conf_high=back(f.pi_high)))
    if k > 1:
        blocks.extend(_heterogeneity_blocks(het, by_method, outcome, k, level))
    weights = list(by_method["reml"].weights)
    return blocks, weights


def _row(measure, method, level, note, outcome, arms, **fields):
    """A one-row block of a pooled quantity (fields are scalars)."""
    import numpy as np

    from ivigstats.rows import block_from_result
    from ivigstats.stats.result import Result

    arrays = {name: np.array([float(v)]) for name, v in fields.items()}
    res = Result(measure, method, level, note=np.array([note], dtype=object), **arrays)
    return block_from_result(res, outcome=outcome, arms=arms)


def _heterogeneity_blocks(het, by_method, outcome, k, level):
    arms = f"pooled, k = {k}"
    qp = "Q-profile CI (Viechtbauer 2007)"
    interval = {"conf_low": het.tau2_low, "conf_high": het.tau2_high}
    return [
        _row("test", "cochran_q", level, "", outcome, arms, statistic=het.q, df=het.df,
             p_value=het.p_value),
        _row("tau2", "dersimonian_laird", level, qp, outcome, arms,
             estimate=by_method["dersimonian_laird"].tau2, **interval),
        _row("tau2", "reml", level, qp, outcome, arms, estimate=by_method["reml"].tau2,
             **interval),
        _row("i2", "higgins_thompson", level, f"percent, (Q - df) / Q; {qp}", outcome, arms,
             estimate=het.i2, conf_low=het.i2_low, conf_high=het.i2_high),
    ]


def caveats(a, b) -> list[str]:
    """Consistency caveats of an indirect comparison of StudyEffects ``a`` and ``b``."""
    ta, tb = a.trial, b.trial
    out = [(f"Indirect comparison (Bucher et al., J Clin Epidemiol 1997;50:683-691): each "
           f"trial's randomisation is kept, but {a.experimental.label} versus "
           f"{b.experimental.label} is not randomised; it holds only if each treatment's "
           f"effect against {a.control.label.lower()} would be the same in the other trial's "
           "patients.")]
    ya, yb = _year(ta.citation), _year(tb.citation)
    if ya and yb:
        out.append(f"Eras: {ta.id} published {ya}, {tb.id} published {yb}"
                   + (": diagnostic criteria, background care and relapse ascertainment may "
                      "differ." if ya != yb else "."))
    out.append(f"Populations: {ta.id} randomised {_n(ta)}, {tb.id} {_n(tb)}; entry criteria "
               "(disease duration, baseline disability, prior relapse rate) are not in the "
               "trial files: check that they match.")
    la, lb = a.outcome.label, b.outcome.label
    out.append(f"Outcome definitions: {ta.id} '{la}' vs {tb.id} '{lb}'"
               + (" (labels differ: definitions and confirmation rules may too)." if
                  la.lower() != lb.lower() else " (check the definitions, not only the labels)."))
    fa = a.outcome.follow_up_years or ta.follow_up_years
    fb = b.outcome.follow_up_years or tb.follow_up_years
    out.append(f"Follow-up: {fa:g} vs {fb:g} years" + ("." if fa == fb else
               ": effects accrue over time, so different follow-up alone can create a "
               "difference."))
    if a.control.label.lower() != b.control.label.lower():
        out.append(f"Comparators differ: '{a.control.label}' vs '{b.control.label}'; the "
                   "comparison assumes they are the same treatment.")
    if a.result.method != b.result.method:
        out.append(f"Effects computed differently: {a.result.method} vs {b.result.method}.")
    for e in (a, b):
        if "ASSUMED" in e.note:
            out.append(f"{e.trial.id}: the interval rests on an assumption, not on printed "
                       "numbers: " + e.note[e.note.index("ASSUMED"):])
    return out


def _year(citation: str) -> str:
    found = re.findall(r"\b(19\d\d|20\d\d)\b", citation)
    return found[0] if found else ""


def _n(trial) -> str:
    return " / ".join(f"{a.n} {a.id}" for a in trial.arms)


def compare_blocks(a, b, level=0.95):
    """Rows: trial A's effect, trial B's effect, and the Bucher indirect comparison."""
    from ivigstats.rows import block_from_result
    from ivigstats.stats.indirect import indirect_bucher

    outcome = a.outcome.id if a.outcome.id == b.outcome.id else f"{a.outcome.id}+{b.outcome.id}"
    blocks = [block_from_result(e.result, outcome=outcome, arms=e.label, extra_note=e.note)
              for e in (a, b)]
    res = indirect_bucher(a.result.estimate, a.result.std_error, b.result.estimate,
                          b.result.std_error, measure=a.result.measure, log_scale=a.log_scale,
                          level=level)
    label = f"{a.experimental.id} vs {b.experimental.id}, indirect via {a.control.id}"
    note = "not randomised: see the caveats"
    blocks.append(block_from_result(res, outcome=outcome, arms=label, extra_note=note))
    return blocks


