"""ivigstats batch: rows equal the immediate commands' rows (every kind, --methods all, zero
cells), the fast writer equals render.py, every malformed-row class is reported with file, line,
column and value, and --on-error skip loses nothing else."""

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivigstats.batch import NAMES, Writer, interleave
from ivigstats.render import render
from ivigstats.rows import NUMERIC, RowBlock

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text, name="in.csv", mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, newline="")
    return str(path)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# ---------------------------------------------------------------- writer == render.py

floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 0.95, 1e16, 1e-5, 123456789.123, 5e-324]))
texts = st.one_of(st.none(), st.sampled_from(["", "a,b", 'q"x', "t\tab", "n\nl", "r\rx", "é%s",
                                              "plain", "50%; ok"]), st.text(max_size=8))


@st.composite
def blocks(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    ids = draw(st.one_of(st.lists(st.integers(1, 10**9), min_size=n, max_size=n),
                         st.lists(st.text(max_size=5), min_size=n, max_size=n)))
    out = []
    for _ in range(m):
        cols = {"id": ids}
        for name in NAMES[1:]:
            if name in NUMERIC:
                if draw(st.booleans()):
                    cols[name] = np.full(n, draw(floats))
                else:
                    cols[name] = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
            elif draw(st.booleans()):
                cols[name] = [draw(texts)] * n
            else:
                cols[name] = np.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype=object)
        out.append(RowBlock(cols, NAMES))
    return out


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(blocks(), min_size=1, max_size=3))
def test_writer_equals_render(chunks):
    everything = [interleave(c) for c in chunks]
    for fmt in ("csv", "tsv", "json", "jsonl"):
        expected = io.StringIO()
        render(everything, fmt, expected)
        got = io.StringIO()
        writer = Writer(fmt, got)
        for c in chunks:
            writer.write(c)
        writer.close()
        assert got.getvalue() == expected.getvalue(), fmt


def test_writer_keeps_full_precision_and_empty_for_nan():
    a = np.array([0.1 + 0.2, np.nan, 1e-300, -2.5e16])
    cols = {n: (a if n in NUMERIC else ["x"] * 4) for n in NAMES}
    cols["id"] = [1, 2, 3, 4]
    out = io.StringIO()
    w = Writer("csv", out)
    w.write([RowBlock(cols, NAMES)])
    w.close()
    line = out.getvalue().splitlines()[1].split(",")
    assert line[4] == "0.30000000000000004"
    assert float(out.getvalue().splitlines()[4].split(",")[4]) == -2.5e16
    assert out.getvalue().splitlines()[2].split(",")[4] == ""


# ------------------------------------------------------------- batch == immediate rows

BINARY = [(40, 75, 26, 73), (0, 10, 0, 12), (0, 10, 5, 10), (10, 10, 0, 10), (10, 10, 10, 10),
          (1, 1, 0, 1), (3, 500, 1, 480)]
CONTINUOUS = [(-0.23, 0.89, 75, 0.12, 1.07, 73), (0.52, 0.85, 75, 1.26, 2.2, 73),
              (1.0, 1.0, 2, 1.0, 1.0, 2), (5.5, 0.1, 1000, 5.4, 0.2, 900)]
COUNT = [(62, 150, 116, 146), (0, 10.5, 3, 12), (0, 5, 0, 5), (7, 0.25, 2, 0.5)]
ORDINAL = [((23, 40, 12), (10, 46, 17)), ((0, 5, 5, 0), (0, 3, 6, 1)), ((1, 0), (0, 1)),
           ((0, 0, 0), (2, 3, 4)),
           ((3, 4, 5), (5, 4, 3)), ((10, 0, 0, 0, 2), (0, 0, 9, 1, 1))]


def immediate_args(kind, row):
    if kind == "binary":
        return ["binary", f"{row[0]}/{row[1]}", f"{row[2]}/{row[3]}"]
    if kind == "continuous":
        return ["continuous", ":".join(map(str, row[:3])), ":".join(map(str, row[3:]))]
    if kind == "count":
        return ["rates", f"{row[0]}/{row[1]}", f"{row[2]}/{row[3]}"]
    return ["ordinal", ",".join(map(str, row[0])), ",".join(map(str, row[1]))]


