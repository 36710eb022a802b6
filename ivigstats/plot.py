"""Forest plots of result rows: in the terminal (rich) or as an SVG/PNG image (matplotlib).

Rows with an estimate and a confidence interval are drawn, one panel per measure (ratios on a
log axis, null line at 1; differences at 0; a probability index at 0.5). Study rows get a
square sized by their weight, pooled rows (``arms`` starting with ``pooled``) a diamond, prediction intervals
(method ending ``_prediction``) a dotted line. matplotlib is an optional extra
(``pip install 'ivigstats[plot]'``), imported only when an image is written.
"""

from __future__ import annotations

import math

#: measures that are not effects on a common axis (tests, per-arm quantities, heterogeneity)
NOT_PLOTTED = frozenset({"test", "sd", "rate", "nnt", "tau2", "i2"})
IMAGE_SUFFIXES = (".svg", ".png")


def log_measures() -> frozenset:
    from ivigstats.methods import REGISTRY
    return frozenset({m.measure for m in REGISTRY if m.log_scale} | {"hazard_ratio"})


def plotted_rows(blocks, weights=None) -> dict:
    """``{measure: [(record, weight or None), ...]}`` of the rows a forest plot can draw."""
    records = [r for b in blocks for r in b.records()]
    weights = list(weights or []) + [None] * (len(records) - len(weights or []))
    panels: dict = {}
    for rec, w in zip(records, weights):
        if rec["measure"] in NOT_PLOTTED or rec["estimate"] is None:
            continue
        if rec["conf_low"] is None and rec["conf_high"] is None:
            continue
        panels.setdefault(rec["measure"], []).append((rec, w))
    return panels


def null_value(measure: str, log: bool) -> float:
    """The value of no effect: 1 for ratios, 0.5 for a probability index, else 0."""
    return 1.0 if log else 0.5 if measure == "probability_index" else 0.0


def _label(rec) -> str:
    arms = rec.get("arms") or ""
    if arms.startswith("pooled"):
        return rec["method"].replace("_", " ")
    if ":" not in arms and rec.get("outcome"):  # summarize rows: say which outcome
        arms = f"{rec['outcome']}: {arms}" if arms else rec["outcome"]
    return f"{arms} ({rec['method']})"


def _interval_text(rec) -> str:
    def f(x):
        return "-inf" if x is None and rec["conf_low"] is None else f"{x:.3g}" if x is not None \
            and math.isfinite(x) else "inf"
    return f"{rec['estimate']:.3g} ({f(rec['conf_low'])} to {f(rec['conf_high'])})"


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    """Readable tick values inside [lo, hi] (on the natural scale)."""
    if log:
        for mantissas in ((1, 2, 5), (1, 3), (1,)):
            ticks = [m * 10.0 ** e for e in range(-6, 7) for m in mantissas]
            ticks = [t for t in ticks if lo <= t <= hi]
            if len(ticks) <= 7:
                break
        return ticks or [1.0]
    span = hi - lo
    step = 10 ** math.floor(math.log10(span / 5)) if span > 0 else 1.0
    for m in (1, 2, 5, 10):
        if span / (step * m) <= 6:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step) + 1)]


def _scale(values, null, log):
    """(to_x, lo, hi): map natural-scale values to [0, 1] over the plotted range."""
    finite = [v for v in values if v is not None and math.isfinite(v) and (not log or v > 0)]
    lo, hi = min(finite + [null]), max(finite + [null])
    f = math.log if log else (lambda v: v)
    a, b = f(lo), f(hi)
    pad = 0.05 * (b - a) if b > a else 1.0
    a, b = a - pad, b + pad

    def to_x(v):
        if v is None or (log and v <= 0):
            return -math.inf
        return (f(v) - a) / (b - a) if math.isfinite(v) else math.copysign(math.inf, v)
    inv = math.exp if log else (lambda v: v)
    return to_x, inv(a), inv(b)


