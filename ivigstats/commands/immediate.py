"""Immediate commands: ivigstats binary / continuous / rates / ordinal.

The numbers are typed on the command line (as Stata's ``csi``, ``iri`` and ``ttesti``). They
become a two-arm trial with one outcome, which goes through the same path as ``summarize``
(:func:`ivigstats.analysis.outcome_rows`), so both give the same rows for the same numbers.
Only click is imported here: numpy and the statistics load when a command runs.
"""

from __future__ import annotations

import re
import typing

import click

from ivigstats.options import analysis_options, check_methods, emit, output_options, resolve_format


class _ArmType(click.ParamType):
    """One arm's numbers as typed; converts to a dict of the arm's fields."""

    name = "arm"
    metavar = "ARM"
    shape = ""

    def convert(self, value, param, ctx):
        if isinstance(value, dict):
            return value
        text = value.strip()
        if re.match(r"--?[A-Za-z]", text):
            self.fail(f"no such option {text!r}; see --help", param, ctx)
        try:
            return self.parse(text)
        except ValueError as exc:
            self.fail(f"{text!r}: {exc}", param, ctx)

    def parse(self, text: str) -> dict:
        raise NotImplementedError


def _parsed(text: str, what: str, noun: str) -> float:
    """A number as printed (Unicode minus, unambiguous thousands separators: see
    :mod:`ivigstats.numbers`), or ValueError starting with ``what``."""
    from ivigstats.numbers import parse_number
    try:
        return parse_number(text)
    except ValueError as exc:
        message = str(exc)
        if message.endswith("is not a number"):
            raise ValueError(f"{what} {text.strip()!r} is not {noun}") from None
        raise ValueError(f"{what} {message}") from None


def _whole(text: str, what: str, minimum: int = 0) -> int:
    v = _parsed(text, what, "a whole number")
    if v != int(v):
        raise ValueError(f"{what} {text.strip()!r} is not a whole number")
    if v < minimum:
        raise ValueError(f"{what} {v:g} is out of range; expected a whole number >= {minimum}")
    return int(v)


def _number(text: str, what: str, positive: bool = False) -> float:
    v = _parsed(text, what, "a number")
    if positive and not v > 0:
        raise ValueError(f"{what} {v:g} is out of range; expected a number > 0")
    return v


def _two(text: str, shape: str) -> tuple[str, str]:
    parts = text.split("/")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ValueError(f"expected {shape}")
    return parts[0].strip(), parts[1].strip()


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


class Proportion(_ArmType):
    name = "events/n"
    shape = "EVENTS/N or PERCENT%/N (e.g. 40/75 or 53%/75)"

    def parse(self, text):
        from ivigstats.arm_data import reconstruct_count
        left, right = _two(text, self.shape)
        n = _whole(right, "n", 1)
        if left.endswith("%"):
            left = left[:-1].strip()
            pct = _number(left, "percent")
            if not 0 <= pct <= 100:
                raise ValueError(f"percent {left} is out of range; expected 0 to 100")
            events, note = reconstruct_count(pct, n, _decimals(left))
            return {"n": n, "events": events, "percent": pct, "derived": (note,)}
        events = _whole(left, "events")
        if events > n:
            raise ValueError(f"events {events} is more than n = {n}; expected 0 to {n}")
        return {"n": n, "events": events}


class Rate(_ArmType):
    name = "events/time"
    shape = "EVENTS/PERSON-TIME (e.g. 62/150)"

    def parse(self, text):
        left, right = _two(text, self.shape)
        return {"n": 0, "events": _whole(left, "events"),
                "person_years": _number(right, "person-time", positive=True)}


class Categories(_ArmType):
    name = "counts"
    shape = "comma-separated category counts, lowest first (e.g. 23,40,12)"

    def parse(self, text):
        parts = [p.strip() for p in text.split(",")]
        if len(parts) < 2:
            raise ValueError(f"expected {self.shape}, at least 2 categories")
        counts = tuple(_whole(p, f"count {i + 1}") for i, p in enumerate(parts))
        return {"n": sum(counts), "counts": counts}


class Summary(_ArmType):
    """MEAN:SD:N, MEAN:SE:N or MEAN:LOW:HIGH:N, by the spread option chosen."""

    name = "mean:spread:n"
    shapes: typing.ClassVar[dict] = {"sd": "MEAN:SD:N", "se": "MEAN:SE:N", "ci": "MEAN:LOW:HIGH:N"}

    def parse(self, text):
        parts = [p.strip() for p in text.split(":")]
        return {"parts": parts, "text": text}