def same_rows(mine, theirs, rel=1e-9):
    """Equal rows; numbers to 1e-9 relative, since an iterative interval (exact conditional
    odds ratio) stops when every row of its call has converged, so its last digits depend on
    the other rows computed with it. Everything else, text and nulls, must be identical."""
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs):
        if a.keys() != b.keys():
            return False
        for k in a:
            x, y = a[k], b[k]
            if isinstance(x, float) and isinstance(y, float):
                if not (x == y or math.isclose(x, y, rel_tol=rel)):
                    return False
            elif x != y:
                return False
    return True


def csv_text(kind, rows):
    from ivigstats.batch import HEADERS
    lines = [",".join(("id",) + HEADERS[kind])]
    for i, row in enumerate(rows):
        cells = [";".join(map(str, c)) for c in row] if kind == "ordinal" else map(str, row)
        lines.append(",".join([f"r{i}", *cells]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind, rows", [("binary", BINARY), ("continuous", CONTINUOUS),
                                        ("count", COUNT), ("ordinal", ORDINAL)])
@pytest.mark.parametrize("chunk", ["2", "50000"])
def test_batch_rows_equal_immediate_rows(run, tmp_path, kind, rows, chunk):
    path = write(tmp_path, csv_text(kind, rows))
    out = json.loads(ok(run("batch", path, "--methods", "all", "-f", "json",
                            "--chunk-rows", chunk)).stdout)
    for i, row in enumerate(rows):
        mine = [{k: v for k, v in r.items() if k != "id"} for r in out if r["id"] == f"r{i}"]
        theirs = json.loads(ok(run(*immediate_args(kind, row), "--methods", "all",
                                   "-f", "json")).stdout)
        assert same_rows(mine, theirs), (kind, row)
    ids = [r["id"] for r in out]
    assert ids == sorted(ids, key=lambda s: int(s[1:])), "rows grouped by input row, in order"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_every_format_is_render_of_the_same_rows(run, tmp_path, fmt):
    path = write(tmp_path, csv_text("binary", BINARY))
    rows = json.loads(ok(run("batch", path, "-f", "json")).stdout)
    text = ok(run("batch", path, "-f", fmt, "--chunk-rows", "3")).stdout
    if fmt == "jsonl":
        assert [json.loads(x) for x in text.splitlines()] == rows
    else:
        sep = "," if fmt == "csv" else "\t"
        lines = text.splitlines()
        assert lines[0].split(sep) == list(NAMES)
        assert len(lines) == len(rows) + 1
        for line, r in zip(lines[1:], rows):
            if '"' in line:
                continue  # a quoted note: checked by test_writer_equals_render
            cells = line.split(sep)
            for name, cell in zip(NAMES, cells):
                v = r[name]
                if name in NUMERIC:
                    if v is None:  # JSON has null for NaN and for an infinite NNT
                        assert cell in ("", "inf", "-inf"), name
                    else:
                        assert float(cell) == v, name
                else:
                    assert cell == ("" if v is None else str(v)), name


def test_row_number_is_the_id_without_an_id_column(run, tmp_path):
    path = write(tmp_path, "events1,n1,events2,n2\n1,10,2,10\n\n3,10,4,10\n")
    rows = json.loads(ok(run("batch", path, "-f", "json", "--methods", "katz_log")).stdout)
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["outcome"] == "binary" and rows[0]["arms"] == "arm1 vs arm2"


def test_outcome_and_arm_names(run, tmp_path):
    path = write(tmp_path, "count1,time1,count2,time2\n62,150,116,146\n")
    rows = json.loads(ok(run("batch", path, "-f", "json", "--outcome", "relapses", "--arms",
                             "ivig,placebo")).stdout)
    assert {r["arms"] for r in rows} == {"ivig", "placebo", "ivig vs placebo"}
    assert {r["outcome"] for r in rows} == {"relapses"}


