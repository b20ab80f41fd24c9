"""``servanda check``: evaluate scenarios (and their variants) and print or write their findings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core import Grade
from ..errors import DiagnosticError
from ..reports import Styled, findings_json, findings_text, markdown_report, refused_text, write_report
from ..workbench import evaluate_paths, refused
from ._common import EXIT_CLEAN, EXIT_FOUND, RULES, fail, rules_or_exit
from ._terminal import echo


@click.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--events", type=click.Path(path_type=Path), default=None,
              help="A JSON Lines feed of events (one object per line, in date order) merged into each scenario's timeline.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the report to FILE (Markdown: with each scenario's timeline SVG beside it) and print the paths.")
@click.option("--variants", "with_variants", is_flag=True, help="Also evaluate every variant of each scenario.")
def check(scenarios: tuple[Path, ...], rules_dir: Path, fmt: str, events: Path | None, out: Path | None,
          with_variants: bool) -> None:
    """Evaluate scenarios (and with --variants each of their variants) and print their findings.

    Exit 0 when no violation or potential violation is found, 1 when some are, 2 when any input was
    refused (a file, a feed line), even if findings were printed: they leave the refused input out.
    """
    if with_variants and events is not None:
        raise click.UsageError("--variants and --events do not go together: variants are what-ifs on a scenario alone")
    rules = rules_or_exit(rules_dir)
    results, problems = evaluate_paths(rules, scenarios, events, variants=with_variants)
    lost = refused(problems, events)
    if out is not None:
        try:
            click.echo("\n".join(str(path) for path in write_report(rules, results, fmt, out)))
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
    elif fmt == "json":
        click.echo(findings_json(results, rejected=lost.total))
    elif fmt == "markdown":
        click.echo(markdown_report(results), nl=False)
    elif results:
        echo(Styled.join(findings_text(r) for r in results))
    if out is None and fmt != "json" and results and lost.total:  # JSON carries the count as 'rejected'
        click.echo("\n" + refused_text(lost.lines, lost.files))
    if problems:
        fail(problems)
    serious = any(f.grade > Grade.INDICATOR for r in results for f in r.findings)
    sys.exit(EXIT_FOUND if serious else EXIT_CLEAN)
