"""Evidence chains and why-not on the real rules and scenarios, and the `servanda explain` command."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from servanda import DiagnosticError, LoadedScenario, RuleSet, evaluate, load_scenario, select_variant
from servanda.cli import main
from servanda.workbench import Explanation, explain_finding, why_not
from servanda.reports import explain_json, explanation_text, why_not_text
from servanda.workbench import Verdict, WhyNot, search_clause
from support import HOSTILE_BLOC, make_rules

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def _scenario(rules: RuleSet, name: str) -> LoadedScenario:
    return load_scenario(SCENARIOS / f"{name}.yaml", rules)


def _explain(rules: RuleSet, name: str, treaty: str, rule: str, party: str) -> Explanation:
    """The explanation of the one finding of ``rule`` under ``treaty`` with ``party`` bound."""
    scenario = _scenario(rules, name)
    [finding] = [f for f in evaluate(rules, scenario).findings if (f.treaty, f.rule, f.party) == (treaty, rule, party)]
    return explain_finding(rules, scenario, finding.id)


def _verdict(result: WhyNot, rule: str, bound: str, protected: str) -> Verdict:
    [verdict] = [v for v in result.verdicts if (v.rule, v.bound, v.protected) == (rule, bound, protected)]
    return verdict


def _failed(verdict: Verdict) -> Any:
    """The first condition that failed in the closest attempt."""
    assert verdict.closest is not None
    return next(c for c in verdict.closest.patterns[-1].conds if not c.holds)


def test_chain_of_the_seed_finding(real_rules: RuleSet) -> None:
    """A finding's chain goes treaty → clause → rule → each condition as written, resolved and seen → its evidence."""
    e = _explain(real_rules, "seed-kg-joins-hostile-bloc", "kz-kg-2024", "join-hostile-bloc", "KGZ")
    assert (e.treaty.id, e.treaty.in_force, e.treaty.ends) == ("kz-kg-2024", "2025-08-22", None)
    assert e.treaty.assumptions and "assumes kz-kg-2024 in force from 2025-08-22" in e.treaty.assumptions[0]
    assert e.clause.id == "no-hostile-blocs" and {t.provenance for t in e.clause.texts} >= {"press_quotation"}
    assert (e.rule.shape, e.rule.grade, e.rule.exception) == ("events", "violation", None)
    [chain] = e.chains
    step, fact = chain.patterns
    assert [(c.field, c.expected, c.resolved, c.actual, c.holds) for c in step.conds] == [("actor", "$bound", "KGZ", "KGZ", True)]
    assert step.item is not None and (step.item.type, step.item.id, step.item.date) == ("event", "e1", "2026-02-01")
    assert [(c.field, c.expected, c.resolved, c.actual) for c in fact.conds] == [
        ("bloc", "$join.bloc", "eastern-pact", "eastern-pact"), ("against", "$protected", "KAZ", "KAZ")]
    assert fact.item is not None and fact.item.to_json()["origin"] == "world fact 1"
    assert all(c.holds for c in chain.timing) and {c.op for c in chain.timing} == {"in_force", "at_start_of"}
    assert [c.describe() for c in e.counterfactuals] == [
        "without event e1, the finding would not arise", "without world fact 1, the finding would not arise"]


def test_absence_chain_shows_the_deadline_and_the_late_consultation(real_rules: RuleSet) -> None:
    """An absence finding shows its deadline window, that no unless event came, and the one that came too late."""
    e = _explain(real_rules, "threat-consultations-too-late", "kz-kg-2024", "no-consultations-on-threat", "KAZ")
    [chain] = e.chains
    unless = next(c for c in chain.timing if c.op == "absent")
    assert (unless.resolved, unless.actual, unless.holds) == ("2026-05-04 … 2026-05-11", "none came", True)
    assert [p.role for p in chain.patterns] == ["step", "unless", "unless"]
    assert any("[event late] came after the deadline 2026-05-11" in n for n in chain.notes)


def test_duration_chain_counts_the_days(real_rules: RuleSet) -> None:
    """A duration finding shows the fact (added by an event, since and ended) and when more than N days was reached."""
    e = _explain(real_rules, "border-closure-2026-hypothetical", "kz-kg-2024", "border-restriction-over-3-days", "KGZ")
    [chain] = e.chains
    [pattern] = chain.patterns
    assert pattern.role == "duration" and pattern.item is not None
    assert (pattern.item.id, pattern.item.date, pattern.item.ended) == ("event close", "2026-03-10", "2026-03-20")
    lasted = next(c for c in chain.timing if c.op == "more_than_days")
    assert lasted.holds and lasted.resolved == "from 2026-03-10, reached on 2026-03-14"


