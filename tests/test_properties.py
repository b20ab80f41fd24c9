"""Hypothesis properties of the runtime: it agrees with the explainer (the other evaluator) and with itself.

The runtime side always runs in a child process (``differential_worker``): the backend
can crash the process on some rule shapes, and a crash must be a reported failure
that shows the generated rules and events, not a dead test run.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Iterator

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from differential_worker import Compiled, RuntimeWorker, compile_case, compile_rules_text
from servanda.language import Ref
from servanda.engine import explainer_findings
from strategies import KINDS, VOCABULARY_TEXT, Case, cases, day, quiet_events
from support import HOSTILE_BLOC, TREATY_HEAD

pytestmark = pytest.mark.slow  # hypothesis properties, the engine side in a subprocess

FindingJSON = dict[str, Any]


@pytest.fixture(scope="module")
def worker() -> Iterator[RuntimeWorker]:
    """One runtime child process for the module, restarted after a crash."""
    child = RuntimeWorker()
    yield child
    child.close()


def compiled(treaty: str, scenario: str) -> Compiled:
    """A case through the real pipeline, in this process."""
    return compile_case(compile_rules_text(VOCABULARY_TEXT, treaty), scenario)


def runtime_findings(worker: RuntimeWorker, treaty: str, scenario: str) -> list[FindingJSON]:
    """The runtime's findings, computed in the child process."""
    return worker.evaluate(VOCABULARY_TEXT, treaty, scenario)


def explainer_findings_json(case: Compiled) -> list[FindingJSON]:
    """The explainer's findings, as JSON (lists, not tuples)."""
    found = explainer_findings(case.rules, case.context, case.events, case.as_of)
    return json.loads(json.dumps([f.to_json() for f in found]))


def identity(finding: FindingJSON) -> tuple[Any, ...]:
    """What makes a finding one finding: rule, roles, day and evidence events."""
    return (finding["rule"], finding["party"], finding["protected"], finding["date"], tuple(finding["events"]))


def disagreements(runtime: list[FindingJSON], explainer: list[FindingJSON]) -> list[str]:
    """Where the runtime differs from the explainer, finding by finding."""
    problems = []
    ours, theirs = {identity(f): f for f in runtime}, {identity(f): f for f in explainer}
    for key in sorted(set(ours) | set(theirs)):
        if key not in theirs or key not in ours:
            side = "runtime" if key in ours else "explainer"
            problems.append(f"only the {side} finds {key}: {(ours.get(key) or theirs[key])['explanation']}")
            continue
        a, b = ours[key], theirs[key]
        problems.extend(f"{key} {name}: runtime {a[name]!r}, explainer {b[name]!r}" for name in a if a[name] != b[name])
    if not problems and runtime != explainer:
        problems.append("the findings are in a different order")
    return problems


def show(case: Case) -> str:
    """The generated inputs, for failure messages."""
    return f"--- treaty\n{case.treaty_text}\n--- scenario\n{case.scenario_text}"


@given(cases())
def test_runtime_agrees_with_the_explainer(worker: RuntimeWorker, case: Case) -> None:
    """The runtime and the explainer produce the same findings for any valid rules and timeline."""
    local = compiled(case.treaty_text, case.scenario_text)
    explainer = explainer_findings_json(local)
    runtime = runtime_findings(worker, case.treaty_text, case.scenario_text)
    problems = disagreements(runtime, explainer)
    assert not problems, "\n".join(problems) + "\n" + show(case)


@given(cases())
def test_findings_are_deterministic(worker: RuntimeWorker, case: Case) -> None:
    """Evaluating the same rules and timeline twice gives identical findings."""
    first = runtime_findings(worker, case.treaty_text, case.scenario_text)
    assert runtime_findings(worker, case.treaty_text, case.scenario_text) == first, show(case)


def quiet_kinds(case: Compiled) -> list[str]:
    """Kinds an event naming no party cannot matter by: every pattern of the kind ties a field to a role
    by equality, and the kind changes no relation a rule uses."""
    out = []
    for kind in sorted(KINDS):
        patterns = [p for r in case.rules.rules for p in r.events_read if p.kind == kind]
        tied = all(any(c.op == "eq" and isinstance(c.value, Ref) and c.value.is_role for c in p.conds) for p in patterns)
        effects = case.rules.vocabulary.kinds[kind].effects
        touched = {str(e.add or e.remove) for e in effects}
        if tied and not touched & case.rules.used_relations:
            out.append(kind)
    return out


