"""ivigstats batch: one comparison per row of a CSV file, streamed."""

from __future__ import annotations

import os
import sys

import click

from ivigstats.commands.immediate import emit_quietly
from ivigstats.options import analysis_options, check_methods, output_options

PROGRESS_BYTES = 8 * 1024 * 1024  # a progress bar for inputs larger than this (on a terminal)


@click.command()
@click.argument("file", metavar="FILE.csv|-")
@click.option("--on-error", type=click.Choice(["stop", "skip"]), default="stop",
              show_default=True,
              help="stop: a malformed row is an error (exit 2) before any of its chunk is "
                   "written; skip: leave it out and list the skipped lines on stderr.")
@click.option("--benefit", type=click.Choice(["higher", "lower"]), default="higher",
              show_default=True, help="Binary rows: are more events better or worse (NNT).")
@click.option("--outcome", metavar="NAME", default=None,
              help="Outcome name in the rows [default: binary, continuous, rates or ordinal].")
@click.option("--arms", "arm_names", metavar="NAME1,NAME2", default="arm1,arm2",
              show_default=True, help="Names of the two arms in the rows.")
@click.option("--jobs", type=click.IntRange(0), default=1, show_default=True, metavar="N",
              help="Worker processes computing and formatting chunks (0: one per CPU). "
                   "Faster on an idle multi-core machine; each worker adds ~150 MB.")
@click.option("--chunk-rows", type=click.IntRange(1), default=None, hidden=True)
@analysis_options
@output_options
def batch(file, on_error, benefit, outcome, arm_names, jobs, chunk_rows, level, methods, fmt,
          output):
    """Recompute one two-arm comparison per row of a CSV file ('-': standard input).

    \b
    The header names the kind (arm 1 = experimental; any other columns are ignored):
      events1,n1,events2,n2            binary   (events and n per arm)
      mean1,sd1,n1,mean2,sd2,n2        continuous
      count1,time1,count2,time2        rates    (events and person-time per arm)
      counts1,counts2                  ordinal  (category counts, lowest first: 23;40;12)
    An 'id' column is carried into every output row; without one, the row number is.

    \b
    Output: the rows of the immediate command for each input row, 'id' first, as csv, tsv
    (default when not on a terminal), json (one array) or jsonl. A malformed row stops the
    run with 'FILE:LINE: column ...: ...' and exit status 2 (nothing of its chunk written;
    with -o, no file at all); --on-error skip leaves such rows out and lists them on stderr.

    \b
    Examples:
      ivigstats batch trials.csv -f csv -o results.csv
      ivigstats batch trials.csv --methods risk_ratio,fisher_exact | head
      cut -d, -f2-5 big.csv | ivigstats batch - -f jsonl --on-error skip
    """
    from ivigstats import batch as core
    from ivigstats import methods as registry

    check_methods(methods, ("binary", "continuous", "count", "ordinal"))
    names = tuple(s.strip() for s in arm_names.split(","))
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise click.BadParameter(f"{arm_names!r}: expected two different names, e.g. "
                                 "ivig,placebo", param_hint="--arms")
    if fmt is None:
        fmt = "table" if output == "-" and sys.stdout.isatty() else "tsv"
    reader = core.Reader(file, chunk_rows=chunk_rows or core.CHUNK_ROWS, on_error=on_error)
    chosen = registry.select(reader.kind, methods)
    if not chosen:
        keys = ", ".join(m.key for m in registry.select(reader.kind, "all"))
        raise click.BadParameter(f"{methods!r} names no {reader.kind} method; "
                                 f"{reader.kind} methods: {keys}", param_hint="--methods")
    skipped: list = []

    task = (reader.kind, chosen, level, fmt, {"benefit": benefit, "outcome": outcome,
                                              "arms": names})

    def write(stream):
        writer = core.Writer(fmt, stream)
        chunks = iter(reader)
        first = next(chunks, None)
        workers = jobs or (os.cpu_count() or 1)
        if first is None or len(first.ids) + len(first.skipped) < reader.chunk_rows or \
                fmt in ("table", "markdown") or not hasattr(os, "fork"):
            workers = 1  # one chunk, or a format rendered at the end: no worker processes
        with _Pool(workers) as pool, _progress(file) as advance:
            pool.run([first] if first is not None else [], chunks, task, writer, advance,
                     skipped)
        writer.close()

    try:
        emit_quietly(write, output)
    finally:
        reader.close()
        if skipped:
            _report(skipped, reader)


class _Pool:
    """Chunks computed and formatted in order, by worker processes (fork) when more than one:
    at most ``workers + 1`` chunks in flight, written in input order. A malformed row stops
    the run after the chunks before it are written, as without workers."""

    def __init__(self, workers: int):
        self.workers, self.pool = workers, None
        if workers > 1:
            import multiprocessing
            self.pool = multiprocessing.get_context("fork").Pool(workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def run(self, head, chunks, task, writer, advance, skipped) -> None:
        from collections import deque
        from itertools import chain

        from ivigstats import batch as core
        from ivigstats.errors import InputError
        pending: deque = deque()

        def flush():
            result, nbytes = pending.popleft()
            writer.write_text(result.get())
            advance(nbytes)

        try:
            for chunk in chain(head, chunks):
                skipped.extend(chunk.skipped)
                if not chunk.ids:  # every row of the chunk skipped
                    advance(chunk.nbytes)
                    continue
                if self.pool is None:
                    writer.write(core.compute(task[0], chunk, task[1], task[2], **task[4]))
                    advance(chunk.nbytes)
                    continue
                pending.append((self.pool.apply_async(core.work, (chunk, *task)), chunk.nbytes))
                while len(pending) > self.workers:
                    flush()
        except InputError:  # a malformed row: what came before it is written first
            while pending:
                flush()
            raise
        while pending:
            flush()


def _report(skipped: list, reader) -> None:
    """Say on stderr how many rows were skipped and which lines (never a silent drop)."""
    shown = ", ".join(str(line) for line, _ in skipped[:50])
    more = f" and {len(skipped) - 50} more" if len(skipped) > 50 else ""
    lines = [f"ivigstats: skipped {reader.name}:{line}: {what}" for line, what in skipped[:10]]
    lines.append(f"ivigstats: skipped {len(skipped)} malformed row"
                 f"{'s' * (len(skipped) != 1)} of {reader.rows} (lines {shown}{more})")
    try:
        sys.stderr.write("\n".join(lines) + "\n")
    except OSError:
        pass


class _progress:
    """A rich progress bar on stderr for a large file when stderr is a terminal."""

    def __init__(self, file: str):
        self.bar = None
        if file != "-" and sys.stderr.isatty():
            try:
                size = os.path.getsize(file)
            except OSError:
                size = 0
            if size > PROGRESS_BYTES:
                from rich.console import Console
                from rich.progress import Progress
                self.bar = Progress(console=Console(stderr=True), transient=True)
                self.task = self.bar.add_task("batch", total=size)

    def __enter__(self):
        if self.bar is None:
            return lambda nbytes: None
        self.bar.start()
        return lambda nbytes: self.bar.advance(self.task, nbytes)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
