"""Command line: argv → library calls → renderer → exit code. The only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import diff_report, report
from .diagnostics import Diagnostic, DiagnosticError
from .expect import compare
from .feed import FeedReader, open_feed
from .project import (LoadedScenario, Result, RuleSet, diff_variants, evaluate, evaluate_cases, load_rules, load_scenario,
                      scenario_paths)

EXIT_CLEAN, EXIT_FOUND, EXIT_INPUT = 0, 1, 2
_RULES = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=Path("rules"),
                      show_default=True, help="Rules folder (vocabulary.yaml and one folder per treaty).")


def _fail(diagnostics: tuple[Diagnostic, ...], as_json: bool = False) -> None:
    click.echo(report.diagnostics_json(diagnostics) if as_json else report.diagnostics_text(diagnostics), err=True)


def _rules_or_exit(folder: Path) -> RuleSet:
    try:
        return load_rules(folder)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
        sys.exit(EXIT_INPUT)


def _scenario_or_exit(path: Path, rules: RuleSet) -> LoadedScenario:
    """One scenario file loaded, or its diagnostics printed and exit 2."""
    try:
        return load_scenario(path, rules)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
        sys.exit(EXIT_INPUT)


def _evaluate_all(rules: RuleSet, paths: list[Path], events: Path | None = None,
                  variants: bool = False) -> tuple[list[Result], list[Diagnostic]]:
    """Every scenario's result (with one per variant when ``variants``), and every input problem."""
    results: list[Result] = []
    problems: list[Diagnostic] = []
    for path in scenario_paths(paths):
        try:
            scenario = load_scenario(path, rules)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
            continue
        if events is None:
            results.extend(evaluate_cases(rules, scenario) if variants else [evaluate(rules, scenario)])
            continue
        reader = FeedReader(str(events), rules.compiled.vocabulary)
        try:
            with open_feed(events) as stream:
                results.append(evaluate(rules, scenario, reader.read(stream)))
        except OSError as exc:
            problems.append(Diagnostic(str(events), 1, 1, "SV001", f"cannot read the file: {exc.strerror}"))
        problems.extend(reader.problems)
    return results, problems


@click.group()
@click.version_option(package_name="servanda")
def main() -> None:
    """servanda: check events against treaty clauses encoded as rules."""


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@_RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--events", type=click.Path(path_type=Path), default=None,
              help="A JSON Lines feed of events (one object per line, in date order) merged into each scenario's timeline.")
def check(scenarios: tuple[Path, ...], rules_dir: Path, fmt: str, events: Path | None) -> None:
    """Evaluate scenarios and print their findings.

    Exit 0 when no violation or potential violation is found, 1 when some are, 2 on input errors.
    """
    rules = _rules_or_exit(rules_dir)
    results, problems = _evaluate_all(rules, list(scenarios), events)
    if not results and not problems:
        problems.append(Diagnostic(str(scenarios[0]), 1, 1, "SV213", "no scenario files found", "pass .yaml files or folders holding them"))
    if fmt == "json":
        click.echo(report.findings_json(results))
    elif results:
        click.echo("\n\n".join(report.findings_text(r) for r in results))
    if problems:
        _fail(tuple(sorted(set(problems))))
        sys.exit(EXIT_INPUT)
    serious = any(f.grade != "indicator" for r in results for f in r.findings)
    sys.exit(EXIT_FOUND if serious else EXIT_CLEAN)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_RULES
def test(paths: tuple[Path, ...], rules_dir: Path) -> None:
    """Check scenarios' expected findings (default: scenarios/). Exit 1 on any mismatch."""
    rules = _rules_or_exit(rules_dir)
    results, problems = _evaluate_all(rules, list(paths) or [Path("scenarios")], variants=True)
    failed = 0
    for result in results:
        if result.expect is None:
            click.echo(f"SKIP {result.label}  (no expectations)")
            continue
        mismatches = compare(result.expect, result.findings)
        failed += bool(mismatches)
        click.echo(report.test_text(result.scenario.path, result.label, mismatches))
    if problems:
        _fail(tuple(sorted(set(problems))))
        sys.exit(EXIT_INPUT)
    if not results:
        where = str(paths[0]) if paths else "scenarios"
        _fail((Diagnostic(where, 1, 1, "SV213", "no scenario files found", "pass .yaml files or folders holding them"),))
        sys.exit(EXIT_INPUT)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(EXIT_FOUND if failed else EXIT_CLEAN)


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path), default=Path("rules"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(folder: Path, fmt: str) -> None:
    """Compile a rules folder and report every diagnostic."""
    try:
        rules = load_rules(folder)
    except DiagnosticError as exc:
        _fail(exc.diagnostics, fmt == "json")
        sys.exit(EXIT_INPUT)
    compiled = rules.compiled
    click.echo(f"{folder}: {len(compiled.treaties)} treaties, {len(compiled.rules)} rules, no problems.")


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--variant", "names", multiple=True, help="A variant to compare with the baseline (repeatable; default: all).")
@_RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def diff(scenario: Path, names: tuple[str, ...], rules_dir: Path, fmt: str) -> None:
    """Show, per variant, the findings it adds, removes and changes against the baseline.

    Exit 0 when the comparison ran (whatever it found), 2 on input errors.
    """
    rules = _rules_or_exit(rules_dir)
    loaded = _scenario_or_exit(scenario, rules)
    try:
        diffs = diff_variants(rules, loaded, names)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
        sys.exit(EXIT_INPUT)
    render = {"text": diff_report.diff_text, "json": diff_report.diff_json, "markdown": diff_report.diff_markdown}[fmt]
    click.echo(render(diffs))


if __name__ == "__main__":
    main()
