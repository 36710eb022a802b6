"""ivigstats compare: Bucher adjusted indirect comparison of two trials' treatments through
their common comparator, with the caveats that decide whether it means anything."""

from __future__ import annotations

import re

import click

from ivigstats.commands.pool import plot_option
from ivigstats.options import emit, output_options, resolve_format


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

    from ivigstats.commands.pool import draw, study_effects
    from ivigstats.errors import InputError
    from ivigstats.render import render

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
