"""The audit behind ``ivigstats check``: do a trial's printed numbers hang together?

One module per family of checks, each with ``check(trial) -> list[Finding]``:

- :mod:`.intervals`   estimate inside its CI, CI symmetric on its scale; the single edit that fixes it
- :mod:`.percentages` percentages attainable with their n, category sums, counts within n
- :mod:`.grim`        means (GRIM) and SDs (GRIMMER) on a granular scale
- :mod:`.pvalues`     reported P against every applicable method's P
- :mod:`.implied`     the SD a reported P implies, beside the SDs the CIs imply
- :mod:`.totals`      arm sizes against the trial total, analysed against randomised n

The trial is loaded leniently (``strict=False``), so contradictions arrive as ``ArmData.issues``
rather than as load failures. :mod:`.percent_range` gives summarize the range of each P over
all counts consistent with printed percentages.
"""

from __future__ import annotations

import importlib

from ivigstats.audit._common import Finding

__all__ = [
    "CHECKS",
    "FINDING_COLUMNS",
    "Finding",
    "audit_trial",
    "exit_status",
    "findings_block",
    "log_scale_measure",
]

FINDING_COLUMNS = ("outcome", "check", "severity", "message", "suggestion")
CHECKS = ("totals", "intervals", "percentages", "grim", "pvalues", "implied")


def audit_trial(trial) -> list[Finding]:
    """Every check's findings, grouped by outcome in the file's order (trial-level first),
    then in the order of :data:`CHECKS`."""
    findings = []
    for name in CHECKS:
        findings.extend(importlib.import_module(f"ivigstats.audit.{name}").check(trial))
    order = {trial.id: -1, **{o.id: i for i, o in enumerate(trial.outcomes)}}
    return sorted(findings, key=lambda f: order.get(f.outcome, len(order)))


def findings_block(findings):
    """The findings as one :class:`~ivigstats.rows.RowBlock` with :data:`FINDING_COLUMNS`."""
    from ivigstats.rows import RowBlock
    columns = {name: [getattr(f, name) for f in findings] for name in FINDING_COLUMNS}
    return RowBlock(columns, names=FINDING_COLUMNS)


def exit_status(findings) -> int:
    """1 when any finding is an error (the audit failed), else 0."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def log_scale_measure(measure) -> bool:
    """Whether a measure's intervals are symmetric on the log scale (ratios)."""
    from ivigstats import methods
    return any(m.log_scale for m in methods.REGISTRY if m.measure == measure)
