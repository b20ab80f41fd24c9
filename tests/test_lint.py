"""`servanda lint` warnings: each check on an inline rules folder, located at the exact line, and the CLI's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from servanda import Diagnostic, RuleSet, load_rules
from servanda.cli import main
from servanda.workbench import lint
from support import HOSTILE_BLOC, TREATY_HEAD, make_rules

# make_rules puts the first rule on line 14 of the treaty (the head is 13 lines).
HEAD = TREATY_HEAD.format(id="t", in_force="2025-01-01")
VERBATIM_HEAD = HEAD.replace("provenance: summary}]", "provenance: verified_text}]").replace(
    "provenance: summary, source: s", "provenance: verified_text, source: s")

SMALL_VOCABULARY = """\
vocabulary: 1
relations:
  bloc_membership:
    description: A state belongs to a bloc.
    fields: {state: {type: state}, bloc: {type: id}}
kinds:
  join_bloc:
    description: A state joins a bloc.
    fields: {actor: {type: state}, bloc: {type: id}}
  leave_bloc:
    description: A state leaves a bloc.
    fields: {actor: {type: state}, bloc: {type: id}}
    effects:
      - {remove: bloc_membership, set: {state: actor, bloc: bloc}}
"""
UNUSED_KIND = """\
  statement:
    description: A statement.
    fields: {actor: {type: state}}
"""
JOIN_PARTNERS_BLOC = """\
- id: join-partners-bloc
  grade: indicator
  summary: A party joins a bloc the other party belongs to.
  match:
    join: {kind: join_bloc, where: {actor: $bound}}
  facts:
    member: {relation: bloc_membership, where: {state: $protected, bloc: $join.bloc}}
  explanation: "{bound_name} joined {join.bloc}."
"""


def _warnings(rules: RuleSet, code: str) -> list[tuple[str, int]]:
    """(file name, line) of each warning with ``code``."""
    return [(Path(d.path).name, d.line) for d in lint(rules) if d.code == code]


def _small(tmp_path: Path, vocabulary: str, rules_yaml: str) -> RuleSet:
    """A rules folder with a small vocabulary of our own and one treaty quoting its clause verbatim."""
    make_rules(tmp_path, rules_yaml, head=VERBATIM_HEAD)
    (tmp_path / "rules" / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    return load_rules(tmp_path / "rules")


def _rule(name: str, body: str) -> str:
    return f"- id: {name}\n  grade: violation\n  summary: A test rule.\n{body}  explanation: \"x\"\n"


@pytest.mark.parametrize(("body", "line", "words"), [
    ("  match:\n    close: {kind: restrict_border, where: {actor: $bound, severity: {not_in: [closure, slowdown]}}}\n",
     18, "close.severity not in [closure, slowdown], but no value is left (close.severity takes only closure, slowdown)"),
    ("  match:\n    close: {kind: restrict_border, where: {actor: $bound}}\n"
     "    strike: {kind: armed_attack, after: close, within_days: 9, where: {target: $protected, infrastructure: $close.severity}}\n",
     19, "strike.infrastructure = close.severity, but no value is left"),
    ("  match:\n    close: {kind: restrict_border, where: {actor: $bound, against: {exists: false}}}\n",
     18, "close.against absent, but close.against is a required field"),
    ("  match:\n    attack: {kind: armed_attack, where: {actor: $bound, launched_from: {exists: false}}}\n"
     "    act: {kind: hostile_act, after: attack, within_days: 9, where: {target: $protected, launched_from: $attack.launched_from}}\n",
     19, "attack.launched_from is compared with another field, so it must be present"),
    ("  match:\n    ban: {kind: import_ban, where: {actor: $bound, notified: {not_in: [true, false]}}}\n",
     18, "ban.notified not in [true, false], but no value is left (ban.notified takes only false, true)"),
], ids=["not-in-every-accepted-value", "joined-closed-sets-disjoint", "absent-required-field", "absent-joined-field",
        "not-in-both-booleans"])
def test_a_rule_that_can_never_fire_is_located_at_its_condition(tmp_path: Path, body: str, line: int, words: str) -> None:
    """Conditions no match can meet give SV301 on the line of the condition that closes the contradiction."""
    rules = make_rules(tmp_path, _rule("never", body))
    found = [d for d in lint(rules) if d.code == "SV301"]
    assert [(d.line, d.message.startswith("rule 'never' can never fire")) for d in found] == [(line, True)]
    assert words in found[0].message


def test_an_unless_that_can_never_happen_is_reported(tmp_path: Path) -> None:
    """An 'unless' event no event can match never clears its absence rule: SV301 on that 'unless'."""
    body = ("  match:\n    close: {kind: restrict_border, where: {actor: $bound, against: $protected}}\n"
            "  absence:\n    days: 7\n    unless:\n"
            "      - {kind: lift_border_restriction, where: {actor: $bound, severity: {not_in: [closure, slowdown]}}}\n")
    found = [d for d in lint(make_rules(tmp_path, _rule("no-lift", body))) if d.code == "SV301"]
    assert [(d.line, d.message.split(":")[0]) for d in found] == [(22, "'unless' event 0 of rule 'no-lift' can never happen")]


def test_an_unused_event_kind_is_located_in_the_vocabulary(tmp_path: Path) -> None:
    """A kind no rule waits for and whose effects touch no relation a rule reads gives SV302 at its entry."""
    rules = _small(tmp_path, SMALL_VOCABULARY + UNUSED_KIND, JOIN_PARTNERS_BLOC)
    assert _warnings(rules, "SV302") == [("vocabulary.yaml", 15)]


def test_a_clause_without_verbatim_text_is_reported(tmp_path: Path) -> None:
    """A clause whose only text is a summary gives SV303 on its 'text' line."""
    assert _warnings(make_rules(tmp_path, HOSTILE_BLOC), "SV303") == [("treaty.yaml", 12)]


def test_a_clause_without_rules_is_reported_with_its_note(tmp_path: Path) -> None:
    """A clause with no rules gives SV304 saying nothing is checked, with the clause's note as the reason."""
    head = VERBATIM_HEAD.replace("    rules:\n", "    note: Only a preamble is held.\n    rules: []\n")
    found = [d for d in lint(make_rules(tmp_path, "", head=head)) if d.code == "SV304"]
    assert [(d.line, d.message, d.hint) for d in found] == [
        (14, "clause 'c' has no rules; nothing is checked", "clause note: Only a preamble is held.")]


