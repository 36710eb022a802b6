"""ivigstats pool: fixed- and random-effects meta-analysis of one outcome across trials.

The per-study effects come from the registry methods (:mod:`ivigstats.methods`) through
:func:`ivigstats.analysis.arm_arguments`, the same path as ``summarize``; the pooling is
:mod:`ivigstats.stats.pooling`. Only click is imported at module level.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from ivigstats.options import emit, output_options, resolve_format

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


def parse_per_trial(spec: str | None, option: str) -> tuple[str | None, dict]:
    """``ID`` or ``TRIAL=ID,TRIAL=ID`` (a bare item is the default for the other trials)."""
    default, named = None, {}
    for item in (s.strip() for s in (spec or "").split(",")):
        if not item:
            continue
        if "=" in item:
            trial, value = (x.strip() for x in item.split("=", 1))
            if not trial or not value:
                raise click.BadParameter(f"{item!r}: expected TRIAL=ID", param_hint=option)
            named[trial] = value
        elif default is None:
            default = item
        else:
            raise click.BadParameter(f"two defaults {default!r} and {item!r}; name the trial "
                                     "of each (TRIAL=ID)", param_hint=option)
    return default, named


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


def study_effects(sources, outcome, arm, measure, level, assume=False) -> list[StudyEffect]:
    """:func:`study_effect` for every trial source (path or embedded id), one measure for all."""
    from ivigstats.trial import load_path

    outcome_spec = parse_per_trial(outcome, "--outcome")
    arm_spec = parse_per_trial(arm, "--arm")
    effects: list[StudyEffect] = []
    for source in sources:
        if source.lower().endswith(".csv"):
            effects.extend(csv_effects(source, measure, level))
            measure = measure or effects[-1].result.measure
            continue
        trial = load_path(source)
        eff = study_effect(trial, source, outcome_spec, arm_spec, measure, level, assume)
        if measure is None and effects and eff.result.measure != effects[0].result.measure:
            eff = study_effect(trial, source, outcome_spec, arm_spec,
                               effects[0].result.measure, level, assume)
        measure = measure or eff.result.measure
        effects.append(eff)
    return effects


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
    from ivigstats.stats import pooling

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
        fits.insert(1, pooling.mantel_haenszel(*cols, measure=measure, level=level))
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


def plot_option(func):
    """``--plot [FILE.svg|FILE.png]``: a forest plot in the terminal, or an image file."""
    def check(ctx, param, value):
        import os
        if value not in (None, "terminal") and \
                os.path.splitext(value)[1].lower() not in (".svg", ".png"):
            raise click.BadParameter(f"{value!r}: expected a file name ending .svg or .png "
                                     "(or no value: a plot in the terminal)")
        return value
    return click.option("--plot", "plot", is_flag=False, flag_value="terminal", default=None,
                        callback=check,
                        metavar="[FILE.svg|FILE.png]",
                        help="Draw a forest plot: in the terminal (no value), or write an image "
                             "(needs the plot extra: pip install 'ivigstats[plot]').")(func)


def draw(plot, blocks, weights, fmt, output, title=""):
    """Send the forest plot where ``--plot`` asked (stdout after a table, else stderr)."""
    import sys

    from ivigstats import plot as plotting
    if plot is None:
        return
    if plot == "terminal":
        to_stdout = output == "-" and fmt in ("table", "markdown")
        stream = sys.stdout if to_stdout else sys.stderr
        stream.write("\n")
        plotting.forest_plot(blocks, stream, weights=weights,
                             title=title)
    else:
        plotting.forest_image(blocks, plot, weights=weights, title=title)


@click.command()
@click.argument("trials", nargs=-1, required=True, metavar="TRIAL...")
@click.option("--outcome", default=None, metavar="ID|TRIAL=ID,...",
              help="Outcome id, or per trial: fazekas1997=relapse_free,ifnb1993=relapse_free "
                   "(not needed for CSV files).")
@click.option("--arm", default=None, metavar="TRIAL=ARM,...",
              help="Experimental arm of a trial with several (default: its only one).")
@click.option("--measure", default=None, metavar="MEASURE",
              help="risk_ratio (binary default), odds_ratio, risk_difference, rate_ratio (count "
                   "default), rate_difference, mean_difference (continuous default), smd, "
                   "ratio_of_means.")
@click.option("--hartung-knapp", is_flag=True,
              help="Add Hartung-Knapp random-effects rows (t with k - 1 df).")
@click.option("--assume-person-years", is_flag=True,
              help="Where an arm gives only an annual rate: take person-years = n x follow-up "
                   "and events = rate x person-years (stated in every row it touches).")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence level.")
@plot_option
@output_options
def pool(trials, outcome, arm, measure, hartung_knapp, assume_person_years, level, plot, fmt,
         output):
    """Pool one outcome across trials: fixed effect, Mantel-Haenszel, DL and REML random
    effects, heterogeneity (Q, I2 with its CI, tau2) and prediction intervals.

    TRIAL is a trial file or an embedded id (see 'ivigstats trials'), or a CSV file of studies
    with the header study,yi,vi (effects, log ratios for ratio measures, and their variances,
    as metafor's escalc gives them) or study,events1,n1,events2,n2 (2x2 tables).

    \b
    Examples:
      ivigstats pool fazekas1997 ifnb1993 --outcome relapse_free
      ivigstats pool a.toml b.toml c.toml --outcome relapses --hartung-knapp -f csv
      ivigstats pool fazekas1997 ifnb1993 --outcome relapse_free --plot forest.svg
      ivigstats pool studies.csv --measure odds_ratio
    """
    effects = study_effects(trials, outcome, arm, measure, level, assume_person_years)
    if len(effects) < 2:
        raise click.UsageError("give two or more trials (or CSV rows) to pool")
    blocks, weights = pool_blocks(effects, level, hartung_knapp)
    fmt = resolve_format(fmt, output)
    from ivigstats.render import render
    title = f"pooled {effects[0].result.measure}: {', '.join(e.trial.id for e in effects)}"
    emit(lambda s: render(blocks, fmt, s, title=title), output)
    draw(plot, blocks, weights + [None] * (sum(len(b) for b in blocks) - len(weights)), fmt,
         output, title)
