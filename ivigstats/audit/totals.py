"""Counts against totals: the arms add up to the trial's randomised total, and no outcome
analyses more participants than its arm randomised."""

from __future__ import annotations

from ivigstats.audit._common import Finding


def check(trial) -> list[Finding]:
    findings = []
    total = sum(a.n for a in trial.arms)
    if trial.randomised is not None and total != trial.randomised:
        sizes = " + ".join(f"{a.n} ({a.id})" for a in trial.arms)
        findings.append(Finding(
            trial.id, "totals", "error",
            f"arm sizes {sizes} = {total}, but the trial randomised {trial.randomised}",
            "check the arm sizes (randomised, not analysed) and the total"))
    for outcome in trial.outcomes:
        for arm in trial.arms:
            a = outcome.arms.get(arm.id)
            if a is None:
                continue
            for where, what in a.issues:
                if where.endswith(".n"):
                    findings.append(Finding(outcome.id, "totals", "error", f"{arm.id}: {what}",
                                            "the analysed n cannot exceed the randomised n; "
                                            "check both"))
    return findings
