"""Trials: load a TOML or JSON trial file, validate it, and hold it as frozen dataclasses.

Every problem raises :class:`~ivigstats.errors.InputError` naming the file, the field path
(``outcomes[0].arms.placebo.ci``, 0-based as in jq) and the value. Nothing is evaluated or
unpickled; files are size-bounded. The format is declared in :mod:`ivigstats.schema`.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ivigstats import schema
from ivigstats.errors import InputError

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 16  # a trial file nests 4 deep (outcomes[].arms.<arm>.counts[])
#: field types that may be given as printed text ("−0.23", "-0.13 – 0.37", "P < 0.001")
_FORGIVEN = ("interval", "p_value")  # other number types: in _Validator.scalar


@dataclass(frozen=True)
class Arm:
    id: str
    label: str
    n: int
    role: str
    annual_cost: float | None = None


@dataclass(frozen=True)
class ArmData:
    """One arm's numbers for one outcome, as printed, plus what was derived from them."""

    arm: str
    n: int
    mean: float | None = None
    sd: float | None = None
    se: float | None = None
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    events: float | None = None
    percent: float | None = None
    person_years: float | None = None
    counts: tuple[int, ...] | None = None
    percents: tuple[float, ...] | None = None
    quantiles: dict | None = None  # median, q1, q3, min, max as printed (mean/sd estimated)
    derived: tuple[str, ...] = ()  # notes on counts reconstructed, person-time approximated
    issues: tuple[tuple[str, str], ...] = ()  # (field, problem) kept when loaded lenient
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Reported:
    measure: str | None = None
    estimate: float | None = None
    conf_low: float | None = None
    conf_high: float | None = None
    conf_level: float = 0.95
    p_value: float | None = None
    source: str = ""
    note: str = ""
    p_operator: str = "="  # "<" for a printed "P < 0.001": p_value is then a bound


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    kind: str
    benefit: str
    arms: dict[str, ArmData]
    categories: tuple[str, ...] | None = None
    granularity: float | None = None
    follow_up_years: float | None = None
    reported: Reported | None = None
    source: str = ""
    note: str = ""
    dispersion_from: str | None = None


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    citation: str
    follow_up_years: float
    arms: tuple[Arm, ...]
    outcomes: tuple[Outcome, ...]
    doi: str = ""
    randomised: int | None = None
    note: str = ""
    origin: str = field(default="", compare=False)  # file name, for messages

    def comparisons(self) -> list[tuple[Arm, Arm]]:
        """(experimental, control) pairs: every experimental arm against the control arm."""
        control = next(a for a in self.arms if a.role == "control")
        return [(a, control) for a in self.arms if a.role == "experimental"]

    def annual_costs(self) -> dict | None:
        """{arm id: annual cost per patient} when the file gives them (all arms or none)."""
        if any(a.annual_cost is None for a in self.arms):
            return None
        return {a.id: a.annual_cost for a in self.arms}

    def metadata(self) -> dict:
        arms = [{"id": a.id, "label": a.label, "n": a.n, "role": a.role} |
                ({"annual_cost": a.annual_cost} if a.annual_cost is not None else {})
                for a in self.arms]
        return {"id": self.id, "title": self.title, "citation": self.citation, "doi": self.doi
                or None, "follow_up_years": self.follow_up_years, "randomised": self.randomised,
                "arms": arms, "note": self.note or None}


# ---------------------------------------------------------------------------------- loading

def embedded_ids() -> list[str]:
    files = resources.files("ivigstats.data").iterdir()
    return sorted(p.name[:-5] for p in files if p.name.endswith(".toml"))


def load_embedded(trial_id: str, strict: bool = True) -> Trial:
    if trial_id not in embedded_ids():
        raise InputError(trial_id, f"no embedded trial of that id{_did_you_mean(trial_id, embedded_ids())}"
                         f"; expected one of: {', '.join(embedded_ids())}")
    text = resources.files("ivigstats.data").joinpath(f"{trial_id}.toml").read_bytes()
    return parse(text, f"{trial_id}.toml", fmt="toml", strict=strict)


