"""Shared pieces of the fuzz suite: the CLI runner, the one property every run must satisfy,
generators of valid trial documents (from ivigstats.schema) and of hostile text."""

from __future__ import annotations

import json
import math

from click.testing import CliRunner
from hypothesis import strategies as st

from ivigstats import schema
from ivigstats.cli import cli

ERROR = "ivigstats: error: "
# the comparison methods of every kind, without the registry's outcome-level extras
# (fragility indices), which take minutes on arms of 1e9 (reported on issue 8)
METHODS = ["--methods", ("katz_log,woolf_log,newcombe,pearson_chi2,fisher_exact,"
                         "exact_conditional,mid_p,welch,student,hedges_g,wald_log,rate/exact,"
                         "mann_whitney,linear_trend,sd/from_ci,sd/from_se")]


def invoke(args, input=None):
    """Run the CLI in-process; an exception that escapes the guard fails the test."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def assert_clean(result, expect=None, allow_stderr=False, allow_empty=False):
    """Exit 0 with output and no complaint, or exit 2 with exactly one error line and no
    output. ``expect`` 0 or 2 pins which one."""
    code, out, err = result.exit_code, result.stdout, result.stderr
    assert code in (0, 2), (code, out[-500:], err[-2000:])
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith(ERROR) and len(lines[0]) > len(ERROR) + 3, err
        where_what = lines[0][len(ERROR):]
        assert ": " in where_what, err  # "<where>: <what>"
        assert out == "", "rows printed for rejected input"
    else:
        assert out or allow_empty, "exit 0 without output"
        if not allow_stderr:
            assert err == "", err
    if expect is not None:
        assert code == expect, (expect, code, err)
    return result


def json_rows(result) -> list:
    doc = json.loads(result.stdout)
    rows = doc["results"] if isinstance(doc, dict) else doc
    assert isinstance(rows, list)
    for row in rows:
        for key in ("estimate", "conf_low", "conf_high", "p_value"):
            v = row.get(key)
            assert v is None or isinstance(v, (int, float)), (key, v)
        p = row.get("p_value")
        assert p is None or 0 <= p <= 1, row
    return rows


# ------------------------------------------------------------------- valid trial documents

IDS = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True)
TEXT = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
SMALL_N = st.integers(1, 400)
BIG_N = st.sampled_from([10**6, 10**7, 10**9])


@st.composite
def arm_data(draw, kind, arm_n, categories):
    n = draw(st.integers(1, arm_n)) if draw(st.booleans()) else None
    use = n or arm_n
    data = {} if n is None else {"n": n}
    if kind == "binary":
        if draw(st.booleans()):
            data["events"] = draw(st.integers(0, use))
        else:
            data["percent"] = draw(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)))
    elif kind == "continuous":
        data["mean"] = draw(st.floats(-1e6, 1e6, allow_nan=False))
        how = draw(st.sampled_from(["sd", "se", "ci"]))
        if how == "ci" and use >= 2:
            lo = draw(st.floats(-1e3, 1e3, allow_nan=False))
            data["ci"] = [lo, lo + draw(st.floats(1e-6, 1e3))]
        else:
            data["sd" if how != "se" else "se"] = draw(st.floats(1e-6, 1e4))
    elif kind == "count":
        data["events"] = draw(st.integers(0, 10**6))
        if draw(st.booleans()):
            data["person_years"] = draw(st.floats(1e-6, 1e7))
    else:
        k = len(categories)
        if draw(st.booleans()):
            parts = draw(st.lists(st.integers(0, use // k), min_size=k, max_size=k))
            data["counts"] = parts
        else:
            data["percents"] = draw(st.lists(st.floats(0, 100 / k).map(lambda x: round(x, 1)),
                                             min_size=k, max_size=k))
    return data


@st.composite
def trial_documents(draw, big=False):
    """A valid trial document (dict) built from the schema's sections."""
    n_arms = draw(st.integers(2, 3))
    arm_ids = draw(st.lists(IDS, min_size=n_arms, max_size=n_arms, unique=True))
    sizes = BIG_N if big else SMALL_N
    arms = [{"id": a, "label": draw(TEXT), "n": draw(sizes)} for a in arm_ids]
    if draw(st.booleans()):
        roles = ["experimental"] * n_arms
        roles[draw(st.integers(0, n_arms - 1))] = "control"
        for arm, role in zip(arms, roles):
            arm["role"] = role
    outcomes = []
    for oid in draw(st.lists(IDS, min_size=1, max_size=3, unique=True)):
        kind = draw(st.sampled_from(schema.KINDS))
        o = {"id": oid, "label": draw(TEXT), "kind": kind,
             "benefit": draw(st.sampled_from(["higher", "lower"]))}
        cats = None
        if kind == "ordinal":
            cats = draw(st.lists(TEXT, min_size=2, max_size=5))
            o["categories"] = cats
        o["arms"] = {a["id"]: draw(arm_data(kind, a["n"], cats)) for a in arms}
        if draw(st.booleans()):
            o["reported"] = {"p_value": draw(st.floats(0, 1))}
        outcomes.append(o)
    trial = {"id": draw(IDS), "title": draw(TEXT), "citation": draw(TEXT),
             "follow_up_years": draw(st.floats(0.01, 50))}
    return {"trial": trial, "arms": arms, "outcomes": outcomes}


