"""What-if variants: overlays on a baseline, their expectations, and the diffs they produce."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from servanda import DiagnosticError, evaluate, load_scenario
from servanda.cli import main
from servanda.engine import RuleSet, apply_overlay
from servanda.language import Overlay
from servanda.reports import diff_markdown
from servanda.workbench import diff_findings, diff_variants, evaluate_cases, evaluate_variant
from support import ROOT

SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


def _brief(result_findings) -> list[tuple[str, str, str, str]]:
    return sorted((f.treaty, f.rule, f.grade, f.date) for f in result_findings)


def test_variants_leave_the_baseline_as_it_was(real_rules: RuleSet) -> None:
    """Loading and running every variant changes neither the baseline's model nor its findings."""
    scenario = load_scenario(SEED, real_rules)
    before = (scenario.model.model_dump(), scenario.events, scenario.context, evaluate(real_rules, scenario).findings)
    evaluate_cases(real_rules, scenario)
    after = (scenario.model.model_dump(), scenario.events, scenario.context, evaluate(real_rules, scenario).findings)
    assert before == after
    assert len(scenario.model.variants) == 5 and [v.name for v in scenario.variants][0] == "neutral-bloc"


def test_each_kind_of_overlay_changes_what_it_says(real_rules: RuleSet) -> None:
    """World, event, assumption, switch-off and amendment overlays each change exactly their part."""
    scenario = load_scenario(SEED, real_rules)
    got = {v.name: _brief(evaluate_variant(real_rules, scenario, v.name).findings) for v in scenario.variants}
    assert got["neutral-bloc"] == []
    assert got["joins-in-june"] == [("cst-1992", "join-hostile-alliance", "violation", "2026-06-01"),
                                    ("kz-kg-2024", "join-hostile-bloc", "violation", "2026-06-01")]
    assert got["2024-treaty-not-yet-in-force"] == [("cst-1992", "join-hostile-alliance", "violation", "2026-02-01")]
    assert got["without-cst"] == [("kz-kg-2024", "join-hostile-bloc", "violation", "2026-02-01")]
    assert got["softer-no-blocs-clause"] == [("cst-1992", "join-hostile-alliance", "violation", "2026-02-01"),
                                             ("kz-kg-2024", "join-hostile-bloc-amended", "potential_violation", "2026-02-01")]


def test_a_variant_result_is_labelled_and_carries_its_own_expectations(real_rules: RuleSet) -> None:
    """Results name their variant, and a variant's expectations are its own, not the baseline's."""
    results = evaluate_cases(real_rules, load_scenario(SEED, real_rules))
    assert [r.label for r in results][:2] == ["seed-kg-joins-hostile-bloc", "seed-kg-joins-hostile-bloc[neutral-bloc]"]
    assert results[0].expect is not None and len(results[0].expect.findings) == 2
    assert results[1].expect is not None and results[1].expect.findings == ()


def test_amended_and_switched_off_rules_stay_out_of_the_baseline(real_rules: RuleSet) -> None:
    """A variant with its own rules compiles them apart; the shared rule set keeps every rule."""
    scenario = load_scenario(SEED, real_rules)
    amended = scenario.variant("softer-no-blocs-clause").rules
    switched = scenario.variant("without-cst").rules
    assert amended is not None and switched is not None and scenario.variant("neutral-bloc").rules is None
    assert "join-hostile-bloc-amended" in {r.rule for r in amended.compiled.rules}
    assert not any(r.treaty == "cst-1992" for r in switched.compiled.rules)
    assert {r.rule for r in real_rules.compiled.rules} >= {"join-hostile-bloc", "join-hostile-alliance"}
    assert "join-hostile-bloc-amended" not in {r.rule for r in real_rules.compiled.rules}


def test_an_overlay_built_in_code_removes_evidence(real_rules: RuleSet) -> None:
    """An overlay that removes the only event clears every finding; the baseline still has them."""
    scenario = load_scenario(SEED, real_rules)
    rules, changed = apply_overlay(real_rules, scenario, Overlay(remove_events=frozenset({"e1"})))
    assert evaluate(rules, changed).findings == ()
    assert len(evaluate(real_rules, scenario).findings) == 2


