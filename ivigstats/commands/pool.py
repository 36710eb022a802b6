"""ivigstats pool: fixed- and random-effects meta-analysis of one outcome across trials.

The per-study effects come from the registry methods (:mod:`ivigstats.methods`) through
:func:`ivigstats.analysis.arm_arguments`, the same path as ``summarize``; the pooling is
:mod:`ivigstats.stats.pooling`. Only click is imported at module level.
"""

from __future__ import annotations

import click

from ivigstats.options import draw, emit, output_options, plot_option, resolve_format
from ivigstats.several import StudyEffect, csv_effects, pool_blocks, study_effect


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