def test_a_text_claiming_more_than_its_source_is_reported(tmp_path: Path) -> None:
    """A text marked verified_text whose source is a summary gives SV305 on its line."""
    head = HEAD.replace("provenance: summary, source: s", "provenance: verified_text, source: s")
    assert _warnings(make_rules(tmp_path, HOSTILE_BLOC, head=head), "SV305") == [("treaty.yaml", 12)]


BAN = "  match:\n    ban: {kind: import_ban, where: {actor: $bound, against: $protected, ground: none_declared}}\n"


@pytest.mark.parametrize(("where", "shadows"), [
    ("{}", True), ("{ground: none_declared}", True), ("{ground: {not: health}}", True),
    ("{notified: {in: [true, false]}}", True), ("{ground: health}", False), ("{notified: true}", False),
])
def test_an_exception_that_clears_every_finding_is_reported(tmp_path: Path, where: str, shadows: bool) -> None:
    """A clearing exception whose conditions every match meets gives SV306 on the exception; a narrower one does not."""
    body = BAN + f"  exceptions:\n    - {{id: always, where: {where}, grade: cleared, note: n}}\n"
    assert _warnings(make_rules(tmp_path, _rule("ban", body)), "SV306") == ([("treaty.yaml", 20)] if shadows else [])


def _exceptions(*specs: tuple[str, str, str]) -> str:
    """An 'exceptions' list of (id, where, grade), in order."""
    return "  exceptions:\n" + "".join(f"    - {{id: {i}, where: {w}, grade: {g}, note: n}}\n" for i, w, g in specs)


SOFT = ("soft", "{ground: health}", "potential_violation")
ALWAYS = ("always", "{}", "cleared")


@pytest.mark.parametrize(("exceptions", "shadows"), [
    ([SOFT, ALWAYS], False), ([("first", "{notified: true}", "cleared"), ALWAYS], True),
], ids=["behind-a-grade-exception", "behind-a-clearing-exception"])
def test_an_exception_that_clears_every_finding_is_judged_in_order(tmp_path: Path, exceptions: list[tuple[str, str, str]],
                                                                   shadows: bool) -> None:
    """The first exception that holds decides: one that always holds clears every finding unless an earlier one changes the grade."""
    rules = make_rules(tmp_path, _rule("ban", BAN + _exceptions(*exceptions)))
    assert _warnings(rules, "SV306") == ([("treaty.yaml", 21)] if shadows else [])