def test_sequence_chain_checks_the_window_between_steps(real_rules: RuleSet) -> None:
    """A two-step finding shows the later step's window after the step it follows."""
    e = _explain(real_rules, "third-state-based-in-kaz-strikes-kgz", "kz-kg-2024", "grant-then-strike", "KAZ")
    window = next(c for c in e.chains[0].timing if c.op == "within_days")
    assert (window.resolved, window.actual, window.holds) == ("2026-03-01 … 2027-03-01", "2026-09-15", True)
    assert [p.item.id for p in e.chains[0].patterns if p.item] == ["grant", "strike"]


def test_exception_that_changed_the_grade_is_shown(real_rules: RuleSet) -> None:
    """A finding whose grade an exception lowered names the exception and its conditions as checked."""
    scenario = _scenario(real_rules, "import-bans-2026-hypothetical")
    [finding] = [f for f in evaluate(real_rules, scenario).findings
                 if f.treaty == "kz-kg-2024" and f.events == ("apples",)]
    e = explain_finding(real_rules, scenario, finding.id)
    assert e.rule.grade == "violation" and e.finding.grade == "potential_violation"
    assert e.rule.exception is not None and e.rule.exception.id == "notified-sanitary-ground"
    assert [(c.field, c.actual, c.holds) for c in e.rule.exception.conds] == [("ground", "phytosanitary", True),
                                                                             ("notified", True, True)]


def test_every_bundled_finding_is_explained_as_the_runtime_found_it(real_rules: RuleSet) -> None:
    """For every finding of every bundled scenario, the explanation carries exactly the runtime's finding."""
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path, real_rules)
        for finding in evaluate(real_rules, scenario).findings:
            assert explain_finding(real_rules, scenario, finding.id).finding == finding, (path.name, finding.id)


def test_merged_matches_each_get_a_chain(tmp_path: Path, real_rules: RuleSet) -> None:
    """A finding made of two matches that differ only in world facts shows one chain per match."""
    path = tmp_path / "two-blocs.yaml"
    path.write_text(textwrap.dedent("""\
        scenario: two-blocs
        title: Basing talks with a member of two hostile blocs
        as_of: 2026-12-31
        assume: [{treaty: kz-kg-2024, in_force: 2025-08-22, note: assumed}]
        world:
          states: {KAZ: Kazakhstan, KGZ: Kyrgyzstan, XAA: Third State A}
          facts:
            - {relation: bloc_membership, fields: {state: XAA, bloc: b1}}
            - {relation: bloc_membership, fields: {state: XAA, bloc: b2}}
            - {relation: bloc_directed_against, fields: {bloc: b1, against: KAZ}}
            - {relation: bloc_directed_against, fields: {bloc: b2, against: KAZ}}
        events:
          - {id: talks, date: 2026-04-01, kind: negotiate_basing, actor: KGZ, guest: XAA}
        """), encoding="utf-8")
    scenario = load_scenario(path, real_rules)
    [finding] = [f for f in evaluate(real_rules, scenario).findings if f.rule == "negotiate-basing-with-hostile-bloc-member"]
    e = explain_finding(real_rules, scenario, finding.id)
    assert len(e.chains) == 2 and e.finding == finding and len(finding.facts) == 4
    blocs = sorted(dict(c.patterns[1].item.fields)["bloc"] for c in e.chains if c.patterns[1].item)
    assert blocs == ["b1", "b2"]


def test_unknown_finding_id_is_a_located_diagnostic(real_rules: RuleSet) -> None:
    """An unknown id raises SV230 on the scenario file, suggesting a close id and listing all of them."""
    scenario = _scenario(real_rules, "seed-kg-joins-hostile-bloc")
    ids = sorted(f.id for f in evaluate(real_rules, scenario).findings)
    with pytest.raises(DiagnosticError) as caught:
        explain_finding(real_rules, scenario, ids[0][:-1] + "x")
    [d] = caught.value.diagnostics
    assert (d.path, d.line, d.code) == (scenario.path, 1, "SV230")
    assert f"did you mean '{ids[0]}'?" in d.hint and all(i in d.hint for i in ids)


