"""Which codes are states: the checked-in ISO 3166 table, the user-assigned ranges, and codes a rules folder or scenario lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from make_state_table import TABLE, table_text
from servanda import DiagnosticError, load_rules, load_scenario
from servanda.language import STANDARD_STATES, known_states
from servanda.language._states import ISO_CURRENT, ISO_FORMER, USER_ASSIGNED, unknown_state

BROKEN = Path(__file__).resolve().parent / "broken"


def test_the_table_is_what_pycountry_gives() -> None:
    """The checked-in table is exactly what tests/make_state_table.py writes from the installed pycountry."""
    pytest.importorskip("pycountry", reason="pycountry is in the test extra")
    assert TABLE.read_text(encoding="utf-8") == table_text(), "run: python tests/make_state_table.py"


def test_the_table_holds_every_current_code_and_the_former_ones() -> None:
    """All 249 ISO 3166-1 alpha-3 codes are current, and the ISO 3166-3 codes of dissolved states are former."""
    assert len(ISO_CURRENT) == 249
    assert {"KAZ", "KGZ", "RUS", "USA", "ATA", "PRI", "HKG"} <= ISO_CURRENT
    assert {"SUN", "YUG", "CSK", "DDR", "SCG", "ZAR"} <= ISO_FORMER
    assert not ISO_FORMER & ISO_CURRENT


@pytest.mark.parametrize(("code", "known"), [
    ("AAA", True), ("AAZ", True), ("ABA", False),
    ("QLZ", False), ("QMA", True), ("QZZ", True),
    ("XAA", True), ("XKX", True), ("XZZ", True),
    ("ZYZ", False), ("ZZA", True), ("ZZZ", True),
])
def test_the_user_assigned_ranges_are_exact(code: str, known: bool) -> None:
    """AAA–AAZ, QMA–QZZ, XAA–XZZ and ZZA–ZZZ are states, and the codes just outside them are not."""
    assert (code in USER_ASSIGNED) is known
    assert (code in STANDARD_STATES) is known


def test_listed_codes_join_the_standard_ones() -> None:
    """A code listed by a treaty or a world is known beside the standard codes; nothing else is added."""
    codes = known_states(["KKK"], {"QQQ": "a name"})
    assert {"KKK", "QQQ", "KAZ", "SUN", "XKX"} <= codes
    assert codes - STANDARD_STATES == {"KKK"}
    assert "KKJ" not in codes


@pytest.mark.parametrize(("code", "hint"), [
    ("KAX", "did you mean 'KAZ'?"),
    ("USS", "did you mean 'USA'?"),
    ("KZG", "did you mean 'KGZ'?"),
    ("KKJ", "did you mean 'KKK'?"),
    ("JJJ", "world.states"),
])
def test_an_unknown_code_gets_a_near_code_or_the_rule(code: str, hint: str) -> None:
    """The hint names a code one letter off or with its letters swapped (declared codes first), else says what a state is."""
    message, found = unknown_state(code, known_states(["KKK"]))
    assert message == f"unknown state code '{code}'"
    assert hint in found


def test_codes_listed_by_treaties_and_worlds_are_accepted(tmp_path: Path) -> None:
    """A treaty's party and a scenario's world.states may name codes outside ISO; rules, facts and events may then use them."""
    rules = tmp_path / "rules"
    (rules / "pact").mkdir(parents=True)
    (rules / "vocabulary.yaml").write_text((BROKEN / "good-rules" / "vocabulary.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    treaty = (BROKEN / "good-rules" / "pact" / "treaty.yaml").read_text(encoding="utf-8")
    treaty = treaty.replace("parties: [KAZ, KGZ]", "parties: [KAZ, KKK]").replace("where: {actor: $bound}}", "where: {actor: KKK}}")
    (rules / "pact" / "treaty.yaml").write_text(treaty, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "scenario: s\ntitle: Listed codes\nas_of: 2026-12-31\n"
        "world:\n  states: {JJJ: Jay}\n  facts:\n    - {relation: bloc_directed_against, fields: {bloc: b, against: JJJ}}\n"
        "events:\n  - {id: e1, date: 2026-02-01, kind: join_bloc, actor: KKK, bloc: b}\n"
        "  - {id: e2, date: 2026-02-02, kind: consultations, actor: JJJ, partner: KAZ}\n", encoding="utf-8")
    ruleset = load_rules(rules)
    loaded = load_scenario(scenario, ruleset)
    assert "KKK" in ruleset.states and "JJJ" not in ruleset.states
    assert {"KKK", "JJJ", "KAZ"} <= loaded.states
    assert [e.fields["actor"] for e in loaded.events] == ["KKK", "JJJ"]


def test_a_code_listed_by_another_scenario_is_still_unknown(tmp_path: Path) -> None:
    """Codes a scenario lists are its own: the good rules do not know JJJ, so an event naming it is refused with SV206."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("scenario: s\ntitle: t\nas_of: 2026-12-31\n"
                        "events:\n  - {id: e1, date: 2026-02-01, kind: join_bloc, actor: JJJ, bloc: b}\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load_scenario(scenario, load_rules(BROKEN / "good-rules"))
    assert [(d.line, d.col, d.code) for d in caught.value.diagnostics] == [(5, 49, "SV206")]