def test_rules_whose_exceptions_apply_in_another_order_are_not_twins(tmp_path: Path) -> None:
    """A grade exception before a clearing one keeps findings the other rule clears; one after every clearing one changes nothing."""
    cleared = ("notified", "{notified: true}", "cleared")
    rules = make_rules(tmp_path, _rule("plain", BAN + _exceptions(cleared)) + _rule("graded", BAN + _exceptions(SOFT, cleared))
                       + _rule("trailing", BAN + _exceptions(cleared, SOFT)))
    found = [d for d in lint(rules) if d.code == "SV307"]
    assert [d.message.split(":")[0] for d in found] == ["rule 'trailing' always fires together with rule 'plain' (line 14)"]


def test_two_rules_that_always_fire_together_are_reported(tmp_path: Path) -> None:
    """A rule equal to an earlier one of its clause up to alias names gives SV307 on the later rule, naming the first."""
    twin = _rule("same-again", "  match:\n    j: {kind: join_bloc, where: {actor: $bound}}\n"
                 "  facts:\n    m: {relation: bloc_membership, where: {bloc: $j.bloc, state: $protected}}\n")
    found = [d for d in lint(make_rules(tmp_path, JOIN_PARTNERS_BLOC + twin)) if d.code == "SV307"]
    assert [(d.line, d.message.split(":")[0]) for d in found] == [
        (22, "rule 'same-again' always fires together with rule 'join-partners-bloc' (line 14)")]


def test_rules_differing_in_a_window_are_not_twins(tmp_path: Path) -> None:
    """Two sequences that differ only in 'within_days' do not always fire together."""
    body = ("  match:\n    grant: {kind: grant_basing, where: {actor: $bound}}\n"
            "    strike: {kind: armed_attack, after: grant, within_days: {days}, where: {target: $protected}}\n")
    rules = make_rules(tmp_path, _rule("a", body.replace("{days}", "30")) + _rule("b", body.replace("{days}", "60")))
    assert _warnings(rules, "SV307") == []


def test_a_clean_folder_has_no_warnings(tmp_path: Path) -> None:
    """Verbatim text, rules in every clause and every kind used: lint finds nothing."""
    assert lint(_small(tmp_path, SMALL_VOCABULARY, JOIN_PARTNERS_BLOC)) == []


def test_the_shipped_rules_warn_only_about_what_is_known_to_be_missing(real_rules: RuleSet) -> None:
    """The shipped rules have no impossible rule, shadowing exception, twin or over-claimed text; the 2003 treaty's gaps stay."""
    found = lint(real_rules)
    assert {d.code for d in found} == {"SV302", "SV303", "SV304"}
    assert {(Path(d.path).parent.name, d.code) for d in found if "clause 'defence-support'" in d.message} == {
        ("kz-kg-2003-allied-relations", "SV303"), ("kz-kg-2003-allied-relations", "SV304")}


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", *map(str, args)])
    return result.exit_code, result.stdout


def test_cli_exit_codes(tmp_path: Path) -> None:
    """`lint` exits 0 on a clean folder, 1 with warnings, and 0 again when --no-warn silences them."""
    _small(tmp_path / "clean", SMALL_VOCABULARY, JOIN_PARTNERS_BLOC)
    _small(tmp_path / "warned", SMALL_VOCABULARY + UNUSED_KIND, JOIN_PARTNERS_BLOC)
    code, out = _run(tmp_path / "clean" / "rules")
    assert (code, out.strip().endswith("1 treaty, 1 rule, no problems.")) == (0, True)
    code, out = _run(tmp_path / "warned" / "rules")
    assert code == 1 and ": SV302: event kind 'statement'" in out and "1 warning (SV302 ×1)" in out
    assert _run(tmp_path / "warned" / "rules", "--no-warn", "SV302")[0] == 0


def test_cli_json_lists_the_warnings(tmp_path: Path) -> None:
    """`lint --format json` prints the warnings as located diagnostics in one object on stdout."""
    _small(tmp_path, SMALL_VOCABULARY + UNUSED_KIND, JOIN_PARTNERS_BLOC)
    code, out = _run(tmp_path / "rules", "--format", "json")
    payload = json.loads(out)
    assert code == 1 and payload["rules"] == 1
    assert [(w["code"], w["line"]) for w in payload["warnings"]] == [("SV302", 15)]


def test_warnings_are_diagnostics_sorted_by_location(real_rules: RuleSet) -> None:
    """Lint returns Diagnostic records in file, line and column order."""
    found = lint(real_rules)
    assert all(isinstance(d, Diagnostic) for d in found) and found == sorted(found)