def test_diff_tells_added_removed_and_changed(real_rules: RuleSet) -> None:
    """A moved date is a change, a dropped fact removes findings, an amendment changes rule and grade."""
    diffs = {d.variant: d for d in diff_variants(real_rules, load_scenario(SEED, real_rules))}
    assert [c.kind for c in diffs["neutral-bloc"].changes] == ["removed", "removed"]
    june = diffs["joins-in-june"].changes
    assert [c.kind for c in june] == ["changed", "changed"] and all("date" in c.fields for c in june)
    soft = diffs["softer-no-blocs-clause"]
    assert soft.unchanged == 1 and soft.changes[0].fields[:2] == ("rule", "grade")
    assert diffs["without-cst"].notes == ("variant 'without-cst' switches off cst-1992",)


def test_diff_pairs_by_evidence_before_date(real_rules: RuleSet) -> None:
    """Two findings of one clause swap dates: each is paired with the one resting on the same events."""
    base = evaluate(real_rules, load_scenario(SEED, real_rules)).findings
    kz = next(f for f in base if f.treaty == "kz-kg-2024")
    other = dataclasses.replace(kz, events=("e7",), date="2026-02-02")
    moved = dataclasses.replace(kz, date="2026-03-01")
    result = diff_findings("s", "v", "", (), (kz, other), (moved, dataclasses.replace(other, date="2026-02-01")))
    pairs = {(c.before.events, c.after.events) for c in result.changes if c.before and c.after}
    assert pairs == {(("e1",), ("e1",)), (("e7",), ("e7",))}
    empty = diff_findings("s", "v", "", (), (kz,), ())
    assert [c.kind for c in empty.changes] == ["removed"] and empty.unchanged == 0


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process, from ``cwd``, as its console script would; an unexpected exception fails the test."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def test_diff_command_text_json_and_markdown() -> None:
    """`servanda diff` prints per variant what changed, in each of its three formats, and exits 0."""
    text = _cli("diff", str(SEED), "--variant", "joins-in-june")
    assert text.returncode == 0, text.stderr
    assert "0 added, 0 removed, 2 changed, 0 unchanged" in text.stdout and "date: 2026-02-01 → 2026-06-01" in text.stdout
    data = json.loads(_cli("diff", str(SEED), "--format", "json").stdout)
    assert [d["variant"] for d in data["diffs"]][:2] == ["neutral-bloc", "joins-in-june"]
    assert data["diffs"][0]["removed"] == 2 and data["diffs"][0]["changes"][0]["after"] is None
    md = _cli("diff", str(SEED), "--variant", "neutral-bloc", "--format", "markdown").stdout
    assert "## `neutral-bloc`" in md and "| removed | cst-1992 / no-hostile-alliances / join-hostile-alliance |" in md


def test_diff_of_an_unknown_variant_is_a_located_diagnostic() -> None:
    """A misspelt --variant exits 2 with the scenario file's location and a did-you-mean."""
    done = _cli("diff", str(SEED), "--variant", "neutral")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "SV222: the scenario has no variant 'neutral' (did you mean 'neutral-bloc'?)" in done.stderr
    assert f"{SEED}:" in done.stderr


def test_servanda_test_fails_on_a_variant_that_misses_its_expectations(tmp_path: Path) -> None:
    """A variant whose expectations are wrong makes `servanda test` exit 1 and name the variant."""
    text = SEED.read_text(encoding="utf-8").replace(
        "    expect:\n      findings: []\n",
        "    expect:\n      findings:\n        - {treaty: cst-1992, clause: no-hostile-alliances}\n", 1)
    broken = tmp_path / "seed.yaml"
    broken.write_text(text, encoding="utf-8")
    done = _cli("test", str(broken), "--rules", str(ROOT / "rules"))
    assert done.returncode == 1
    assert "FAIL seed-kg-joins-hostile-bloc[neutral-bloc]" in done.stdout
    assert "- expected, not produced: treaty=cst-1992 clause=no-hostile-alliances" in done.stdout
    assert "PASS seed-kg-joins-hostile-bloc[joins-in-june]" in done.stdout