# --------------------------------------------------------------------------- mutations

def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


HOSTILE_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.sampled_from(
        [math.nan, math.inf, -math.inf, 0, -1, 0.5, 1e308, -1e308, 5e-324, 2**63, -2**63]),
    st.floats(), st.text(max_size=30),
    st.sampled_from(["\u22120.5", "1,234", "1,234,567", "< 0.001", "0\u00b703", "-0.13 \u2013 0.37",
                     "0,5", "nan", "Infinity", "", " ", "1e999", "\x00", "\ud7ff", "75%"]),
    st.lists(st.integers(-5, 10**9), max_size=4), st.dictionaries(IDS, st.integers(), max_size=2),
    st.integers(1, 200).map(lambda d: json.loads("[" * d + "]" * d)),
)


@st.composite
def mutated_documents(draw, big=False):
    """A valid document with 0-3 mutations: keys deleted, unknown keys added, values replaced
    by hostile ones (wrong types, huge, negative, NaN, text numbers, deep nesting)."""
    doc = draw(trial_documents(big=big))
    for _ in range(draw(st.integers(0, 3))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["delete", "add", "replace", "replace", "replace"]))
        if not path:
            if op == "replace":
                doc = draw(HOSTILE_VALUES)
                break
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(HOSTILE_VALUES)
        else:
            parent[key] = draw(HOSTILE_VALUES)
    return doc


# -------------------------------------------------------------------------- serialisers

def to_json(doc) -> str:
    """JSON, with NaN/Infinity literals as Python writes them (the loader must refuse them)."""
    return json.dumps(doc, allow_nan=True, ensure_ascii=False)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return '""'  # TOML has no null
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) \
            else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_toml_string(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"


def to_toml(doc) -> str:
    """TOML with inline tables (``key = value`` lines; no table headers needed)."""
    if not isinstance(doc, dict):
        return f"x = {_toml_value(doc)}\n"
    return "".join(f"{_toml_string(str(k))} = {_toml_value(v)}\n" for k, v in doc.items())


def _toml_string(s: str) -> str:
    """A TOML basic string (JSON's escapes, but no surrogate pairs and DEL escaped)."""
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


# -------------------------------------------------------------------------- hostile text

NUMBERISH = st.one_of(
    st.integers(-10, 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["\u22125", "\u20135", "1,000", "1,000,000", "1\u2009000", "0\u00b75", "0,5",
                     "1e3", "1e400", "-0", "+3", ".5", "5.", "nan", "inf", "", " ", "%", "1_000",
                     "\u0661\u0662", "\uff11", "0x10", "1/2", "--", "-e", "1e", "9" * 400]),
    st.text(alphabet="0123456789.,-+eE%:/;\u2212\u2013 ", max_size=12),
    st.text(max_size=8),
)
