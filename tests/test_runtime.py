"""Example tests of the runtime's semantics: windows, order, absence, duration, exceptions, in-force."""

from __future__ import annotations

from pathlib import Path

import pytest

from servanda.engine import _runtime as runtime_module
from support import HOSTILE_BLOC, TREATY_HEAD, brief, make_rules, run

SEQUENCE = """\
- id: grant-then-strike
  grade: violation
  summary: A guest granted basing strikes the other party from the host's territory.
  match:
    grant: {kind: grant_basing, where: {actor: $bound}}
    strike: {kind: armed_attack, after: grant, within_days: 30, where: {actor: $grant.guest, target: $protected, launched_from: $bound}}
  explanation: "{grant.guest} struck {protected_name} from {bound_name} on {strike.date}."
"""

ATTACK_ONLY = """\
- id: any-strike
  grade: potential_violation
  summary: Any strike on the other party.
  match:
    strike: {kind: armed_attack, where: {target: $protected, launched_from: $bound}}
  explanation: "{strike.actor} struck {protected} from {bound}."
"""

HEAD = "scenario: t\ntitle: t\nas_of: 2026-12-31\nevents:\n"


def events(*lines: str) -> str:
    return HEAD + "".join(f"  - {line}\n" for line in lines)


GRANT = "{id: g, date: 2026-01-01, kind: grant_basing, actor: KAZ, guest: USA}"


def test_sequence_fires_within_window(tmp_path: Path) -> None:
    """A strike 30 days after the grant completes the sequence, dated on the strike."""
    rules = make_rules(tmp_path, SEQUENCE)
    found = run(tmp_path, rules, events(GRANT, "{id: a, date: 2026-01-31, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}"))
    assert brief(found) == [("grant-then-strike", "KAZ", "2026-01-31", "violation")]
    assert found[0].events == ("g", "a")
    assert found[0].explanation == "USA struck KGZ from KAZ on 2026-01-31."


def test_sequence_expires_after_window(tmp_path: Path) -> None:
    """A strike one day past the window matches nothing: waiting events expire."""
    rules = make_rules(tmp_path, SEQUENCE)
    found = run(tmp_path, rules, events(GRANT, "{id: a, date: 2026-02-01, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}"))
    assert found == []


def test_earlier_is_explicit(tmp_path: Path) -> None:
    """A strike before the grant does not complete the sequence when the grant arrives."""
    rules = make_rules(tmp_path, SEQUENCE)
    found = run(tmp_path, rules, events("{id: a, date: 2025-12-31, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}",
                                         GRANT))
    assert found == []


def test_one_grant_joins_two_strikes(tmp_path: Path) -> None:
    """Events are not consumed: one grant completes two later strikes."""
    rules = make_rules(tmp_path, SEQUENCE)
    found = run(tmp_path, rules, events(GRANT,
                                         "{id: a1, date: 2026-01-05, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}",
                                         "{id: a2, date: 2026-01-06, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}"))
    assert [f.events for f in found] == [("g", "a1"), ("g", "a2")]


def test_two_rules_share_one_event(tmp_path: Path) -> None:
    """One strike completes two different rules: both findings are produced."""
    rules = make_rules(tmp_path, SEQUENCE + ATTACK_ONLY)
    found = run(tmp_path, rules, events(GRANT, "{id: a, date: 2026-01-05, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}"))
    assert sorted(f.rule for f in found) == ["any-strike", "grant-then-strike"]


def test_wrong_guest_does_not_match(tmp_path: Path) -> None:
    """The equality join holds: a strike by a state that was not granted basing does not complete the sequence."""
    rules = make_rules(tmp_path, SEQUENCE)
    found = run(tmp_path, rules, events(GRANT, "{id: a, date: 2026-01-05, kind: armed_attack, actor: CHN, target: KGZ, launched_from: KAZ}"))
    assert found == []


ABSENCE = """\
- id: consult
  grade: potential_violation
  summary: No consultations within 7 days of a threat against the other party.
  match:
    threat: {kind: threat_of_armed_attack, where: {target: $protected, actor: {not: $bound}}}
  absence:
    days: 7
    unless:
      - {kind: consultations, where: {actor: $bound, partner: $protected}}
      - {kind: consultations, where: {actor: $protected, partner: $bound}}
  explanation: "No consultations with {protected} by {deadline} ({days} days)."
"""

