"""Helpers for example tests: tiny rules folders and scenarios written inline."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from servanda import Finding, RuleSet, evaluate, load_rules, load_scenario

ROOT = Path(__file__).resolve().parent.parent

TREATY_HEAD = """\
treaty: {id}
titles: {{en: Test treaty {id}}}
kind: bilateral
parties: [KAZ, KGZ]
signed: 2024-01-01
in_force: {in_force}
sources: [{{id: s, address: test, provenance: summary}}]
clauses:
  - id: c
    article: Art. 1
    title: Test clause
    text: [{{lang: en, text: "The parties shall behave.", provenance: summary, source: s}}]
    rules:
"""


HOSTILE_BLOC = """\
- id: hostile-bloc
  grade: violation
  summary: Joining a bloc directed against the other party.
  match:
    join: {kind: join_bloc, where: {actor: $bound}}
  facts:
    orientation: {relation: bloc_directed_against, where: {bloc: $join.bloc, against: $protected}}
  explanation: "{bound_name} joined {join.bloc}, directed against {protected_name}."
"""


def make_rules(tmp_path: Path, rules_yaml: str, in_force: str = "2025-01-01", head: str | None = None) -> RuleSet:
    """A rules folder with the real vocabulary and one treaty whose clause holds ``rules_yaml``."""
    folder = tmp_path / "rules"
    (folder / "t").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "rules" / "vocabulary.yaml", folder / "vocabulary.yaml")
    text = head if head is not None else TREATY_HEAD.format(id="t", in_force=in_force)
    text += textwrap.indent(textwrap.dedent(rules_yaml), " " * 6)
    (folder / "t" / "treaty.yaml").write_text(text, encoding="utf-8")
    return load_rules(folder)


def run(tmp_path: Path, rules: RuleSet, scenario_yaml: str) -> list[Finding]:
    """Evaluate an inline scenario and return its findings."""
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(scenario_yaml), encoding="utf-8")
    return list(evaluate(rules, load_scenario(path, rules)).findings)


def brief(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    """(rule, party, date, grade) of each finding, for compact assertions."""
    return [(f.rule, f.party, f.date, f.grade) for f in findings]
