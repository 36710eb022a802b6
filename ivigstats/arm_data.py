"""One arm's numbers for one outcome: the cross-field rules of a trial file, and what is
derived from what a paper printed (counts from percentages, person-time from n x follow-up,
mean and SD from a median). Used by :mod:`ivigstats.trial`'s validator, whose ``fail`` raises
the one-line :class:`~ivigstats.errors.InputError`.
"""

from __future__ import annotations

import math

from ivigstats.trial import Arm, ArmData, _num, _opt


class ArmBuilder:
    """Checks the cross-field rules of one arm's data and derives what is not printed."""

    def __init__(self, v, where: str, arm: Arm, values: dict, cats, follow: float):
        self.v, self.where, self.arm, self.values, self.cats, self.follow = \
            v, where, arm, values, cats, follow
        self.issues: list[tuple[str, str]] = []
        self.n = int(values.get("n", arm.n))
        if self.n > arm.n:
            self.problem(f"{where}.n", f"{self.n} is more than the {arm.n} randomised to arm "
                         f"{arm.id!r}; expected analysed n <= randomised n")

    def problem(self, where: str, what: str) -> None:
        """Numbers that contradict each other: an error, or (lenient) an issue to report."""
        if self.v.strict:
            self.v.fail(where, what)
        self.issues.append((where, what))

    def build(self, kind: str) -> ArmData:
        common = {"arm": self.arm.id, "n": self.n, "source": self.values.get("source", ""),
                  "note": self.values.get("note", "")}
        data = getattr(self, kind)(common)
        if self.issues:
            from dataclasses import replace
            data = replace(data, issues=tuple(self.issues))
        return data

    def continuous(self, common) -> ArmData:
        val = self.values
        ci = val.get("ci")
        if ci is not None:
            lo, hi = float(ci[0]), float(ci[1])
            if lo > hi:
                self.problem(f"{self.where}.ci",
                             f"lower bound {_num(lo)} is above upper bound {_num(hi)}")
            ci = (lo, hi)
        if "ci_level" in val and ci is None:
            self.v.fail(f"{self.where}.ci_level", "given without ci")
        if "mean" not in val:
            return self.from_quantiles(common)
        return ArmData(**common, mean=float(val["mean"]), sd=_opt(val.get("sd")),
                       se=_opt(val.get("se")), ci=ci, ci_level=float(val.get("ci_level", 0.95)))

    QUANTILES = ("min", "q1", "median", "q3", "max")

    def from_quantiles(self, common) -> ArmData:
        """Mean and SD estimated from a printed median with quartiles and/or range."""
        val, where = self.values, self.where
        if "median" not in val:
            self.v.fail(where, "no mean; expected mean (with sd, se or ci) or median with q1 "
                        "and q3 and/or min and max")
        for key in ("sd", "se", "ci"):
            if key in val:
                self.v.fail(f"{where}.{key}", "given without mean; with a median, the SD is "
                            "estimated from the quartiles or range")
        for a, b in (("q1", "q3"), ("min", "max")):
            if (a in val) != (b in val):
                self.v.fail(f"{where}.{a if a in val else b}",
                            f"given without {b if a in val else a}; expected both or neither")
        if "q1" not in val and "min" not in val:
            self.v.fail(f"{where}.median", "given without q1/q3 or min/max; expected the "
                        "quartiles and/or the range to estimate the mean and SD")
        if self.n < 5:
            self.v.fail(f"{where}.n", f"{self.n}; estimating a mean and SD from quantiles "
                        "needs n >= 5")
        printed = {k: float(val[k]) for k in self.QUANTILES if k in val}
        from itertools import pairwise
        if any(x > y for x, y in pairwise(printed.values())):
            self.problem(f"{where}.median", "quantiles out of order: " + ", ".join(
                f"{k} {_num(x)}" for k, x in printed.items()) + "; expected min <= q1 <= "
                "median <= q3 <= max")
            return ArmData(**common, quantiles=printed)
        from ivigstats.stats.median_iqr import mean_sd_from_quantiles
        mean, sd = mean_sd_from_quantiles(self.n, printed["median"], minimum=printed.get("min"),
                                          maximum=printed.get("max"), q1=printed.get("q1"),
                                          q3=printed.get("q3"))
        shown = ", ".join(f"{k} {_num(x)}" for k, x in printed.items())
        note = (f"mean and SD of {self.arm.id} estimated from {shown} (n = {self.n}): "
                f"{mean.method} mean, {sd.method} SD; assumes roughly normal data")
        return ArmData(**common, mean=float(mean.estimate[0]), sd=float(sd.estimate[0]),
                       quantiles=printed, derived=(note,))

    def binary(self, common) -> ArmData:
        val = self.values
        if ("events" in val) == ("percent" in val):
            self.v.fail(self.where, "give exactly one of 'events' or 'percent'")
        if "events" in val:
            events = int(val["events"])
            if events > self.n:
                self.problem(f"{self.where}.events", f"{events} is more than n = {self.n}; "
                             f"expected 0 to {self.n}")
            return ArmData(**common, events=events)
        pct = float(val["percent"])
        count, note = reconstruct_count(pct, self.n, _decimals(val["percent"]))
        return ArmData(**common, events=count, percent=pct, derived=(note,))

    def count(self, common) -> ArmData:
        val = self.values
        if "person_years" in val:
            py, derived = float(val["person_years"]), ()
        else:
            py = self.n * self.follow
            derived = ((f"person-years approximated as n x follow-up = {self.n} x "
                       f"{_num(self.follow)} = {_num(py)}"),)
        return ArmData(**common, events=int(val["events"]), person_years=py, derived=derived)

    def ordinal(self, common) -> ArmData:
        val = self.values
        if ("counts" in val) == ("percents" in val):
            self.v.fail(self.where, "give exactly one of 'counts' or 'percents'")
        key = "counts" if "counts" in val else "percents"
        if len(val[key]) != len(self.cats):
            self.v.fail(f"{self.where}.{key}", f"has {len(val[key])} values for "
                        f"{len(self.cats)} categories; expected one per category")
        if key == "counts":
            counts = tuple(int(c) for c in val["counts"])
            if sum(counts) > self.n:
                self.problem(f"{self.where}.counts",
                             f"sum {sum(counts)} is more than n = {self.n}")
            derived = () if sum(counts) == self.n else (
                f"category counts sum to {sum(counts)}, not n = {self.n}",)
            return ArmData(**common, counts=counts, derived=derived)
        counts, notes = [], []
        for label, pct in zip(self.cats, val["percents"]):
            c, note = reconstruct_count(float(pct), self.n, _decimals(pct))
            counts.append(c)
            notes.append(f"{label}: {note}")
        total = sum(val["percents"])
        if sum(counts) != self.n:
            notes.append(f"reconstructed counts sum to {sum(counts)}, not n = {self.n} "
                         f"(percentages sum to {_num(total)}%)")
        return ArmData(**common, counts=tuple(counts),
                       percents=tuple(float(p) for p in val["percents"]), derived=tuple(notes))