def forest_plot(blocks, stream=None, *, weights=None, title: str = "", width: int | None = None):
    """Draw a forest plot of ``blocks`` (RowBlocks) in the terminal with rich.

    One line per plotted row: label, the CI as a line (``─``, dotted ``┄`` for prediction
    intervals, ``◀``/``▶`` where it runs off the axis), a marker at the estimate (``■``/``▪``/
    ``▫`` by weight tercile, ``◆`` for pooled rows), the null line (``│``, ``┼`` where a CI
    crosses it), then the estimate and interval as numbers; below, the axis with ticks.
    ``weights`` (percent, one per row of ``blocks``, None where not applicable) size the
    markers. Nothing is drawn when no row has an estimate with an interval.
    """
    import sys

    from rich.console import Console
    from rich.text import Text

    stream = stream or sys.stdout
    panels = plotted_rows(blocks, weights)
    if not panels:
        return
    logs = log_measures()
    console = Console(file=stream, highlight=False, soft_wrap=False)
    total = width or max(80, min(console.width, 140))
    all_rows = [r for rows in panels.values() for r in rows]
    label_w = min(56, max(len(_label(r)) for r, _ in all_rows))
    text_w = max(len(_interval_text(r)) for r, _ in all_rows)
    plot_w = max(20, total - label_w - text_w - 4)
    console.width = label_w + plot_w + text_w + 4
    if title:
        console.print(Text(title, style="bold"))
    for measure, rows in panels.items():
        log = measure in logs
        null = null_value(measure, log)
        to_x, lo, hi = _scale([v for r, _ in rows for v in (r["conf_low"], r["conf_high"],
                                                            r["estimate"])], null, log)
        col = _columns(to_x, plot_w)
        null_col = col(null)
        known = sorted(w for _, w in rows if w is not None)
        console.print(Text(f"{measure}{' (log scale)' if log else ''}", style="italic"))
        for rec, w in rows:
            console.print(_row_line(rec, w, known, col, to_x, null, null_col, plot_w, label_w))
        axis = [" "] * plot_w
        axis[null_col] = "┼"
        ticks = _ticks(lo, hi, log)
        labels = [" "] * (plot_w + 8)
        for t in ticks:
            c = col(t)
            axis[c] = "┴" if c != null_col else "┼"
            text = f"{t:g}"
            start = max(0, min(plot_w + 8 - len(text), c - len(text) // 2))
            if all(ch == " " for ch in labels[max(0, start - 1):start + len(text) + 1]):
                labels[start:start + len(text)] = text
        axis_line = "".join(a if a != " " else "─" for a in axis)
        console.print(Text(" " * (label_w + 1) + axis_line))
        console.print(Text(" " * (label_w + 1) + "".join(labels).rstrip()))


def _columns(to_x, plot_w):
    """Column (0 .. plot_w - 1) of a natural-scale value, clamped to the plot."""
    def col(v):
        return min(plot_w - 1, max(0, round(to_x(v) * (plot_w - 1))))
    return col


def _row_line(rec, weight, known, col, to_x, null, null_col, plot_w, label_w):
    from rich.text import Text

    pooled = (rec.get("arms") or "").startswith("pooled")
    prediction = rec["method"].endswith("_prediction")
    cells = [" "] * plot_w
    cells[null_col] = "│"
    lo_x, hi_x = to_x(rec["conf_low"]), to_x(rec["conf_high"])
    lo_c = 0 if lo_x < 0 else col(rec["conf_low"])
    hi_c = plot_w - 1 if hi_x > 1 else col(rec["conf_high"])
    crosses = (rec["conf_low"] is None or rec["conf_low"] <= null) and \
        (rec["conf_high"] is None or rec["conf_high"] >= null)
    for c in range(lo_c, hi_c + 1):
        cells[c] = "┼" if c == null_col and crosses else "┄" if prediction else "─"
    if lo_x < 0:
        cells[0] = "◀"
    if hi_x > 1:
        cells[plot_w - 1] = "▶"
    if not prediction:
        if pooled:
            marker = "◆"
        elif weight is None or not known:
            marker = "■"
        else:
            rank = sum(k <= weight for k in known) / len(known)
            marker = "■" if rank > 2 / 3 else "▪" if rank > 1 / 3 else "▫"
        cells[col(rec["estimate"])] = marker
    label = _label(rec)
    label = label if len(label) <= label_w else label[: label_w - 1] + "…"
    line = Text(label.ljust(label_w) + " ", style="bold" if pooled else None)
    line.append("".join(cells), style="cyan" if pooled else None)
    line.append(" " + _interval_text(rec))
    return line


def forest_image(blocks, path: str, *, weights=None, title: str = "") -> None:
    """Write the forest plot of ``blocks`` to ``path`` (``.svg`` or ``.png``) with matplotlib.

    Raises :class:`~ivigstats.errors.InputError` for another suffix, when matplotlib is not
    installed (naming the extra to install), or when no row has an estimate with an interval.
    The file is written atomically (a temporary file renamed into place).
    """
    import os

    from ivigstats.errors import InputError

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in IMAGE_SUFFIXES:
        raise InputError("--plot", f"{path!r}: unknown image type {suffix or '(none)'!r}; "
                         "expected a file name ending .svg or .png")
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("--plot", "writing an image needs matplotlib, which is not installed; "
                         "install the plot extra: pip install 'ivigstats[plot]'") from None
    panels = plotted_rows(blocks, weights)
    if not panels:
        raise InputError("--plot", "no row has an estimate with a confidence interval to plot")
    logs = log_measures()
    heights = [len(rows) + 1.5 for rows in panels.values()]
    fig = Figure(figsize=(9, 0.9 + 0.32 * sum(heights)))
    axes = fig.subplots(len(panels), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (measure, rows) in zip(axes, panels.items()):
        _image_panel(ax, measure, rows, measure in logs)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if os.path.exists(path) and not os.path.isfile(path):  # a device or FIFO: never rename onto it
        with open(path, "wb") as fh:
            fig.savefig(fh, format=suffix[1:])
        return
    import tempfile
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ivigstats-", suffix=suffix, dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=suffix[1:])
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _image_panel(ax, measure, rows, log):
    import numpy as np
    null = null_value(measure, log)
    n = len(rows)
    known = [w for _, w in rows if w is not None]
    wmax = max(known) if known else 1.0
    for i, (rec, w) in enumerate(rows):
        y = n - i
        lo = rec["conf_low"] if rec["conf_low"] is not None else -np.inf
        hi = rec["conf_high"] if rec["conf_high"] is not None else np.inf
        pooled = (rec.get("arms") or "").startswith("pooled")
        if rec["method"].endswith("_prediction"):
            ax.plot([lo, hi], [y, y], color="tab:blue", linestyle=":", linewidth=1.5)
            continue
        ax.plot([lo, hi], [y, y], color="black", linewidth=1)
        est = rec["estimate"]
        if pooled:
            ax.fill([lo, est, hi, est], [y, y + 0.3, y, y - 0.3], color="tab:blue")
        else:
            size = 4 + 10 * math.sqrt((w if w is not None else wmax) / wmax)
            ax.plot([est], [y], marker="s", markersize=size, color="black", linestyle="none")
    ax.axvline(null, color="grey", linestyle="--", linewidth=0.8)
    if log:
        ax.set_xscale("log")
        from matplotlib.ticker import NullLocator
        lo, hi = ax.get_xlim()
        ticks = sorted(set(_ticks(lo, hi, True)) | {1.0})
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yticks(range(n, 0, -1), [_label(r) for r, _ in rows], fontsize=8)
    ax.set_ylim(0.3, n + 0.7)
    ax.set_xlabel(f"{measure.replace('_', ' ')}{' (log scale)' if log else ''}", fontsize=9)
