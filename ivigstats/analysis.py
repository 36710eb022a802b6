"""Run registry methods over arm-level data: the one path behind summarize, the immediate
commands and batch, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ivigstats import methods as registry
from ivigstats.rows import RowBlock, block_from_result


def compare(kind, args, methods, level, *, outcome, arms, benefit="higher",
            note="", reported=None) -> list[RowBlock]:
    """Rows of every comparison method in ``methods`` applied to ``args``.

    ``args`` are the kind's positional arrays (see :mod:`ivigstats.methods`); ``reported`` is
    an :class:`~ivigstats.trial.Reported` or None.
    """
    blocks = []
    for m in methods:
        if m.per_arm or m.kind != kind:
            continue
        func = m.load()
        result = func(*args, level=level, benefit=benefit) if m.needs_benefit else \
            func(*args, level=level)
        shown = _reported_for(reported, result)
        bound = ""
        if shown and "reported_p_value" in shown and getattr(reported, "p_operator", "=") != "=":
            bound = (f"reported P {reported.p_operator} {reported.p_value:g} "
                     "(a bound, not a value)")
        blocks.append(block_from_result(result, outcome=outcome, arms=arms,
                                        extra_note="; ".join(x for x in (note, bound) if x),
                                        reported=shown))
    return blocks


def _reported_for(rep, result) -> dict | None:
    """Which printed values sit beside this row: P beside every row with a P (or, when the
    file names a measure, beside that measure's rows); estimate and CI only beside rows of
    the named measure."""
    if rep is None:
        return None
    same = rep.measure is not None and rep.measure == result.measure
    out = {}
    if rep.p_value is not None and result.p_value is not None and (rep.measure is None or same):
        out["reported_p_value"] = rep.p_value
    if same:
        out.update(reported_estimate=rep.estimate, reported_conf_low=rep.conf_low,
                   reported_conf_high=rep.conf_high)
    return out


def outcome_rows(trial, outcome, methods_spec="default", level=0.95, *,
                 sensitivity=None) -> list[RowBlock]:
    """All rows for one outcome of a trial: every experimental arm against the control.

    ``sensitivity`` (a :class:`Sensitivity`, default: fragility and the phi grid) adds the
    issue-6 rows after each comparison's registry rows when ``methods_spec`` is ``default``
    or ``all``.
    """
    chosen = registry.select(outcome.kind, methods_spec)
    blocks: list[RowBlock] = []
    per_arm = [m for m in chosen if m.per_arm]
    for arm in trial.arms:
        if arm.id in outcome.arms:
            blocks.extend(_quantile_rows(outcome, outcome.arms[arm.id]))
            blocks.extend(_per_arm_rows(outcome, outcome.arms[arm.id], per_arm, level))
    for exp, ctl in trial.comparisons():
        if exp.id not in outcome.arms or ctl.id not in outcome.arms:
            continue
        a1, a2 = outcome.arms[exp.id], outcome.arms[ctl.id]
        args, notes = arm_arguments(outcome, a1, a2)
        label = f"{exp.id} vs {ctl.id}"
        if args is None:
            continue
        rows = compare(outcome.kind, args, chosen, level, outcome=outcome.id, arms=label,
                       benefit=outcome.benefit, note="; ".join(notes), reported=outcome.reported)
        _note_rounding_ranges(rows, outcome, a1, a2, chosen, level)
        blocks.extend(rows)
        if methods_spec in ("default", "all"):
            blocks.extend(sensitivity_rows(trial, outcome, exp, ctl, args, level,
                                           sensitivity or Sensitivity(), note="; ".join(notes),
                                           registered={m.key for m in chosen}))
    return blocks


def _note_rounding_ranges(blocks, outcome, a1, a2, chosen, level) -> None:
    """When counts were reconstructed from printed percentages, say in each row with a P how
    far that P moves over every count consistent with the percentages (issue 5)."""
    if not any(getattr(a, "percent", None) is not None or getattr(a, "percents", None)
               is not None for a in (a1, a2)):
        return
    from ivigstats.audit.percent_range import p_value_range
    ranges = p_value_range(outcome, a1, a2, chosen, level)
    for block in blocks:
        key = f"{block.columns['measure'][0]}/{block.columns['method'][0]}"
        if key in ranges and ranges[key][2] > 1:
            low, high, k = ranges[key]
            text = (f"over the {k} count combinations consistent with the printed percentages "
                    f"P ranges {low:.3g} to {high:.3g}")
            note = block.columns["note"]
            note[:] = [f"{n}; {text}" if n else text for n in note]


def summarize_trial(trial, methods_spec="default", level=0.95, *,
                    sensitivity=None) -> list[RowBlock]:
    blocks: list[RowBlock] = []
    for outcome in trial.outcomes:
        blocks.extend(outcome_rows(trial, outcome, methods_spec, level,
                                   sensitivity=sensitivity))
    return blocks


def arm_arguments(outcome, a1, a2):
    """The kind's positional arguments for arm 1 vs arm 2, and notes on derived inputs.

    Returns ``(None, notes)`` when the numbers cannot be compared (a continuous arm with a
    mean but no SD, SE or CI).
    """
    notes = _merge_notes(list(a1.derived) + [d for d in a2.derived if d not in a1.derived])
    kind = outcome.kind
    if kind == "binary":
        return (a1.events, a1.n, a2.events, a2.n), notes
    if kind == "count":
        return (a1.events, a1.person_years, a2.events, a2.person_years), notes
    if kind == "ordinal":
        import numpy as np
        return (np.array([a1.counts]), np.array([a2.counts])), notes
    sds = []
    for a in (a1, a2):
        sd, how = resolve_sd(a)
        if sd is None:
            return None, notes
        if how:
            notes.append(f"SD of {a.arm} {how}")
        sds.append(sd)
    return (a1.mean, sds[0], a1.n, a2.mean, sds[1], a2.n), notes


def _merge_notes(notes):
    """One note per kind of derivation: "person-years approximated as n x follow-up = 75 x 2
    = 150 and 73 x 2 = 146" rather than the sentence twice."""
    merged: dict[str, list[str]] = {}
    for text in notes:
        head, sep, rest = text.partition(" = ")
        merged.setdefault(head if sep else text, []).append(rest if sep else "")
    return [f"{head} = {' and '.join(rests)}" if rests[0] else head
            for head, rests in merged.items()]


def resolve_sd(a):
    """The SD used for computations: the printed SD, else from the SE, else from the CI."""
    from ivigstats.stats.conversions import sd_from_ci, sd_from_se
    if a.sd is not None:
        return a.sd, ""
    if a.se is not None:
        return float(sd_from_se(a.se, a.n)[0]), "derived from its SE"
    if a.ci is not None:
        return float(sd_from_ci(*a.ci, a.n, a.ci_level)[0]), \
            f"derived from its {a.ci_level:.0%} CI (t, {a.n - 1} df)"
    return None, ""


def _quantile_rows(outcome, a) -> list[RowBlock]:
    """The mean and SD estimated from a printed median, shown because computations use them."""
    if not a.quantiles or a.mean is None:
        return []
    from ivigstats.stats.median_iqr import mean_sd_from_quantiles
    q = a.quantiles
    results = mean_sd_from_quantiles(a.n, q["median"], minimum=q.get("min"),
                                     maximum=q.get("max"), q1=q.get("q1"), q3=q.get("q3"))
    return [block_from_result(r, outcome=outcome.id, arms=a.arm,
                              extra_note="computations use this estimate") for r in results]


def _per_arm_rows(outcome, a, methods, level) -> list[RowBlock]:
    import numpy as np

    from ivigstats.stats.result import Result
    blocks = []
    for m in methods:
        func = m.load()
        if m.key == "sd/from_ci" and a.ci is not None:
            sd = func(*a.ci, a.n, a.ci_level)
            used = "computations use this SD" if a.sd is None and a.se is None else \
                f"computations use the printed SD {a.sd:g}" if a.sd is not None else \
                "computations use the SD from the SE"
            res = Result("sd", "from_ci", a.ci_level, estimate=sd, note=np.array(
                [f"from the {a.ci_level:.0%} CI {a.ci[0]:g} to {a.ci[1]:g}, n = {a.n}; {used}"],
                dtype=object))
        elif m.key == "sd/from_se" and a.se is not None:
            res = Result("sd", "from_se", level, estimate=func(a.se, a.n), note=np.array(
                [f"from SE {a.se:g}, n = {a.n}"], dtype=object))
        elif m.key == "rate/exact" and a.person_years is not None:
            res = func(a.events, a.person_years, level=level)
        else:
            continue
        block = block_from_result(res, outcome=outcome.id, arms=a.arm,
                                  extra_note="; ".join(a.derived))
        if m.key.startswith("sd/"):  # a conversion has no interval of its own
            block.columns["conf_level"][:] = float("nan")
        blocks.append(block)
    return blocks


# ------------------------------------------------------------------ sensitivity (issue 6)

@dataclass(frozen=True)
class Sensitivity:
    """Which sensitivity rows :func:`outcome_rows` adds after the registry rows.

    ``fragility_test`` is ``fisher`` or ``chi2`` (None: no fragility rows); ``phis`` the
    quasi-Poisson grid for count outcomes; ``dispersion_from`` the id of a continuous outcome
    holding the mean and SD of per-patient rates (phi and k are then estimated from it);
    ``k`` a negative-binomial shape to apply; ``cost`` maps arm id -> annual cost per patient.
    """

    fragility_test: str | None = "fisher"
    phis: tuple = (1.0, 1.5, 2.0, 3.0)
    dispersion_from: str | None = None
    k: float | None = None
    cost: dict | None = None


def sensitivity_rows(trial, outcome, exp, ctl, args, level, sens, *, note="",
                     registered=frozenset()) -> list[RowBlock]:
    """Fragility (binary), overdispersion (count) and cost rows for one comparison."""
    label = f"{exp.id} vs {ctl.id}"
    results = []
    if outcome.kind == "binary" and sens.fragility_test:
        from ivigstats.stats import fragility as fr
        for func in (fr.fragility_index_walsh, fr.fragility_quotient_walsh,
                     fr.reverse_fragility_index):
            r = func(*args, level=level, test=sens.fragility_test)
            results.append(replace(r, note=_arm_names(r.note, exp.id, ctl.id)))
    if outcome.kind == "count":
        results.extend(_overdispersion_results(trial, outcome, exp, ctl, args, level, sens))
    if sens.cost is not None and outcome.kind in ("binary", "count"):
        results.extend(_cost_results(trial, outcome, exp, ctl, args, level, sens.cost))
    return [block_from_result(r, outcome=outcome.id, arms=label, extra_note=note)
            for r in results if f"{r.measure}/{r.method}" not in registered]


def _arm_names(note, name1, name2):
    import numpy as np
    return np.array([x.replace("arm 1", name1).replace("arm 2", name2) for x in note],
                    dtype=object)


def _overdispersion_results(trial, outcome, exp, ctl, args, level, sens):
    import numpy as np

    from ivigstats.errors import InputError
    from ivigstats.stats import overdispersion as od
    out = [od.rate_ratio_quasi_poisson(*args, level=level, phi=p) for p in sens.phis]
    n1, n2 = outcome.arms[exp.id].n, outcome.arms[ctl.id].n
    source = sens.dispersion_from or outcome.dispersion_from
    if source:
        rates = next((o for o in trial.outcomes if o.id == source), None)
        if rates is None or rates.kind != "continuous" or exp.id not in rates.arms \
                or ctl.id not in rates.arms:
            raise InputError("--dispersion-from", f"{source!r} is not a continuous outcome of "
                             f"{trial.id} with arms {exp.id} and {ctl.id}; expected the id of "
                             "an outcome holding the mean and SD of per-patient rates")
        r1, r2 = rates.arms[exp.id], rates.arms[ctl.id]
        if r1.sd is None or r2.sd is None:
            raise InputError("--dispersion-from", f"outcome {source!r} has no SD in every arm")
        years = outcome.follow_up_years or trial.follow_up_years
        phi, k = od.dispersion_from_rates(r1.mean, r1.sd, r1.n, r2.mean, r2.sd, r2.n, years)
        basis = (f"from the mean and SD of per-patient rates in {source!r} ({r1.mean:g} +- "
                 f"{r1.sd:g}, {r2.mean:g} +- {r2.sd:g}; counts = rate x {years:g} years)")
        implied = r1.mean * years * r1.n + r2.mean * years * r2.n
        counted = float(args[0]) + float(args[2])
        if abs(implied - counted) > 0.1 * counted:
            basis += (f"; mean rate x follow-up x n implies {implied:.0f} events where "
                      f"{counted:.0f} were counted, so follow-up or annualisation differed "
                      "and phi is approximate")
        qp = od.rate_ratio_quasi_poisson(*args, level=level, phi=phi)
        qp = _renamed(qp, "quasi_poisson_phi_estimated",
                      f"phi = {phi[0]:.3g} estimated {basis}")
        out.append(qp)
        if np.isfinite(k[0]):
            nb = od.rate_ratio_negative_binomial(*args, level=level, k=k, n1=n1, n2=n2)
            out.append(_renamed(nb, "negative_binomial_k_estimated",
                                f"k = {k[0]:.3g} estimated {basis}"))
    if sens.k is not None:
        out.append(od.rate_ratio_negative_binomial(*args, level=level, k=sens.k, n1=n1, n2=n2))
    return out


def _renamed(result, method, note):
    import numpy as np
    old = result.note if result.note is not None else np.full(len(result), "", dtype=object)
    return replace(result, method=method, note=np.array(
        [note if not x or x.startswith("negative binomial, k") else f"{note}; {x}"
         for x in old], dtype=object))


def _cost_results(trial, outcome, exp, ctl, args, level, cost):
    from ivigstats.errors import InputError
    from ivigstats.stats.cost import cost_per_outcome_avoided, rate_difference_wald
    missing = [a for a in (exp.id, ctl.id) if a not in cost]
    if missing:
        raise InputError("--cost", f"no annual cost for arm {missing[0]!r}; expected "
                         f"{exp.id}=AMOUNT,{ctl.id}=AMOUNT")
    c1, c2 = cost[exp.id], cost[ctl.id]
    sign = -1.0 if outcome.benefit == "lower" else 1.0
    if outcome.kind == "count":
        lo, est, hi = rate_difference_wald(*args, level=level)
        years, measure = 1.0, "cost_per_event_avoided"
    else:
        from ivigstats.stats.binary import risk_difference_newcombe
        rd = risk_difference_newcombe(*args, level=level)
        lo, est, hi = rd.conf_low, rd.estimate, rd.conf_high
        years = outcome.follow_up_years or trial.follow_up_years
        measure = "cost_per_additional_patient" if sign > 0 else "cost_per_patient_event_avoided"
    effect, e_lo, e_hi = sign * est, min(sign * lo, sign * hi), max(sign * lo, sign * hi)
    r = cost_per_outcome_avoided(c1, c2, effect, e_lo, e_hi, years, measure=measure,
                                 level=level)
    basis = (f"annual cost {exp.id} {c1:g}, {ctl.id} {c2:g}; " +
             ("per patient-year" if outcome.kind == "count" else f"over {years:g} years"))
    return [_with_note(r, basis)]


def _with_note(result, text):
    import numpy as np
    return replace(result, note=np.array([f"{text}; {x}" if x else text for x in result.note],
                                         dtype=object))