def counts_rounding_to(percent: float, n: int, decimals: int) -> list[int]:
    """Every count k of n for which 100 k / n rounds to ``percent`` at ``decimals`` places.

    Rounding is taken as to the nearest, either direction at exactly half (papers differ).
    """
    half = 0.5 * 10.0 ** (-decimals) + 1e-9
    lo = max(0, math.ceil((percent - half) * n / 100.0))
    hi = min(n, math.floor((percent + half) * n / 100.0))
    return list(range(lo, hi + 1))


def reconstruct_count(percent: float, n: int, decimals: int) -> tuple[int, str]:
    """The count nearest to ``percent x n / 100``, with a note that never hides ambiguity."""
    nearest = math.floor(percent * n / 100.0 + 0.5)
    candidates = counts_rounding_to(percent, n, decimals)
    shown = f"{percent:.{decimals}f}%"
    if len(candidates) == 1:
        return nearest, f"count {nearest} of {n} reconstructed from {shown}"
    if candidates:
        return nearest, (f"count {nearest} of {n} reconstructed from {shown}; ambiguous: "
                         f"{', '.join(map(str, candidates))} of {n} all round to {shown}")
    below = max(0, math.floor(percent * n / 100.0))
    above = min(n, below + 1)
    return nearest, (f"count {nearest} of {n} reconstructed from {shown}, but no whole count "
                     f"of {n} gives {shown} ({below}/{n} = {100 * below / n:.1f}%, "
                     f"{above}/{n} = {100 * above / n:.1f}%)")


def _decimals(value) -> int:
    if isinstance(value, int):
        return 0
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    frac = text.split(".")[1]
    return 0 if frac == "0" else len(frac)
