"""``servanda lint``: compile a rules folder, report every error, then every warning of the static checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..engine import load_rules
from ..errors import DiagnosticError
from ..reports import lint_json, lint_text
from ..workbench import LINT_CODES, lint as lint_rules
from ._common import EXIT_CLEAN, EXIT_FOUND, fail


@click.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path), default=Path("rules"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-warn", "silenced", multiple=True, type=click.Choice(LINT_CODES), metavar="CODE",
              help="Do not report this warning code (repeatable).")
def lint(folder: Path, fmt: str, silenced: tuple[str, ...]) -> None:
    """Compile a rules folder and report every diagnostic, then every warning.

    Exit 2 on errors, 1 when there are warnings, 0 when there are none.
    """
    try:
        rules = load_rules(folder)
    except DiagnosticError as exc:
        fail(exc.diagnostics, fmt == "json")
    warnings = [w for w in lint_rules(rules) if w.code not in silenced]
    render = lint_json if fmt == "json" else lint_text
    click.echo(render(str(folder), rules.compiled, warnings, silenced))
    sys.exit(EXIT_FOUND if warnings else EXIT_CLEAN)
