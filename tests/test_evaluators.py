"""The evaluator that finds (the runtime) and the one that explains (the explainer) agree on every shipped case."""

from __future__ import annotations

from pathlib import Path

import pytest

import servanda
from servanda.engine import explainer_findings
from servanda.language import scenario_paths

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = scenario_paths([ROOT / "scenarios"])


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_explainer_finds_what_the_runtime_finds(real_rules: servanda.RuleSet, path: Path) -> None:
    """For the baseline and every variant, both evaluators give the same findings, ids, evidence and wording included."""
    scenario = servanda.load_scenario(path, real_rules)
    cases = [(real_rules, scenario)] + [(v.rules or real_rules, v.scenario) for v in scenario.variants]
    for rules, case in cases:
        found = servanda.evaluate(rules, case).findings
        explained = explainer_findings(rules.compiled, case.context, case.events, case.model.as_of.toordinal())
        assert [f.to_json() for f in explained] == [f.to_json() for f in found], case.label


def test_the_shipped_cases_have_findings_to_compare(real_rules: servanda.RuleSet) -> None:
    """The comparison above is not vacuous: the shipped scenarios produce findings of every rule shape."""
    shapes = set()
    for path in SCENARIOS:
        scenario = servanda.load_scenario(path, real_rules)
        for result in servanda.evaluate_cases(real_rules, scenario):
            by_rule = {r.key: r.shape for r in (result.rules or real_rules.compiled).rules}
            shapes |= {by_rule[f"{f.treaty}/{f.clause}/{f.rule}"] for f in result.findings}
    assert shapes == {"events", "absence", "duration"}
