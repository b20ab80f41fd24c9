"""Every shipped scenario runs under pytest and produces exactly the findings it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from servanda import evaluate, load_scenario
from servanda.workbench import compare
from servanda.workbench import evaluate_cases

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_are_enough_scenarios() -> None:
    """The bundled scenario set is not empty and covers the founding cases."""
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_meets_its_expectations(path: Path, real_rules) -> None:
    """The scenario's findings, and each variant's, equal their expected lists and include nothing forbidden."""
    scenario = load_scenario(path, real_rules)
    for result in evaluate_cases(real_rules, scenario):
        assert result.expect is not None, f"{result.label}: every shipped scenario and variant states what it expects"
        mismatches = compare(result.expect, result.findings)
        assert not mismatches, result.label + "\n" + "\n".join(m.describe() for m in mismatches)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_finding_cites_and_explains(path: Path, real_rules) -> None:
    """Each finding carries a quoted clause with provenance and a filled-in explanation."""
    for finding in evaluate(real_rules, load_scenario(path, real_rules)).findings:
        assert finding.citation.texts and all(t.text and t.provenance for t in finding.citation.texts)
        assert finding.explanation and "{" not in finding.explanation