def test_why_not_names_the_fact_pattern_that_failed(real_rules: RuleSet) -> None:
    """Joining a neutral bloc: the step matched, but no bloc_directed_against fact names that bloc and the protected party."""
    result = why_not(real_rules, _scenario(real_rules, "control-kgz-joins-neutral-bloc"), "kz-kg-2024/no-hostile-blocs", "KGZ")
    verdict = _verdict(result, "join-hostile-bloc", "KGZ", "KAZ")
    assert verdict.fired == () and verdict.closest is not None
    step, fact = verdict.closest.patterns
    assert fact.role == "fact" and fact.item is not None and not fact.holds
    assert step.holds and step.item is not None and step.item.id == "join"
    failed = _failed(verdict)
    assert (failed.field, failed.expected, failed.resolved, failed.actual) == ("bloc", "$join.bloc", "regional-forum", "eastern-pact")
    assert "[event join] matched step 'join', but no world fact bloc_directed_against has bloc = regional-forum " \
           "and against = KAZ" in verdict.sentence
    assert _verdict(result, "bloc-turns-hostile", "KGZ", "KAZ").sentence == \
        "no event of kind declare_bloc_orientation in the timeline"


def test_why_not_reports_a_step_outside_its_window(real_rules: RuleSet) -> None:
    """A strike 395 days after the grant misses the 365-day window; the weaker rule's finding is listed as fired."""
    scenario = _scenario(real_rules, "basing-grant-strike-after-a-year")
    result = why_not(real_rules, scenario, "territory-not-for-aggression", "KAZ")
    verdict = _verdict(result, "grant-then-strike", "KAZ", "KGZ")
    failed = _failed(verdict)
    assert (failed.op, failed.actual) == ("within_days", "2026-10-01")
    assert "[event strike] came 395 days after step 'grant'" in verdict.sentence and "365 days allowed" in verdict.sentence
    fired = _verdict(result, "strike-from-territory", "KAZ", "KGZ").fired
    assert fired == tuple(f.id for f in evaluate(real_rules, scenario).findings if f.rule == "strike-from-territory")


def test_why_not_names_the_unless_event_that_answered(real_rules: RuleSet) -> None:
    """Consultations within the window answer the threat; the why-not names that event."""
    result = why_not(real_rules, _scenario(real_rules, "threat-consultations-in-time"), "kz-kg-2024/consultations-on-threat")
    sentence = _verdict(result, "no-consultations-on-threat", "KAZ", "KGZ").sentence
    assert sentence.startswith("the trigger threat (2026-05-04) was answered by consultations(")
    assert "[event kz-kg]" in sentence


@pytest.mark.parametrize(("name", "expected"), [
    ("border-closure-2026-hypothetical", "ended on 2026-05-04: it lasted 3 days from 2026-05-01, not more than 3"),
    ("border-slowdown-2026-02", ("by as_of 2026-02-04 border_restriction(against=KGZ, by=KAZ, severity=slowdown) "
                                 "[added by event slowdown] had lasted 3 days from 2026-02-01, not more than 3")),
])
def test_why_not_reports_a_duration_too_short(real_rules: RuleSet, name: str, expected: str) -> None:
    """A restriction lifted after 3 days, or judged after 3 days, is not more than 3 days."""
    result = why_not(real_rules, _scenario(real_rules, name), "kz-kg-2024/mutual-access-of-goods", "KAZ")
    assert expected in _verdict(result, "border-restriction-over-3-days", "KAZ", "KGZ").sentence


def test_why_not_reports_the_pair_not_yet_bound(real_rules: RuleSet) -> None:
    """A join the day before the CST entered into force fails on the pair's in-force window."""
    result = why_not(real_rules, _scenario(real_rules, "cst-day-before-entry-into-force"), "no-hostile-alliances", "KGZ")
    assert _verdict(result, "join-hostile-alliance", "KGZ", "KAZ").sentence.endswith(
        "on 1994-04-19 the pair was not bound under cst-1992 (its window is 1994-04-20 … open)")


def test_why_not_on_a_treaty_not_evaluated(real_rules: RuleSet) -> None:
    """Without an assumed entry into force the 2024 treaty has no pairs, and the why-not says why."""
    result = why_not(real_rules, _scenario(real_rules, "kz-kg-2024-without-assumed-entry-into-force"), "no-hostile-blocs")
    assert result.verdicts == () and "kz-kg-2024 is not evaluated" in result.notes[0]