@pytest.mark.parametrize("name", ["variant-many-problems", "variant-bad-amendment"])
def test_broken_variants_exit_2_without_traceback(name: str) -> None:
    """Every new command refuses a scenario with broken variants with located diagnostics."""
    path = ROOT / "tests" / "broken" / "scenarios" / f"{name}.yaml"
    done = _cli("diff", str(path), "--rules", str(ROOT / "tests" / "broken" / "good-rules"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and f"{name}.yaml:" in done.stderr


def test_check_with_variants_reports_every_case() -> None:
    """`check --variants` evaluates the baseline and each variant, labelled in text and JSON."""
    text = _cli("check", str(SEED), "--variants")
    assert text.returncode == 1 and "[variant neutral-bloc]" in text.stdout
    assert "variant 'without-cst' switches off cst-1992" in text.stdout
    data = json.loads(_cli("check", str(SEED), "--variants", "--format", "json").stdout)
    assert [s["variant"] for s in data["scenarios"]] == [None, "neutral-bloc", "joins-in-june", "2024-treaty-not-yet-in-force",
                                                         "without-cst", "softer-no-blocs-clause"]
    assert [s["count"] for s in data["scenarios"]] == [2, 0, 2, 1, 1, 2]
    assert {f["variant"] for f in data["findings"]} == {None, "joins-in-june", "2024-treaty-not-yet-in-force", "without-cst",
                                                       "softer-no-blocs-clause"}


def test_diff_pairs_findings_without_events_by_date(real_rules: RuleSet) -> None:
    """Findings resting on world facts only have no evidence in common: they pair by the nearest date, not by order."""
    base = evaluate(real_rules, load_scenario(SEED, real_rules)).findings
    kz = dataclasses.replace(next(f for f in base if f.treaty == "kz-kg-2024"), events=(), date="2026-03-14")
    early, near = dataclasses.replace(kz, date="2026-01-01"), dataclasses.replace(kz, date="2026-03-15")
    result = diff_findings("s", "v", "", (), (kz,), (early, near))
    assert [(c.kind, c.finding.date) for c in result.changes] == [("added", "2026-01-01"), ("changed", "2026-03-15")]


def test_diff_reports_a_change_of_wording_or_of_assumptions(real_rules: RuleSet) -> None:
    """A finding that differs only in the clause's quoted wording or in what it rests on is changed, not unchanged."""
    base = evaluate(real_rules, load_scenario(SEED, real_rules)).findings
    kz = next(f for f in base if f.treaty == "kz-kg-2024")
    reworded = dataclasses.replace(kz, citation=dataclasses.replace(kz.citation, texts=kz.citation.texts[:1]))
    ending = dataclasses.replace(kz, assumptions=kz.assumptions + ("assumes kz-kg-2024 ends on 2026-06-30: x",))
    assert [c.fields for c in diff_findings("s", "v", "", (), (kz,), (reworded,)).changes] == [("citation",)]
    assert [c.fields for c in diff_findings("s", "v", "", (), (kz,), (ending,)).changes] == [("assumptions",)]


def test_diff_markdown_says_what_changed_when_only_the_explanation_did(real_rules: RuleSet) -> None:
    """A change of explanation alone still fills the table's 'what changed' cell."""
    base = evaluate(real_rules, load_scenario(SEED, real_rules)).findings
    kz = next(f for f in base if f.treaty == "kz-kg-2024")
    diff = diff_findings("s", "v", "", (), (kz,), (dataclasses.replace(kz, explanation="Reworded."),))
    row = next(line for line in diff_markdown([diff]).splitlines() if line.startswith("| changed"))
    assert row.endswith("| explanation differs |")


def _variant_of_seed(tmp_path: Path, variant_yaml: str) -> Path:
    """The seed scenario with one more variant appended."""
    path = tmp_path / "seed.yaml"
    path.write_text(SEED.read_text(encoding="utf-8") + variant_yaml, encoding="utf-8")
    return path


def test_an_earlier_as_of_says_which_baseline_events_it_leaves_out(real_rules: RuleSet, tmp_path: Path) -> None:
    """Moving as_of before some baseline events drops them, and the variant's notes name them."""
    path = _variant_of_seed(tmp_path, "  - name: early\n    as_of: 2026-01-15\n")
    result = evaluate_variant(real_rules, load_scenario(path, real_rules), "early")
    assert result.findings == ()
    assert "variant 'early' moves as_of to 2026-01-15: baseline event e1 comes later and is not evaluated" in result.notes


def test_an_added_world_fact_keeps_its_since_and_its_own_origin(real_rules: RuleSet, tmp_path: Path) -> None:
    """A variant's world fact with `since` is cited with that date and a variant origin, beside the baseline's."""
    path = _variant_of_seed(tmp_path, "  - name: member-since\n    world:\n      add:\n"
                                      "        - {relation: bloc_directed_against, since: 2025-05-01, fields: {bloc: eastern-pact, against: KGZ}}\n"
                                      "    events:\n      add: [{id: e2, date: 2026-03-01, kind: join_bloc, actor: KAZ, bloc: eastern-pact}]\n")
    result = evaluate_variant(real_rules, load_scenario(path, real_rules), "member-since")
    kaz = [f for f in result.findings if f.party == "KAZ"]
    assert {f.treaty for f in kaz} == {"cst-1992", "kz-kg-2024"}
    assert {(x.since, x.origin) for f in kaz for x in f.facts} == {(dt.date(2025, 5, 1).toordinal(), "variant fact 1")}


def test_a_variant_fact_may_not_begin_after_the_variant_timeline_starts(real_rules: RuleSet, tmp_path: Path) -> None:
    """A world fact a variant adds with a since after its first event is refused at that line, like the baseline's."""
    path = _variant_of_seed(tmp_path, "  - name: late-fact\n    world:\n      add:\n"
                                      "        - {relation: bloc_directed_against, since: 2026-03-01, fields: {bloc: eastern-pact, against: KGZ}}\n")
    with pytest.raises(DiagnosticError) as caught:
        load_scenario(path, real_rules)
    (found,) = caught.value.diagnostics
    line = path.read_text(encoding="utf-8").splitlines().index(
        "        - {relation: bloc_directed_against, since: 2026-03-01, fields: {bloc: eastern-pact, against: KGZ}}") + 1
    assert (found.line, found.code) == (line, "SV210")
    assert found.message == "world fact begins on 2026-03-01, after the timeline starts (2026-02-01)"


def test_explaining_inside_a_variant_names_the_variant(real_rules: RuleSet) -> None:
    """Explanations and why-nots computed in a variant carry the variant's label, not the baseline's."""
    from servanda import explain_finding, select_variant, why_not

    rules, june = select_variant(real_rules, load_scenario(SEED, real_rules), "joins-in-june")
    assert june.label == "seed-kg-joins-hostile-bloc[joins-in-june]"
    finding = evaluate(rules, june).findings[0]
    assert explain_finding(rules, june, finding.id).scenario == "seed-kg-joins-hostile-bloc[joins-in-june]"
    assert why_not(rules, june, "kz-kg-2024/no-hostile-blocs").scenario == "seed-kg-joins-hostile-bloc[joins-in-june]"


def test_a_variant_report_describes_the_variant() -> None:
    """In `check --variants --format markdown`, a variant's section gives the variant's own description."""
    md = _cli("check", str(SEED), "--variants", "--format", "markdown").stdout
    section = md[md.index("[variant neutral-bloc]"):md.index("[variant joins-in-june]")]
    assert "The same accession, but eastern-pact is directed against nobody." in section
    assert "The README's example." not in section
