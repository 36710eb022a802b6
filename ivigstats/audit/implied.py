"""Implied quantities: the SD a reported P implies beside the SDs the CIs imply.

Cochrane Handbook (Higgins JPT et al., eds; version 6.4, 2023), section 6.5.2.3: from a
two-sided P of a two-sample t test, ``t = t_{1 - P/2}(n1 + n2 - 2)``, ``SE = MD / t`` and the
common within-group ``SD = SE / sqrt(1/n1 + 1/n2)``; from a CI of a group mean (6.5.2.2),
``SE = (upper - lower) / (2 t_{1 - alpha/2}(n - 1))`` and ``SD = SE sqrt(n)``.
"""

from __future__ import annotations

import numpy as np

from ivigstats.audit._common import Finding, num, sig


def sd_from_p(mean_difference, p_value, n1, n2):
    """Common within-group SD implied by a two-sided t-test P and the mean difference.

    Parameters
    ----------
    mean_difference : array_like
        Difference of the two means (its sign is ignored).
    p_value : array_like
        Two-sided P of a t test with ``n1 + n2 - 2`` degrees of freedom, 0 < P < 1.
    n1, n2 : array_like
        Group sizes (n1 + n2 >= 3).

    Returns
    -------
    tuple of numpy.ndarray
        ``(sd, se, t)``: ``t = stdtrit(n1 + n2 - 2, 1 - P / 2)``, ``se = |MD| / t``,
        ``sd = se / sqrt(1/n1 + 1/n2)``. NaN where P is 0 or 1 or df < 1.

    Notes
    -----
    Assumes the P came from Student's t test with a pooled SD; a P from Welch's test, a
    rank test or an adjusted model implies a different SD.

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    The Handbook's example (5.1, 7.7.3.3): MD 3.8, P = 0.008, n 25 and 22 give t = 2.78,
    SE = 1.37 and SD = 4.69 (rounded):

    >>> sd, se, t = sd_from_p(3.8, 0.008, 25, 22)
    >>> round(float(t[0]), 2), round(float(se[0]), 2), round(float(sd[0]), 2)
    (2.78, 1.37, 4.68)
    """
    from scipy import special

    from ivigstats.stats.conversions import sd_from_t

    md, p, n1, n2 = (np.atleast_1d(np.asarray(x, dtype=float)) for x in
                     (mean_difference, p_value, n1, n2))
    df = n1 + n2 - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (p > 0) & (p < 1) & (df >= 1)
        t = np.where(ok, special.stdtrit(np.maximum(df, 1), 1 - p / 2), np.nan)
        return sd_from_t(md, t, n1, n2), np.abs(md) / t, t


def sd_from_difference_ci(lower, upper, n1, n2, level=0.95):
    """Common within-group SD implied by a t interval for a difference of two means.

    Parameters
    ----------
    lower, upper : array_like
        Confidence limits of the mean difference.
    n1, n2 : array_like
        Group sizes (n1 + n2 >= 3).
    level : float
        Confidence level of the interval.

    Returns
    -------
    tuple of numpy.ndarray
        ``(sd, se)``: ``se = (upper - lower) / (2 t_{1 - alpha/2}(n1 + n2 - 2))`` and
        ``sd = se / sqrt(1/n1 + 1/n2)``.

    References
    ----------
    .. [1] Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
       Interventions, version 6.4, 2023, section 6.5.2.3.

    Examples
    --------
    >>> sd, se = sd_from_difference_ci(-0.67, -0.03, 75, 73)
    >>> round(float(se[0]), 4), round(float(sd[0]), 3)
    (0.1619, 0.985)
    """
    from ivigstats.stats.conversions import sd_from_ci_difference

    sd = sd_from_ci_difference(lower, upper, n1, n2, level)
    n1, n2 = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (n1, n2))
    return sd, sd * np.sqrt(1 / n1 + 1 / n2)


def _arm_sd(a):
    """(label, SD) pairs an arm prints or implies: its SD, and the SD from its CI."""
    from ivigstats.audit.intervals import repaired
    from ivigstats.stats.conversions import sd_from_ci
    out = []
    if a.sd is not None and not a.quantiles:
        out.append(("printed SD", a.sd))
    if a.ci is not None:
        ci = a.ci if a.ci[0] <= a.ci[1] else repaired(a.mean, *a.ci)
        if ci is not None:
            how = "CI" if ci == a.ci else "corrected CI"
            out.append((f"SD from its {how}", float(sd_from_ci(*ci, a.n, a.ci_level)[0])))
    return out


def check(trial) -> list[Finding]:
    from ivigstats.stats.conversions import sd_from_ci
    findings = []
    for outcome in trial.outcomes:
        if outcome.kind != "continuous":
            continue
        for arm in trial.arms:
            a = outcome.arms.get(arm.id)
            if a is None or a.ci is None or a.ci[0] > a.ci[1] or a.n < 2:
                continue
            sd = float(sd_from_ci(*a.ci, a.n, a.ci_level)[0])
            beside = f"; printed SD {num(a.sd)}" if a.sd is not None else ""
            findings.append(Finding(
                outcome.id, "implied_sd", "info",
                f"{arm.id}: the {a.ci_level:.0%} CI {num(a.ci[0])} to {num(a.ci[1])} (n = {a.n}) "
                f"implies SE {sig(sd / np.sqrt(a.n))} and SD {sig(sd)} (t, {a.n - 1} df){beside}"))
        rep = outcome.reported
        if rep is not None and rep.measure == "mean_difference" and rep.conf_low is not None:
            for exp, ctl in trial.comparisons():
                a1, a2 = outcome.arms.get(exp.id), outcome.arms.get(ctl.id)
                if a1 is None or a2 is None or rep.conf_low > rep.conf_high:
                    continue
                sd, se = sd_from_difference_ci(rep.conf_low, rep.conf_high, a1.n, a2.n,
                                               rep.conf_level)
                findings.append(Finding(
                    outcome.id, "implied_sd", "info",
                    f"{exp.id} vs {ctl.id}: the reported {rep.conf_level:.0%} CI "
                    f"{num(rep.conf_low)} to {num(rep.conf_high)} of the mean difference implies "
                    f"SE {sig(float(se[0]))} and a common SD of {sig(float(sd[0]))} (t, "
                    f"{a1.n + a2.n - 2} df)"))
        if rep is None or rep.p_value is None:
            continue
        relation = getattr(rep, "p_operator", "=") or "="
        for exp, ctl in trial.comparisons():
            a1, a2 = outcome.arms.get(exp.id), outcome.arms.get(ctl.id)
            if a1 is None or a2 is None or a1.quantiles or a2.quantiles:
                continue  # needs printed means
            sd, _, t = sd_from_p(a1.mean - a2.mean, rep.p_value, a1.n, a2.n)
            if not np.isfinite(sd[0]):
                continue
            bound = "at most " if relation in ("<", "<=") else ""
            others = [f"{a.arm} {label} {sig(v)}" for a in (a1, a2) for label, v in _arm_sd(a)]
            beside = f"; beside: {', '.join(others)}" if others else ""
            findings.append(Finding(
                outcome.id, "implied_sd", "info",
                f"{exp.id} vs {ctl.id}: P {relation} {num(rep.p_value)} with means "
                f"{num(a1.mean)} and {num(a2.mean)} (n = {a1.n}, {a2.n}) implies a common SD "
                f"of {bound}{sig(float(sd[0]))} (t test, {a1.n + a2.n - 2} df, t = "
                f"{float(t[0]):.3g}){beside}"))
    return findings
