"""A scenario's cases: its baseline and each variant, evaluated one by one or compared with the baseline."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Sequence

from ..diagnostics import Diagnostic
from ..engine import LoadedScenario, Result, RuleSet, evaluate, load_scenario
from ..errors import DiagnosticError
from ..language import FeedReader, open_feed, scenario_paths
from ._diff import Diff, diff_findings


def evaluate_cases(rules: RuleSet, scenario: LoadedScenario) -> list[Result]:
    """The baseline's result, then one result per variant, in the order the scenario declares them."""
    return [evaluate(rules, scenario)] + [evaluate_variant(rules, scenario, v.name) for v in scenario.variants]


def evaluate_variant(rules: RuleSet, scenario: LoadedScenario, name: str) -> Result:
    """One variant's result; a DiagnosticError (SV222) when the scenario has no variant ``name``."""
    variant = scenario.variant(name)
    return evaluate(variant.rules or rules, variant.scenario, variant=name)


def select_variant(rules: RuleSet, scenario: LoadedScenario, name: str | None) -> tuple[RuleSet, LoadedScenario]:
    """The rules and scenario of variant ``name`` (the baseline's when None); unknown names are diagnostics."""
    if name is None:
        return rules, scenario
    variant = scenario.variant(name)
    return variant.rules or rules, variant.scenario


def diff_variants(rules: RuleSet, scenario: LoadedScenario, names: Sequence[str] = ()) -> list[Diff]:
    """For each variant named (default: all, in declared order), how its findings differ from the baseline's.

    An unknown name raises ``DiagnosticError`` located at the scenario's variants.
    """
    scenario.check_variant_names(names)
    baseline = evaluate(rules, scenario)
    out: list[Diff] = []
    for name in dict.fromkeys(names or [v.name for v in scenario.variants]):  # a name given twice is compared once
        variant = scenario.variant(name)
        result = evaluate_variant(rules, scenario, name)
        out.append(diff_findings(scenario.model.scenario, name, variant.description, variant.overlay.notes,
                                 baseline.findings, result.findings))
    return out


def evaluate_paths(rules: RuleSet, paths: Sequence[Path], feed: Path | None = None,
                   variants: bool = False) -> tuple[list[Result], list[Diagnostic]]:
    """Every scenario file's result (each of its cases when ``variants``), and every input problem found on the way.

    ``paths`` are files or folders of ``*.yaml`` files (none found: SV213). A file with problems
    is skipped and its diagnostics kept, so one bad file never hides the others. With ``feed``
    (a JSON Lines file), its events join each scenario's timeline, and its bad lines are reported.
    """
    results: list[Result] = []
    problems: list[Diagnostic] = []
    files = scenario_paths(list(paths))
    if not files:
        where = str(paths[0]) if paths else "."
        problems.append(Diagnostic(where, 1, 1, "SV213", "no scenario files found", "pass .yaml files or folders holding them"))
    for path in files:
        try:
            scenario = load_scenario(path, rules)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
            continue
        if feed is None:
            results.extend(evaluate_cases(rules, scenario) if variants else [evaluate(rules, scenario)])
            continue
        reader = FeedReader(str(feed), rules.compiled.vocabulary, taken=frozenset(e.id for e in scenario.events),
                            states=scenario.states)
        try:
            with open_feed(feed) as stream:
                results.append(evaluate(rules, scenario, reader.read(stream)))
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:  # the file went away or broke while being read
            problems.append(Diagnostic(str(feed), reader.last_line + 1, 1, "SV001", f"cannot read the file: {exc.strerror or exc}"))
        problems.extend(reader.problems)
    return results, problems


class Refused(NamedTuple):
    """What the input refused amounts to: feed lines and whole files (scenarios, rules, a feed that cannot be read)."""

    lines: int
    files: int

    @property
    def total(self) -> int:
        """Every refused record, lines and files together."""
        return self.lines + self.files


def refused(problems: Sequence[Diagnostic], feed: Path | None = None) -> Refused:
    """How many feed lines and other files the diagnostics refuse (each counted once, however many problems it has)."""
    name = str(feed) if feed is not None else None
    lines = {(d.path, d.line) for d in problems if d.path == name and d.code != "SV001" and d.code != "SV008"}
    files = {d.path for d in problems if d.path != name or d.code in ("SV001", "SV008")}
    return Refused(len(lines), len(files))
