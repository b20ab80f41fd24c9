"""``servanda test``: check scenarios' expected findings, and how well they cover the rules."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..reports import coverage_shortfall, coverage_text, skip_text, test_summary, test_text
from ..workbench import compare, coverage, evaluate_paths
from ._common import EXIT_CLEAN, EXIT_FOUND, RULES, Percent, fail, rules_or_exit
from ._terminal import echo


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@RULES
@click.option("--coverage", "show_coverage", is_flag=True,
              help="After the results, show per rule the scenarios that fire it and those that check it stays silent.")
@click.option("--fail-under", type=Percent(), default=None, metavar="PCT",
              help="Exit 1 when fewer than PCT % of the rules are fully covered (implies --coverage).")
def test(paths: tuple[Path, ...], rules_dir: Path, show_coverage: bool, fail_under: float | None) -> None:
    """Check scenarios' expected findings (default: scenarios/). Exit 1 on any mismatch or, with --fail-under, too little coverage."""
    rules = rules_or_exit(rules_dir)
    results, problems = evaluate_paths(rules, paths or (Path("scenarios"),), variants=True)
    failed = 0
    for result in results:
        if result.expect is None:
            click.echo(skip_text(result.label))
            continue
        mismatches = compare(result.expect, result.findings)
        failed += bool(mismatches)
        echo(test_text(result.scenario.path, result.label, mismatches))
    if problems:
        fail(problems)
    click.echo(test_summary(len(results) - failed, failed))
    short = False
    if show_coverage or fail_under is not None:
        covered = coverage(rules, results)
        click.echo("\n" + coverage_text(covered))
        if fail_under is not None and covered.full_pct < fail_under:
            short = True
            click.echo(coverage_shortfall(covered, fail_under))
    sys.exit(EXIT_FOUND if failed or short else EXIT_CLEAN)