def _continuous_arm(value: dict, spread: str, ci_level: float, label: str) -> dict:
    parts, text = value["parts"], value["text"]
    shape = Summary.shapes[spread]
    if len(parts) != shape.count(":") + 1:
        hint = ""
        if spread != "ci" and len(parts) == 4:
            hint = "; a mean with a CI needs --ci"
        elif spread == "ci" and len(parts) == 3:
            hint = "; without --ci, give MEAN:SD:N (or MEAN:SE:N with --se)"
        raise click.BadParameter(f"{text!r}: expected {shape}{hint}", param_hint=label)
    try:
        mean = _number(parts[0], "mean")
        n = _whole(parts[-1], "n", 1)
        if spread == "ci":
            lo, hi = _number(parts[1], "lower limit"), _number(parts[2], "upper limit")
            if lo > hi:
                raise ValueError(f"lower limit {parts[1]} is above upper limit {parts[2]}")
            if n < 2:
                raise ValueError("n must be at least 2 to recover an SD from a CI")
            return {"n": n, "mean": mean, "ci": (lo, hi), "ci_level": ci_level}
        return {"n": n, "mean": mean, spread: _number(parts[1], spread.upper(), positive=True)}
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: {exc}", param_hint=label) from None


def emit_quietly(write, output: str) -> None:
    """:func:`~ivigstats.options.emit`, ending quietly with status 0 when the reader of
    stdout goes away (``| head``). click's own main turns that EPIPE into exit status 1 before
    the CLI's guard sees it, so the command handles it itself."""
    try:
        emit(write, output)
    except BrokenPipeError:
        from ivigstats.cli import _quiet_broken_pipe
        _quiet_broken_pipe()


def _names(value: str | None, default: tuple[str, str]) -> tuple[str, str]:
    if value is None:
        return default
    names = tuple(s.strip() for s in value.split(","))
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise click.BadParameter(f"{value!r}: expected two different names, e.g. ivig,placebo",
                                 param_hint="--arms")
    return names


def common(func):
    """Options every immediate command takes (and ``analysis_options``/``output_options``)."""
    func = output_options(func)
    func = analysis_options(func)
    func = click.option("--arms", "arm_names", metavar="NAME1,NAME2",
                        help="Names of the two arms in the rows [default: arm1,arm2].")(func)
    func = click.option("--outcome", metavar="NAME", default=None,
                        help="Outcome name in the rows [default: the command's name].")(func)
    return func


def run(kind: str, arms: list[dict], *, outcome: str, arm_names, benefit="higher",
        categories=None, level, methods, fmt, output, title: str) -> None:
    """Build a one-outcome, two-arm trial from ``arms`` and emit its rows as summarize does."""
    from ivigstats import methods as registry
    from ivigstats.analysis import outcome_rows
    from ivigstats.render import render
    from ivigstats.trial import Arm, ArmData, Outcome, Trial

    check_methods(methods, (kind,))
    if not registry.select(kind, methods):
        keys = ", ".join(m.key for m in registry.select(kind, "all"))
        raise click.BadParameter(f"{methods!r} names no {kind} method; {kind} methods: {keys}",
                                 param_hint="--methods")
    names = _names(arm_names, ("arm1", "arm2"))
    data = {name: ArmData(arm=name, **a) for name, a in zip(names, arms)}
    trial = Trial(
        id="immediate", title=title, citation="typed on the command line", follow_up_years=1.0,
        arms=(Arm(names[0], names[0], data[names[0]].n, "experimental"),
              Arm(names[1], names[1], data[names[1]].n, "control")),
        outcomes=(Outcome(id=outcome, label=outcome, kind=kind, benefit=benefit, arms=data,
                          categories=categories),))
    blocks = outcome_rows(trial, trial.outcomes[0], methods, level)
    fmt = resolve_format(fmt, output)
    emit_quietly(lambda s: render(blocks, fmt, s, title=title), output)


BENEFIT = click.option("--benefit", type=click.Choice(["higher", "lower"]), default="higher",
                       show_default=True,
                       help="Are more events better (higher) or worse (lower)? Sets whether "
                            "the NNT counts benefit or harm.")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("arm1", type=Proportion(), metavar="EVENTS1/N1")
