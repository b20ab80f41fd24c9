"""Command line: argv → library calls → renderer → exit code. The only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, ParamSpec, TypeVar

import click

from .. import reports as report
from ..diagnostics import Diagnostic
from ..engine import LoadedScenario, Result, RuleSet, evaluate, load_rules, load_scenario
from ..errors import DiagnosticError
from ..language import FeedReader, open_feed, scenario_paths, write_schemas
from ..reports import markdown_report, save_timeline, timeline_json, timeline_text, write_file, write_markdown
from ..workbench import (LINT_CODES, Explanation, build_timeline, compare, coverage, diff_variants, evaluate_cases,
                         every_counterfactual, explain_finding, lint as lint_rules, select_variant, why_not)

EXIT_CLEAN, EXIT_FOUND, EXIT_INPUT = 0, 1, 2
P = ParamSpec("P")
T = TypeVar("T")
_RULES = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=Path("rules"),
                      show_default=True, help="Rules folder (vocabulary.yaml and one folder per treaty).")


def _fail(diagnostics: tuple[Diagnostic, ...], as_json: bool = False) -> None:
    """Print diagnostics on standard error, as text or JSON."""
    click.echo(report.diagnostics_json(diagnostics) if as_json else report.diagnostics_text(diagnostics), err=True)


def _or_exit(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """What ``call`` returns, or its diagnostics printed and exit 2."""
    try:
        return call(*args, **kwargs)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
        sys.exit(EXIT_INPUT)


def _rules_or_exit(folder: Path) -> RuleSet:
    """The compiled rules folder, or its diagnostics printed and exit 2."""
    return _or_exit(load_rules, folder)


def _scenario_or_exit(path: Path, rules: RuleSet) -> LoadedScenario:
    """One scenario file loaded, or its diagnostics printed and exit 2."""
    return _or_exit(load_scenario, path, rules)


def _evaluate_all(rules: RuleSet, paths: list[Path], events: Path | None = None,
                  variants: bool = False) -> tuple[list[Result], list[Diagnostic]]:
    """Every scenario's result (with one per variant when ``variants``), and every input problem (SV213: no files)."""
    results: list[Result] = []
    problems: list[Diagnostic] = []
    files = scenario_paths(paths)
    if not files:
        problems.append(Diagnostic(str(paths[0]), 1, 1, "SV213", "no scenario files found", "pass .yaml files or folders holding them"))
    for path in files:
        try:
            scenario = load_scenario(path, rules)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
            continue
        if events is None:
            results.extend(evaluate_cases(rules, scenario) if variants else [evaluate(rules, scenario)])
            continue
        reader = FeedReader(str(events), rules.compiled.vocabulary, taken=frozenset(e.id for e in scenario.events))
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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--events", type=click.Path(path_type=Path), default=None,
              help="A JSON Lines feed of events (one object per line, in date order) merged into each scenario's timeline.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the report to FILE (Markdown: with each scenario's timeline SVG beside it) and print the paths.")
@click.option("--variants", "with_variants", is_flag=True, help="Also evaluate every variant of each scenario.")
def check(scenarios: tuple[Path, ...], rules_dir: Path, fmt: str, events: Path | None, out: Path | None,
          with_variants: bool) -> None:
    """Evaluate scenarios (and with --variants each of their variants) and print their findings.

    Exit 0 when no violation or potential violation is found, 1 when some are, 2 on input errors.
    """
    if with_variants and events is not None:
        raise click.UsageError("--variants and --events do not go together: variants are what-ifs on a scenario alone")
    rules = _rules_or_exit(rules_dir)
    results, problems = _evaluate_all(rules, list(scenarios), events, variants=with_variants)
    if out is not None:
        problems.extend(_write_report(rules, results, fmt, out))
    elif fmt == "json":
        click.echo(report.findings_json(results))
    elif fmt == "markdown":
        click.echo(markdown_report(results), nl=False)
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
@click.option("--coverage", "show_coverage", is_flag=True,
              help="After the results, show per rule the scenarios that fire it and those that check it stays silent.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PCT",
              help="Exit 1 when fewer than PCT % of the rules are fully covered (implies --coverage).")
def test(paths: tuple[Path, ...], rules_dir: Path, show_coverage: bool, fail_under: float | None) -> None:
    """Check scenarios' expected findings (default: scenarios/). Exit 1 on any mismatch or, with --fail-under, too little coverage."""
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
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    short = False
    if show_coverage or fail_under is not None:
        covered = coverage(rules, results)
        click.echo("\n" + report.coverage_text(covered))
        short = fail_under is not None and covered.full_pct < fail_under
        if short:
            click.echo(f"{covered.full_pct:.1f}% of the rules are fully covered, below --fail-under {fail_under:g}.")
    sys.exit(EXIT_FOUND if failed or short else EXIT_CLEAN)