THREAT = "{id: t, date: 2026-03-01, kind: threat_of_armed_attack, actor: CHN, target: KGZ}"


def test_absence_fires_day_after_deadline(tmp_path: Path) -> None:
    """With no consultations, the finding is dated on day days+1 after the threat."""
    rules = make_rules(tmp_path, ABSENCE)
    found = run(tmp_path, rules, events(THREAT))
    assert brief(found) == [("consult", "KAZ", "2026-03-09", "potential_violation")]
    assert "by 2026-03-08" in found[0].explanation


def test_consultations_on_the_last_day_clear(tmp_path: Path) -> None:
    """Consultations on the deadline day, in either direction, clear the rule."""
    rules = make_rules(tmp_path, ABSENCE)
    found = run(tmp_path, rules, events(THREAT, "{id: c, date: 2026-03-08, kind: consultations, actor: KGZ, partner: KAZ}"))
    assert found == []


def test_consultations_too_late(tmp_path: Path) -> None:
    """Consultations one day after the deadline do not clear the rule."""
    rules = make_rules(tmp_path, ABSENCE)
    found = run(tmp_path, rules, events(THREAT, "{id: c, date: 2026-03-09, kind: consultations, actor: KAZ, partner: KGZ}"))
    assert [f.date for f in found] == ["2026-03-09"]


def test_consultations_before_the_threat_do_not_count(tmp_path: Path) -> None:
    """Consultations held before the threat do not answer it."""
    rules = make_rules(tmp_path, ABSENCE)
    found = run(tmp_path, rules, events("{id: c, date: 2026-02-28, kind: consultations, actor: KAZ, partner: KGZ}", THREAT))
    assert len(found) == 1


def test_deadline_after_as_of_is_not_judged(tmp_path: Path) -> None:
    """A deadline that falls after as_of produces nothing yet."""
    rules = make_rules(tmp_path, ABSENCE)
    found = run(tmp_path, rules, events("{id: t, date: 2026-12-28, kind: threat_of_armed_attack, actor: CHN, target: KGZ}"))
    assert found == []


DURATION = """\
- id: closed
  grade: potential_violation
  summary: A border restriction lasting more than 3 days.
  duration: {relation: border_restriction, where: {by: $bound, against: $protected}, more_than_days: 3}
  exceptions:
    - {id: slow, where: {severity: slowdown}, grade: indicator, note: only a slow-down}
  explanation: "{bound} restricted the border from {fact.since} for more than {days} days."
"""


@pytest.mark.parametrize(("reopen", "expected"), [("2026-05-04", []), ("2026-05-05", ["2026-05-05"])])
def test_duration_threshold(tmp_path: Path, reopen: str, expected: list[str]) -> None:
    """Closed for exactly 3 days is fine; closed for 4 days is a finding dated on the fourth day."""
    rules = make_rules(tmp_path, DURATION)
    found = run(tmp_path, rules, events(
        "{id: c, date: 2026-05-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: closure}",
        f"{{id: r, date: {reopen}, kind: lift_border_restriction, actor: KAZ, against: KGZ, severity: closure}}"))
    assert [f.date for f in found] == expected


def test_exception_changes_grade(tmp_path: Path) -> None:
    """A slow-down matches the exception and is graded as an indicator, with the exception's note."""
    rules = make_rules(tmp_path, DURATION)
    found = run(tmp_path, rules, events("{id: c, date: 2026-05-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: slowdown}"))
    assert brief(found) == [("closed", "KAZ", "2026-05-05", "indicator")]
    assert found[0].exception == "only a slow-down"


BLOC = HOSTILE_BLOC

WORLD = "world:\n  facts:\n    - {relation: bloc_directed_against, fields: {bloc: b, against: KAZ}}\n"


def bloc_scenario(date: str, extra: str = "") -> str:
    return (f"scenario: t\ntitle: t\nas_of: 2026-12-31\n{extra}{WORLD}"
            f"events:\n  - {{id: j, date: {date}, kind: join_bloc, actor: KGZ, bloc: b}}\n")


@pytest.mark.parametrize(("date", "count"), [("2024-12-31", 0), ("2025-01-01", 1)])
def test_entry_into_force_boundary(tmp_path: Path, date: str, count: int) -> None:
    """An event on the entry-into-force date applies; one a day earlier does not."""
    rules = make_rules(tmp_path, BLOC)
    assert len(run(tmp_path, rules, bloc_scenario(date))) == count


