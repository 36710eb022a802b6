"""Rows -> table | json | jsonl | csv | tsv | markdown. The one place output is written.

Machine formats (json, jsonl, csv, tsv) carry full precision (shortest round-trip repr) and
null/empty for values that do not apply; the rich table and Markdown round for reading and show
P values as ``0.0328`` or ``6.3e-05``, never ``0``.
"""

from __future__ import annotations

import csv
import json
import math
import re

from ivigstats.rows import COLUMNS, NUMERIC

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "markdown")


def render(blocks, fmt: str, stream, *, meta: dict | None = None, title: str = "",
           key: str = "results") -> None:
    """Write ``blocks`` (RowBlocks) to the text ``stream`` in ``fmt``.

    ``meta`` (the trial's metadata) makes JSON ``{"trial": meta, key: [...]}``; without it
    JSON is a plain array of rows. Blocks whose columns are not the result contract (audit
    findings, say) are shown as plain tables with their own columns.
    """
    blocks = list(blocks)
    WRITERS[fmt](blocks, stream, meta=meta, title=title, key=key)


# ------------------------------------------------------------------ machine formats

def full(value) -> str:
    """Full-precision text of a number; empty for NaN/None (csv/tsv null)."""
    if value is None:
        return ""
    v = float(value)
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def _text_rows(block):
    names = block.names
    cols = []
    for name in names:
        col = block.columns[name]
        if name in NUMERIC:
            cols.append([full(v) for v in col])
        else:
            cols.append(["" if v is None else str(v) for v in col])
    return names, zip(*cols)


def _delimited(delimiter):
    def write(blocks, stream, **_):
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        header = True
        for block in blocks:
            names, rows = _text_rows(block)
            if header:
                writer.writerow(names)
                header = False
            if delimiter == "\t":
                rows = ([c.replace("\t", " ").replace("\n", " ") for c in r] for r in rows)
            writer.writerows(rows)
    return write


def _json_value(v):
    return v if v is None or not isinstance(v, float) or math.isfinite(v) else None


def write_json(blocks, stream, *, meta=None, key="results", **_):
    rows = [r for b in blocks for r in b.records()]
    doc = {"trial": meta, key: rows} if meta is not None else rows
    json.dump(doc, stream, indent=2, allow_nan=False, default=_json_value)
    stream.write("\n")


def write_jsonl(blocks, stream, **_):
    for block in blocks:
        for rec in block.records():
            stream.write(json.dumps(rec, allow_nan=False))
            stream.write("\n")


# ------------------------------------------------------------------ reading formats

def p_text(p) -> str:
    """A P value for reading: 3 significant digits (2 below 0.001), never 0."""
    if p is None or not math.isfinite(p):
        return ""
    if p == 0:
        return "<1e-300"
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.2g}"


def num_text(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if 1e4 <= abs(x) < 1e12:  # money and counts: 31478, not 3.148e+04
        return f"{x:.0f}"
    text = f"{x:.4g}"
    if abs(float(text)) == 1 and abs(x) != 1:  # 0.99998 is not 1 (a posterior probability)
        text = f"{x:.6g}" if abs(float(f"{x:.6g}")) != 1 else f"{x:.12g}"
    return text


def _ci_text(rec) -> str:
    lo, hi = rec["conf_low"], rec["conf_high"]
    if lo is None and hi is None:
        return ""
    return f"{num_text(lo)} to {num_text(hi)}"


def _reported_text(rec) -> str:
    parts = []
    if rec["reported_estimate"] is not None:
        est = num_text(rec["reported_estimate"])
        if rec["reported_conf_low"] is not None:
            est += f" ({num_text(rec['reported_conf_low'])} to {num_text(rec['reported_conf_high'])})"
        parts.append(est)
    if rec["reported_p_value"] is not None:
        bound = re.search(r"reported P ([<>]=?) ", rec.get("note") or "")
        parts.append(f"P {bound.group(1) if bound else '='} {rec['reported_p_value']:g}")
    return "; ".join(parts)


READING_COLUMNS = ("arms", "measure / method", "estimate", "CI", "P", "reported", "note")


def _plain_rows(blocks):
    """(first cell, [other cells]) of blocks with their own columns, numbers rounded."""
    for block in blocks:
        for rec in block.records():
            cells = [num_text(v) if isinstance(v, float) else "" if v is None else str(v)
                     for v in rec.values()]
            yield cells[0], cells[1:]


def _layout(blocks):
    """Column headings and rows for the reading formats."""
    if blocks and blocks[0].names != COLUMNS:
        return blocks[0].names, _plain_rows(blocks)
    return ("outcome", *READING_COLUMNS), _reading_rows(blocks)


def _reading_rows(blocks):
    """(outcome, [cells]) for every row, rounded for reading."""
    for block in blocks:
        for rec in block.records():
            level = rec["conf_level"]
            ci = _ci_text(rec)
            if ci and level is not None:
                ci = f"{level:.0%}: {ci}" if abs(level - 0.95) > 1e-12 else ci
            yield rec["outcome"], [rec.get("arms") or "", f"{rec['measure']} / {rec['method']}",
                                   num_text(rec["estimate"]), ci, p_text(rec["p_value"]),
                                   _reported_text(rec), rec["note"] or ""]


def write_markdown(blocks, stream, *, title="", **_):
    if title:
        stream.write(f"**{title}**\n\n")
    headings, rows = _layout(blocks)
    stream.write("| " + " | ".join(headings) + " |\n")
    stream.write("|" + "---|" * len(headings) + "\n")
    for outcome, cells in rows:
        cells = [c.replace("|", "\\|") for c in [outcome or "", *cells]]
        stream.write("| " + " | ".join(cells) + " |\n")


def write_table(blocks, stream, *, title="", **_):
    """Rich tables for reading: one table per outcome, reported beside recomputed, notes as
    numbered footnotes under the table (so a long note never squeezes the numbers)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = None if getattr(stream, "isatty", lambda: False)() else 120
    console = Console(file=stream, highlight=False, soft_wrap=False, width=width)
    if title:
        console.print(title, style="bold", markup=False)
    headings, rows = _layout(blocks)
    if headings[0] != "outcome":  # blocks with their own columns: one plain table
        table = Table(box=box.SIMPLE_HEAD, header_style="bold")
        for name in headings:
            table.add_column(name, overflow="fold")
        for first, cells in rows:  # Text: a "[...]" in a message is text, not rich markup
            table.add_row(Text(first), *map(Text, cells))
        console.print(table)
        return
    for outcome, group in _by_outcome(rows):
        table = Table(title=outcome, title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for name in headings[1:-1]:
            table.add_column(name, justify="right" if name in ("estimate", "P") else "left",
                             no_wrap=name in ("arms", "measure / method", "CI", "P"),
                             style="yellow" if name == "reported" else None)
        table.add_column("", no_wrap=True)
        footnotes: list[str] = []
        for cells in group:
            note = cells[-1]
            mark = ""
            if note:
                if note not in footnotes:
                    footnotes.append(note)
                mark = f"[{footnotes.index(note) + 1}]"
            table.add_row(*map(Text, cells[:-1]), mark)
        console.print(table)
        for i, note in enumerate(footnotes, start=1):
            console.print(f"  [{i}] {note}", markup=False)
        console.print()


def _by_outcome(rows):
    groups: dict[str, list] = {}
    for outcome, cells in rows:
        groups.setdefault(outcome, []).append(cells)
    return groups.items()


WRITERS = {
    "table": write_table,
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": _delimited(","),
    "tsv": _delimited("\t"),
    "markdown": write_markdown,
}
