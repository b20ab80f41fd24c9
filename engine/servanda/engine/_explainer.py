"""A plain evaluator of compiled rules: the oracle that differential tests hold the runtime to.

It keeps the whole timeline in memory and tries every combination with nested
loops, written from the documented semantics rather than from the runtime:

- the world is a set of facts; each day's effects apply removals before
  additions, and a fact added on day D is live from the start of day D + 1;
- a role pair is live on the days of its window (inclusive);
- an events rule completes on its last step's day D, when the pair is live:
  every step's event happened by D, each later step falls within its window
  after the step it names, the events are distinct, and the fact patterns hold
  for facts live at the start of D;
- an absence rule fires on trigger day + days + 1 (pair live then and on the
  trigger's day) unless an ``unless`` event occurs while the pair is live on a
  day from the trigger's day to the deadline;
- a duration rule fires on max(since, pair's first day) + more_than_days + 1
  when that very fact is still live at the start of that day and the pair is;
- findings with the same (rule, roles, day, events) are one finding whose
  world facts are merged and whose grade is the gravest among them (its
  explanation and exception go with it); nothing after ``as_of`` is judged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from ..language import CompiledRule, CompiledRules, Event, Pattern
from ._context import Context, PairWindow
from ._findings import FactRef, Finding, apply_exceptions, iso, merge, render, template_values
from ._matching import all_hold

Bindings = dict[str, Mapping[str, Any]]
FindingKey = tuple[int, str, str, int, tuple[str, ...]]


@dataclass
class Stretch:
    """One uninterrupted life of a world fact: live at the start of days in [live_from, live_until)."""

    relation: str
    fields: dict[str, Any]
    since: int | None
    origin: str
    live_from: int | None  # None: from the start
    live_until: int | None = None  # None: still live

    def live_on(self, day: int) -> bool:
        """Whether the fact is live at the start of ``day``."""
        return (self.live_from is None or self.live_from <= day) and (self.live_until is None or day < self.live_until)


@dataclass
class Emission:
    """One way a rule concluded, before findings with the same key are merged."""

    rule: CompiledRule
    roles: dict[str, str]
    day: int
    events: list[Event]
    facts: list[Stretch]
    bindings: Bindings
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> FindingKey:
        """What identifies a finding: rule, roles, day and evidence events."""
        return (self.rule.index, self.roles["bound"], self.roles["protected"], self.day, tuple(e.id for e in self.events))


def evaluate_reference(rules: CompiledRules, context: Context, events: Sequence[Event], as_of: int) -> list[Finding]:
    """Every finding the rules produce over the events up to ``as_of``, sorted."""
    findings: dict[FindingKey, Finding] = {}
    for emission in emissions(rules, context, events, as_of):
        found = conclude(emission, context)
        if found is not None:
            findings[emission.key] = merge(findings.get(emission.key), found)
    return sorted(findings.values(), key=Finding.sort_key)


def emissions(rules: CompiledRules, context: Context, events: Sequence[Event], as_of: int) -> Iterator[Emission]:
    """Every way each rule concludes for each live role pair, before exceptions and merging."""
    timeline = sorted((e for e in events if e.day <= as_of), key=lambda e: e.day)
    history = world_history(rules, context, timeline)
    for rule in rules.rules:
        for window in context.pairs:
            if window.treaty == rule.treaty:
                roles = {"bound": window.bound, "protected": window.protected}
                yield from _SHAPES[rule.shape](rule, window, roles, timeline, history, as_of)


def world_history(rules: CompiledRules, context: Context, timeline: Sequence[Event]) -> list[Stretch]:
    """Every stretch of every world fact, in the order the facts became true."""
    history: list[Stretch] = []
    for fact in context.facts:
        _add(history, fact.relation, dict(fact.fields), fact.since, fact.origin, None)
    for day, batch in itertools.groupby(timeline, key=lambda e: e.day):
        adds: list[tuple[str, dict[str, Any], str]] = []
        for event in batch:
            for effect in rules.vocabulary.kinds[event.kind].effects:
                values = {r: event.fields[e] for r, e in effect.set.items() if e in event.fields}
                if effect.remove:
                    _remove(history, str(effect.remove), values, day)
                else:
                    adds.append((str(effect.add), values, f"event {event.id}"))
        # Two events adding the same fact on one day: the world keeps one, the first origin in sorted order.
        for relation, values, origin in sorted(adds, key=lambda a: (a[0], sorted(a[1].items()), a[2])):
            _add(history, relation, values, day, origin, day + 1)
    return history


def _add(history: list[Stretch], relation: str, values: dict[str, Any], since: int | None, origin: str,
         live_from: int | None) -> None:
    """Open a stretch unless the same fact is already live (the world is a set)."""
    if any(s.live_until is None and s.relation == relation and s.fields == values for s in history):
        return
    history.append(Stretch(relation, values, since, origin, live_from))


def _remove(history: list[Stretch], relation: str, values: Mapping[str, Any], day: int) -> None:
    """Close the live stretches whose listed fields match: still live at the start of ``day``."""
    for stretch in history:
        if stretch.live_until is None and stretch.relation == relation \
                and all(stretch.fields.get(k) == v for k, v in values.items()):
            stretch.live_until = day + 1


def pair_live(window: PairWindow, day: int) -> bool:
    """Whether the pair's window covers ``day`` (inclusive, None open)."""
    return (window.first is None or window.first <= day) and (window.last is None or day <= window.last)


