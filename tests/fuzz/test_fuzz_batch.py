"""Fuzz: batch CSV input (ragged rows, quoted fields, BOM, CRLF, blank lines, non-UTF-8).

`ivigstats batch -` exits 0 with one group of rows per valid input row, or 2 with one error
line and nothing written (every fuzz file fits one chunk); with --on-error skip it exits 0 and
lists the skipped lines on stderr.
"""

import json

from _fuzz import NUMBERISH, assert_clean, invoke, json_rows
from hypothesis import given
from hypothesis import strategies as st

from ivigstats.batch import HEADERS

LAYOUTS = {"binary": "events1,n1,events2,n2", "continuous": "mean1,sd1,n1,mean2,sd2,n2",
           "count": "count1,time1,count2,time2", "ordinal": "counts1,counts2"}
METHODS = {"binary": "katz_log,newcombe,fisher_exact", "continuous": "welch",
           "count": "wald_log", "ordinal": "pearson_chi2,mann_whitney"}


def valid_cells(kind):
    if kind == "binary":
        return st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)).flatmap(
            lambda n: st.tuples(st.integers(0, n[0]), st.just(n[0]), st.integers(0, n[1]),
                                st.just(n[1]))).map(lambda t: [str(x) for x in t])
    if kind == "continuous":
        arm = st.tuples(st.floats(-1e6, 1e6), st.floats(1e-3, 1e3), st.integers(2, 10**6))
        return st.tuples(arm, arm).map(lambda t: [repr(x) for x in (*t[0], *t[1])])
    if kind == "count":
        arm = st.tuples(st.integers(0, 10**6), st.floats(1e-3, 1e6))
        return st.tuples(arm, arm).map(lambda t: [repr(x) for x in (*t[0], *t[1])])
    return st.integers(2, 5).flatmap(lambda k: st.tuples(
        *[st.lists(st.integers(0, 10**5), min_size=k, max_size=k) for _ in range(2)])).map(
        lambda t: [";".join(map(str, c)) for c in t])


def quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def csv_files(draw, hostile: bool):
    """(bytes, kind, number of data rows, whether every row is valid)."""
    kind = draw(st.sampled_from(sorted(LAYOUTS)))
    header = LAYOUTS[kind]
    with_id = draw(st.booleans())
    if with_id:
        header = "id," + header
    width = len(HEADERS[kind]) + with_id
    rows, all_valid = [], True
    for i in range(draw(st.integers(0, 12))):
        cells = draw(valid_cells(kind))
        if hostile and draw(st.integers(0, 3)) == 0:
            j = draw(st.integers(0, len(cells) - 1))
            cells[j] = draw(NUMBERISH)
            all_valid = False  # perhaps still valid ("1,000,000"); exit 2 then is a bug only
        if hostile and draw(st.integers(0, 9)) == 0:  # ragged
            cells = cells[:-1] if draw(st.booleans()) else cells + ["9"]
            all_valid = False
        if with_id:
            cells = [draw(st.text(max_size=6).filter(lambda s: "\n" not in s and "\r" not in s))
                     or f"r{i}", *cells]
        assert with_id or len(cells) == width or hostile
        rows.append(",".join(quote(c) if (draw(st.booleans()) or any(x in c for x in ',"'))
                             else c for c in cells))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    blank = [""] * draw(st.integers(0, 2)) if hostile else []
    text = eol.join([header, *blank, *rows]) + (eol if draw(st.booleans()) else "")
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if hostile and draw(st.integers(0, 5)) == 0:  # a stray non-UTF-8 byte
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\x00"])) + data[at:]
        all_valid = False
    return data, kind, len(rows), all_valid


@given(csv_files(hostile=False), st.sampled_from(["json", "jsonl", "csv"]))
def test_valid_files_give_rows_for_every_row(case, fmt):
    data, kind, nrows, _ = case
    result = assert_clean(invoke(["batch", "-", "--methods", METHODS[kind], "-f", fmt],
                                 input=data), expect=0, allow_empty=fmt == "jsonl")
    if fmt == "json":
        rows = json_rows(result)
        per_row = len(rows) // max(nrows, 1)
        assert len(rows) == per_row * nrows and (nrows == 0 or per_row >= 1)
    elif fmt == "jsonl":
        assert len([json.loads(line) for line in result.stdout.splitlines()]) % max(nrows, 1) == 0


@given(csv_files(hostile=True), st.sampled_from(["json", "csv", "tsv"]))
def test_hostile_files_exit_0_or_one_error_and_nothing_written(case, fmt):
    data, kind, _, all_valid = case
    result = assert_clean(invoke(["batch", "-", "--methods", METHODS[kind], "-f", fmt],
                                 input=data))
    if all_valid:
        assert result.exit_code == 0, result.stderr
    if fmt == "json" and result.exit_code == 0:
        json_rows(result)


@given(csv_files(hostile=True))
def test_skip_mode_never_fails_on_a_row(case):
    data, kind, _, _ = case
    result = invoke(["batch", "-", "--on-error", "skip", "--methods", METHODS[kind], "-f",
                     "jsonl"], input=data)
    assert_clean(result, allow_stderr=True, allow_empty=True)
    if result.exit_code == 2:  # only the file as a whole may be refused (encoding, header)
        assert ":" in result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith(("ivigstats: skipped ", "ivigstats: error: ")), line


@given(st.binary(max_size=200))
def test_junk_bytes(data):
    assert_clean(invoke(["batch", "-", "-f", "csv"], input=data))
