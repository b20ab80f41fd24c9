"""The outermost layer of every command: the exit code it ends with, whatever happens below.

0 nothing found, 1 findings (or warnings, mismatches), 2 input refused (located
diagnostics on standard error, closed by a count), 70 an internal error (a bug: one
line asking for a report, never a traceback, never 1), 74 the output could not be
written (a closed pipe), 130 interrupted. A command-line mistake is refused like a
bad file: ``<command line>:1:COL: SV010: message``, the column that of the word at fault.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn, Sequence

import click

from ..diagnostics import Diagnostic, one_line
from ._common import EXIT_INPUT, fail

EXIT_INTERNAL, EXIT_OUTPUT, EXIT_INTERRUPTED = 70, 74, 130
COMMAND_LINE = "<command line>"


class OutputClosed(Exception):
    """Standard output was closed by its reader (``servanda check … | head``)."""


def usage_diagnostic(exc: click.UsageError, argv: Sequence[str]) -> Diagnostic:
    """A usage error located on the command line at the word it is about (column 1 when none is named)."""
    words = list(argv)
    names: list[str] = []
    if isinstance(exc, (click.NoSuchOption, click.BadOptionUsage)):
        names.append(exc.option_name)
    elif isinstance(exc, click.BadParameter) and exc.param is not None:
        names.extend(exc.param.opts)
    col, offset = 1, 0
    for word in words:
        if any(word == name or word.startswith(name + "=") for name in names):
            col = offset + 1
            break
        offset += len(word) + 1
    message = exc.format_message().replace("\n", " ")
    hint = f"see servanda {exc.ctx.info_name} --help" if exc.ctx is not None and exc.ctx.parent is not None else "see servanda --help"
    return Diagnostic(COMMAND_LINE, 1, col, "SV010", message, hint)


def run(group: click.Group, args: Sequence[str] | None, prog_name: str | None, **extra: Any) -> NoReturn:
    """Run the command line and exit with a status that says what happened (see the module docstring)."""
    argv = list(sys.argv[1:] if args is None else args)
    try:
        code = click.Group.main(group, argv, prog_name, standalone_mode=False, **extra)
    except click.UsageError as exc:
        fail([usage_diagnostic(exc, argv)])
    except click.ClickException as exc:  # a click error about a file argument: none of ours
        fail([Diagnostic(COMMAND_LINE, 1, 1, "SV010", exc.format_message())])
    except (click.Abort, KeyboardInterrupt):
        click.echo("servanda: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OutputClosed:
        _quiet_stdout()
        sys.exit(EXIT_OUTPUT)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the one place every unexpected error ends
        where = _innermost(exc)
        click.echo(f"servanda: internal error: {type(exc).__name__}: {_short(exc)}{where} - this is a bug; please report it "
                   "with the command line and the input that caused it", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


def _short(exc: BaseException) -> str:
    text = one_line(" ".join(str(exc).split()))
    return text[:300] + ("…" if len(text) > 300 else "")


def _innermost(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    return f" (in {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno})"


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class Servanda(click.Group):
    """The ``servanda`` group: its ``main`` never lets an exception or a misleading status out."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        run(self, args, prog_name or "servanda", **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise OutputClosed() from None
