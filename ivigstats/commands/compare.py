"""ivigstats compare: Bucher adjusted indirect comparison of two trials' treatments through
their common comparator, with the caveats that decide whether it means anything."""

from __future__ import annotations

import click

from ivigstats.options import emit, output_options, plot_option, resolve_format


@click.command()
@click.argument("trial_a", metavar="TRIAL_A")
@click.argument("trial_b", metavar="TRIAL_B")
@click.option("--outcome", required=True, metavar="ID|TRIAL=ID,...",
              help="Outcome id in both trials, or per trial: "
                   "fazekas1997=relapses,ifnb1993=annual_relapse_rate.")
@click.option("--arm", default=None, metavar="TRIAL=ARM,...",
              help="Experimental arm of a trial with several (default: its only one).")
@click.option("--measure", default=None, metavar="MEASURE",
              help="Effect measure for both trials (default: risk_ratio for binary, rate_ratio "
                   "for count, mean_difference for continuous outcomes).")
@click.option("--assume-person-years", is_flag=True,
              help="Where an arm gives only an annual rate: take person-years = n x follow-up "
                   "and events = rate x person-years (stated in the output).")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence level.")
@plot_option
@output_options
def compare(trial_a, trial_b, outcome, arm, measure, assume_person_years, level, plot, fmt,
            output):
    """Adjusted indirect comparison (Bucher 1997) of TRIAL_A's and TRIAL_B's treatments
    through their common comparator (placebo), with its caveats.

    The ratio of the two trials' ratios (or the difference of their differences), its CI and
    P. TRIAL is a trial file or an embedded id (see 'ivigstats trials').

    \b
    Examples:
      ivigstats compare fazekas1997 ifnb1993 --outcome relapse_free
      ivigstats compare fazekas1997 johnson1995 --measure ratio_of_means \\
          --outcome fazekas1997=annual_relapse_rate,johnson1995=relapse_rate_2y
      ivigstats compare fazekas1997 ifnb1993 --assume-person-years --arm ifnb1993=ifnb_8miu \\
          --outcome fazekas1997=relapses,ifnb1993=annual_relapse_rate --plot
    """
    import sys

    from ivigstats.commands.pool import study_effects
    from ivigstats.errors import InputError
    from ivigstats.options import draw
    from ivigstats.render import render
    from ivigstats.several import caveats, compare_blocks

    a, b = study_effects([trial_a, trial_b], outcome, arm, measure, level, assume_person_years)
    if a.result.measure != b.result.measure:
        raise InputError(b.trial.id, f"measure {b.result.measure} differs from {a.trial.id}'s "
                         f"{a.result.measure}; choose one with --measure")
    notes = caveats(a, b)
    blocks = compare_blocks(a, b, level)
    fmt = resolve_format(fmt, output)
    title = f"indirect comparison: {a.trial.id} vs {b.trial.id} ({a.result.measure})"
    meta = {"trials": [a.trial.metadata(), b.trial.metadata()], "caveats": notes}

    def write(stream):
        render(blocks, fmt, stream, meta=meta if fmt == "json" else None, title=title)
        if fmt in ("table", "markdown"):
            stream.write("\nCaveats:\n" + "".join(f"- {c}\n" for c in notes))
    emit(write, output)
    if fmt not in ("table", "markdown", "json"):
        sys.stderr.write("".join(f"caveat: {c}\n" for c in notes))
    draw(plot, blocks, None, fmt, output, title)
