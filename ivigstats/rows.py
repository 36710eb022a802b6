"""Tidy result rows: the public column contract, held column-wise.

A :class:`RowBlock` holds many rows as columns (lists or numpy arrays of equal length), so a
million batch comparisons never become a million dicts. Floats are NaN where a value does not
apply; renderers write NaN as null / empty.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The tidy row columns, in order. A public contract (README, "Output columns"): renaming or
#: removing one is a breaking change; new columns go at the end.
COLUMNS = (
    "outcome", "measure", "method", "estimate", "std_error", "conf_low", "conf_high",
    "conf_level", "statistic", "df", "p_value", "note", "arms",
    "reported_estimate", "reported_conf_low", "reported_conf_high", "reported_p_value",
)
NUMERIC = frozenset({
    "estimate", "std_error", "conf_low", "conf_high", "conf_level", "statistic", "df",
    "p_value", "reported_estimate", "reported_conf_low", "reported_conf_high",
    "reported_p_value",
})
RESULT_FIELDS = ("estimate", "std_error", "conf_low", "conf_high", "statistic", "df", "p_value")


@dataclass
class RowBlock:
    """Rows as columns: ``columns[name]`` has one entry per row, for every name in ``names``."""

    columns: dict
    names: tuple = COLUMNS

    def __len__(self) -> int:
        return len(self.columns[self.names[0]])

    def records(self) -> list[dict]:
        """The rows as dicts of plain Python values (None for NaN), in column order."""
        import math
        cols = [self.columns[n] for n in self.names]
        out = []
        for i in range(len(self)):
            rec = {}
            for name, col in zip(self.names, cols):
                v = col[i]
                if name in NUMERIC:
                    v = None if v is None or not math.isfinite(float(v)) else float(v)
                elif v == "" and name in ("note",):
                    v = None
                rec[name] = v
            out.append(rec)
        return out


def block_from_result(result, *, outcome, arms, reported=None, extra_note="") -> RowBlock:
    """Rows for one :class:`~ivigstats.stats.result.Result` (one row per comparison in it).

    ``outcome`` and ``arms`` are strings or per-row sequences; ``reported`` is a dict with
    reported_* values (scalars) or None; ``extra_note`` is prepended to every row's note.
    """
    import numpy as np

    n = len(result)
    cols: dict = {}
    cols["outcome"] = _broadcast(outcome, n)
    cols["measure"] = [result.measure] * n
    cols["method"] = [result.method] * n
    for name in RESULT_FIELDS:
        value = getattr(result, name)
        cols[name] = np.full(n, np.nan) if value is None else \
            np.broadcast_to(np.asarray(value, dtype=float), (n,))
    cols["conf_level"] = np.full(n, float(result.conf_level)) if result.conf_low is not None \
        else np.full(n, np.nan)
    note = result.note if result.note is not None else np.full(n, "", dtype=object)
    if extra_note:
        note = np.array([extra_note if not x else f"{extra_note}; {x}" for x in note], dtype=object)
    cols["note"] = note
    cols["arms"] = _broadcast(arms, n)
    reported = reported or {}
    for name in ("reported_estimate", "reported_conf_low", "reported_conf_high",
                 "reported_p_value"):
        value = reported.get(name)
        cols[name] = np.full(n, np.nan if value is None else float(value))
    return RowBlock(cols)


def _broadcast(value, n):
    if isinstance(value, str) or value is None:
        return [value] * n
    return value
