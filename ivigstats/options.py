"""Options shared by every command, declared once, and the one function that emits rows."""

from __future__ import annotations

import os
import sys

import click

FORMAT_CHOICES = ("table", "json", "jsonl", "csv", "tsv", "markdown")


def output_options(func):
    """``--format`` and ``-o/--output``."""
    func = click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
                        default="-", show_default=True,
                        help="Write to FILE (atomically: a temporary file renamed into place).")(func)
    func = click.option("-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES),
                        default=None,
                        help="Output format [default: table on a terminal, tsv otherwise].")(func)
    return func


def analysis_options(func):
    """``--level`` and ``--methods``."""
    func = click.option("--methods", default="default", show_default=True, metavar="SPEC",
                        help="default, all, or a comma list of measure/method, method or "
                             "measure names (see docs/METHODS.md).")(func)
    func = click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
                        default=0.95, show_default=True, help="Confidence level.")(func)
    return func


def check_methods(spec: str, kinds) -> None:
    """Reject an unknown --methods item as a usage error (exit 2)."""
    from ivigstats import methods
    for kind in kinds:
        try:
            methods.select(kind, spec)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--methods") from None


def resolve_format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    if output == "-" and sys.stdout.isatty():
        return "table"
    return "tsv"


def emit(write, output: str) -> None:
    """Call ``write(stream)`` on stdout, or on a temporary file renamed to ``output``.

    The rename happens only after ``write`` returned, so an error or a crash never leaves a
    half-written file behind. An existing path that is not a regular file (``/dev/null``, a
    FIFO) is written in place: a rename would replace the device node.
    """
    if output == "-":
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            # the reader went away (| head): click's main would turn this into status 1
            # before the CLI's guard sees it, so end quietly with 0 here, as cat does
            from ivigstats.cli import _quiet_broken_pipe
            sys.exit(_quiet_broken_pipe())
        return
    if os.path.exists(output) and not os.path.isfile(output):
        # /dev/null, /dev/stdout, a FIFO: write in place. Renaming a temporary file onto
        # them would replace the device itself (as root, /dev/null became a regular file).
        with open(output, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        return
    import tempfile
    directory = os.path.dirname(os.path.abspath(output))
    fd, tmp = tempfile.mkstemp(prefix=".ivigstats-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def plot_option(func):
    """``--plot [FILE.svg|FILE.png]``: a forest plot in the terminal, or an image file."""
    def check(ctx, param, value):
        import os
        if value not in (None, "terminal") and \
                os.path.splitext(value)[1].lower() not in (".svg", ".png"):
            raise click.BadParameter(f"{value!r}: expected a file name ending .svg or .png "
                                     "(or no value: a plot in the terminal)")
        return value
    return click.option("--plot", "plot", is_flag=False, flag_value="terminal", default=None,
                        callback=check,
                        metavar="[FILE.svg|FILE.png]",
                        help="Draw a forest plot: in the terminal (no value), or write an image "
                             "(needs the plot extra: pip install 'ivigstats[plot]').")(func)


def draw(plot, blocks, weights, fmt, output, title=""):
    """Send the forest plot where ``--plot`` asked (stdout after a table, else stderr)."""
    import sys

    from ivigstats import plot as plotting
    if plot is None:
        return
    if plot == "terminal":
        to_stdout = output == "-" and fmt in ("table", "markdown")
        stream = sys.stdout if to_stdout else sys.stderr
        stream.write("\n")
        plotting.forest_plot(blocks, stream, weights=weights,
                             title=title)
    else:
        plotting.forest_image(blocks, plot, weights=weights, title=title)