@main.command()
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
        _fail(exc.diagnostics, fmt == "json")
        sys.exit(EXIT_INPUT)
    warnings = [w for w in lint_rules(rules) if w.code not in silenced]
    render = report.lint_json if fmt == "json" else report.lint_text
    click.echo(render(str(folder), rules.compiled, warnings, silenced))
    sys.exit(EXIT_FOUND if warnings else EXIT_CLEAN)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True,
              help="Folder to write the JSON Schemas into.")
def schema(out_dir: Path) -> None:
    """Write the JSON Schemas of treaty, vocabulary, world and scenario files (for editors and CI)."""
    written = _or_exit(write_schemas, out_dir)
    for path in written:
        click.echo(f"wrote {path}")


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
    diffs = _or_exit(diff_variants, rules, _scenario_or_exit(scenario, rules), names)
    render = {"text": report.diff_text, "json": report.diff_json, "markdown": report.diff_markdown}[fmt]
    click.echo(render(diffs))


def _write_report(rules: RuleSet, results: list[Result], fmt: str, out: Path) -> list[Diagnostic]:
    """Write check's report to ``out`` and print each path written; the problems writing it."""
    try:
        if fmt == "markdown":
            written = write_markdown(rules, results, out)
        elif fmt == "json":
            written = [write_file(out, report.findings_json(results) + "\n")]
        else:
            written = [write_file(out, "\n\n".join(click.unstyle(report.findings_text(r)) for r in results) + "\n")]
    except DiagnosticError as exc:
        return list(exc.diagnostics)
    click.echo("\n".join(str(path) for path in written))
    return []


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@_RULES
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Draw the timeline into FILE.png or FILE.svg.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--variant", default=None, metavar="NAME", help="Show one of the scenario's variants instead of its baseline.")
def timeline(scenario: Path, rules_dir: Path, out: Path | None, fmt: str, variant: str | None) -> None:
    """Show a scenario's timeline, one lane per state: events, world facts, treaties in force and findings.

    Without --out it prints the timeline as text (or JSON); with --out it draws it and prints the path.
    Exit 0 when shown or drawn, 2 on input errors.
    """
    rules = _rules_or_exit(rules_dir)
    rules, loaded = _or_exit(select_variant, rules, _scenario_or_exit(scenario, rules), variant)
    if out is not None and fmt != "text":
        raise click.UsageError("--format chooses what is printed; with --out the image's extension chooses its format")
    drawn = build_timeline(rules, loaded, evaluate(rules, loaded).findings)
    if out is None:
        click.echo(timeline_json(drawn) if fmt == "json" else timeline_text(drawn))
        return
    _or_exit(save_timeline, drawn, out)
    click.echo(str(out))


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--finding", "finding_id", default=None, metavar="ID", help="Explain the finding with this id.")
@click.option("--why-not", "clause", default=None, metavar="CLAUSE",
              help="Explain why a clause (TREATY/CLAUSE, or a clause id unique across treaties) did or did not fire.")
@click.option("--party", default=None, metavar="XXX", help="With --why-not: only role pairs where this state is bound.")
@click.option("--counterfactuals", "every", is_flag=True,
              help="For every finding: the evidence whose removal, or the timely event whose addition, clears it.")
@click.option("--variant", default=None, metavar="NAME", help="Explain within one of the scenario's variants.")
@_RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(scenario: Path, finding_id: str | None, clause: str | None, party: str | None, every: bool,
            variant: str | None, rules_dir: Path, fmt: str) -> None:
    """Show a finding's evidence chain and counterfactuals, why a clause did not fire, or every finding's counterfactuals.

    Exit 0 when explained, 2 on input errors (including an unknown finding id, clause or variant).
    """
    if sum(x is not None and x is not False for x in (finding_id, clause, every)) != 1:
        raise click.UsageError("give exactly one of --finding ID, --why-not CLAUSE or --counterfactuals")
    if party is not None and clause is None:
        raise click.UsageError("--party goes with --why-not")
    rules = _rules_or_exit(rules_dir)
    loaded = _scenario_or_exit(scenario, rules)
    try:
        rules, loaded = select_variant(rules, loaded, variant)
        if every:
            pairs = every_counterfactual(rules, loaded)
            click.echo(report.counterfactuals_json(pairs) if fmt == "json" else report.counterfactuals_text(pairs))
            return
        result = (explain_finding(rules, loaded, finding_id) if finding_id is not None
                  else why_not(rules, loaded, clause or "", party))
    except DiagnosticError as exc:
        _fail(exc.diagnostics, fmt == "json")
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(report.explain_json(result))
    elif isinstance(result, Explanation):
        click.echo(report.explanation_text(result))
    else:
        click.echo(report.why_not_text(result))


if __name__ == "__main__":
    main()
