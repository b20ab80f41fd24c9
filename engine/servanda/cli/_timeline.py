"""``servanda timeline``: a scenario's timeline as text or JSON, or drawn as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

import click

from ..engine import evaluate
from ..reports import save_timeline, timeline_json, timeline_text
from ..workbench import build_timeline, select_variant
from ._common import RULES, or_exit, rules_or_exit, scenario_or_exit


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@RULES
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Draw the timeline into FILE.png or FILE.svg.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--variant", default=None, metavar="NAME", help="Show one of the scenario's variants instead of its baseline.")
def timeline(scenario: Path, rules_dir: Path, out: Path | None, fmt: str, variant: str | None) -> None:
    """Show a scenario's timeline, one lane per state: events, world facts, treaties in force and findings.

    Without --out it prints the timeline as text (or JSON); with --out it draws it and prints the path.
    Exit 0 when shown or drawn, 2 on input errors.
    """
    rules = rules_or_exit(rules_dir)
    rules, loaded = or_exit(select_variant, rules, scenario_or_exit(scenario, rules), variant)
    if out is not None and fmt != "text":
        raise click.UsageError("--format chooses what is printed; with --out the image's extension chooses its format")
    drawn = build_timeline(rules, loaded, evaluate(rules, loaded).findings)
    if out is None:
        click.echo(timeline_json(drawn) if fmt == "json" else timeline_text(drawn))
        return
    or_exit(save_timeline, drawn, out)
    click.echo(str(out))
