"""Rule coverage: which results fire a rule, which check it stays silent, and `servanda test --coverage`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from click.testing import CliRunner

from servanda import Result, RuleSet
from servanda.cli import main
from servanda.workbench import Coverage, RuleCoverage, coverage
from servanda.reports import coverage_text
from servanda.engine import load_scenario
from servanda.workbench import evaluate_cases
from servanda.language import scenario_paths
from support import HOSTILE_BLOC, ROOT, make_rules

BORDER = """\
- id: border
  grade: potential_violation
  summary: A border restriction lasting more than 3 days.
  duration: {relation: border_restriction, where: {by: $bound, against: $protected}, more_than_days: 3}
  explanation: "{bound_name} restricted its border."
"""
HOSTILE = "{relation: bloc_directed_against, fields: {bloc: pact, against: KAZ}}"
FIRED = "[{treaty: t, clause: c, rule: hostile-bloc}]"
SCENARIOS = {
    "fires": (HOSTILE, "{id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: pact}", FIRED),
    "holds": (HOSTILE, "{id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: forum}", "[]"),
    "before-in-force": (HOSTILE, "{id: j, date: 2024-02-01, kind: join_bloc, actor: KGZ, bloc: forum}", "[]"),
    "unchecked": (HOSTILE, "{id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: forum}", None),
    "short-closure": (HOSTILE, "{id: r, date: 2026-03-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: closure}",
                      "[]"),
}


def _write(folder: Path, names: list[str]) -> Path:
    """Scenario files for ``names`` (see SCENARIOS); the closure is lifted after 2 days."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        fact, event, expected = SCENARIOS[name]
        lift = "  - {id: l, date: 2026-03-03, kind: lift_border_restriction, actor: KAZ, against: KGZ, severity: closure}\n"
        text = (f"scenario: {name}\ntitle: {name}\nas_of: 2026-12-31\nworld:\n  facts: [{fact}]\nevents:\n  - {event}\n"
                + (lift if name == "short-closure" else "") + ("" if expected is None else f"expect:\n  findings: {expected}\n"))
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def _results(rules: RuleSet, folder: Path) -> list[Result]:
    return [r for p in scenario_paths([folder]) for r in evaluate_cases(rules, load_scenario(p, rules))]


def _rules(tmp_path: Path) -> RuleSet:
    return make_rules(tmp_path, HOSTILE_BLOC + BORDER)


def test_fired_and_held_labels(tmp_path: Path) -> None:
    """A finding fires the rule; its trigger kind in force without a finding holds it; early or unchecked results do not count."""
    rules = _rules(tmp_path)
    rows = coverage(rules, _results(rules, _write(tmp_path / "s", list(SCENARIOS)))).rows
    hostile = next(r for r in rows if r.rule == "hostile-bloc")
    assert (hostile.fired_by, hostile.held_by, hostile.full) == (("fires",), ("holds",), True)


def test_a_duration_rule_is_held_by_a_world_fact_of_its_relation(tmp_path: Path) -> None:
    """A border closure too short to breach, live while the treaty binds, holds the duration rule."""
    rules = _rules(tmp_path)
    rows = coverage(rules, _results(rules, _write(tmp_path / "s", ["fires", "short-closure"]))).rows
    border = next(r for r in rows if r.rule == "border")
    assert (border.fired_by, border.held_by) == ((), ("short-closure",))


def test_percentages_count_rules(tmp_path: Path) -> None:
    """With one of two rules fired and held, every percentage is 50."""
    rules = _rules(tmp_path)
    cov = coverage(rules, _results(rules, _write(tmp_path / "s", ["fires", "holds"])))
    assert (cov.fired_pct, cov.held_pct, cov.full_pct) == (50.0, 50.0, 50.0)


def test_a_rule_the_result_did_not_run_is_not_covered(tmp_path: Path) -> None:
    """A result evaluated under rules without the rule (a variant switching it off) neither fires nor holds it."""
    rules = _rules(tmp_path)
    results = _results(rules, _write(tmp_path / "s", ["fires", "holds"]))
    without = [dataclasses.replace(r, rules=dataclasses.replace(rules.compiled, rules=())) for r in results]
    assert all(not row.fired_by and not row.held_by for row in coverage(rules, without).rows)


def _test(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["test", *map(str, args)])
    return result.exit_code, result.stdout


def test_cli_prints_the_table_and_applies_fail_under(tmp_path: Path) -> None:
    """`test --coverage` prints a row per rule; --fail-under exits 1 below the threshold, with a line saying so."""
    _rules(tmp_path)
    folder = _write(tmp_path / "s", ["fires", "holds"])
    code, out = _test(folder, "--rules", tmp_path / "rules", "--coverage")
    assert code == 0 and "Coverage of 2 rules: fired 50.0%, held 50.0%, fully covered 50.0%" in out
    assert "\n  covered    t/c/hostile-bloc      1     1  fired: fires; held: holds\n  uncovered  t/c/border            0     0\n" in out
    assert _test(folder, "--rules", tmp_path / "rules", "--fail-under", "50")[0] == 0
    code, out = _test(folder, "--rules", tmp_path / "rules", "--fail-under", "60")
    assert code == 1 and out.rstrip().endswith("50.0% of the rules are fully covered, below --fail-under 60.")


def test_the_table_counts_one_rule_in_the_singular() -> None:
    """The summary line of a one-rule folder says "1 rule", not "1 rules"."""
    row = RuleCoverage("t", "c", "r", ("fires",), ())
    assert coverage_text(Coverage((row,))).splitlines()[0] == "Coverage of 1 rule: fired 100.0%, held 0.0%, fully covered 0.0%"


def test_the_shipped_scenarios_cover_every_rule(real_rules: RuleSet) -> None:
    """Every shipped rule is fired by some shipped scenario and held by another (the CI gate for coverage)."""
    cov = coverage(real_rules, _results(real_rules, ROOT / "scenarios"))
    assert cov.full_pct == 100.0, [r.key for r in cov.rows if not r.full]
