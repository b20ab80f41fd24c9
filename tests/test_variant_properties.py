"""Hypothesis properties of overlays: applying one equals building the changed scenario by hand.

Both sides are judged by the explainer (in this process), so these properties
test how overlays are applied, not the runtime, which other properties hold to the explainer.
"""

from __future__ import annotations

import pytest

import dataclasses
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from servanda.engine import Finding
from servanda.engine import LoadedScenario, RuleSet, apply_overlay, load_rules, load_scenario
from servanda.engine import explainer_findings
from servanda.language import Overlay
from support import ROOT

pytestmark = pytest.mark.slow  # hypothesis properties

RULES: RuleSet = load_rules(ROOT / "rules")
SCENARIOS: list[LoadedScenario] = [load_scenario(p, RULES) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]


def _judge(rules: RuleSet, scenario: LoadedScenario) -> list[Finding]:
    return explainer_findings(rules.compiled, scenario.context, scenario.events, scenario.model.as_of.toordinal())


@st.composite
def removals(draw: st.DrawFn) -> tuple[LoadedScenario, frozenset[str], frozenset[int], int]:
    """A bundled scenario, some of its events and initial facts to remove, and a shift in days for one event."""
    scenario = draw(st.sampled_from(SCENARIOS))
    ids = [e.id for e in scenario.events]
    events = draw(st.frozensets(st.sampled_from(ids), max_size=len(ids)) if ids else st.just(frozenset()))
    count = len(scenario.context.facts)
    facts = draw(st.frozensets(st.integers(0, count - 1), max_size=count) if count else st.just(frozenset()))
    return scenario, events, facts, draw(st.integers(-40, 0))


@given(removals())
def test_removing_evidence_by_overlay_equals_a_scenario_without_it(case: tuple[LoadedScenario, frozenset[str], frozenset[int], int]) -> None:
    """An overlay that removes events and facts gives the findings of the scenario written without them."""
    scenario, gone, dropped, _ = case
    rules, changed = apply_overlay(RULES, scenario, Overlay(remove_events=gone, remove_facts=dropped))
    by_hand = dataclasses.replace(
        scenario,
        events=tuple(e for e in scenario.events if e.id not in gone),
        context=dataclasses.replace(scenario.context, facts=tuple(f for i, f in enumerate(scenario.context.facts) if i not in dropped)))
    assert _judge(rules, changed) == _judge(RULES, by_hand)


@given(removals())
def test_moving_an_event_by_overlay_equals_the_scenario_with_it_moved(case: tuple[LoadedScenario, frozenset[str], frozenset[int], int]) -> None:
    """Replacing an event by the same event on another day equals writing that day in the scenario."""
    scenario, _, _, shift = case
    if not scenario.events:
        return
    moved = scenario.events[-1]._replace(day=scenario.events[-1].day + shift)
    rules, changed = apply_overlay(RULES, scenario, Overlay(add_events=(moved,), remove_events=frozenset({moved.id})))
    events = sorted([e for e in scenario.events if e.id != moved.id] + [moved], key=lambda e: e.day)
    by_hand = dataclasses.replace(scenario, events=tuple(events))
    assert _judge(rules, changed) == _judge(RULES, by_hand)


@given(removals())
def test_overlays_never_change_the_baseline(case: tuple[LoadedScenario, frozenset[str], frozenset[int], int]) -> None:
    """Whatever an overlay removes, the baseline scenario's events, context and findings stay as they were."""
    scenario, gone, dropped, _ = case
    before = (scenario.events, scenario.context, scenario.model, _judge(RULES, scenario))
    apply_overlay(RULES, scenario, Overlay(remove_events=gone, remove_facts=dropped))
    assert (scenario.events, scenario.context, scenario.model, _judge(RULES, scenario)) == before


def test_every_bundled_scenario_loads() -> None:
    """The strategy draws from every bundled scenario (a guard against an empty sample)."""
    assert len(SCENARIOS) == len(list(Path(ROOT / "scenarios").glob("*.yaml"))) >= 20


@given(removals())
def test_a_diff_accounts_for_every_finding_on_both_sides(case: tuple[LoadedScenario, frozenset[str], frozenset[int], int]) -> None:
    """Each baseline finding is unchanged, changed or removed; each variant finding unchanged, changed or added; and
    swapping the sides swaps added and removed."""
    from servanda.workbench import diff_findings

    scenario, gone, dropped, _ = case
    rules, changed = apply_overlay(RULES, scenario, Overlay(remove_events=gone, remove_facts=dropped))
    before, after = tuple(_judge(RULES, scenario)), tuple(_judge(rules, changed))
    forward = diff_findings("s", "v", "", (), before, after)
    backward = diff_findings("s", "v", "", (), after, before)
    assert forward.unchanged + forward.count("changed") + forward.count("removed") == len(before)
    assert forward.unchanged + forward.count("changed") + forward.count("added") == len(after)
    assert (forward.count("added"), forward.count("removed"), forward.count("changed"), forward.unchanged) == (
        backward.count("removed"), backward.count("added"), backward.count("changed"), backward.unchanged)
