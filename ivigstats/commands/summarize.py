"""ivigstats summarize / trials / schema."""

from __future__ import annotations

import click

from ivigstats.options import (
    analysis_options,
    check_methods,
    draw,
    emit,
    output_options,
    plot_option,
    resolve_format,
)


def parse_costs(value: str | None) -> dict | None:
    """``ARM=AMOUNT,ARM=AMOUNT`` -> {arm: amount}; a usage error names the bad item."""
    if value is None:
        return None
    import math
    costs = {}
    for item in (x.strip() for x in value.split(",")):
        name, eq, amount = item.partition("=")
        try:
            number = float(amount)
        except ValueError:
            number = math.nan
        if not eq or not name.strip() or not math.isfinite(number) or number < 0:
            raise click.BadParameter(f"{item!r}: expected ARM=AMOUNT with a number >= 0, "
                                     "e.g. ivig=12000,placebo=0", param_hint="--cost")
        costs[name.strip()] = number
    return costs


def parse_phis(value: str) -> tuple:
    import math
    try:
        phis = tuple(float(x) for x in value.split(","))
    except ValueError:
        phis = ()
    if not phis or not all(math.isfinite(p) and p > 0 for p in phis):
        raise click.BadParameter(f"{value!r}: expected a comma list of numbers > 0, e.g. "
                                 "1,1.5,2,3", param_hint="--phi")
    return phis


def parse_bayes(value: str | None) -> dict:
    """``OUTCOME=PLAUSIBLE[:MID],...`` -> {outcome: (plausible, mid or None)}."""
    import math
    specs = {}
    for item in (x.strip() for x in (value or "").split(",") if x.strip()):
        name, eq, rest = item.partition("=")
        plausible, _, mid = rest.partition(":")
        try:
            numbers = (float(plausible), float(mid) if mid else None)
        except ValueError:
            numbers = (math.nan, None)
        if not eq or not name.strip() or not all(x is None or math.isfinite(x) for x in numbers):
            raise click.BadParameter(f"{item!r}: expected OUTCOME=PLAUSIBLE or "
                                     "OUTCOME=PLAUSIBLE:MID, e.g. relapses=0.7:0.9",
                                     param_hint="--bayes")
        specs[name.strip()] = numbers
    return specs


def sensitivity_options(func):
    """Options of the issue-6 rows that summarize adds (fragility, overdispersion, cost,
    Bayesian reanalysis)."""
    func = click.option("--bayes", "bayes_spec", metavar="OUTCOME=PLAUSIBLE[:MID],...",
                        help="Bayesian reanalysis of these outcomes' default effect: "
                             "sceptical, neutral and enthusiastic priors built on the "
                             "plausible effect (natural scale, e.g. relapses=0.7); MID adds "
                             "P(benefit beyond it).")(func)
    func = click.option("--cost", metavar="ARM=AMOUNT,...",
                        help="Annual cost per patient of each arm: adds cost per event "
                             "avoided / per additional patient with the outcome [default: "
                             "the arms' annual_cost in the trial file, if given].")(func)
    func = click.option("--k", "nb_k", type=click.FloatRange(0, min_open=True), default=None,
                        help="Negative-binomial shape k for count outcomes (smaller = more "
                             "clustered).")(func)
    func = click.option("--dispersion-from", metavar="OUTCOME",
                        help="Continuous outcome holding the mean and SD of per-patient "
                             "rates: phi and k for count outcomes are estimated from it.")(func)
    func = click.option("--phi", "phis", default="1,1.5,2,3", show_default=True,
                        metavar="LIST", help="Quasi-Poisson dispersions for count "
                                             "outcomes.")(func)
    func = click.option("--fragility-test", type=click.Choice(["fisher", "chi2", "none"]),
                        default="fisher", show_default=True,
                        help="Test behind the fragility rows of binary outcomes.")(func)
    return func


@click.command()
@click.argument("trial", default="fazekas1997", metavar="[TRIAL]")
@analysis_options
@sensitivity_options
@plot_option
@output_options
def summarize(trial, level, methods, fragility_test, phis, dispersion_from, nb_k, cost,
              bayes_spec, plot, fmt, output):
    """Recompute every outcome of a trial, beside what the paper reported.

    TRIAL is a TOML or JSON trial file, '-' for standard input, or an embedded trial id
    (default: fazekas1997, the 1997 IVIG trial in relapsing-remitting MS).

    \b
    Examples:
      ivigstats summarize
      ivigstats summarize --methods all --level 0.90
      ivigstats summarize examples/fazekas1997.toml -f json -o results.json
      cat trial.json | ivigstats summarize - -f csv
      ivigstats summarize --dispersion-from annual_relapse_rate --cost ivig=12000,placebo=0
      ivigstats summarize --bayes relapses=0.7:0.9,relapse_free=1.3
      ivigstats summarize --plot            # forest plot in the terminal (--plot f.svg: image)

    Binary outcomes get fragility rows and count outcomes a quasi-Poisson grid (phi 1, 1.5,
    2, 3) with --methods default or all.
    """
    from ivigstats.analysis import Sensitivity, summarize_trial
    from ivigstats.render import render
    from ivigstats.trial import load_path

    check_methods(methods, ("binary", "continuous", "count", "ordinal"))
    t = load_path(trial)
    sens = Sensitivity(fragility_test=None if fragility_test == "none" else fragility_test,
                       phis=parse_phis(phis), dispersion_from=dispersion_from, k=nb_k,
                       cost=parse_costs(cost) or t.annual_costs())
    bayes = parse_bayes(bayes_spec)
    blocks = summarize_trial(t, methods, level, sensitivity=sens)
    if bayes:
        from ivigstats.reanalysis import with_posteriors
        blocks = with_posteriors(t, blocks, bayes, level)
    fmt = resolve_format(fmt, output)
    title = f"{t.id}: {t.title}"
    emit(lambda s: render(blocks, fmt, s, meta=t.metadata(), title=title), output)
    draw(plot, blocks, None, fmt, output, title)


@click.command()
@output_options
def trials(fmt, output):
    """List the embedded trials with their citations."""
    from ivigstats.trial import embedded_ids, load_embedded

    rows = [load_embedded(i) for i in embedded_ids()]
    fmt = resolve_format(fmt, output)

    def write(stream):
        import csv
        import json
        records = [{"id": t.id, "title": t.title, "citation": t.citation,
                    "outcomes": ",".join(o.id for o in t.outcomes)} for t in rows]
        if fmt in ("json", "jsonl"):
            if fmt == "json":
                json.dump(records, stream, indent=2)
                stream.write("\n")
            else:
                stream.writelines(json.dumps(r) + "\n" for r in records)
        elif fmt in ("csv", "tsv"):
            w = csv.DictWriter(stream, fieldnames=list(records[0]), lineterminator="\n",
                               delimiter="," if fmt == "csv" else "\t")
            w.writeheader()
            w.writerows(records)
        else:
            for r in records:
                stream.write(f"{r['id']}: {r['citation']}\n    outcomes: {r['outcomes']}\n")

    emit(write, output)


@click.command()
@click.option("-o", "--output", default="-", help="Write to FILE instead of stdout.")
def schema(output):
    """Print the trial file format as a JSON Schema document."""
    import json

    from ivigstats.schema import json_schema
    emit(lambda s: s.write(json.dumps(json_schema(), indent=2) + "\n"), output)