@pytest.mark.parametrize(("clause", "party", "code", "hint"), [
    ("consultations-on-threat", None, "SV232", "cst-1992/consultations-on-threat, kz-kg-2024/consultations-on-threat"),
    ("no-hostile-blok", None, "SV231", "did you mean 'no-hostile-blocs'?"),
    ("kz-kg-2024/no-hostile-block", None, "SV231", "did you mean 'kz-kg-2024/no-hostile-blocs'?"),
    ("grant-then-strike", None, "SV231", "'grant-then-strike' is a rule of kz-kg-2024/territory-not-for-aggression"),
    ("no-hostile-blocs", "KAX", "SV233", "did you mean 'KAZ'? expected one of: KAZ, KGZ"),
])
def test_why_not_clause_and_party_problems(real_rules: RuleSet, clause: str, party: str | None, code: str, hint: str) -> None:
    """Ambiguous or unknown clauses and parties are located diagnostics with the choices."""
    scenario = _scenario(real_rules, "seed-kg-joins-hostile-bloc")
    with pytest.raises(DiagnosticError) as caught:
        why_not(real_rules, scenario, clause, party)
    [d] = caught.value.diagnostics
    assert (d.path, d.line, d.col, d.code) == (scenario.path, 1, 1, code) and hint in d.hint


def _inline(tmp_path: Path, rules_yaml: str, events: str) -> tuple[RuleSet, LoadedScenario]:
    rules = make_rules(tmp_path, rules_yaml)
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent("""\
        scenario: s
        title: inline
        as_of: 2026-12-31
        world: {states: {KAZ: Kazakhstan, KGZ: Kyrgyzstan}}
        events:
        """) + textwrap.indent(textwrap.dedent(events), "  "), encoding="utf-8")
    return rules, load_scenario(path, rules)


def test_why_not_names_the_exception_that_cleared(tmp_path: Path) -> None:
    """A match that an exception clears is reported with the exception's id and note."""
    rule = """\
    - id: ban
      grade: violation
      summary: A ban.
      match:
        ban: {kind: import_ban, where: {actor: $bound, against: $protected}}
      exceptions:
        - {id: health, where: {ground: health}, grade: cleared, note: a health ground clears it}
      explanation: "{bound} banned."
    """
    rules, scenario = _inline(tmp_path, rule, """\
        - {id: b1, date: 2026-03-01, kind: import_ban, actor: KAZ, against: KGZ, goods: apples, ground: health, notified: true}
        """)
    verdict = _verdict(why_not(rules, scenario, "t/c", "KAZ"), "ban", "KAZ", "KGZ")
    assert verdict.fired == () and "[event b1] matched, but exception 'health' cleared it: a health ground clears it" in verdict.sentence


def test_why_not_sees_a_fact_that_came_too_late(tmp_path: Path) -> None:
    """A bloc declared hostile after the join is the closest fact, but it was not live on the join's day."""
    rules, scenario = _inline(tmp_path, HOSTILE_BLOC, """\
        - {id: j, date: 2026-03-01, kind: join_bloc, actor: KGZ, bloc: b}
        - {id: d, date: 2026-03-10, kind: declare_bloc_orientation, bloc: b, against: KAZ}
        """)
    verdict = _verdict(why_not(rules, scenario, "c", "KGZ"), "hostile-bloc", "KGZ", "KAZ")
    assert "was live only 2026-03-11 … still live, not at the start of 2026-03-01" in verdict.sentence


def test_why_not_search_is_capped(tmp_path: Path) -> None:
    """The candidate search stops at the cap and says so."""
    rules, scenario = _inline(tmp_path, HOSTILE_BLOC, """\
        - {id: j1, date: 2026-03-01, kind: join_bloc, actor: KGZ, bloc: b1}
        - {id: j2, date: 2026-03-02, kind: join_bloc, actor: KGZ, bloc: b2}
        """)
    verdict = _verdict(search_clause(rules.compiled, scenario, "t", "c", "KGZ", cap=1), "hostile-bloc", "KGZ", "KAZ")
    assert verdict.capped and verdict.tried == 1 and "search stopped after 1 candidate assignments" in verdict.sentence


