"""ivigstats summarize / trials / schema."""

from __future__ import annotations

import click

from ivigstats.options import analysis_options, check_methods, emit, output_options, \
    resolve_format


@click.command()
@click.argument("trial", default="fazekas1997", metavar="[TRIAL]")
@analysis_options
@output_options
def summarize(trial, level, methods, fmt, output):
    """Recompute every outcome of a trial, beside what the paper reported.

    TRIAL is a TOML or JSON trial file, '-' for standard input, or an embedded trial id
    (default: fazekas1997, the 1997 IVIG trial in relapsing-remitting MS).

    \b
    Examples:
      ivigstats summarize
      ivigstats summarize --methods all --level 0.90
      ivigstats summarize examples/fazekas1997.toml -f json -o results.json
      cat trial.json | ivigstats summarize - -f csv
    """
    from ivigstats.analysis import summarize_trial
    from ivigstats.render import render
    from ivigstats.trial import load_path

    check_methods(methods, ("binary", "continuous", "count", "ordinal"))
    t = load_path(trial)
    blocks = summarize_trial(t, methods, level)
    fmt = resolve_format(fmt, output)
    emit(lambda s: render(blocks, fmt, s, meta=t.metadata(), title=f"{t.id}: {t.title}"),
         output)


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
