"""ivigstats check."""

from __future__ import annotations

import click

from ivigstats.options import emit, output_options, resolve_format


@click.command()
@click.argument("trial", default="fazekas1997", metavar="[TRIAL]")
@output_options
def check(trial, fmt, output):
    """Audit whether a trial's printed numbers hang together.

    Checks every CI against its estimate, percentages against their n, means and SDs on a
    granular scale (GRIM, GRIMMER), reported P values against every applicable method, the SDs
    they imply, and arm sizes against totals. Prints one row per finding: outcome, check,
    severity (error, warning, info), message, suggestion.

    TRIAL is a TOML or JSON trial file, '-' for standard input, or an embedded trial id
    (default: fazekas1997). Exit status 1 when any finding is an error, else 0; 2 for
    unreadable input.

    \b
    Examples:
      ivigstats check
      ivigstats check examples/fazekas1997-as-printed.toml
      ivigstats check trial.toml -f json | jq '.findings[] | select(.severity == "error")'
    """
    from ivigstats.audit import audit_trial, exit_status, findings_block
    from ivigstats.render import render
    from ivigstats.trial import load_path

    t = load_path(trial, strict=False)
    findings = audit_trial(t)
    fmt = resolve_format(fmt, output)
    emit(lambda s: render([findings_block(findings)], fmt, s, meta=t.metadata(),
                          title=f"{t.id}: checks of the printed numbers", key="findings"),
         output)
    return exit_status(findings)
