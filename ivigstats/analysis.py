"""Run registry methods over arm-level data: the one path behind summarize, the immediate
commands and batch, so they cannot disagree."""

from __future__ import annotations

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
        blocks.append(block_from_result(result, outcome=outcome, arms=arms, extra_note=note,
                                        reported=_reported_for(reported, result)))
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


def outcome_rows(trial, outcome, methods_spec="default", level=0.95) -> list[RowBlock]:
    """All rows for one outcome of a trial: every experimental arm against the control."""
    chosen = registry.select(outcome.kind, methods_spec)
    blocks: list[RowBlock] = []
    per_arm = [m for m in chosen if m.per_arm]
    for arm in trial.arms:
        if arm.id in outcome.arms:
            blocks.extend(_per_arm_rows(outcome, outcome.arms[arm.id], per_arm, level))
    for exp, ctl in trial.comparisons():
        if exp.id not in outcome.arms or ctl.id not in outcome.arms:
            continue
        a1, a2 = outcome.arms[exp.id], outcome.arms[ctl.id]
        args, notes = arm_arguments(outcome, a1, a2)
        label = f"{exp.id} vs {ctl.id}"
        if args is None:
            continue
        blocks.extend(compare(outcome.kind, args, chosen, level, outcome=outcome.id, arms=label,
                              benefit=outcome.benefit, note="; ".join(notes),
                              reported=outcome.reported))
    return blocks


def summarize_trial(trial, methods_spec="default", level=0.95) -> list[RowBlock]:
    blocks: list[RowBlock] = []
    for outcome in trial.outcomes:
        blocks.extend(outcome_rows(trial, outcome, methods_spec, level))
    return blocks


def arm_arguments(outcome, a1, a2):
    """The kind's positional arguments for arm 1 vs arm 2, and notes on derived inputs.

    Returns ``(None, notes)`` when the numbers cannot be compared (a continuous arm with a
    mean but no SD, SE or CI).
    """
    notes = list(a1.derived) + [d for d in a2.derived if d not in a1.derived]
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
