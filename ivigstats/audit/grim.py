"""Means and SDs on a granular scale: GRIM and GRIMMER.

With n values that are whole multiples of a step g (EDSS moves in 0.5 steps; counts in 1),
the sum is g T for a whole T, so the mean is g T / n: a printed mean M (half-unit h) is
possible only when some whole T has g T / n within h of M (GRIM). The SD then satisfies
``(n - 1) SD^2 = g^2 (Q - T^2 / n)`` with Q the whole sum of squared multiples, and
Q has the parity of T (y^2 and y are both odd or both even), so a printed SD is possible only
when some whole Q of T's parity lies in the range the SD's rounding allows (GRIMMER, in the
analytic form of Allard 2018). Both are necessary conditions: passing does not prove the
numbers possible, failing proves them impossible for integer multiples of g.

References: Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-369.
Anaya J. The GRIMMER test. PeerJ Preprints 2016;4:e2400v1. Allard A. Analytic-GRIMMER, 2018
(aurelienallard.netlify.app).
"""

from __future__ import annotations

import math

from ivigstats.audit._common import Finding, half_unit, num


def _half(x: float, decimals: int | None) -> float:
    return (half_unit(x) if decimals is None else 0.5 * 10.0 ** -decimals) * (1 + 1e-9)


def grim_sums(mean: float, n: int, step: float = 1.0, decimals: int | None = None) -> list[int]:
    """The whole T for which ``step * T / n`` rounds to the printed ``mean``.

    ``decimals``: places printed (default: as many as the float shows, so a printed 1.30 read
    as the float 1.3 is taken at 1 decimal, which can only make the check more lenient).
    """
    h = _half(mean, decimals)
    lo = math.ceil((mean - h) * n / step - 1e-9)
    hi = math.floor((mean + h) * n / step + 1e-9)
    return list(range(lo, hi + 1))


def grim(mean: float, n: int, step: float = 1.0, decimals: int | None = None) -> bool:
    """Whether a printed ``mean`` of ``n`` multiples of ``step`` is possible (GRIM).

    >>> grim(5.93, 49)   # Brown & Heathers' example in The Economist, 18 June 2016
    False
    >>> grim(5.92, 49)
    True
    """
    return bool(grim_sums(mean, n, step, decimals))


def grimmer(mean: float, sd: float, n: int, step: float = 1.0,
            decimals: int | None = None) -> bool:
    """Whether a printed ``mean`` and ``sd`` of ``n`` multiples of ``step`` are possible.

    Necessary conditions only (GRIM, then a whole sum of squares of the right parity within
    the SD's rounding interval). ``n = 1`` has no SD; returns the GRIM result.
    """
    sums = grim_sums(mean, n, step, decimals)
    if n < 2 or not sums:
        return bool(sums)
    h = _half(sd, decimals)
    s_lo, s_hi = max(sd - h, 0.0) / step, (sd + h) / step
    for t in sums:
        q_lo = (n - 1) * s_lo ** 2 + t * t / n
        q_hi = (n - 1) * s_hi ** 2 + t * t / n
        q = math.ceil(q_lo - 1e-9)
        if q % 2 != t % 2:
            q += 1
        if q <= q_hi + 1e-9:
            return True
    return False


def check(trial) -> list[Finding]:
    findings = []
    for outcome in trial.outcomes:
        step = outcome.granularity
        if step is None or outcome.kind != "continuous":
            continue
        passed, informative = [], False
        for arm in trial.arms:
            a = outcome.arms.get(arm.id)
            if a is None or a.mean is None or a.quantiles:  # an estimated mean: not printed
                continue
            informative |= step / a.n > 2 * half_unit(a.mean)
            if not grim(a.mean, a.n, step):
                k = math.floor(a.mean * a.n / step)
                findings.append(Finding(
                    outcome.id, "grim", "error",
                    f"{arm.id}: mean {num(a.mean)} is not possible for {a.n} values in steps of "
                    f"{num(step)} (nearest possible: {step * k / a.n:.4g}, {step * (k + 1) / a.n:.4g})",
                    "check the mean and the n it was computed on"))
                continue
            if a.sd is not None and not grimmer(a.mean, a.sd, a.n, step):
                findings.append(Finding(
                    outcome.id, "grimmer", "error",
                    f"{arm.id}: SD {num(a.sd)} with mean {num(a.mean)} is not possible for "
                    f"{a.n} values in steps of {num(step)}",
                    "check the SD (an SE or a rounding slip?) and the n"))
                continue
            passed.append(f"{arm.id} {num(a.mean)}" + (f" (SD {num(a.sd)})" if a.sd else "")
                          + f" of {a.n}")
        if passed:
            note = "" if informative else " (uninformative at these n: every printed value " \
                "is possible)"
            findings.append(Finding(outcome.id, "grim", "info",
                                    f"possible in steps of {num(step)}: " + ", ".join(passed)
                                    + note))
    return findings