def test_counterfactuals_are_rendered_last(real_rules: RuleSet) -> None:
    """The counterfactuals close the text tree and appear in the JSON, each confirmed by re-evaluation."""
    e = _explain(real_rules, "seed-kg-joins-hostile-bloc", "kz-kg-2024", "join-hostile-bloc", "KGZ")
    text = str(explanation_text(e))
    assert text.rstrip().endswith("- without world fact 1, the finding would not arise")
    assert text.index("counterfactuals") > text.index("[event e1]")
    assert [c["text"] for c in json.loads(explain_json(e))["counterfactuals"]] == [
        "without event e1, the finding would not arise", "without world fact 1, the finding would not arise"]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["explain", *args, "--rules", str(ROOT / "rules")])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_explains_a_finding_as_text(real_rules: RuleSet) -> None:
    """`explain --finding` prints the tree with each condition and its evidence, and exits 0."""
    e = _explain(real_rules, "seed-kg-joins-hostile-bloc", "kz-kg-2024", "join-hostile-bloc", "KGZ")
    code, out, _ = _cli(str(SCENARIOS / "seed-kg-joins-hostile-bloc.yaml"), "--finding", e.finding.id)
    assert code == 0
    assert "✓ actor: $bound → KGZ; seen KGZ" in out and "✓ bloc: $join.bloc → eastern-pact; seen eastern-pact" in out
    assert "← join_bloc(actor=KGZ, bloc=eastern-pact) on 2026-02-01 [event e1]" in out