def test_unknown_entry_into_force_needs_an_assumption(tmp_path: Path) -> None:
    """A treaty whose entry into force is unknown applies only under an assumption, which the finding cites."""
    rules = make_rules(tmp_path, BLOC, in_force="{unknown: true, note: not established}")
    assert run(tmp_path, rules, bloc_scenario("2026-02-01")) == []
    assume = "assume:\n  - {treaty: t, in_force: 2026-01-01, note: analyst's assumption}\n"
    found = run(tmp_path, rules, bloc_scenario("2026-02-01", assume))
    assert len(found) == 1
    assert found[0].assumptions == ("assumes t in force from 2026-01-01: analyst's assumption",)


def test_bloc_orientation_added_the_same_day_is_not_yet_known(tmp_path: Path) -> None:
    """Events are matched against the world as it stood at the start of their day."""
    rules = make_rules(tmp_path, BLOC)
    found = run(tmp_path, rules, events("{id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: b}",
                                         "{id: d, date: 2026-02-01, kind: declare_bloc_orientation, bloc: b, against: KAZ}",
                                         "{id: j2, date: 2026-02-02, kind: join_bloc, actor: KGZ, bloc: b}"))
    assert [f.events for f in found] == [("j2",)]


def test_session_rotation_keeps_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilding the backend session (to release retracted memory) changes no finding."""
    rules = make_rules(tmp_path, SEQUENCE + ABSENCE)
    lines = [GRANT] + [f"{{id: a{i}, date: 2026-01-{i + 2:02d}, kind: armed_attack, actor: USA, target: KGZ, launched_from: KAZ}}" for i in range(20)]
    lines.append(THREAT)
    text = events(*lines)
    baseline = run(tmp_path, rules, text)
    monkeypatch.setattr(runtime_module, "ROTATE_AFTER", 2)
    assert [f.to_json() for f in run(tmp_path, rules, text)] == [f.to_json() for f in baseline]
    assert len(baseline) == 21


def test_treaty_end_stops_findings_after_earlier_matches(tmp_path: Path) -> None:
    """After the last day in force nothing fires, even for a pair that already produced findings."""
    head = TREATY_HEAD.format(id="t", in_force="2025-01-01").replace("sources:", "ends: 2026-03-01\nsources:")
    rules = make_rules(tmp_path, BLOC, head=head)
    scenario = ("scenario: t\ntitle: t\nas_of: 2026-12-31\n" + WORLD + "events:\n"
                "  - {id: j1, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: b}\n"
                "  - {id: j2, date: 2026-03-01, kind: join_bloc, actor: KGZ, bloc: b}\n"
                "  - {id: j3, date: 2026-03-02, kind: join_bloc, actor: KGZ, bloc: b}\n")
    assert [f.events for f in run(tmp_path, rules, scenario)] == [("j1",), ("j2",)]


def test_facts_in_a_delivered_match_stay_in_the_engine(tmp_path: Path) -> None:
    """The backend never retracts a fact that took part in a match (the engine corrupts its heap if it does)."""
    rules = make_rules(tmp_path, BLOC)
    session = rules.backend.session()
    try:
        session.assert_fact({"id": "p", "t": "p", "tr": "t", "b": "KGZ", "p": "KAZ"})
        session.assert_fact({"id": "f", "t": "f", "k": "bloc_directed_against", "i": "f", "f_bloc": "b", "f_against": "KAZ"})
        matches = session.assert_fact({"id": "e", "t": "e", "k": "join_bloc", "i": "e", "d": 1, "f_actor": "KGZ", "f_bloc": "b"})
        assert [(m.rule.index, m.part, m.uid("join")) for m in matches] == [(0, "match", "e")]
        assert session.retract_fact({"id": "e", "t": "e", "k": "join_bloc", "i": "e", "d": 1, "f_actor": "KGZ", "f_bloc": "b"}) is False
        other = {"id": "x", "t": "e", "k": "join_bloc", "i": "x", "d": 1, "f_actor": "USA", "f_bloc": "c"}
        assert session.assert_fact(dict(other)) == []
        assert session.retract_fact(other) is True
    finally:
        session.close()