@given(cases(), st.data())
def test_events_of_outsiders_change_nothing(worker: RuntimeWorker, case: Case, data: st.DataObject) -> None:
    """Events that name no party, of kinds that every rule ties to a role and that change no fact a rule uses, never change findings."""
    kinds = quiet_kinds(compiled(case.treaty_text, case.scenario_text))
    assume(kinds)
    noise = quiet_events(data.draw, kinds, data.draw(st.integers(1, 10)))
    noisy = case.with_events(case.scenario["events"] + noise)
    note(f"outsider events: {noise}")
    before = runtime_findings(worker, case.treaty_text, case.scenario_text)
    assert runtime_findings(worker, noisy.treaty_text, noisy.scenario_text) == before, show(noisy)


@given(cases(), st.data())
def test_order_of_same_day_events_is_irrelevant(worker: RuntimeWorker, case: Case, data: st.DataObject) -> None:
    """Reordering events that share a date changes no finding."""
    shuffled = case.with_events(data.draw(st.permutations(case.scenario["events"])))
    before = runtime_findings(worker, case.treaty_text, case.scenario_text)
    assert runtime_findings(worker, shuffled.treaty_text, shuffled.scenario_text) == before, show(shuffled)




def treaty_text(rules: str, in_force: str = "2025-01-01") -> str:
    """A bilateral KAZ-KGZ treaty with one clause holding ``rules``."""
    return TREATY_HEAD.format(id="t", in_force=in_force) + textwrap.indent(rules, " " * 6)


@given(st.integers(-30, 30), st.sampled_from([("KAZ", "KGZ"), ("KGZ", "KAZ")]))
def test_entry_into_force_boundary(worker: RuntimeWorker, offset: int, roles: tuple[str, str]) -> None:
    """A join on the entry-into-force date is a finding; the same join a day earlier is not."""
    bound, protected = roles
    treaty = treaty_text(HOSTILE_BLOC, in_force=day(offset))
    scenario = (f"scenario: t\ntitle: t\nas_of: {day(60)}\nworld:\n  facts:\n"
                f"    - {{relation: bloc_directed_against, fields: {{bloc: b, against: {protected}}}}}\nevents:\n"
                f"  - {{id: early, date: {day(offset - 1)}, kind: join_bloc, actor: {bound}, bloc: b}}\n"
                f"  - {{id: on-time, date: {day(offset)}, kind: join_bloc, actor: {bound}, bloc: b}}\n")
    found = runtime_findings(worker, treaty, scenario)
    assert [(f["party"], f["protected"], f["date"], f["events"]) for f in found] == [(bound, protected, day(offset), ["on-time"])]
    assert found == explainer_findings_json(compiled(treaty, scenario))


@given(cases())
def test_findings_cite_and_explain(worker: RuntimeWorker, case: Case) -> None:
    """Every finding cites its clause with at least one text and explains itself with every placeholder filled."""
    for finding in runtime_findings(worker, case.treaty_text, case.scenario_text):
        texts = finding["citation"]["texts"]
        assert texts and all(t["text"] and t["provenance"] for t in texts), finding
        assert finding["explanation"].strip(), finding
        assert "{" not in finding["explanation"] and "}" not in finding["explanation"], finding["explanation"]


# --- regressions: each case, generated at random, once made the runtime and the explainer disagree ---------

def agree(worker: RuntimeWorker, rules: str, world_and_events: str) -> list[FindingJSON]:
    """Assert the runtime finds what the explainer finds; return the explainer's findings."""
    treaty = treaty_text(textwrap.dedent(rules))
    scenario = "scenario: t\ntitle: t\nas_of: 2026-12-31\n" + textwrap.dedent(world_and_events)
    explainer = explainer_findings_json(compiled(treaty, scenario))
    assert runtime_findings(worker, treaty, scenario) == explainer
    return explainer


def test_unless_conditions_off_the_backend_still_apply(worker: RuntimeWorker) -> None:
    """Consultations without a topic do not answer a rule that asks for consultations with a topic."""
    found = agree(worker, """\
        - id: consult
          grade: potential_violation
          summary: No consultations on a topic within 7 days of a threat.
          match:
            threat: {kind: threat_of_armed_attack, where: {target: $protected, actor: {not: $bound}}}
          absence:
            days: 7
            unless: [{kind: consultations, where: {actor: $bound, partner: $protected, topic: {exists: true}}}]
          explanation: "No consultations with {protected} by {deadline}."
        """, """\
        events:
          - {id: t, date: 2026-03-01, kind: threat_of_armed_attack, actor: CHN, target: KGZ}
          - {id: c, date: 2026-03-02, kind: consultations, actor: KAZ, partner: KGZ}
        """)
    assert [(f["party"], f["date"]) for f in found] == [("KAZ", "2026-03-09")]