def _events_rule(rule: CompiledRule, window: PairWindow, roles: dict[str, str], timeline: Sequence[Event],
                 history: Sequence[Stretch], as_of: int) -> Iterator[Emission]:
    """Every choice of step events and facts that completes the rule."""
    for chosen, bindings in _step_choices(rule.steps, [], {}, timeline, roles):
        day = chosen[-1].day
        if not pair_live(window, day) or any(e.day > day for e in chosen):
            continue
        live = [s for s in history if s.live_on(day)]
        for facts, all_bindings in _fact_choices(rule.facts, [], bindings, live, roles):
            yield Emission(rule, roles, day, chosen, facts, all_bindings)


def _step_choices(steps: Sequence[Pattern], chosen: list[Event], bindings: Bindings, timeline: Sequence[Event],
                  roles: dict[str, str]) -> Iterator[tuple[list[Event], Bindings]]:
    """Distinct events for the remaining steps, each within its window after the step it names."""
    if not steps:
        yield chosen, bindings
        return
    step, rest = steps[0], steps[1:]
    day_of = {alias: e.day for alias, e in zip(bindings, chosen)}
    for event in timeline:
        if event.kind != step.kind or any(event is e for e in chosen):
            continue
        if step.after is not None:
            gap = event.day - day_of[step.after]
            if gap < 0 or (step.within_days is not None and gap > step.within_days):
                continue
        if all_hold(step.conds, event.fields, bindings, roles):
            yield from _step_choices(rest, chosen + [event], {**bindings, step.alias: dict(event.fields)}, timeline, roles)


def _fact_choices(patterns: Sequence[Pattern], chosen: list[Stretch], bindings: Bindings, live: Sequence[Stretch],
                  roles: dict[str, str]) -> Iterator[tuple[list[Stretch], Bindings]]:
    """Live facts for the remaining fact patterns, a different fact for each pattern."""
    if not patterns:
        yield chosen, bindings
        return
    pattern, rest = patterns[0], patterns[1:]
    for stretch in live:
        if stretch in chosen:
            continue
        if stretch.relation == pattern.kind and all_hold(pattern.conds, stretch.fields, bindings, roles):
            yield from _fact_choices(rest, chosen + [stretch], {**bindings, pattern.alias: stretch.fields}, live, roles)


