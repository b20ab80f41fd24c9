"""The explainer: a plain evaluator that lists every way each rule concluded, so that findings can be explained.

Two evaluators run the same compiled rules, each with one role:

- the **runtime** (``_runtime``) *finds*: it takes events as they come, keeps only what a
  later step may still need and lets durable_rules match; its findings are servanda's answer;
- the **explainer** (this module) *explains*: it keeps the whole timeline in memory and
  tries every combination with nested loops, so it can say which events and facts made each
  finding (``emissions``), for explanations, why-not, coverage and the timeline.

Both must give the same findings, ids included: the test suite checks it on every shipped
scenario and variant, and hypothesis properties on generated rules and timelines. The
explainer is written from the documented semantics (``_history`` holds the day arithmetic
both share), not from the runtime:

- an events rule completes on its last step's day D, when the pair is bound: every step's
  event happened by D, each later step falls within its window after the step it names, the
  events are distinct, and the fact patterns hold for facts live at the start of D;
- an absence rule fires on its due day (pair bound then and on the trigger's day) unless an
  ``unless`` event occurs while the pair is bound on a day from the trigger's day to the deadline;
- a duration rule fires on its due day when that very fact is still live at the start of
  that day and the pair is bound;
- findings with the same (rule, roles, day, events) are one finding whose world facts are
  merged and whose grade is the gravest among them; nothing after ``as_of`` is judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from ..core import Day, Roles, iso
from ..language import AbsenceRule, CompiledRule, CompiledRules, DurationRule, Event, EventsRule, Pattern
from ._context import Context, PairWindow
from ._findings import Finding, conclude, merge
from ._history import Stretch, absence_deadline, absence_due, duration_due, duration_start, in_window, world_history
from ._matching import Bindings, all_hold

FindingKey = tuple[int, Roles, Day, tuple[str, ...]]


@dataclass
class Emission:
    """One way a rule concluded, before exceptions and before findings with the same key are merged."""

    rule: CompiledRule
    roles: Roles
    day: Day
    events: list[Event]
    facts: list[Stretch]
    bindings: Bindings
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> FindingKey:
        """What identifies a finding: rule, roles, day and evidence events."""
        return (self.rule.index, self.roles, self.day, tuple(e.id for e in self.events))

    def conclude(self, context: Context) -> Finding | None:
        """The finding this match gives on its own, after exceptions (None when one clears it)."""
        return conclude(self.rule, self.roles, self.day, self.events, [s.fact for s in self.facts], self.bindings,
                        self.extra, context)


def explainer_findings(rules: CompiledRules, context: Context, events: Sequence[Event], as_of: Day) -> list[Finding]:
    """Every finding the rules produce over the events up to ``as_of``, sorted: what the runtime must find too."""
    findings: dict[FindingKey, Finding] = {}
    for emission in emissions(rules, context, events, as_of):
        found = emission.conclude(context)
        if found is not None:
            findings[emission.key] = merge(findings.get(emission.key), found)
    return sorted(findings.values(), key=Finding.sort_key)


def timeline_of(events: Sequence[Event], as_of: Day) -> list[Event]:
    """The events judged by ``as_of``, in date order."""
    return sorted((e for e in events if e.day <= as_of), key=lambda e: e.day)


def emissions(rules: CompiledRules, context: Context, events: Sequence[Event], as_of: Day) -> Iterator[Emission]:
    """Every way each rule concludes for each bound pair, before exceptions and merging."""
    timeline = timeline_of(events, as_of)
    history = world_history(rules, context.facts, timeline)
    for rule in rules.rules:
        for window in context.pairs:
            if window.treaty == rule.treaty:
                yield from rule_emissions(rule, window, timeline, history, as_of)


def rule_emissions(rule: CompiledRule, window: PairWindow, timeline: Sequence[Event], history: Sequence[Stretch],
                   as_of: Day) -> Iterator[Emission]:
    """Every way one rule concludes for one pair."""
    if isinstance(rule, EventsRule):
        return _events_rule(rule, window, timeline, history)
    if isinstance(rule, AbsenceRule):
        return _absence_rule(rule, window, timeline, as_of)
    return _duration_rule(rule, window, history, as_of)


def _events_rule(rule: EventsRule, window: PairWindow, timeline: Sequence[Event],
                 history: Sequence[Stretch]) -> Iterator[Emission]:
    """Every choice of step events and facts that completes the rule."""
    roles = window.roles
    for chosen, bindings in _step_choices(rule.steps, [], {}, timeline, roles):
        day = chosen[-1].day
        if not window.covers(day) or any(e.day > day for e in chosen):
            continue
        live = [s for s in history if s.live_on(day)]
        for facts, all_bindings in _fact_choices(rule.facts, [], bindings, live, roles):
            yield Emission(rule, roles, day, chosen, facts, all_bindings)


def _step_choices(steps: Sequence[Pattern], chosen: list[Event], bindings: Bindings, timeline: Sequence[Event],
                  roles: Roles) -> Iterator[tuple[list[Event], Bindings]]:
    """Distinct events for the remaining steps, each within its window after the step it names."""
    if not steps:
        yield chosen, bindings
        return
    step, rest = steps[0], steps[1:]
    day_of = {alias: e.day for alias, e in zip(bindings, chosen)}
    for event in timeline:
        if event.kind != step.kind or any(event is e for e in chosen):
            continue
        if step.after is not None and not in_window(step, event.day, day_of[step.after]):
            continue
        if all_hold(step.conds, event.fields, bindings, roles):
            yield from _step_choices(rest, chosen + [event], {**bindings, step.alias: dict(event.fields)}, timeline, roles)


def _fact_choices(patterns: Sequence[Pattern], chosen: list[Stretch], bindings: Bindings, live: Sequence[Stretch],
                  roles: Roles) -> Iterator[tuple[list[Stretch], Bindings]]:
    """Live facts for the remaining fact patterns, a different fact for each pattern."""
    if not patterns:
        yield chosen, bindings
        return
    pattern, rest = patterns[0], patterns[1:]
    for stretch in live:
        if stretch in chosen:
            continue
        fields = stretch.fact.fields
        if stretch.fact.relation == pattern.kind and all_hold(pattern.conds, fields, bindings, roles):
            yield from _fact_choices(rest, chosen + [stretch], {**bindings, pattern.alias: fields}, live, roles)


def _absence_rule(rule: AbsenceRule, window: PairWindow, timeline: Sequence[Event], as_of: Day) -> Iterator[Emission]:
    """Every trigger that no ``unless`` event answered by its deadline."""
    step, roles = rule.trigger, window.roles
    for trigger in timeline:
        bindings: Bindings = {step.alias: dict(trigger.fields)}
        if trigger.kind != step.kind or not window.covers(trigger.day):
            continue
        if not all_hold(step.conds, trigger.fields, bindings, roles):
            continue
        due = absence_due(trigger.day, rule.days)
        if due > as_of or not window.covers(due):
            continue
        if any(answers(rule, event, window) for event in timeline if trigger.day <= event.day < due):
            continue
        yield Emission(rule, roles, due, [trigger], [], bindings, {"deadline": iso(absence_deadline(trigger.day, rule.days)),
                                                                    "days": rule.days})


def answers(rule: AbsenceRule, event: Event, window: PairWindow) -> bool:
    """Whether ``event`` is one of the rule's ``unless`` events for this pair."""
    return window.covers(event.day) and any(
        event.kind == u.kind and all_hold(u.conds, event.fields, {}, window.roles) for u in rule.unless)


def _duration_rule(rule: DurationRule, window: PairWindow, history: Sequence[Stretch], as_of: Day) -> Iterator[Emission]:
    """Every fact still live, with the pair bound, more than the allowed days after both began."""
    pattern, roles = rule.fact, window.roles
    for stretch in history:
        fields = stretch.fact.fields
        bindings: Bindings = {pattern.alias: fields}
        if stretch.fact.relation != pattern.kind or not all_hold(pattern.conds, fields, bindings, roles):
            continue
        start = duration_start(stretch.fact.since, window.first)
        if start is None:
            continue
        due = duration_due(start, rule.more_than_days)
        if due <= as_of and window.covers(due) and stretch.live_on(due):
            yield Emission(rule, roles, due, [], [stretch], bindings, {"days": rule.more_than_days})