def test_each_fact_pattern_needs_its_own_fact(worker: RuntimeWorker) -> None:
    """Two fact patterns are satisfied by two different world facts, never by one fact twice."""
    found = agree(worker, """\
        - id: same-fact
          grade: violation
          summary: Joining a bloc directed against someone, while some bloc is directed against the other party.
          match:
            join: {kind: join_bloc, where: {actor: $bound}}
          facts:
            hostile: {relation: bloc_directed_against, where: {bloc: $join.bloc}}
            against: {relation: bloc_directed_against, where: {against: $protected}}
          explanation: "{bound} joined {join.bloc}."
        """, """\
        world:
          facts: [{relation: bloc_directed_against, fields: {bloc: b, against: KAZ}}]
        events:
          - {id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: b}
        """)
    assert found == []


def test_in_beside_a_join_keeps_the_join(worker: RuntimeWorker) -> None:
    """A basing right of another guest does not satisfy a pattern joined to the negotiating guest."""
    found = agree(worker, """\
        - id: negotiate-then-strike
          grade: violation
          summary: A prospective guest strikes the other party while it holds a basing right.
          match:
            talks: {kind: negotiate_basing, where: {actor: $bound}}
            strike: {kind: armed_attack, after: talks, within_days: 30, where: {target: $protected}}
          facts:
            right: {relation: basing_right, where: {host: {in: [KAZ, KGZ]}, guest: $talks.guest}}
          explanation: "{talks.guest} struck {protected}; basing right of {right.guest} in {right.host}."
        """, """\
        world:
          facts: [{relation: basing_right, fields: {host: KAZ, guest: CHN}}]
        events:
          - {id: n, date: 2026-01-01, kind: negotiate_basing, actor: KAZ, guest: USA}
          - {id: a, date: 2026-01-05, kind: armed_attack, actor: USA, target: KGZ}
        """)
    assert found == []


def test_merged_finding_takes_the_gravest_grade(worker: RuntimeWorker) -> None:
    """A closure and a slow-down that share one finding grade it as the closure does, not as the exception for slow-downs."""
    found = agree(worker, """\
        - id: closed
          grade: potential_violation
          summary: A border restriction lasting more than 3 days.
          duration: {relation: border_restriction, where: {by: $bound, against: $protected}, more_than_days: 3}
          exceptions:
            - {id: slow, where: {severity: slowdown}, grade: indicator, note: only a slow-down}
          explanation: "{bound} restricted the border ({fact.severity}) for more than {days} days."
        """, """\
        events:
          - {id: c, date: 2026-05-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: closure}
          - {id: s, date: 2026-05-01, kind: restrict_border, actor: KAZ, against: KGZ, severity: slowdown}
        """)
    assert [(f["grade"], len(f["facts"])) for f in found] == [("potential_violation", 2)]


def test_four_steps_keep_every_step_event(worker: RuntimeWorker) -> None:
    """A step event stays available for as long as the last step may still complete the rule."""
    found = agree(worker, """\
        - id: four
          grade: violation
          summary: Four steps whose windows branch from the first.
          match:
            a: {kind: grant_basing, where: {actor: $bound}}
            b: {kind: armed_attack, after: a, within_days: 10, where: {target: $protected}}
            c: {kind: statement, after: a, within_days: 0, where: {actor: $bound}}
            d: {kind: hostile_act, after: b, within_days: 0, where: {target: $protected}}
          explanation: "{a.id} {b.id} {c.id} {d.id}"
        """, """\
        events:
          - {id: g, date: 2026-03-01, kind: grant_basing, actor: KAZ, guest: USA}
          - {id: s, date: 2026-03-01, kind: statement, actor: KAZ, text: hello}
          - {id: x, date: 2026-03-11, kind: armed_attack, actor: USA, target: KGZ}
          - {id: h, date: 2026-03-11, kind: hostile_act, actor: USA, target: KGZ, nature: sabotage}
        """)
    assert [f["events"] for f in found] == [["g", "x", "s", "h"]]
