"""The public API's errors: one tree, and every failure caused by user input is a located DiagnosticError."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import servanda
from servanda import DiagnosticError, Event, ServandaError
from servanda.engine import Runtime
from servanda.errors import EngineLimitError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


def _codes(caught: pytest.ExceptionInfo[DiagnosticError]) -> list[str]:
    return [d.code for d in caught.value.diagnostics]


def test_the_tree_has_one_root() -> None:
    """Every exception servanda raises on purpose is a ServandaError."""
    assert issubclass(DiagnosticError, ServandaError) and issubclass(EngineLimitError, ServandaError)
    assert not issubclass(ServandaError, (KeyError, ValueError))


def test_an_unknown_variant_is_a_located_diagnostic_everywhere(real_rules: servanda.RuleSet) -> None:
    """Asking a scenario, evaluate_variant or select_variant for a variant it lacks names the choices at its variants."""
    scenario = servanda.load_scenario(SEED, real_rules)
    for ask in (lambda: scenario.variant("nope"), lambda: servanda.evaluate_variant(real_rules, scenario, "nope"),
                lambda: servanda.select_variant(real_rules, scenario, "neutral-blok")):
        with pytest.raises(DiagnosticError) as caught:
            ask()
        (diagnostic,) = caught.value.diagnostics
        assert (diagnostic.path, diagnostic.code) == (str(SEED), "SV222")
        assert diagnostic.line > 1 and "neutral-bloc" in diagnostic.hint


def test_a_feed_out_of_date_order_is_a_diagnostic(real_rules: servanda.RuleSet) -> None:
    """evaluate() refuses a feed whose events go back in time, naming the event and where it stands in the feed."""
    scenario = servanda.load_scenario(SEED, real_rules)
    later = Event("f1", scenario.events[0].day + 5, "statement", {"actor": "KGZ", "text": "t"})
    earlier = later._replace(id="f2", day=later.day - 3)
    with pytest.raises(DiagnosticError) as caught:
        servanda.evaluate(real_rules, scenario, [later, earlier])
    assert _codes(caught) == ["SV210"]
    assert caught.value.diagnostics[0].line == 2 and "'f2'" in caught.value.diagnostics[0].message


def test_a_runtime_fed_out_of_date_order_is_a_diagnostic(real_rules: servanda.RuleSet) -> None:
    """The runtime itself refuses an event dated before a day it has already evaluated, counting the events it was given."""
    scenario = servanda.load_scenario(SEED, real_rules)
    runtime = Runtime(real_rules.compiled, real_rules.backend, scenario.context)
    later = Event("f1", scenario.events[0].day + 5, "statement", {"actor": "KGZ", "text": "t"})
    try:
        with pytest.raises(DiagnosticError) as caught:
            runtime.feed([later, later._replace(id="f2"), later._replace(id="f3", day=later.day - 1)])
    finally:
        runtime.close()
    assert _codes(caught) == ["SV210"] and caught.value.diagnostics[0].line == 3


def test_a_hand_made_event_of_an_unknown_kind_is_a_diagnostic(real_rules: servanda.RuleSet) -> None:
    """An Event built in code with a kind the vocabulary lacks is refused, not a KeyError inside the engine."""
    scenario = servanda.load_scenario(SEED, real_rules)
    with pytest.raises(DiagnosticError) as caught:
        servanda.evaluate(real_rules, scenario, [Event("x", scenario.events[0].day, "invade", {})])
    assert _codes(caught) == ["SV201"]


def test_counterfactuals_of_a_finding_from_other_rules_is_a_diagnostic(real_rules: servanda.RuleSet) -> None:
    """A finding whose rule these rules lack gets SV230, not a StopIteration."""
    scenario = servanda.load_scenario(SEED, real_rules)
    finding = servanda.evaluate(real_rules, scenario).findings[0]
    with pytest.raises(DiagnosticError) as caught:
        servanda.counterfactuals(real_rules, scenario, dataclasses.replace(finding, rule="no-such-rule"))
    assert _codes(caught) == ["SV230"]


def test_missing_files_and_unknown_names_are_diagnostics(real_rules: servanda.RuleSet, tmp_path: Path) -> None:
    """A missing rules folder or scenario, an unknown finding id or clause: each a DiagnosticError with its code."""
    scenario = servanda.load_scenario(SEED, real_rules)
    asks = [
        ("SV001", lambda: servanda.load_rules(tmp_path / "nowhere")),
        ("SV001", lambda: servanda.load_scenario(tmp_path / "missing.yaml", real_rules)),
        ("SV230", lambda: servanda.explain_finding(real_rules, scenario, "000000000000")),
        ("SV231", lambda: servanda.why_not(real_rules, scenario, "no-such-clause")),
        ("SV233", lambda: servanda.why_not(real_rules, scenario, "kz-kg-2024/no-hostile-blocs", "USA")),
    ]
    for code, ask in asks:
        with pytest.raises(DiagnosticError) as caught:
            ask()
        assert _codes(caught) == [code]
