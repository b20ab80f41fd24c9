"""``servanda diff``: per variant, the findings it adds, removes and changes against the baseline."""

from __future__ import annotations

from pathlib import Path

import click

from ..reports import diff_json, diff_markdown, diff_text
from ..workbench import diff_variants
from ._common import RULES, or_exit, rules_or_exit, scenario_or_exit
from ._terminal import echo


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--variant", "names", multiple=True, help="A variant to compare with the baseline (repeatable; default: all).")
@RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def diff(scenario: Path, names: tuple[str, ...], rules_dir: Path, fmt: str) -> None:
    """Show, per variant, the findings it adds, removes and changes against the baseline.

    Exit 0 when the comparison ran (whatever it found), 2 on input errors.
    """
    rules = rules_or_exit(rules_dir)
    diffs = or_exit(diff_variants, rules, scenario_or_exit(scenario, rules), names)
    if fmt == "json":
        click.echo(diff_json(diffs))
    elif fmt == "markdown":
        click.echo(diff_markdown(diffs))
    else:
        echo(diff_text(diffs))