def test_cli_explains_a_finding_as_json(real_rules: RuleSet) -> None:
    """`explain --finding --format json` prints the chain with stable, sorted keys."""
    e = _explain(real_rules, "threat-consultations-too-late", "kz-kg-2024", "no-consultations-on-threat", "KAZ")
    code, out, _ = _cli(str(SCENARIOS / "threat-consultations-too-late.yaml"), "--finding", e.finding.id, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert list(payload) == ["chains", "clause", "counterfactual_note", "counterfactuals", "finding", "rule", "scenario", "treaty"]
    step = payload["chains"][0]["patterns"][0]
    assert step["item"] == {"type": "event", "id": "threat", "kind": "threat_of_armed_attack", "date": "2026-05-04",
                            "fields": {"actor": "XAA", "target": "KGZ"}, "source": ""}
    assert payload["finding"]["id"] == e.finding.id and payload["rule"]["shape"] == "absence"


def test_cli_why_not_as_json() -> None:
    """`explain --why-not --format json` prints sorted JSON with each verdict's sentence and closest attempt."""
    code, out, _ = _cli(str(SCENARIOS / "control-kgz-joins-neutral-bloc.yaml"), "--why-not", "kz-kg-2024/no-hostile-blocs",
                        "--party", "KGZ", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert list(payload) == sorted(payload) and payload["party"] == "KGZ"
    verdict = next(v for v in payload["verdicts"] if v["rule"] == "join-hostile-bloc")
    assert "no world fact bloc_directed_against has bloc = regional-forum" in verdict["sentence"]
    assert verdict["closest"]["patterns"][0]["item"]["id"] == "join"


def test_cli_unknown_finding_exits_2_with_a_located_diagnostic() -> None:
    """An unknown finding id prints `file:1:1: SV230` on stderr and exits 2."""
    path = str(SCENARIOS / "seed-kg-joins-hostile-bloc.yaml")
    code, out, err = _cli(path, "--finding", "nope")
    assert code == 2 and out == "" and f"{path}:1:1: SV230: no finding with id 'nope'" in err


def test_cli_unknown_clause_exits_2_with_did_you_mean() -> None:
    """An unknown clause prints SV231 with a did-you-mean and exits 2."""
    code, _, err = _cli(str(SCENARIOS / "seed-kg-joins-hostile-bloc.yaml"), "--why-not", "no-hostile-blok")
    assert code == 2 and "SV231: no clause 'no-hostile-blok' (did you mean 'no-hostile-blocs'?)" in err


@pytest.mark.parametrize("options", [[], ["--finding", "x", "--why-not", "c"], ["--finding", "x", "--party", "KAZ"]])
def test_cli_needs_exactly_one_question(options: list[str]) -> None:
    """Neither or both of --finding and --why-not (or --party without --why-not) is a located usage error (SV010), exit 2."""
    code, _, err = _cli(str(SCENARIOS / "seed-kg-joins-hostile-bloc.yaml"), *options)
    assert code == 2 and err.startswith("<command line>:1:1: SV010: ") and "--help" in err


def test_cli_bad_scenario_exits_2_without_traceback(tmp_path: Path) -> None:
    """A missing scenario file is a located diagnostic and exit 2."""
    code, _, err = _cli(str(tmp_path / "missing.yaml"), "--finding", "x")
    assert code == 2 and "SV001" in err and "Traceback" not in err


def test_why_not_lists_pairs_whose_trigger_matched_before_pairs_it_did_not(real_rules: RuleSet) -> None:
    """Conditions on days count toward closeness only for an item whose fields matched, so answered pairs come first."""
    result = why_not(real_rules, _scenario(real_rules, "kgz-threatens-kaz"), "cst-1992/consultations-on-threat")
    answered = _verdict(result, "no-consultations-on-threat", "ARM", "KAZ")
    other_target = _verdict(result, "no-consultations-on-threat", "ARM", "BLR")
    assert answered.progress is not None and other_target.progress is not None
    assert answered.progress > other_target.progress
    text = str(why_not_text(result))
    assert text.index("ARM → KAZ (bound") < text.index("64 role pairs")


_DURATION = """\
- id: long-closure
  grade: potential_violation
  summary: A border closed for more than 3 days.
  duration: {relation: border_restriction, where: {by: $bound, against: $protected}, more_than_days: 3}
  explanation: "{bound} closed its border."
"""


@pytest.mark.parametrize(("as_of", "lift", "expected"), [
    ("2025-12-31", "2024-12-05", "ended on 2024-12-05, before its duration counts from 2025-01-01 (when KAZ became "
                                 "bound to KGZ under t)"),
    ("2025-12-31", "2025-01-03", "ended on 2025-01-03: it lasted 2 days from 2025-01-01 (when KAZ became bound to KGZ "
                                 "under t), not more than 3"),
    ("2024-12-20", None, "[added by event shut] had not begun to count: its duration counts from 2025-01-01 (when "
                         "KAZ became bound to KGZ under t)"),
])
def test_why_not_duration_counted_from_the_pair_s_first_day(tmp_path: Path, as_of: str, lift: str | None,
                                                             expected: str) -> None:
    """A restriction begun before the treaty bound the pair is counted from that day, never as negative days."""
    rules = make_rules(tmp_path, _DURATION)
    events = ["- {id: shut, date: 2024-12-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: closure}"]
    if lift:
        events.append(f"- {{id: open, date: {lift}, kind: lift_border_restriction, actor: KAZ, against: KGZ, severity: closure}}")
    path = tmp_path / "s.yaml"
    path.write_text(f"scenario: s\ntitle: early closure\nas_of: {as_of}\nevents:\n" + "".join(f"  {e}\n" for e in events),
                    encoding="utf-8")
    sentence = _verdict(why_not(rules, load_scenario(path, rules), "t/c", "KAZ"), "long-closure", "KAZ", "KGZ").sentence
    assert expected in sentence and " -" not in sentence


def test_unless_note_blames_the_closest_unless_pattern(tmp_path: Path, real_rules: RuleSet) -> None:
    """Consultations KGZ–RUS fit the second unless pattern on actor: the note names its partner, not the first's actor."""
    path = tmp_path / "wrong-partner.yaml"
    path.write_text(textwrap.dedent("""\
        scenario: wrong-partner
        title: Consultations with the wrong partner
        as_of: 2026-06-30
        assume: [{treaty: kz-kg-2024, in_force: 2025-08-22, note: assumed}]
        world: {states: {KAZ: Kazakhstan, KGZ: Kyrgyzstan, XAA: Third State A}}
        events:
          - {id: threat, date: 2026-05-04, kind: threat_of_armed_attack, actor: XAA, target: KGZ}
          - {id: c1, date: 2026-05-06, kind: consultations, actor: KGZ, partner: RUS}
        """), encoding="utf-8")
    scenario = load_scenario(path, real_rules)
    [finding] = [f for f in evaluate(real_rules, scenario).findings if f.treaty == "kz-kg-2024"]
    [note] = explain_finding(real_rules, scenario, finding.id).chains[0].notes
    assert note.endswith("[event c1] has partner = RUS, not KAZ ($bound)")


def test_why_not_says_a_referenced_field_is_absent(tmp_path: Path) -> None:
    """A condition on an optional field the earlier event lacks names the reference as absent, never 'None'."""
    rule = """\
    - id: follow
      grade: violation
      summary: Joining a bloc right after the one who declared it hostile.
      match:
        said: {kind: declare_bloc_orientation, where: {against: $protected}}
        join: {kind: join_bloc, after: said, within_days: 30, where: {actor: $said.actor}}
      explanation: "{bound} followed."
    """
    rules, scenario = _inline(tmp_path, rule, """\
        - {id: d, date: 2026-03-01, kind: declare_bloc_orientation, bloc: b, against: KAZ}
        - {id: j, date: 2026-03-05, kind: join_bloc, actor: KGZ, bloc: b}
        """)
    sentence = _verdict(why_not(rules, scenario, "t/c", "KGZ"), "follow", "KGZ", "KAZ").sentence
    assert sentence.endswith("[event j] has actor = KGZ, but $said.actor is absent") and "None" not in sentence


def test_why_not_search_of_an_absence_rule_is_capped(tmp_path: Path) -> None:
    """The cap bounds the triggers an absence rule's search tries too, and the verdict says it stopped."""
    rule = """\
    - id: silent
      grade: potential_violation
      summary: No consultations after a threat.
      match:
        threat: {kind: threat_of_armed_attack, where: {target: $protected, actor: {not: $bound}}}
      absence: {days: 7, unless: [{kind: consultations, where: {actor: $bound, partner: $protected}}]}
      explanation: "{bound} was silent."
    """
    rules, scenario = _inline(tmp_path, rule, """\
        - {id: t1, date: 2026-03-01, kind: threat_of_armed_attack, actor: XAA, target: KGZ}
        - {id: t2, date: 2026-04-01, kind: threat_of_armed_attack, actor: XAA, target: KGZ}
        - {id: c1, date: 2026-03-02, kind: consultations, actor: KAZ, partner: KGZ}
        - {id: c2, date: 2026-04-02, kind: consultations, actor: KAZ, partner: KGZ}
        """)
    verdict = _verdict(search_clause(rules.compiled, scenario, "t", "c", "KAZ", cap=1), "silent", "KAZ", "KGZ")
    assert verdict.capped and verdict.tried == 1 and "search stopped after 1 candidate assignments" in verdict.sentence


@pytest.mark.parametrize(("variant", "clause", "note"), [
    ("without-cst", "cst-1992/no-hostile-alliances",
     "none of the rules of cst-1992/no-hostile-alliances is evaluated here (a variant switches them off or amends the "
     "clause): join-hostile-alliance, alliance-turns-hostile, hostile-act-against-member"),
    ("softer-no-blocs-clause", "kz-kg-2024/no-hostile-blocs",
     "rules of kz-kg-2024/no-hostile-blocs not evaluated here (a variant switches them off or amends the clause): "
     "join-hostile-bloc, bloc-turns-hostile"),
])
def test_why_not_in_a_variant_says_which_rules_it_left_out(real_rules: RuleSet, variant: str, clause: str,
                                                            note: str) -> None:
    """A clause whose rules a variant switched off or replaced says so, never that the clause has no rules."""
    rules, scenario = select_variant(real_rules, _scenario(real_rules, "seed-kg-joins-hostile-bloc"), variant)
    result = why_not(rules, scenario, clause)
    assert note in result.notes and not any("has no rules" in n for n in result.notes)


def test_a_rule_from_a_variant_s_amendment_is_marked_as_such(real_rules: RuleSet) -> None:
    """A finding of a hypothetically amended clause says its rule comes from the variant, not the treaty file."""
    rules, scenario = select_variant(real_rules, _scenario(real_rules, "seed-kg-joins-hostile-bloc"), "softer-no-blocs-clause")
    amended = next(f for f in evaluate(rules, scenario).findings if f.rule == "join-hostile-bloc-amended")
    assert explain_finding(rules, scenario, amended.id).rule.amended
    assert "a variant's hypothetical amendment" in str(explanation_text(explain_finding(rules, scenario, amended.id)))
    other = next(f for f in evaluate(rules, scenario).findings if f.treaty == "cst-1992")
    assert not explain_finding(rules, scenario, other.id).rule.amended
