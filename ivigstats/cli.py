"""The ivigstats command line: parse, call the library, render. Nothing else.

Commands live in ``ivigstats/commands/<name>.py`` and are imported only when run (or when
``--help`` lists them: those modules import click alone), so start-up stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from ivigstats import __version__

#: command name -> "module:attribute" under ivigstats.commands
COMMANDS = {
    "summarize": "summarize:summarize",
    "trials": "summarize:trials",
    "schema": "summarize:schema",
    "binary": "immediate:binary",
    "continuous": "immediate:continuous",
    "rates": "immediate:rates",
    "ordinal": "immediate:ordinal",
    "batch": "batch:batch",
    "pool": "pool:pool",
    "compare": "compare:compare",
    "check": "check:check",
    "fragility": "sensitivity:fragility",
    "overdispersion": "sensitivity:overdispersion",
    "cost": "sensitivity:cost",
    "bayes": "sensitivity:bayes",
    "convert": "convert:convert",
}

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class LazyGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        sys.exit(run_guarded(self, args, prog_name or "ivigstats", **extra))

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(f"ivigstats.commands.{module}"), attr)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name is not None and name not in COMMANDS and not name.startswith("-"):
            import difflib
            close = difflib.get_close_matches(name, COMMANDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise click.UsageError(f"no command {name!r}{hint}; see 'ivigstats --help'")
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ivigstats")
def cli():
    """Recompute a clinical trial's statistics from its arm-level numbers.

    \b
    Examples:
      ivigstats summarize                     the embedded Fazekas 1997 IVIG trial
      ivigstats summarize trial.toml -f csv   your own trial file, as CSV
      ivigstats schema                        the trial file format (JSON Schema)

    Exit status: 0 ok, 1 the audit found an error-level problem, 2 bad input or usage.
    """


def main(argv=None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="ivigstats")


def run_guarded(group: click.Group, args, prog_name, **extra) -> int:
    """Run the command; turn every expected failure into one line on stderr and a status.

    Bad input and usage: ``ivigstats: error: <where>: <what>`` and 2, never a traceback.
    """
    from ivigstats.errors import InputError

    try:
        rv = click.Group.main(group, args=args, prog_name=prog_name, standalone_mode=False,
                              **extra)
        code = rv if isinstance(rv, int) else EXIT_OK
    except InputError as exc:
        _error(f"{exc.where}: {exc.what}" if exc.where else exc.what)
        code = EXIT_USAGE
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else ""
        where = f"{path.split(' ', 1)[1]}: " if " " in path else ""
        _error(f"{where}{exc.format_message()}")
        code = EXIT_USAGE
    except click.ClickException as exc:
        _error(exc.format_message())
        code = EXIT_USAGE
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        _error("interrupted")
        code = 130
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    except OSError as exc:
        name = getattr(exc, "filename", None)
        _error(f"{name}: {exc.strerror or exc}" if name else str(exc.strerror or exc))
        code = EXIT_USAGE
    return _flush_or_quiet(code)


def _error(message: str) -> None:
    message = " ".join(str(message).split())
    try:
        sys.stderr.write(f"ivigstats: error: {message}\n")
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass


def _flush_or_quiet(code: int) -> int:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    return code


def _quiet_broken_pipe() -> int:
    """The reader went away (``| head``): stop quietly, as cat does, with status 0."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK
