"""Counterfactuals: minimal evidence removals and timely additions, each confirmed by re-evaluation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from servanda import evaluate, load_scenario
from servanda.workbench import Counterfactual, Evidence, cleared, counterfactuals, evidence_of, minimal_removals
from servanda.language import Event
from servanda.engine import RuleSet
from servanda.language import Overlay
from support import ROOT, make_rules

SCENARIOS = ROOT / "scenarios"


def _one(rules: RuleSet, name: str, treaty: str, party: str = ""):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml", rules)
    finding = next(f for f in evaluate(rules, scenario).findings if f.treaty == treaty and (not party or f.party == party))
    return scenario, finding


def test_removing_the_event_or_the_world_fact_each_clears_a_hostile_bloc_finding(real_rules: RuleSet) -> None:
    """Both the accession and the bloc's orientation are needed: each alone is a minimal removal."""
    scenario, finding = _one(real_rules, "seed-kg-joins-hostile-bloc", "kz-kg-2024")
    assert evidence_of(scenario, finding) == (Evidence("event", "e1"), Evidence("fact", "world fact 1", 0))
    assert minimal_removals(real_rules, scenario, finding) == [(Evidence("event", "e1"),), (Evidence("fact", "world fact 1", 0),)]


def test_timely_consultations_are_offered_for_a_missed_deadline(real_rules: RuleSet) -> None:
    """For an absence finding, consultations on the last day in time clear it, in either direction."""
    scenario, finding = _one(real_rules, "threat-consultations-too-late", "kz-kg-2024")
    added = [c.added for c in counterfactuals(real_rules, scenario, finding) if c.kind == "add"]
    assert [(e.kind, dict(e.fields), e.date.isoformat()) for e in added if e] == [
        ("consultations", {"actor": "KAZ", "partner": "KGZ"}, "2026-05-11"),
        ("consultations", {"actor": "KGZ", "partner": "KAZ"}, "2026-05-11"),
    ]
    late = [c for c in counterfactuals(real_rules, scenario, finding) if c.kind == "add"][0]
    assert late.describe() == "adding consultations(actor=KAZ, partner=KGZ) on 2026-05-11 would have cleared it"


def test_a_day_later_is_not_in_time(real_rules: RuleSet) -> None:
    """The same consultations on the finding's own day do not clear it: the search is exact, not guessed."""
    scenario, finding = _one(real_rules, "threat-consultations-too-late", "kz-kg-2024")
    good = next(c.added for c in counterfactuals(real_rules, scenario, finding) if c.added is not None)
    late = good._replace(day=good.day + 1)
    assert cleared(real_rules, scenario, finding, Overlay(add_events=(good,)))
    assert not cleared(real_rules, scenario, finding, Overlay(add_events=(late,)))


def test_lifting_a_border_closure_in_time_clears_the_duration_finding(real_rules: RuleSet) -> None:
    """For a duration finding, the event ending the fact the day before the finding clears it."""
    scenario, finding = _one(real_rules, "border-closure-2026-hypothetical", "eaeu-2014")
    found = counterfactuals(real_rules, scenario, finding)
    assert [c.describe() for c in found] == [
        "without event close, the finding would not arise",
        "adding lift_border_restriction(actor=KGZ, against=KAZ, severity=closure) on 2026-03-13 would have cleared it",
    ]


def test_a_breach_other_evidence_also_proves_has_no_removal(tmp_path: Path) -> None:
    """When another event breaches the same rule the same day, removing this finding's evidence does not clear it."""
    rules = make_rules(tmp_path, """\
- id: any-bloc
  grade: violation
  summary: Joining a bloc.
  match:
    join: {kind: join_bloc, where: {actor: $bound}}
  explanation: "{bound_name} joined {join.bloc}."
""")
    path = tmp_path / "s.yaml"
    path.write_text("""\
scenario: s
title: two joins the same day
as_of: 2026-12-31
events:
  - {id: a, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: east}
  - {id: b, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: west}
""", encoding="utf-8")
    scenario = load_scenario(path, rules)
    finding = next(f for f in evaluate(rules, scenario).findings if f.events == ("a",))
    assert minimal_removals(rules, scenario, finding) == []  # b alone still gives a finding that day
    assert counterfactuals(rules, scenario, finding) == ()


def test_added_event_is_described_as_yaml_writes_it() -> None:
    """A boolean field of an added event reads true/false, as in the scenario file and the evidence labels."""
    event = Event("would-answer-1", dt.date(2026, 5, 11).toordinal(), "import_ban", {"actor": "KAZ", "notified": True})
    assert Counterfactual("add", added=event).describe() == \
        "adding import_ban(actor=KAZ, notified=true) on 2026-05-11 would have cleared it"


def test_a_search_cut_short_says_so(real_rules: RuleSet, monkeypatch) -> None:
    """When a finding has more evidence than the removal search takes, the explanation says what was left out."""
    import servanda.workbench._counterfactual as cf
    from servanda import explain_finding
    from servanda.reports import explanation_text

    scenario, finding = _one(real_rules, "seed-kg-joins-hostile-bloc", "kz-kg-2024")
    assert cf.search_note(scenario, finding) == ""
    monkeypatch.setattr(cf, "MAX_EVIDENCE", 1)
    assert minimal_removals(real_rules, scenario, finding) == [(Evidence("event", "e1"),)]
    note = "removals were searched among the first 1 of the finding's 2 pieces of evidence"
    assert cf.search_note(scenario, finding).startswith(note)
    explanation = explain_finding(real_rules, scenario, finding.id)
    assert explanation.counterfactual_note.startswith(note)
    assert "note: " + note in " ".join(str(explanation_text(explanation)).split())