def load_path(path: str, stdin=None, strict: bool = True) -> Trial:
    """Load a trial from a file path, ``-`` (stdin) or an embedded trial id.

    ``strict=False`` (the audit) keeps numbers that contradict each other (a CI whose lower
    bound is above its upper bound, events above n, more analysed than randomised) as printed
    and records each in ``ArmData.issues`` instead of failing; type and structure errors fail
    either way.
    """
    if path == "-":
        import sys
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        return parse(data, "<stdin>", strict=strict)
    p = Path(path)
    if not p.exists() and "/" not in path and "." not in path:
        return load_embedded(path, strict=strict)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    fmt = "json" if p.suffix.lower() == ".json" else "toml" if p.suffix.lower() == ".toml" else None
    return parse(data, path, fmt=fmt, strict=strict)


def parse(data: bytes, origin: str, fmt: str | None = None, strict: bool = True) -> Trial:
    """Parse and validate trial bytes; ``fmt`` None sniffs JSON (``{``) versus TOML."""
    if len(data) > MAX_BYTES:
        raise InputError(origin, f"file is larger than {MAX_BYTES // 1024 // 1024} MiB; "
                         "expected a trial file of arm-level numbers")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"byte {exc.start} is not UTF-8; expected a UTF-8 text file") from None
    if not text.strip():
        raise InputError(origin, "file is empty; expected a trial in TOML or JSON")
    if fmt is None:
        fmt = "json" if text.lstrip().startswith("{") else "toml"
    try:
        if fmt == "json":
            doc = json.loads(text, parse_constant=_reject_constant)
        else:
            doc = tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin}:{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise InputError(origin, "nesting too deep; expected a trial file") from None
    except ValueError as exc:  # the NaN/Infinity constants refused above
        raise InputError(origin, str(exc)) from None
    if _depth(doc) > MAX_DEPTH:
        raise InputError(origin, f"nesting deeper than {MAX_DEPTH} levels; expected a trial file")
    return _Validator(origin, strict).trial(doc)


def _depth(doc) -> int:
    """How deeply lists and tables nest (iteratively: no recursion limit to hit)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((v, level + 1) for v in (node.values() if isinstance(node, dict)
                                                      else node))
    return deepest


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed; expected finite numbers")


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ------------------------------------------------------------------------------ validation

class _Validator:
    def __init__(self, origin: str, strict: bool = True):
        self.origin = origin
        self.strict = strict

    def fail(self, where: str, what: str):
        raise InputError(f"{self.origin}: {where}" if where else self.origin, what)

    def table(self, value, where: str, fields: dict, kind_hint: str = "") -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"{_show(value)} is not a table; expected a table of {', '.join(fields)}")
        for key in value:
            if key not in fields:
                hint = _did_you_mean(key, fields)
                self.fail(f"{where}.{key}" if where else key,
                          f"unknown key{kind_hint}{hint}; expected one of: {', '.join(fields)}")
        out = dict(value)
        for key, (typ, required, _) in fields.items():
            if key in value:
                out[key] = self.check(value[key], f"{where}.{key}" if where else key, typ)
            elif required:
                self.fail(where or "top level", f"missing required key {key!r}")
        return out

    def check(self, value, where: str, typ: str):
        """``value`` if it is of type ``typ``; numbers printed as text (``"−0.23"``,
        ``"-0.13 – 0.37"``, ``"< 0.001"``) come back parsed (:mod:`ivigstats.numbers`)."""
        if typ == "table":
            if not isinstance(value, dict):
                self.fail(where, f"{_show(value)} is not a table")
            return value
        if isinstance(value, str) and typ in _FORGIVEN:
            value = self.forgive(value, where, typ)
        spec = schema.TYPES[typ]
        if "enum" in spec:
            if value not in spec["enum"]:
                self.fail(where, f"{_show(value)}{_did_you_mean(str(value), spec['enum'])}; "
                          f"expected one of: {', '.join(spec['enum'])}")
            return value
        if spec["type"] == "string":
            if not isinstance(value, str):
                self.fail(where, f"{_show(value)} is not a string")
            if spec.get("minLength") and not value.strip():
                self.fail(where, "is empty; expected text")
            if "pattern" in spec and not _is_id(value):
                self.fail(where, f"{_show(value)} is not an identifier; expected lowercase "
                          "letters, digits, '_', '-' or '.', starting with a letter or digit")
            return value
        if spec["type"] == "array":
            if not isinstance(value, list):
                self.fail(where, f"{_show(value)} is not a list")
            if len(value) < spec.get("minItems", 0) or len(value) > spec.get("maxItems", 10**9):
                want = spec["minItems"] if spec.get("maxItems") == spec.get("minItems") else \
                    f"at least {spec['minItems']}"
                self.fail(where, f"{_show(value)} has {len(value)} items; expected {want}")
            return [self.scalar(item, f"{where}[{i}]", spec["items"])
                    for i, item in enumerate(value)]
        return self.scalar(value, where, spec)

    def forgive(self, text: str, where: str, typ: str):
        """A number, interval or P value printed as text, parsed; ambiguity is an error."""
        from ivigstats import numbers
        try:
            if typ == "interval":
                return list(numbers.parse_interval(text))
            if typ == "p_value":
                value, op = numbers.parse_p(text)
                self.p_operator = op
                return value
            return numbers.parse_number(text)
        except ValueError as exc:
            self.fail(where, str(exc))

    def scalar(self, value, where: str, spec: dict):
        t = spec.get("type")
        if t == "string":
            if not isinstance(value, str) or not value.strip():
                self.fail(where, f"{_show(value)} is not a non-empty string")
            return value
        if isinstance(value, str) and t in ("number", "integer"):
            from ivigstats import numbers
            try:
                value = numbers.parse_number(value)
            except ValueError as exc:
                self.fail(where, str(exc))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"{_show(value)} is not a number")
        if not math.isfinite(value):
            self.fail(where, f"{_show(value)} is not a finite number")
        if t == "integer" and value != int(value):
            self.fail(where, f"{_show(value)} is not a whole number")
        lo, hi = spec.get("minimum"), spec.get("maximum")
        if "exclusiveMinimum" in spec and not value > spec["exclusiveMinimum"]:
            self.fail(where, f"{_show(value)} is out of range; expected a number > "
                      f"{spec['exclusiveMinimum']}" + (f" and < {spec['exclusiveMaximum']}"
                                                       if "exclusiveMaximum" in spec else ""))
        if "exclusiveMaximum" in spec and not value < spec["exclusiveMaximum"]:
            self.fail(where, f"{_show(value)} is out of range; expected a number < "
                      f"{spec['exclusiveMaximum']}")
        if lo is not None and value < lo or hi is not None and value > hi:
            rng = f"{lo} to {hi}" if hi is not None else f">= {lo}"
            noun = "a whole number" if t == "integer" else "a number"
            self.fail(where, f"{_show(value)} is out of range; expected {noun} {rng}")
        return value

    # -- sections
    def trial(self, doc) -> Trial:
        top = {"trial": ("table", True, ""), "arms": ("arms", True, ""),
               "outcomes": ("outcomes", True, "")}
        if not isinstance(doc, dict):
            self.fail("", f"top level is {_show(doc)}; expected a table with trial, arms, outcomes")
        for key in doc:
            if key not in top:
                self.fail(key, f"unknown key{_did_you_mean(key, top)}; expected one of: "
                          "trial, arms, outcomes")
        for key in top:
            if key not in doc:
                self.fail("top level", f"missing required key {key!r}")
        meta = self.table(doc["trial"], "trial", schema.TRIAL)
        arms = self.arms(doc["arms"])
        outcomes = self.outcomes(doc["outcomes"], arms, meta)
        total = meta.get("randomised")
        return Trial(id=meta["id"], title=meta["title"], citation=meta["citation"],
                     follow_up_years=float(meta["follow_up_years"]), arms=arms,
                     outcomes=outcomes, doi=meta.get("doi", ""),
                     randomised=int(total) if total is not None else None,
                     note=meta.get("note", ""), origin=self.origin)

    def arms(self, raw) -> tuple[Arm, ...]:
        if not isinstance(raw, list) or len(raw) < 2:
            self.fail("arms", f"{_show(raw)}; expected a list of at least 2 arms ([[arms]])")
        seen: set[str] = set()
        arms = []
        for i, a in enumerate(raw):
            a = self.table(a, f"arms[{i}]", schema.ARM)
            if a["id"] in seen:
                self.fail(f"arms[{i}].id", f"{a['id']!r} is used twice; expected unique arm ids")
            seen.add(a["id"])
            arms.append(a)
        roles = [a.get("role") for a in arms]
        if all(r is None for r in roles):
            roles = ["experimental"] * (len(arms) - 1) + ["control"]
        elif None in roles:
            self.fail(f"arms[{roles.index(None)}].role", "missing; give every arm a role or none")
        costs = [a.get("annual_cost") for a in arms]
        if None in costs and any(c is not None for c in costs):
            self.fail(f"arms[{costs.index(None)}].annual_cost",
                      "missing; give every arm an annual_cost or none")
        if roles.count("control") != 1:
            self.fail("arms", f"{roles.count('control')} arms have role 'control'; expected exactly 1")
        return tuple(Arm(a["id"], a["label"], int(a["n"]), r, _opt(a.get("annual_cost")))
                     for a, r in zip(arms, roles))

    def outcomes(self, raw, arms, meta) -> tuple[Outcome, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail("outcomes", f"{_show(raw)}; expected a list of at least 1 outcome")
        seen: set[str] = set()
        out = []
        for i, o in enumerate(raw):
            where = f"outcomes[{i}]"
            o = self.table(o, where, schema.OUTCOME)
            if o["id"] in seen:
                self.fail(f"{where}.id", f"{o['id']!r} is used twice; expected unique outcome ids")
            seen.add(o["id"])
            out.append(self.outcome(o, where, arms, meta))
        kinds = {o.id: o.kind for o in out}
        for i, o in enumerate(out):
            ref = o.dispersion_from
            if ref is not None and (o.kind != "count" or kinds.get(ref) != "continuous"):
                self.fail(f"outcomes[{i}].dispersion_from",
                          f"{ref!r}; expected, on a count outcome, the id of a continuous outcome "
                          f"of this trial ({', '.join(k for k, v in kinds.items() if v == 'continuous') or 'none'})")
        return tuple(out)

    def outcome(self, o, where, arms, meta) -> Outcome:
        from ivigstats.arm_data import ArmBuilder
        kind = o["kind"]
        cats = o.get("categories")
        if kind == "ordinal" and cats is None:
            self.fail(where, "missing required key 'categories' for an ordinal outcome")
        if kind != "ordinal" and cats is not None:
            self.fail(f"{where}.categories", f"only ordinal outcomes have categories, this one is {kind}")
        by_id = {a.id: a for a in arms}
        data = {}
        for arm_id, values in o["arms"].items():
            aw = f"{where}.arms.{arm_id}"
            if arm_id not in by_id:
                self.fail(aw, f"no arm {arm_id!r}{_did_you_mean(arm_id, by_id)}; expected one of: "
                          f"{', '.join(by_id)}")
            fields = {**schema.ARM_DATA[kind], **schema.COMMON_ARM_DATA}
            values = self.table(values, aw, fields, kind_hint=f" for a {kind} outcome")
            follow = o.get("follow_up_years", meta["follow_up_years"])
            data[arm_id] = ArmBuilder(self, aw, by_id[arm_id], values, cats, follow).build(kind)
        rep = None
        if "reported" in o:
            self.p_operator = "="
            r = self.table(o["reported"], f"{where}.reported", schema.REPORTED)
            lo, hi = r.get("conf_low"), r.get("conf_high")
            if (lo is None) != (hi is None):
                self.fail(f"{where}.reported", "give both conf_low and conf_high, or neither")
            rep = Reported(**r, p_operator=self.p_operator)
        return Outcome(id=o["id"], label=o["label"], kind=kind, benefit=o["benefit"], arms=data,
                       categories=tuple(cats) if cats else None,
                       granularity=o.get("granularity"), follow_up_years=o.get("follow_up_years"),
                       reported=rep, source=o.get("source", ""), note=o.get("note", ""),
                       dispersion_from=o.get("dispersion_from"))


def _is_id(value: str) -> bool:
    import re
    return re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", value) is not None


def _opt(x):
    return None if x is None else float(x)


def _num(x: float) -> str:
    return f"{x:g}"


def _show(value) -> str:
    if isinstance(value, str):
        return json.dumps(value[:60] + ("..." if len(value) > 60 else ""))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _num(value) if isinstance(value, float) else str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value[:5]) + (", ...]" if len(value) > 5 else "]")
    return type(value).__name__
