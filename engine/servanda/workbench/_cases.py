"""A scenario's cases: its baseline and each variant, evaluated one by one or compared with the baseline."""

from __future__ import annotations

from typing import Sequence

from ..diagnostics import did_you_mean, one_of
from ..engine import LoadedScenario, Result, RuleSet, evaluate
from ..errors import DiagnosticError
from ._diff import Diff, diff_findings


def evaluate_cases(rules: RuleSet, scenario: LoadedScenario) -> list[Result]:
    """The baseline's result, then one result per variant, in the order the scenario declares them."""
    return [evaluate(rules, scenario)] + [evaluate_variant(rules, scenario, v.name) for v in scenario.variants]


def evaluate_variant(rules: RuleSet, scenario: LoadedScenario, name: str) -> Result:
    """One variant's result; KeyError when the scenario has no variant ``name``."""
    variant = scenario.variant(name)
    return evaluate(variant.rules or rules, variant.scenario, variant=name)


def select_variant(rules: RuleSet, scenario: LoadedScenario, name: str | None) -> tuple[RuleSet, LoadedScenario]:
    """The rules and scenario of variant ``name`` (the baseline's when None); unknown names are diagnostics."""
    if name is None:
        return rules, scenario
    _check_variant_names(scenario, [name])
    variant = scenario.variant(name)
    return variant.rules or rules, variant.scenario


def _check_variant_names(scenario: LoadedScenario, names: Sequence[str]) -> None:
    """SV222 for each name the scenario declares no variant for, located at its ``variants`` (else the file's start)."""
    known = [v.name for v in scenario.variants]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DiagnosticError([scenario.document.diag(("variants",), "SV222", f"the scenario has no variant '{n}'",
                                                      did_you_mean(n, known) or (one_of(known) if known else "it declares no variants"))
                               for n in unknown])


def diff_variants(rules: RuleSet, scenario: LoadedScenario, names: Sequence[str] = ()) -> list[Diff]:
    """For each variant named (default: all, in declared order), how its findings differ from the baseline's.

    An unknown name raises ``DiagnosticError`` located at the scenario's variants.
    """
    _check_variant_names(scenario, names)
    known = [v.name for v in scenario.variants]
    baseline = evaluate(rules, scenario)
    out: list[Diff] = []
    for name in dict.fromkeys(names or known):  # a name given twice is compared once
        variant = scenario.variant(name)
        result = evaluate_variant(rules, scenario, name)
        out.append(diff_findings(scenario.model.scenario, name, variant.description, variant.overlay.notes,
                                 baseline.findings, result.findings))
    return out
