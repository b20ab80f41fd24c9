"""Check a scenario document against the compiled rules: world facts, events, assumptions, expectations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..errors import DiagnosticError
from ._events import Event, check_field, parse_date, parse_event
from ._ir import CompiledRules
from ._models import Expectations, ExpectedFinding, Scenario, WorldFact
from ._states import known_states, unknown_state
from ._validate import validate
from ._yaml import Document, Key


def compile_scenario(doc: Document, rules: CompiledRules) -> tuple[Scenario, tuple[Event, ...]]:
    """Validate a scenario; return it with its events in date order, or raise every problem."""
    try:
        scenario = validate(doc, Scenario)
    except DiagnosticError as exc:
        raw = doc.data.get("events") if isinstance(doc.data, dict) else None
        world = doc.data.get("world") if isinstance(doc.data, dict) else None
        listed = world.get("states") if isinstance(world, dict) else None
        states = scenario_states(rules, listed if isinstance(listed, dict) else {})
        more = parse_events(doc, raw, rules, ("events",), states)[1] if isinstance(raw, list) else []
        places = {(d.line, d.col, d.code) for d in exc.diagnostics}
        raise DiagnosticError(exc.diagnostics + tuple(d for d in more if (d.line, d.col, d.code) not in places)) from None
    problems: list[Diagnostic] = []
    for i, a in enumerate(scenario.assume):
        if a.treaty not in rules.treaties:
            problems.append(doc.diag(("assume", i, "treaty"), "SV207", f"unknown treaty '{a.treaty}'",
                                     did_you_mean(a.treaty, rules.treaties) or one_of(rules.treaties)))
    states = scenario_states(rules, scenario.world.states)
    problems.extend(check_facts(doc, scenario.world.facts, rules, ("world", "facts"), states))
    events, found = parse_events(doc, scenario.events, rules, ("events",), states)
    problems.extend(found)
    for i, event in enumerate(scenario.events):
        date = event.get("date") if isinstance(event, dict) else None
        if isinstance(date, str) and parse_date(date) is not None and date > scenario.as_of.isoformat():
            problems.append(doc.diag(("events", i, "date"), "SV210", f"event dated {date} is after as_of {scenario.as_of}",
                                     "move as_of later or drop the event"))
    problems.extend(late_facts(doc, ("world", "facts"), scenario.world.facts, min((e.date for e in events), default=scenario.as_of)))
    if scenario.expect is not None:
        problems.extend(check_expected(doc, ("expect",), scenario.expect, rules, states))
    if problems:
        raise DiagnosticError(problems)
    return scenario, tuple(sorted(events, key=lambda e: e.day))


def late_facts(doc: Document, key: Key, facts: tuple[WorldFact, ...], first: dt.date) -> list[Diagnostic]:
    """The initial world holds before the timeline starts: no fact of it may begin after ``first``, the first event's day."""
    return [doc.diag(key + (i, "since"), "SV210", f"world fact begins on {fact.since}, after the timeline starts ({first})",
                     "the initial world is what holds before the first event: record its beginning as an event, or move since earlier")
            for i, fact in enumerate(facts) if fact.since is not None and fact.since > first]


def scenario_states(rules: CompiledRules, *listed: Any) -> frozenset[str]:
    """The state codes a scenario may name: the standard ones, the treaties' parties and members, and those ``listed``
    (``world.states`` mappings; a code of the wrong form among them is reported by validation, not taken)."""
    return known_states(rules.parties, *({c for c in codes if isinstance(c, str)} for codes in listed))


def parse_events(doc: Document, raws: Any, rules: CompiledRules, key: Key,
                 states: frozenset[str]) -> tuple[list[Event], list[Diagnostic]]:
    """Validate a list of raw events naming only ``states``; duplicate ids are refused."""
    events: list[Event] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raws):
        event, found = parse_event(raw, rules.vocabulary, doc.diag, key + (i,), states)  # scenarios are small: explain everything
        problems.extend(found)
        event_id = str(raw.get("id")) if isinstance(raw, dict) and "id" in raw else None
        if event_id is not None and event_id in seen:
            problems.append(doc.diag(key + (i, "id"), "SV209", f"event id '{event_id}' is used twice",
                                     f"first used by event {seen[event_id] + 1}"))
            continue
        if event_id is not None:
            seen[event_id] = i
        if event is not None:
            events.append(event)
    return events, problems


def check_facts(doc: Document, facts: tuple[WorldFact, ...], rules: CompiledRules, key: Key,
                states: frozenset[str]) -> list[Diagnostic]:
    """Each fact at ``key + (i,)`` must name a real relation and give its fields with the right types and known states."""
    problems: list[Diagnostic] = []
    relations = rules.vocabulary.relations
    for i, fact in enumerate(facts):
        here: Key = key + (i,)
        spec = relations.get(fact.relation)
        if spec is None:
            problems.append(doc.diag(here + ("relation",), "SV203", f"unknown relation '{fact.relation}'",
                                     did_you_mean(fact.relation, relations) or one_of(relations)))
            continue
        for name, value in fact.fields.items():
            fspec = spec.fields.get(name)
            if fspec is None:
                problems.append(doc.diag(here + ("fields", name), "SV202", f"relation '{fact.relation}' has no field '{name}'",
                                         did_you_mean(name, spec.fields) or one_of(spec.fields)))
                continue
            checked = check_field(fspec, value, states)
            if checked.code:
                problems.append(doc.diag(here + ("fields", name), checked.code, f"field '{name}': {checked.problem}", checked.hint))
        for name, fspec in spec.fields.items():
            if fspec.required and name not in fact.fields:
                problems.append(doc.diag(here + ("fields",), "SV211", f"relation '{fact.relation}' needs field '{name}'"))
    return problems


def check_expected(doc: Document, key: Key, expect: Expectations, rules: CompiledRules, states: frozenset[str]) -> list[Diagnostic]:
    """Expected findings must name real treaties and clauses, and known states."""
    problems: list[Diagnostic] = []
    for section in ("findings", "absent"):
        for i, exp in enumerate(getattr(expect, section)):
            problems.extend(_check_expected(doc, key + (section, i), exp.treaty, exp.clause, rules))
            problems.extend(_expected_states(doc, key + (section, i), exp, states))
    return problems


def _expected_states(doc: Document, key: Key, exp: ExpectedFinding, states: frozenset[str]) -> list[Diagnostic]:
    """SV206 for an expected party or protected state that is not a known code."""
    return [doc.diag(key + (role,), "SV206", *unknown_state(code, states))
            for role, code in (("party", exp.party), ("protected", exp.protected)) if code is not None and code not in states]


def _check_expected(doc: Document, key: Key, treaty: str, clause: str, rules: CompiledRules) -> list[Diagnostic]:
    if treaty not in rules.treaties:
        return [doc.diag(key + ("treaty",), "SV207", f"unknown treaty '{treaty}'",
                         did_you_mean(treaty, rules.treaties) or one_of(rules.treaties))]
    clauses = rules.treaties[treaty].clauses
    if clause not in clauses:
        return [doc.diag(key + ("clause",), "SV204", f"treaty '{treaty}' has no clause '{clause}'",
                         did_you_mean(clause, clauses) or one_of(clauses))]
    return []
