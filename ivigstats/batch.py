"""Batch: one comparison per CSV row, read, computed and written in chunks.

:class:`Reader` turns a CSV file (or stdin) into :class:`Chunk` s of validated columns: the
header names the kind, every malformed row is an :class:`~ivigstats.errors.InputError` naming
``FILE:LINE``, the column and the value (or, with ``on_error="skip"``, a recorded skip).
:func:`compute` runs each registry method once per chunk through
:func:`ivigstats.analysis.compare`, the path behind ``summarize`` and the immediate commands.
:class:`Writer` writes the rows (``id`` first, grouped by input row) as csv, tsv, json or
jsonl with one string template per method block instead of a Python loop over cells; its
output equals :func:`ivigstats.render.render` for the same rows (tests/test_batch.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from itertools import islice, repeat

import numpy as np

from ivigstats.errors import InputError
from ivigstats.rows import COLUMNS, NUMERIC, RowBlock

#: header columns -> kind (arm 1 = experimental)
HEADERS = {
    "binary": ("events1", "n1", "events2", "n2"),
    "continuous": ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    "count": ("count1", "time1", "count2", "time2"),
    "ordinal": ("counts1", "counts2"),
}
#: default outcome label per kind (the immediate command's name)
OUTCOME = {"binary": "binary", "continuous": "continuous", "count": "rates",
           "ordinal": "ordinal"}
NAMES = ("id", *COLUMNS)
CHUNK_ROWS = 10_000  # larger chunks are no faster and cost memory (bench/batch.py)
# column stem -> (rule, expectation shown in messages)
RULES = {"events": ("count", "a whole number >= 0"), "count": ("count", "a whole number >= 0"),
         "n": ("n", "a whole number >= 1"), "mean": ("number", "a number"),
         "sd": ("positive", "a number > 0"), "time": ("positive", "a number > 0"),
         "counts": ("counts", "category counts separated by ';', e.g. 23;40;12")}


@dataclass
class Chunk:
    """Validated rows: ``values[column]`` arrays (ordinal: lists of count tuples)."""

    ids: list
    values: dict
    skipped: list = field(default_factory=list)  # (line, message) of rows skipped
    nbytes: int = 0

    def __len__(self) -> int:
        return len(self.ids)


def _show(text: str) -> str:
    return json.dumps(text if len(text) <= 40 else text[:40] + "...")


def cell_problem(name: str, text: str) -> str | None:
    """What is wrong with one cell of column ``name``, or None."""
    rule, expect = RULES[name.rstrip("12")]
    t = text.strip()
    if not t:
        return f"column {name}: value is missing; expected {expect}"
    if rule == "counts":
        parts = t.split(";")
        for p in parts:
            if _bad_number(p, "count") is not None:
                return f"column {name}: {_show(text)} is not {expect}"
        if len(parts) < 2:
            return f"column {name}: {_show(text)} has 1 category; expected at least 2 ({expect})"
        return None
    problem = _bad_number(t, rule)
    if problem is None:
        return None
    if problem.startswith(("is negative", "is out of range")):
        problem += f"; expected {expect}"
    return f"column {name}: {_show(text)} {problem}"


def _bad_number(t: str, rule: str) -> str | None:
    from ivigstats.numbers import NumberError
    noun = "a number" if rule in ("number", "positive") else "a whole number"
    try:
        v = value_of(t)
    except NumberError as exc:
        return f"is not {noun}" if exc.problem == "is not a number" else exc.problem
    if not math.isfinite(v):
        return "is not a finite number"
    if noun == "a whole number" and v != math.floor(v):
        return "is not a whole number"
    if v < 0 and rule != "number":
        return "is negative"
    if rule == "n" and v < 1 or rule == "positive" and v <= 0:
        return "is out of range"
    return None


class Reader:
    """Chunks of validated rows from a CSV file or ``-`` (stdin, as ``stdin`` bytes)."""

    def __init__(self, path: str, stdin=None, chunk_rows: int = CHUNK_ROWS,
                 on_error: str = "stop"):
        import sys
        self.name = "<stdin>" if path == "-" else path
        self.chunk_rows, self.skip = chunk_rows, on_error == "skip"
        try:
            # closed by Reader.close(): the reader streams chunks, so no with-block fits
            self.fh = (stdin or sys.stdin.buffer) if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
        self.line = 0  # physical lines consumed
        self.rows = 0  # data rows seen (valid or not)
        self.header = self._header()
        cols = {n: i for i, n in enumerate(self.header)}
        self.kind = self._kind(cols)
        self.columns = {n: cols[n] for n in HEADERS[self.kind]}
        self.id_index = cols.get("id")

    def close(self) -> None:
        import sys
        if self.fh is not sys.stdin.buffer:
            self.fh.close()

    def _header(self) -> list[str]:
        while True:
            raw = self.fh.readline()
            self.line += 1
            if not raw:
                raise InputError(self.name, "file is empty; expected a header line such as "
                                 + ",".join(HEADERS["binary"]))
            text = self._decode(raw, self.line).lstrip("\ufeff") if self.line == 1 else \
                self._decode(raw, self.line)
            if text.strip():
                break
        try:
            fields = next(csv.reader([text]))
        except csv.Error as exc:
            raise InputError(f"{self.name}:{self.line}", "malformed CSV header: "
                             + _csv_problem(exc)) from None
        names = [h.strip().lower() for h in fields]
        dup = sorted({n for n in names if names.count(n) > 1 and n})
        if dup:
            raise InputError(f"{self.name}:{self.line}", f"column {dup[0]!r} appears twice")
        return names

    def _kind(self, cols: dict) -> str:
        best = max(HEADERS, key=lambda k: len(set(HEADERS[k]) & set(cols)))
        missing = [c for c in HEADERS[best] if c not in cols]
        if missing and len(missing) < len(HEADERS[best]):
            raise InputError(f"{self.name}:{self.line}", f"missing column {missing[0]} for "
                             f"{best} rows; expected {','.join(HEADERS[best])}")
        if missing:
            layouts = "; ".join(f"{','.join(h)} ({k})" for k, h in HEADERS.items())
            raise InputError(f"{self.name}:{self.line}", f"header {_show(','.join(self.header))}"
                             f" names no known layout; expected one of: {layouts}")
        return best

    def _decode(self, data: bytes, first_line: int) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = first_line + data[:exc.start].count(b"\n")
            raise InputError(f"{self.name}:{line}", f"byte {data[exc.start]:#04x} is not UTF-8; "
                             "expected a UTF-8 CSV file") from None

    def __iter__(self):
        while True:
            raw = list(islice(self.fh, self.chunk_rows))
            if not raw:
                return
            nbytes = sum(map(len, raw))
            text = self._decode(b"".join(raw), self.line + 1)
            if '"' in text:
                records, lines, extra = self._quoted(text, len(raw))
                nbytes, cols = nbytes + extra, None
            else:
                records, lines, cols = self._plain(text)
            yield self._validate(records, lines, nbytes, cols)

    def _plain(self, text: str):
        """Lines without quotes: one record per line, blank lines are not rows. When every
        line has the header's number of fields, columns come from one split of the text."""
        pieces = text.split("\n")
        if pieces[-1] == "":
            pieces.pop()
        if "\r" in text:
            pieces = [p.removesuffix("\r") for p in pieces]
        first = self.line + 1
        self.line += len(pieces)
        lines = range(first, first + len(pieces))
        width = len(self.header)
        if list(map(str.count, pieces, repeat(",", len(pieces)))).count(width - 1) == len(pieces):
            return None, lines, _Columns(pieces, width, self.kind, self.columns)
        if any(not p.strip() for p in pieces):
            keep = [i for i, p in enumerate(pieces) if p.strip()]
            pieces, lines = [pieces[i] for i in keep], [lines[i] for i in keep]
        return [p.split(",") for p in pieces], lines, None

    def _quoted(self, text: str, count: int):
        """csv.reader over the chunk, reading on from the file if a quoted field goes on."""
        pieces = text.split("\n")
        src = [p + "\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
        extra = [0]

        def more():
            yield from src
            while raw := self.fh.readline():
                extra[0] += len(raw)
                yield self._decode(raw, self.line + reader.line_num + 1)

        reader = csv.reader(more())
        records, lines, start = [], [], self.line
        while reader.line_num < count:
            begin = start + reader.line_num + 1
            try:
                rec = next(reader, None)
            except csv.Error as exc:
                raise InputError(f"{self.name}:{begin}", "malformed CSV: " + _csv_problem(exc)) \
                    from None
            if rec is None:
                break
            if rec and not (len(rec) == 1 and not rec[0].strip()):
                records.append(rec)
                lines.append(begin)
        self.line = start + reader.line_num
        return records, lines, extra[0]

    def _validate(self, records, lines, nbytes: int, cols=None) -> Chunk:
        width = len(self.header)
        problems: dict[int, str] = {}
        ok = None  # indices of the records with the right number of fields, if not all
        if cols is None:
            rows = records
            if any(len(r) != width for r in records):
                for i, r in enumerate(records):
                    if len(r) != width:
                        problems[i] = (f"has {len(r)} field{'s' * (len(r) != 1)}; expected "
                                       f"{width} as in the header ({','.join(self.header)})")
                ok = [i for i in range(len(records)) if i not in problems]
                rows = [records[i] for i in ok]
            cols = list(zip(*rows)) if rows else [()] * width
        nrec = len(lines)
        nrows = nrec if isinstance(cols, _Columns) else len(cols[0])
        parsed = getattr(cols, "parsed", {})
        values, bad = {}, np.zeros(nrows, bool)
        for name, j in self.columns.items():
            if self.kind == "ordinal":
                values[name], b = _counts(cols[j])
            else:
                values[name], b = _numbers(None if name in parsed else cols[j],
                                           RULES[name[:-1]][0], parsed.get(name))
            bad |= b
        if self.kind == "binary":
            for arm in "12":
                bad |= values[f"events{arm}"] > values[f"n{arm}"]
        elif self.kind == "ordinal":
            bad |= np.array([len(a) != len(b) for a, b in
                             zip(values["counts1"], values["counts2"])], bool)
        for i in np.flatnonzero(bad):
            problems[ok[i] if ok is not None else int(i)] = self._row_problem(
                cols.pieces[i].split(",") if isinstance(cols, _Columns) else
                [c[i] for c in cols])
        number = range(self.rows + 1, self.rows + nrec + 1)
        self.rows += nrec
        ids = list(cols[self.id_index]) if self.id_index is not None else \
            list(number) if ok is None else [number[i] for i in ok]
        if problems:
            first = min(problems)
            if not self.skip:
                raise InputError(f"{self.name}:{lines[first]}", problems[first])
            keep = np.flatnonzero(~bad)
            values = {k: (v[keep] if isinstance(v, np.ndarray) else [v[i] for i in keep])
                      for k, v in values.items()}
            ids = [ids[i] for i in keep]
        return Chunk(ids=ids, values=values, nbytes=nbytes,
                     skipped=sorted((lines[i], m) for i, m in problems.items()))

    def _row_problem(self, row) -> str:
        for name, j in self.columns.items():
            problem = cell_problem(name, row[j])
            if problem:
                return problem
        if self.kind == "ordinal":
            k1, k2 = (len(row[self.columns[c]].split(";")) for c in ("counts1", "counts2"))
            return f"column counts2: {_show(row[self.columns['counts2']])} has {k2} " \
                   f"categories; counts1 has {k1}"
        for arm in "12":
            e, n = row[self.columns[f"events{arm}"]], row[self.columns[f"n{arm}"]]
            if value_of(e) > value_of(n):
                return f"column events{arm}: {_show(e)} is more than n{arm} = {value_of(n):g}; " \
                       f"expected 0 to n{arm}"
        raise AssertionError(row)  # pragma: no cover - the vector checks and this must agree


def _csv_problem(exc) -> str:
    """The csv module's complaint in the user's terms."""
    if "new-line character" in str(exc):
        return "a carriage return inside a line; expected lines ending in LF or CRLF"
    return str(exc)


class _Columns:
    """Columns of quote-free lines that all have the header's number of fields: the numbers
    parsed by numpy's C reader in one call, the text of a column split out only when asked
    (ids, ordinal counts, a bad row's message)."""

    def __init__(self, pieces: list, width: int, kind: str, columns: dict):
        self.pieces, self.width, self.parsed = pieces, width, {}
        if kind != "ordinal":
            try:
                arr = np.loadtxt(pieces, delimiter=",", dtype=float, comments=None, ndmin=2,
                                 usecols=list(columns.values()))
                self.parsed = {name: arr[:, k] for k, name in enumerate(columns)}
            except ValueError:  # something to report: the generic path says what
                pass
        self._flat = None

    def __getitem__(self, j: int) -> list:
        if self._flat is None:
            self._flat = ",".join(self.pieces).split(",") if self.pieces else []
        return self._flat[j::self.width]


def _numbers(texts, rule: str, parsed=None):
    """Parse a column; return (floats, mask of rows breaking ``rule``)."""
    if parsed is not None:
        a = parsed
    else:
        try:
            a = np.array(texts, dtype=float)
        except ValueError:
            a = np.array([_float_or_nan(t) for t in texts], dtype=float)
    bad = ~np.isfinite(a)
    if rule in ("count", "n"):
        bad |= a != np.floor(a)
    if rule != "number":
        bad |= a < {"count": 0, "n": 1, "positive": 0}[rule]
        if rule == "positive":
            bad |= a == 0
    return a, bad


def value_of(t: str) -> float:
    """``float(t)``, or the number as printed (Unicode minus, thousands separators in a quoted
    field, ...: :func:`ivigstats.numbers.parse_number`); NumberError when it is not one."""
    try:
        return float(t)
    except ValueError:
        from ivigstats.numbers import parse_number
        return parse_number(t)


def _float_or_nan(t: str) -> float:
    try:
        return value_of(t)
    except ValueError:
        return math.nan


def _counts(texts):
    out, bad = [], np.zeros(len(texts), bool)
    for i, t in enumerate(texts):
        try:
            c = tuple(value_of(p) for p in t.split(";"))
        except ValueError:
            c = ()
        if len(c) < 2 or not all(math.isfinite(x) and x >= 0 and x == math.floor(x) for x in c):
            bad[i] = True
        out.append(c)
    return out, bad


# ------------------------------------------------------------------------------ compute

def compute(kind: str, chunk: Chunk, methods, level: float, *, benefit: str = "higher",
            outcome: str | None = None, arms=("arm1", "arm2")) -> list[RowBlock]:
    """One RowBlock per method (per-arm methods first, as summarize orders them), each with
    one row per input row of ``chunk`` and the ``id`` column first."""
    outcome = outcome or OUTCOME[kind]
    v = chunk.values
    if kind == "ordinal":
        blocks = _ordinal(v, methods, level, benefit, outcome, arms)
    else:
        blocks = _blocks(kind, [v[c] for c in HEADERS[kind]], methods, level, benefit,
                         outcome, arms)
    for b in blocks:
        b.columns["id"] = chunk.ids
        b.names = NAMES
    return blocks


def _blocks(kind, cols, methods, level, benefit, outcome, arms) -> list[RowBlock]:
    from ivigstats.analysis import compare
    from ivigstats.rows import block_from_result
    blocks = []
    if kind == "count":
        for i, name in enumerate(arms):
            for m in methods:
                if m.per_arm and m.key == "rate/exact":
                    res = m.load()(cols[2 * i], cols[2 * i + 1], level=level)
                    blocks.append(block_from_result(res, outcome=outcome, arms=name))
    return blocks + compare(kind, cols, methods, level, outcome=outcome,
                            arms=f"{arms[0]} vs {arms[1]}", benefit=benefit)


def _ordinal(v, methods, level, benefit, outcome, arms) -> list[RowBlock]:
    """Rows grouped by their number of categories (the functions take 2-D arrays)."""
    k = np.array([len(c) for c in v["counts1"]], dtype=int)
    groups = [np.flatnonzero(k == size) for size in np.unique(k)]
    parts = [_blocks("ordinal", [np.array([v["counts1"][i] for i in g], dtype=float),
                                 np.array([v["counts2"][i] for i in g], dtype=float)],
                     methods, level, benefit, outcome, arms) for g in groups]
    if len(parts) == 1:
        return parts[0]
    order = np.argsort(np.concatenate(groups), kind="stable")
    return [_merge([p[j] for p in parts], order) for j in range(len(parts[0]))]


def _merge(blocks: list[RowBlock], order) -> RowBlock:
    cols = {}
    for name in blocks[0].names:
        dtype = float if name in NUMERIC else object
        cols[name] = np.concatenate([np.asarray(b.columns[name], dtype=dtype)
                                     for b in blocks])[order]
    return RowBlock(cols, blocks[0].names)


def interleave(blocks: list[RowBlock]) -> RowBlock:
    """One RowBlock with the rows of ``blocks`` (equal lengths) grouped by input row."""
    if not blocks:
        return RowBlock({n: [] for n in NAMES}, NAMES)
    m, n = len(blocks), len(blocks[0])
    order = np.arange(m * n).reshape(m, n).T.ravel()
    return _merge(blocks, order)


# ------------------------------------------------------------------------------- writing

class Writer:
    """Streams blocks as csv, tsv, json (one array) or jsonl; table and markdown are
    collected and rendered at :meth:`close` (for small files)."""

    def __init__(self, fmt: str, stream):
        self.fmt, self.stream, self.started, self.kept = fmt, stream, False, []

    def write(self, blocks: list[RowBlock]) -> None:
        if self.fmt in ("table", "markdown"):
            self.kept.append(interleave(blocks))
        else:
            self.write_text(text_of(blocks, self.fmt))

    def write_text(self, text: str) -> None:
        """Write the :func:`text_of` some blocks (made here or in a worker process)."""
        if self.fmt == "json":
            if text:
                self.stream.write((",\n" if self.started else "[\n") + text)
                self.started = True
            return
        if not self.started and self.fmt in ("csv", "tsv"):
            self.stream.write(_SEP[self.fmt].join(NAMES) + "\n")
        self.started = True
        self.stream.write(text)

    def close(self) -> None:
        if self.fmt in ("table", "markdown"):
            from ivigstats.render import render
            render([b for b in self.kept if len(b)] or self.kept[:1], self.fmt, self.stream)
        elif self.fmt == "json":
            self.stream.write("\n]\n" if self.started else "[]\n")
        elif not self.started and self.fmt in ("csv", "tsv"):
            self.stream.write(_SEP[self.fmt].join(NAMES) + "\n")


_SEP = {"csv": ",", "tsv": "\t"}


def text_of(blocks: list[RowBlock], fmt: str) -> str:
    """The rows of ``blocks`` as one string (json: records joined by ',\\n', no brackets)."""
    return (",\n" if fmt == "json" else "").join(write_lines(blocks, fmt))


def work(chunk: Chunk, kind: str, methods, level: float, fmt: str, options: dict) -> str:
    """Compute and format one chunk: what a worker process does with ``--jobs``."""
    return text_of(compute(kind, chunk, methods, level, **options), fmt)


def write_lines(blocks: list[RowBlock], fmt: str) -> list[str]:
    """The text of every row of ``blocks`` (grouped by input row), as render writes it.

    Per block, columns that hold one value (measure, method, level, an all-NaN column) are
    folded into a ``%`` template; the varying ones are formatted column-wise (floats with
    ``float.__repr__``, strings once per distinct value) and filled in row by row in C.
    """
    if not blocks or not len(blocks[0]):
        return []
    per_block = [_block_lines(b, fmt) for b in blocks]
    m = len(per_block)
    if m == 1:
        return per_block[0]
    out = [None] * (m * len(per_block[0]))
    for j, lines in enumerate(per_block):
        out[j::m] = lines
    return out


def _block_lines(block: RowBlock, fmt: str) -> list[str]:
    n = len(block)
    parts, values = [], []  # literal template pieces, varying columns
    for i, name in enumerate(block.names):
        if fmt in _SEP:
            lead = _SEP[fmt] if i else ""
        elif fmt == "jsonl":
            lead = ("{" if not i else ", ") + json.dumps(name) + ": "
        else:
            lead = ("  {\n    " if not i else ",\n    ") + json.dumps(name) + ": "
        texts = _cell_texts(block.columns[name], name, fmt, n)
        if isinstance(texts, str):
            parts.append(lead + texts)
        else:
            parts.append(lead)
            parts.append(None)
            values.append(texts)
    parts.append("\n" if fmt != "json" else "\n  }")
    if fmt == "jsonl":
        parts.insert(-1, "}")
    template = "".join("%s" if p is None else p.replace("%", "%%") for p in parts)
    if not values:
        return [template % ()] * n
    return list(map(template.__mod__, zip(*values)))


def _cell_texts(col, name: str, fmt: str, n: int):
    """One string (the same in every row) or a list of n strings."""
    if name in NUMERIC:
        a = np.asarray(col, dtype=float)
        finite = np.isfinite(a)
        if not finite.all() and fmt not in _SEP:
            if not finite.any():
                return "null"
            texts = list(map(float.__repr__, a.tolist()))
            for i in np.flatnonzero(~finite):
                texts[i] = "null"
            return texts
        nan = np.isnan(a)
        if nan.all():
            return ""
        if not nan.any() and (a == a[0]).all() and (np.signbit(a) == np.signbit(a[0])).all():
            return repr(float(a[0]))
        texts = list(map(float.__repr__, a.tolist()))
        for i in np.flatnonzero(nan):
            texts[i] = ""
        return texts
    enc = _encoder(fmt, name)
    first = col[0]
    same = col.count(first) == n if isinstance(col, list) else \
        bool((np.asarray(col, dtype=object) == first).all())
    if same and (first is None or isinstance(first, str)):
        return enc(first)
    if name == "id" and fmt in _SEP:
        if all(isinstance(v, int) for v in col):
            return list(map(str, col))
        joined = "".join(col)
        if not any(c in joined for c in '"\r\n' + _SEP[fmt]):
            return list(col)
    cache: dict = {}
    return [cache[v] if v in cache else cache.setdefault(v, enc(v)) for v in col]


def _encoder(fmt: str, name: str):
    if fmt in _SEP:
        delimiter = _SEP[fmt]

        def field(v):
            text = "" if v is None else str(v)
            if delimiter == "\t":
                text = text.replace("\t", " ").replace("\n", " ")
            buf = io.StringIO()
            csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow([text, ""])
            return buf.getvalue()[:-2]
        return field

    def value(v):
        if v is None or (v == "" and name == "note"):
            return "null"
        return json.dumps(v)
    return value