def test_bom_crlf_quotes_blank_lines_stdin(run, tmp_path):
    text = ('\ufeff"id","events1",n1,events2,n2,study\r\n"a,1",40,75,26,73,"Fazekas, 1997"\r\n'
            '\r\n"multi\r\nline",1,10,2,"10",x\r\nc,3,10,4,10,y')
    path = write(tmp_path, text.encode("utf-8"), mode="wb")
    for chunk in ("1", "2", "100"):
        rows = json.loads(ok(run("batch", path, "-f", "json", "--chunk-rows", chunk,
                                 "--methods", "katz_log")).stdout)
        assert [r["id"] for r in rows] == ["a,1", "multi\r\nline", "c"], chunk
    rows = json.loads(ok(run("batch", "-", "-f", "json", "--methods", "katz_log",
                             input=text.encode("utf-8"))).stdout)
    assert len(rows) == 3


def test_ordinal_rows_with_different_category_counts_keep_their_order(run, tmp_path):
    path = write(tmp_path, "counts1,counts2\n1;2;3,3;2;1\n5;5,1;9\n2;2;2,1;1;4\n")
    rows = json.loads(ok(run("batch", path, "-f", "json", "--methods",
                             "linear_trend")).stdout)
    assert [r["id"] for r in rows] == [1, 2, 3]
    single = json.loads(ok(run("ordinal", "5,5", "1,9", "-f", "json", "--methods",
                               "linear_trend")).stdout)
    assert {k: v for k, v in rows[1].items() if k != "id"} == single[0]


# ----------------------------------------------------------------------- malformed rows

BAD = [
    ("binary", "4O,75,26,73", 'column events1: "4O" is not a whole number'),
    ("binary", ",75,26,73", "column events1: value is missing; expected a whole number >= 0"),
    ("binary", "40,75,26, ", "column n2: value is missing; expected a whole number >= 1"),
    ("binary", "80,75,26,73", 'column events1: "80" is more than n1 = 75; expected 0 to n1'),
    ("binary", "40,75,-1,73", 'column events2: "-1" is negative; expected a whole number >= 0'),
    ("binary", "40.5,75,26,73", 'column events1: "40.5" is not a whole number'),
    ("binary", "40,0,0,73", 'column n1: "0" is out of range; expected a whole number >= 1'),
    ("binary", "nan,75,26,73", 'column events1: "nan" is not a finite number'),
    ("binary", "40,75,26", "has 3 fields; expected 4 as in the header (events1,n1,events2,n2)"),
    ("binary", "40,75,26,73,1", "has 5 fields; expected 4"),
    ("continuous", "1,0,10,2,1,10", 'column sd1: "0" is out of range; expected a number > 0'),
    ("continuous", "x,1,10,2,1,10", 'column mean1: "x" is not a number'),
    ("continuous", "1,1,10,2,inf,10", 'column sd2: "inf" is not a finite number'),
    ("count", "5,-2,3,4", 'column time1: "-2" is negative; expected a number > 0'),
    ("count", "5,2,-3,4", 'column count2: "-3" is negative; expected a whole number >= 0'),
    ("ordinal", "1;2;3,1;2", 'column counts2: "1;2" has 2 categories; counts1 has 3'),
    ("ordinal", "1;x;3,1;2;3", 'column counts1: "1;x;3" is not category counts'),
    ("ordinal", "5,1;2", 'column counts1: "5" has 1 category; expected at least 2'),
]