def _absence_rule(rule: CompiledRule, window: PairWindow, roles: dict[str, str], timeline: Sequence[Event],
                  history: Sequence[Stretch], as_of: int) -> Iterator[Emission]:
    """Every trigger that no ``unless`` event answered by its deadline."""
    step, days = rule.steps[0], rule.absence_days or 0
    for trigger in timeline:
        bindings: Bindings = {step.alias: dict(trigger.fields)}
        if trigger.kind != step.kind or not pair_live(window, trigger.day):
            continue
        if not all_hold(step.conds, trigger.fields, bindings, roles):
            continue
        due = trigger.day + days + 1
        if due > as_of or not pair_live(window, due):
            continue
        if any(answers(rule, event, window) for event in timeline if trigger.day <= event.day < due):
            continue
        yield Emission(rule, roles, due, [trigger], [], bindings, {"deadline": iso(due - 1), "days": days})


def answers(rule: CompiledRule, event: Event, window: PairWindow) -> bool:
    """Whether ``event`` is one of the rule's ``unless`` events for this pair."""
    roles = {"bound": window.bound, "protected": window.protected}
    return pair_live(window, event.day) and any(
        event.kind == u.kind and all_hold(u.conds, event.fields, {}, roles) for u in rule.unless)


def _duration_rule(rule: CompiledRule, window: PairWindow, roles: dict[str, str], timeline: Sequence[Event],
                   history: Sequence[Stretch], as_of: int) -> Iterator[Emission]:
    """Every fact still live, with the pair, more than the allowed days after both began."""
    pattern, limit = rule.duration, rule.more_than_days
    assert pattern is not None and limit is not None
    for stretch in history:
        bindings: Bindings = {pattern.alias: stretch.fields}
        if stretch.relation != pattern.kind or not all_hold(pattern.conds, stretch.fields, bindings, roles):
            continue
        start = duration_start(stretch, window)
        if start is None:
            continue
        due = start + limit + 1
        if due <= as_of and pair_live(window, due) and stretch.live_on(due):
            yield Emission(rule, roles, due, [], [stretch], bindings, {"days": limit})


def duration_start(stretch: Stretch, window: PairWindow) -> int | None:
    """The day a duration counts from: the later of the fact's since and the pair's first day."""
    starts = [d for d in (stretch.since, window.first) if d is not None]
    return max(starts) if starts else None


_SHAPES = {"events": _events_rule, "absence": _absence_rule, "duration": _duration_rule}


def conclude(emission: Emission, context: Context) -> Finding | None:
    """The finding one emission gives on its own, after exceptions (None when one clears it)."""
    rule, roles = emission.rule, emission.roles
    grade, exception = apply_exceptions(rule, emission.bindings)
    if grade == "cleared":
        return None
    values = template_values(emission.bindings, _meta(emission), roles, context.names, emission.extra)
    return Finding(
        treaty=rule.treaty, clause=rule.clause, rule=rule.rule, grade=grade, party=roles["bound"],
        protected=roles["protected"], date=iso(emission.day), events=tuple(e.id for e in emission.events),
        facts=tuple(_fact_ref(s) for s in emission.facts), citation=rule.citation,
        explanation=render(rule.explanation, values), summary=rule.summary,
        exception=exception.note if exception else "", assumptions=context.assumptions.get(rule.treaty, ()),
    )


def _fact_ref(stretch: Stretch) -> FactRef:
    """The world fact as a finding cites it."""
    since = iso(stretch.since) if stretch.since is not None else None
    return FactRef(stretch.relation, tuple(sorted(stretch.fields.items())), since, stretch.origin)


def _meta(emission: Emission) -> dict[str, dict[str, Any]]:
    """Per alias, what a template may name besides fields: an event's date and id, a fact's since and id."""
    rule = emission.rule
    meta: dict[str, dict[str, Any]] = {s.alias: {"date": e.date.isoformat(), "id": e.id} for s, e in zip(rule.steps, emission.events)}
    patterns = rule.facts + ((rule.duration,) if rule.duration else ())
    for pattern, stretch in zip(patterns, emission.facts):
        meta[pattern.alias] = {"since": iso(stretch.since) if stretch.since is not None else None, "id": stretch.origin}
    return meta