@click.argument("arm2", type=Proportion(), metavar="EVENTS2/N2")
@BENEFIT
@common
def binary(arm1, arm2, benefit, outcome, arm_names, level, methods, fmt, output):
    """Compare two proportions typed as EVENTS/N (experimental arm first).

    A percentage instead of a count, PERCENT%/N, is turned into the nearest whole count; the
    note says which count was used and whether several counts round to that percentage.

    \b
    Examples (Fazekas 1997, relapse-free at 2 years):
      ivigstats binary 40/75 26/73
      ivigstats binary 53%/75 36%/73 --arms ivig,placebo
      ivigstats binary 40/75 26/73 --methods all --level 0.90 -f csv
    """
    run("binary", [arm1, arm2], outcome=outcome or "binary", arm_names=arm_names,
        benefit=benefit, level=level, methods=methods, fmt=fmt, output=output,
        title=f"binary: {_show(arm1)} vs {_show(arm2)}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("arm1", type=Summary(), metavar="ARM1")
@click.argument("arm2", type=Summary(), metavar="ARM2")
@click.option("--sd", "spread", flag_value="sd", default=True,
              help="Arms are MEAN:SD:N (the default).")
@click.option("--se", "spread", flag_value="se", help="Arms are MEAN:SE:N (SE of the mean).")
@click.option("--ci", "spread", flag_value="ci",
              help="Arms are MEAN:LOW:HIGH:N (a CI for each arm's mean; SD from the t quantile).")
@click.option("--ci-level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Level of the CIs typed with --ci.")
@common
def continuous(arm1, arm2, spread, ci_level, outcome, arm_names, level, methods, fmt, output):
    """Compare two means typed as MEAN:SD:N, MEAN:SE:N (--se) or MEAN:LOW:HIGH:N (--ci).

    Experimental arm first. Negative numbers need no quoting. With --se or --ci the SD each
    arm's numbers imply is shown in its own row and used for the comparisons.

    \b
    Examples (Fazekas 1997, EDSS change over 2 years):
      ivigstats continuous -0.23:0.89:75 0.12:1.07:73
      ivigstats continuous --ci -0.23:-0.43:-0.03:75 0.12:-0.13:0.37:73
      ivigstats continuous --se 0.52:0.098:75 1.26:0.257:73 --methods all
    """
    arms = [_continuous_arm(a, spread, ci_level, label)
            for a, label in ((arm1, "ARM1"), (arm2, "ARM2"))]
    run("continuous", arms, outcome=outcome or "continuous", arm_names=arm_names, level=level,
        methods=methods, fmt=fmt, output=output,
        title=f"continuous ({Summary.shapes[spread]}): {arm1['text']} vs {arm2['text']}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("arm1", type=Rate(), metavar="EVENTS1/TIME1")
@click.argument("arm2", type=Rate(), metavar="EVENTS2/TIME2")
@common
def rates(arm1, arm2, outcome, arm_names, level, methods, fmt, output):
    """Compare two event rates typed as EVENTS/PERSON-TIME (experimental arm first).

    \b
    Examples (Fazekas 1997, relapses over 2 years, person-years = 2 x n):
      ivigstats rates 62/150 116/146
      ivigstats rates 62/150 116/146 --methods all -f json
    """
    run("count", [arm1, arm2], outcome=outcome or "rates", arm_names=arm_names, level=level,
        methods=methods, fmt=fmt, output=output,
        title=f"rates: {arm1['events']}/{arm1['person_years']:g} vs "
              f"{arm2['events']}/{arm2['person_years']:g}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("arm1", type=Categories(), metavar="COUNTS1")
@click.argument("arm2", type=Categories(), metavar="COUNTS2")
@click.option("--labels", metavar="L1,L2,...",
              help="Category labels, lowest first [default: 1,2,...].")
@common
def ordinal(arm1, arm2, labels, outcome, arm_names, level, methods, fmt, output):
    """Compare two ordered distributions typed as comma-separated counts, lowest first.

    \b
    Examples (Fazekas 1997, disability at 2 years):
      ivigstats ordinal 23,40,12 10,46,17 --labels improved,stable,worse
      ivigstats ordinal 23,40,12 10,46,17 --methods all -f markdown
    """
    k = len(arm1["counts"])
    if len(arm2["counts"]) != k:
        raise click.BadParameter(f"{len(arm2['counts'])} categories; COUNTS1 has {k}",
                                 param_hint="COUNTS2")
    cats = tuple(s.strip() for s in labels.split(",")) if labels else \
        tuple(str(i + 1) for i in range(k))
    if len(cats) != k or not all(cats):
        raise click.BadParameter(f"{labels!r} has {len(cats)} labels for {k} categories",
                                 param_hint="--labels")
    run("ordinal", [arm1, arm2], outcome=outcome or "ordinal", arm_names=arm_names,
        categories=cats, level=level, methods=methods, fmt=fmt, output=output,
        title=f"ordinal ({', '.join(cats)}): {_show(arm1)} vs {_show(arm2)}")


def _show(arm: dict) -> str:
    if "counts" in arm:
        return ",".join(map(str, arm["counts"]))
    if "percent" in arm:
        return f"{arm['events']}/{arm['n']} (from {arm['percent']:g}%)"
    return f"{arm['events']}/{arm['n']}"
