"""The result of one measure/method over one or many comparisons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Result:
    """Estimates of one ``measure`` by one ``method`` for ``len(estimate)`` comparisons.

    Every array field has the same length (one entry per comparison); a field that does not
    apply to the method is ``None`` (rendered as null). ``note`` is an object array of strings,
    ``""`` where there is nothing to say. Tests (chi-square, exact tests) have
    ``measure == "test"`` and may leave ``estimate`` and the interval ``None``.
    """

    measure: str
    method: str
    conf_level: float
    estimate: np.ndarray | None = None
    std_error: np.ndarray | None = None
    conf_low: np.ndarray | None = None
    conf_high: np.ndarray | None = None
    statistic: np.ndarray | None = None
    df: np.ndarray | None = None
    p_value: np.ndarray | None = None
    note: np.ndarray | None = None

    def __len__(self) -> int:
        for name in ("estimate", "p_value", "statistic", "conf_low"):
            value = getattr(self, name)
            if value is not None:
                return int(np.asarray(value).shape[0])
        return 0


def as_float_arrays(*values) -> list[np.ndarray]:
    """Broadcast scalars/arrays to 1-D float arrays of one common length."""
    arrays = np.broadcast_arrays(*[np.atleast_1d(np.asarray(v, dtype=float)) for v in values])
    return [np.array(a, dtype=float) for a in arrays]


def notes(length: int, *pairs: tuple[np.ndarray, str]) -> np.ndarray:
    """Per-row notes: for each ``(mask, text)`` append ``text`` where ``mask`` holds.

    Texts for one row are joined with ``"; "``; rows with no note hold ``""``.
    The loop is over the few distinct notes, never over rows.
    """
    out = np.full(length, "", dtype=object)
    for mask, text in pairs:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), (length,))
        if not mask.any():
            continue
        has = out[mask] != ""
        out[mask] = np.where(has, out[mask] + "; " + text, text)
    return out