@pytest.mark.parametrize("kind, line, message", BAD, ids=[b[2][:40] for b in BAD])
def test_malformed_row_stops_with_file_line_column_value(run, tmp_path, kind, line, message):
    from ivigstats.batch import HEADERS
    good = {"binary": "1,10,2,10", "continuous": "1,1,10,2,1,10", "count": "1,2,3,4",
            "ordinal": "1;2,3;4"}[kind]
    path = write(tmp_path, ",".join(HEADERS[kind]) + f"\n{good}\n{good}\n{line}\n{good}\n")
    result = run("batch", path, "-f", "csv")
    assert result.exit_code == 2
    assert result.stdout == "", "nothing of the chunk that holds the bad row is written"
    assert result.stderr.startswith(f"ivigstats: error: {path}:4: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_rows_of_earlier_chunks_are_written_never_a_partial_chunk(run, tmp_path):
    rows = ["1,10,2,10"] * 5 + ["4O,10,2,10"] + ["1,10,2,10"] * 3
    path = write(tmp_path, "events1,n1,events2,n2\n" + "\n".join(rows) + "\n")
    result = run("batch", path, "-f", "csv", "--chunk-rows", "2", "--methods", "katz_log")
    assert result.exit_code == 2 and f"{path}:7: column events1" in result.stderr
    ids = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert ids == ["1", "2", "3", "4"]  # chunks 1-2 and 3-4; 5-6 holds the bad row
    out = Path(path).with_suffix(".out")
    result = run("batch", path, "--chunk-rows", "2", "-o", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert not list(Path(path).parent.glob(".ivigstats-*")), "temporary file left behind"


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty; expected a header line such as events1,n1,events2,n2"),
    (b"a,b,c\n1,2,3\n", 'header "a,b,c" names no known layout; expected one of: '),
    (b"events1,n1,events2\n1,2,3\n", "missing column n2 for binary rows"),
    (b"events1,n1,events2,n2,n1\n", "column 'n1' appears twice"),
    (b"events1,n1,events2,n2\n1,10,2,10\n\xff,1,1,1\n", "byte 0xff is not UTF-8"),
])
def test_bad_files(run, tmp_path, content, message):
    path = write(tmp_path, content, mode="wb")
    result = run("batch", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("ivigstats: error: " + path) and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_missing_file_and_unknown_methods(run, tmp_path):
    result = run("batch", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "cannot read file" in result.stderr
    path = write(tmp_path, "events1,n1,events2,n2\n1,10,2,10\n")
    result = run("batch", path, "--methods", "welch")
    assert result.exit_code == 2 and "'welch' names no binary method" in result.stderr
    result = run("batch", path, "--methods", "wlech")
    assert result.exit_code == 2 and "unknown method 'wlech'" in result.stderr


@pytest.mark.parametrize("chunk", ["1", "3", "1000"])
def test_on_error_skip_counts_and_keeps_every_other_row(run, tmp_path, chunk):
    lines = ["id,events1,n1,events2,n2"]
    bad_lines = []
    for i in range(1, 21):
        if i % 6 == 0:
            lines.append(f"b{i},{i + 100},10,1,10")  # events > n
            bad_lines.append(len(lines))
        elif i % 7 == 0:
            lines.append(f"b{i},1,10")  # too few fields
            bad_lines.append(len(lines))
        else:
            lines.append(f"g{i},1,10,2,10")
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = run("batch", path, "-f", "csv", "--on-error", "skip", "--methods", "katz_log",
                 "--chunk-rows", chunk)
    assert result.exit_code == 0
    ids = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert ids == [f"g{i}" for i in range(1, 21) if i % 6 and i % 7]
    summary = result.stderr.splitlines()[-1]
    assert summary == (f"ivigstats: skipped {len(bad_lines)} malformed rows of 20 (lines "
                       + ", ".join(map(str, bad_lines)) + ")")
    assert f"ivigstats: skipped {path}:7: column events1: \"106\" is more than n1" in result.stderr


# ------------------------------------------------------------- reference fixtures via batch

def _fixtures():
    return sorted((ROOT / "tests" / "reference").glob("*.json"))


REFERENCE = [
    ("binary", "40,75,26,73", "relapse_free",
     {"pearson_chi2": "test/pearson_chi2", "fisher_exact": "test/fisher_exact",
      "yates_chi2": "test/yates_chi2", "risk_ratio": "risk_ratio/katz_log"}),
    ("count", "62,150,116,146", "relapses",
     {"exact_conditional": "rate_ratio/exact_conditional"}),
    ("ordinal", "23;40;12,10;46;17", "disability_category",
     {"pearson_chi2": "test/pearson_chi2", "linear_trend": "test/linear_trend",
      "mann_whitney": "probability_index/mann_whitney"}),
    ("continuous", "-0.23,0.89,75,0.12,1.07,73", "edss_change",
     {"welch": "mean_difference/welch", "student": "mean_difference/student"}),
    ("continuous", "0.52,0.85,75,1.26,2.2,73", "annual_relapse_rate",
     {"welch": "mean_difference/welch"}),
    ("continuous", "3.09,1.62,75,3.49,1.83,73", "edss_final", {"welch": "mean_difference/welch"}),
]


@pytest.mark.parametrize("kind, line, outcome, keys", REFERENCE, ids=[r[2] for r in REFERENCE])
def test_fazekas_reference_values_through_batch(run, tmp_path, kind, line, outcome, keys):
    """R's values for the trial (tests/reference/make_fazekas.R) come out of batch too."""
    from ivigstats.batch import HEADERS
    expected = json.loads((ROOT / "tests" / "reference" / "fazekas_r.json").read_text())[outcome]
    path = write(tmp_path, ",".join(HEADERS[kind]) + "\n" + line + "\n")
    rows = json.loads(ok(run("batch", path, "-f", "json", "--methods", "all")).stdout)
    for key, pair in keys.items():
        measure, method = pair.split("/")
        hit = [r for r in rows if r["measure"] == measure and r["method"] == method]
        assert len(hit) == 1, pair
        for field, value in expected[key].items():
            assert math.isclose(hit[0][field], value, rel_tol=1e-6), (pair, field)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_worker_processes_write_the_same_text(run, tmp_path, fmt):
    rows = [f"{i % 9},{10 + i % 5},{i % 4},{12 + i % 3}" for i in range(40)]
    path = write(tmp_path, "events1,n1,events2,n2\n" + "\n".join(rows) + "\n")
    one = ok(run("batch", path, "-f", fmt, "--jobs", "1", "--chunk-rows", "7")).stdout
    two = ok(run("batch", path, "-f", fmt, "--jobs", "2", "--chunk-rows", "7")).stdout
    assert one == two and len(one) > 1000


def test_worker_processes_stop_at_a_malformed_row_after_writing_what_came_before(run, tmp_path):
    rows = ["1,10,2,10"] * 30 + ["1,10,2"] + ["1,10,2,10"] * 30
    path = write(tmp_path, "events1,n1,events2,n2\n" + "\n".join(rows) + "\n")
    result = run("batch", path, "-f", "csv", "--jobs", "2", "--chunk-rows", "4", "--methods",
                 "katz_log")
    assert result.exit_code == 2 and f"{path}:32: has 3 fields" in result.stderr
    ids = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert ids == [str(i) for i in range(1, 29)]  # every chunk before the one with row 31


# ------------------------------------------- every R/Python fixture table, through batch

def _fixture_files():
    prefixes = {"binary": "binary", "continuous": "continuous", "count": "count",
                "counts": "count", "rates": "count", "ordinal": "ordinal"}
    out = []
    for path in sorted((ROOT / "tests" / "reference").glob("*.json")):
        kind = prefixes.get(path.stem.split("_")[0])
        if kind:
            out.append((kind, path))
    return out


def _case_cells(kind, case):
    """The CSV cells of one fixture case, or None when its layout is not one batch reads."""
    from ivigstats.batch import HEADERS
    if kind in ("binary", "count") and "table" in case:
        return [str(x) for x in case["table"]]
    if kind == "ordinal" and "counts1" in case:
        return [";".join(map(str, case["counts1"])), ";".join(map(str, case["counts2"]))]
    if all(h in case for h in HEADERS[kind]):
        return [str(case[h]) for h in HEADERS[kind]]
    inputs = case.get("input") or case.get("inputs") or {}
    if all(h in inputs for h in HEADERS[kind]):
        return [str(inputs[h]) for h in HEADERS[kind]]
    return None


@pytest.mark.parametrize("kind, path", _fixture_files(), ids=lambda x: getattr(x, "name", x))
def test_reference_fixtures_through_batch(run, tmp_path, kind, path):
    """Every fixture table of the foundation issue, all in one batch file. Each registered
    pair's value is the core function's on those tables (NaN <-> null), and equals the
    independent implementation's wherever the core gives one (rtol 1e-6, as tests/stats;
    where the core declines, e.g. a Wald P with SE 0, tests/stats judges the note). The
    agreement of non-default pairs with R is left to tests/stats."""
    from ivigstats import methods
    from ivigstats.batch import HEADERS
    doc = json.loads(path.read_text())
    level = doc.get("level", doc.get("conf_level", 0.95))
    cases = [(c, _case_cells(kind, c)) for c in doc["cases"]]
    cases = [(c, cells) for c, cells in cases if cells is not None]
    assert cases, f"{path.name}: no case in a layout batch reads"
    lines = [",".join(HEADERS[kind])] + [",".join(cells) for _, cells in cases]
    src = write(tmp_path, "\n".join(lines) + "\n")
    keys = {m.key: m for m in methods.select(kind, "all") if not m.slow and not m.per_arm}
    out = json.loads(ok(run("batch", src, "-f", "json", "--level", str(level), "--methods",
                            ",".join(keys))).stdout)
    by_id = {}
    for r in out:
        by_id.setdefault(r["id"], {})[f"{r['measure']}/{r['method']}"] = r
    assert len(by_id) == len(cases)
    compared = 0
    for key, m in keys.items():
        core = _core(kind, m, [c for c, _ in cases], level)
        for i, (case, _) in enumerate(cases, start=1):
            got = by_id[i][key]
            fields = case["expected"].get(key.replace("/", "."), case["expected"].get(key, {}))
            for field in ("estimate", "std_error", "conf_low", "conf_high", "statistic", "df",
                          "p_value"):
                value = getattr(core, field)
                mine = None if value is None or not np.isfinite(value[i - 1]) else \
                    float(value[i - 1])
                assert got[field] == mine or math.isclose(got[field], mine, rel_tol=1e-9), \
                    (path.name, i, key, field, got[field], mine)
                want = fields.get(field) if isinstance(fields, dict) else None
                if m.default and mine is not None and isinstance(want, (int, float)):
                    assert math.isclose(mine, want, rel_tol=1e-6, abs_tol=1e-9), \
                        (path.name, i, key, field, mine, want)
                    compared += 1
    assert compared >= 50, compared


def _core(kind, m, cases, level):
    """The registry function called once on all the fixture tables (per k for ordinal)."""
    func = m.load()
    if kind == "ordinal":
        from ivigstats.stats.result import Result
        k = [len(c["counts1"]) for c in cases]
        fields = {f: np.full(len(cases), np.nan) for f in
                  ("estimate", "std_error", "conf_low", "conf_high", "statistic", "df", "p_value")}
        for size in sorted(set(k)):
            idx = [i for i, kk in enumerate(k) if kk == size]
            res = func(np.array([cases[i]["counts1"] for i in idx], dtype=float),
                       np.array([cases[i]["counts2"] for i in idx], dtype=float), level=level)
            for f, column in fields.items():
                if getattr(res, f) is not None:
                    column[idx] = getattr(res, f)
        return Result(m.measure, m.method, level, **fields)
    cols = np.array([[float(x) for x in _case_cells(kind, c)] for c in cases]).T
    return func(*cols, level=level, **({"benefit": "higher"} if m.needs_benefit else {}))


@pytest.mark.parametrize("fmt, expected", [("csv", ",".join(NAMES) + "\n"), ("json", "[]\n"),
                                           ("jsonl", "")])
def test_every_row_skipped_gives_an_empty_result(run, tmp_path, fmt, expected):
    path = write(tmp_path, "counts1,counts2\n1;2,x\n1;2,1;2;3\n")
    result = run("batch", path, "-f", fmt, "--on-error", "skip")
    assert result.exit_code == 0 and result.stdout == expected
    assert "skipped 2 malformed rows of 2 (lines 2, 3)" in result.stderr
