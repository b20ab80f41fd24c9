"""Incremental evaluation of compiled rules over a time-ordered stream of events.

The runtime owns time: it batches events by day, fires deadlines and durations,
asserts and retracts the role pairs as treaties enter into and leave force, and
expires waiting events with their windows. The backend only matches. Within one
day, every event is matched against the world as it stood at the start of that
day, and the day's effects then apply removals before additions, so the order of
events that share a date never changes the findings.

The engine never forgets a fact that took part in a match (see
``backend.Session.retract_fact``), so every match is checked here against what is
still live: waiting events, world facts and role pairs.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..language import CompiledRule, CompiledRules, Event
from ._backend import Backend, Session, decode, field_key
from ._context import Context, PairWindow
from ._findings import FactRef, Finding, apply_exceptions, iso, merge, render, template_values
from ._matching import all_hold
from ._prefilter import Prefilter
from ._world import LiveFact, World

PAIR_DEL, PAIR_ADD, EXPIRE, CHECK = range(4)
ROTATE_AFTER = 5_000  # retractions before the session is rebuilt (the engine keeps retracted memory)


@dataclass
class Pending:
    """An absence rule's trigger waiting for its deadline."""

    rule: CompiledRule
    roles: dict[str, str]
    event: Event
    bindings: dict[str, dict[str, Any]]
    due: int
    cancelled: bool = False


@dataclass(frozen=True)
class DurationCheck:
    """A duration rule's check, due when the fact would have lasted too long."""

    rule: CompiledRule
    roles: dict[str, str]
    fact: LiveFact


@dataclass
class _State:
    facts: World = field(default_factory=World)
    retained: dict[str, tuple[Event, dict[str, Any]]] = field(default_factory=dict)  # uid -> (event, message)
    pairs: dict[str, tuple[PairWindow, dict[str, Any]]] = field(default_factory=dict)
    pending: dict[tuple[int, str, str], list[Pending]] = field(default_factory=dict)
    timers: list[tuple[int, int, int, Any]] = field(default_factory=list)


class Runtime:
    """Evaluates one timeline; feed events in date order, then ``finish``.

    All state (world, waiting events, pairs, timers) is plain data, so a later
    monitoring daemon can save and restore it between runs.
    """

    def __init__(self, rules: CompiledRules, backend: Backend, context: Context) -> None:
        self.rules, self.backend, self.context = rules, backend, context
        self.by_index = {r.index: r for r in rules.rules}
        self.prefilter = Prefilter(rules)
        self.session: Session = backend.session()
        self.state = _State()
        self.findings: dict[tuple[Any, ...], Finding] = {}
        self.day: int | None = None
        self.batch: list[Event] = []
        self.retractions = 0
        self._seq = itertools.count()
        self._uids = itertools.count()
        for window in context.pairs:
            self._timer(window.first, PAIR_ADD, window)
            if window.last is not None:
                self._timer(window.last + 1, PAIR_DEL, window)
        for fact in context.facts:
            self._add_fact(fact.relation, dict(fact.fields), fact.since, fact.origin)

    # --- public -------------------------------------------------------------

    def feed(self, events: Iterable[Event]) -> None:
        """Accept events in non-decreasing date order."""
        for event in events:
            if self.day is not None and event.day < self.day:
                raise ValueError(f"event {event.id} ({event.date}) is earlier than {iso(self.day)}: feeds must be in date order")
            if event.day != self.day:
                self._flush()
                self.day = event.day
            self.batch.append(event)

    def finish(self, as_of: int) -> list[Finding]:
        """Close the last day, judge deadlines and durations up to ``as_of``, return sorted findings."""
        self._flush()
        self._advance(as_of)
        self.close()
        return sorted(self.findings.values(), key=Finding.sort_key)

    def close(self) -> None:
        """Release the backend session (the engine allows a bounded number per ruleset)."""
        self.session.close()

    # --- time ---------------------------------------------------------------

    def _timer(self, day: int | None, priority: int, payload: Any) -> None:
        heapq.heappush(self.state.timers, (day if day is not None else -(10**9), priority, next(self._seq), payload))

    def _advance(self, day: int) -> None:
        timers = self.state.timers
        while timers and timers[0][0] <= day:
            due, priority, _, payload = heapq.heappop(timers)
            if priority == PAIR_ADD:
                self._pair_add(payload)
            elif priority == PAIR_DEL:
                self._pair_del(payload)
            elif priority == EXPIRE:
                self._expire(payload)
            elif isinstance(payload, Pending):
                self._check_absence(due, payload)
            else:
                self._check_duration(due, payload)

    def _flush(self) -> None:
        if self.day is None or not self.batch:
            return
        day, batch = self.day, self.batch
        self.batch = []
        self._advance(day)
        matches = []
        in_batch: set[str] = set()
        for event in batch:
            if not self.prefilter.relevant(event):
                continue
            uid = f"e{next(self._uids)}"
            message = _event_message(uid, event)
            self.state.retained[uid] = (event, message)
            in_batch.add(uid)
            matches.extend(self.session.assert_fact(dict(message)))
        self._on_matches(matches, day, in_batch)
        self._apply_effects(batch, day)
        for uid in sorted(in_batch):
            keep = self.prefilter.retention.get(self.state.retained[uid][0].kind)
            if keep is None:
                self._expire(uid)
            else:
                self._timer(day + keep + 1, EXPIRE, uid)
        if self.retractions >= ROTATE_AFTER:
            self._rotate()

    # --- matches ------------------------------------------------------------

    def _on_matches(self, matches: list[tuple[str, dict[str, Any]]], day: int, in_batch: set[str]) -> None:
        unless: list[tuple[CompiledRule, dict[str, str]]] = []
        for name, raw in matches:
            found = self._live_match(name, raw)
            if found is None:
                continue
            rule, match, roles = found
            if "_u" in name:
                pattern = rule.unless[int(name.rsplit("_u", 1)[1])]
                entry = self.state.retained.get(match[pattern.alias]["i"])
                if entry is not None and all_hold(pattern.conds, entry[0].fields, {}, roles, only_python=True):
                    unless.append((rule, roles))
            elif rule.shape == "absence":
                self._trigger(rule, match, roles, day, in_batch)
            elif rule.shape == "events":
                self._complete(rule, match, roles, day, in_batch)
        for rule, roles in unless:
            for pending in self.state.pending.get((rule.index, roles["bound"], roles["protected"]), []):
                if pending.event.day <= day:
                    pending.cancelled = True

    def _bindings(self, rule: CompiledRule, match: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[Event], list[LiveFact]] | None:
        bindings: dict[str, dict[str, Any]] = {}
        events: list[Event] = []
        facts: list[LiveFact] = []
        for step in rule.steps:
            entry = self.state.retained.get(match[step.alias]["i"])
            if entry is None:
                return None  # an expired event the engine still holds
            bindings[step.alias] = dict(entry[0].fields)
            events.append(entry[0])
        for pattern in rule.facts:
            fact = self.state.facts.get(match[pattern.alias]["i"])
            if fact is None:
                return None
            bindings[pattern.alias] = fact.fields
            facts.append(fact)
        return bindings, events, facts

    def _complete(self, rule: CompiledRule, match: dict[str, Any], roles: dict[str, str], day: int, in_batch: set[str]) -> None:
        found = self._bindings(rule, match)
        if found is None:
            return
        bindings, events, facts = found
        if events[-1].day != day or match[rule.steps[-1].alias]["i"] not in in_batch:
            return
        if not steps_in_order(rule, events) or not python_conditions_hold(rule, bindings, roles):
            return
        self._emit(rule, roles, day, events, facts, bindings, {})

    def _trigger(self, rule: CompiledRule, match: dict[str, Any], roles: dict[str, str], day: int, in_batch: set[str]) -> None:
        uid = match[rule.steps[0].alias]["i"]
        if uid not in in_batch:
            return
        found = self._bindings(rule, match)
        if found is None or not python_conditions_hold(rule, found[0], roles):
            return
        bindings, events, _ = found
        assert rule.absence_days is not None
        pending = Pending(rule, roles, events[0], bindings, day + rule.absence_days + 1)
        self.state.pending.setdefault((rule.index, roles["bound"], roles["protected"]), []).append(pending)
        self._timer(pending.due, CHECK, pending)

    def _check_absence(self, due: int, pending: Pending) -> None:
        rule, roles = pending.rule, pending.roles
        waiting = self.state.pending.get((rule.index, roles["bound"], roles["protected"]), [])
        if pending in waiting:
            waiting.remove(pending)
        if not pending.cancelled and self._pair_live(rule.treaty, roles):
            extra = {"deadline": iso(due - 1), "days": rule.absence_days}
            self._emit(rule, roles, due, [pending.event], [], pending.bindings, extra)

    def _on_duration(self, rule: CompiledRule, match: dict[str, Any], roles: dict[str, str]) -> None:
        fact = self.state.facts.get(match["fact"]["i"])
        if fact is None or rule.duration is None or rule.more_than_days is None:
            return
        bindings = {"fact": fact.fields}
        if not all_hold(rule.duration.conds, fact.fields, bindings, roles, only_python=True):
            return
        window = self.state.pairs.get(_pair_id(rule.treaty, roles))
        starts = [d for d in (fact.since, window[0].first if window else None) if d is not None]
        if not starts:
            return
        self._timer(max(starts) + rule.more_than_days + 1, CHECK, DurationCheck(rule, roles, fact))

    def _check_duration(self, due: int, check: DurationCheck) -> None:
        rule, roles, fact = check.rule, check.roles, check.fact
        if fact.uid in self.state.facts and self._pair_live(rule.treaty, roles):
            self._emit(rule, roles, due, [], [fact], {"fact": fact.fields}, {"days": rule.more_than_days})

    def _emit(self, rule: CompiledRule, roles: dict[str, str], day: int, events: list[Event], facts: list[LiveFact],
              bindings: dict[str, dict[str, Any]], extra: dict[str, Any]) -> None:
        grade, exception = apply_exceptions(rule, bindings)
        if grade == "cleared":
            return
        key = (rule.index, roles["bound"], roles["protected"], day, tuple(e.id for e in events))
        refs = tuple(FactRef(f.relation, tuple(sorted(f.fields.items())), iso(f.since) if f.since is not None else None, f.origin) for f in facts)
        meta: dict[str, dict[str, str | None]] = {s.alias: {"date": e.date.isoformat(), "id": e.id} for s, e in zip(rule.steps, events)}
        for pattern, fact in zip(rule.facts + ((rule.duration,) if rule.duration else ()), facts):
            meta[pattern.alias] = {"since": iso(fact.since) if fact.since is not None else None, "id": fact.origin}
        values = template_values(bindings, meta, roles, self.context.names, extra)
        self.findings[key] = merge(self.findings.get(key), Finding(
            treaty=rule.treaty, clause=rule.clause, rule=rule.rule, grade=grade, party=roles["bound"],
            protected=roles["protected"], date=iso(day), events=tuple(e.id for e in events), facts=refs,
            citation=rule.citation, explanation=render(rule.explanation, values), summary=rule.summary,
            exception=exception.note if exception else "", assumptions=self.context.assumptions.get(rule.treaty, ()),
        ))

    # --- world --------------------------------------------------------------

    def _apply_effects(self, batch: list[Event], day: int) -> None:
        vocab = self.rules.vocabulary
        adds: list[tuple[str, dict[str, Any], str]] = []
        for event in batch:
            for effect in vocab.kinds[event.kind].effects:
                values = {r: event.fields[e] for r, e in effect.set.items() if e in event.fields}
                if effect.remove:
                    self._remove_facts(effect.remove, values)
                else:
                    adds.append((str(effect.add), values, f"event {event.id}"))
        if len(adds) > 1:  # a fixed order, whatever the order of the day's events
            adds.sort(key=lambda a: (a[0], sorted(a[1].items()), a[2]))
        for relation, values, origin in adds:
            self._add_fact(relation, values, day, origin)

    def _add_fact(self, relation: str, values: dict[str, Any], since: int | None, origin: str) -> None:
        if self.state.facts.holds(relation, values):
            return  # already true: the world is a set
        uid = f"f{next(self._uids)}"
        message = {"id": uid, "t": "f", "k": relation, "i": uid, **{field_key(k): v for k, v in values.items()}}
        self.state.facts.add(LiveFact(uid, relation, values, since, origin, message))
        if relation in self.rules.used_relations:
            self._route(self.session.assert_fact(dict(message)))

    def _remove_facts(self, relation: str, values: dict[str, Any]) -> None:
        full = len(values) == len(self.rules.vocabulary.relations[relation].fields)
        for fact in self.state.facts.remove_matching(relation, values, full):
            if relation in self.rules.used_relations:
                self.session.retract_fact(dict(fact.message))
                self.retractions += 1

    def _route(self, matches: list[tuple[str, dict[str, Any]]]) -> None:
        """Matches raised by world changes: only duration rules start from those."""
        for name, raw in matches:
            found = self._live_match(name, raw) if name.endswith("_d") else None
            if found is not None:
                self._on_duration(*found)

    def _live_match(self, name: str, raw: dict[str, Any]) -> tuple[CompiledRule, dict[str, Any], dict[str, str]] | None:
        """The rule, aliased match and roles of an engine match, unless its pair has left force."""
        rule = self.by_index[int(name[1:].split("_", 1)[0])]
        match = decode(name, raw, rule)
        roles = {"bound": match["pair"]["b"], "protected": match["pair"]["p"]}
        if not self._pair_live(rule.treaty, roles):
            return None  # a pair the engine still holds after the treaty left force
        return rule, match, roles

    # --- pairs, expiry, rotation --------------------------------------------

    def _pair_live(self, treaty: str, roles: dict[str, str]) -> bool:
        return _pair_id(treaty, roles) in self.state.pairs

    def _pair_add(self, window: PairWindow) -> None:
        pid = _window_id(window)
        message = {"id": pid, "t": "p", "tr": window.treaty, "b": window.bound, "p": window.protected}
        self.state.pairs[pid] = (window, message)
        self._route(self.session.assert_fact(dict(message)))

    def _pair_del(self, window: PairWindow) -> None:
        entry = self.state.pairs.pop(_window_id(window), None)
        if entry is not None:
            self.session.retract_fact(dict(entry[1]))
            self.retractions += 1

    def _expire(self, uid: str) -> None:
        entry = self.state.retained.pop(uid, None)
        if entry is not None:
            self.session.retract_fact(dict(entry[1]))
            self.retractions += 1

    def _rotate(self) -> None:
        """Rebuild the engine session from live state, so retracted facts stop holding memory."""
        self.session.close()
        self.session = self.backend.session()
        self.retractions = 0
        for _, message in self.state.pairs.values():
            self.session.assert_fact(dict(message))
        for fact in self.state.facts.facts():
            if fact.relation in self.rules.used_relations:
                self.session.assert_fact(dict(fact.message))
        for _, message in self.state.retained.values():
            self.session.assert_fact(dict(message))


def _pair_id(treaty: str, roles: dict[str, str]) -> str:
    return f"p:{treaty}:{roles['bound']}:{roles['protected']}"


def _window_id(window: PairWindow) -> str:
    return _pair_id(window.treaty, {"bound": window.bound, "protected": window.protected})


def _event_message(uid: str, event: Event) -> dict[str, Any]:
    message: dict[str, Any] = {"id": uid, "t": "e", "k": event.kind, "i": uid, "d": event.day}
    for name, value in event.fields.items():
        message[field_key(name)] = value
    return message


def steps_in_order(rule: CompiledRule, events: list[Event]) -> bool:
    """Each later step is on or after the step it follows, within its window, and distinct."""
    if len({id(e) for e in events}) != len(events):
        return False
    day_of = {s.alias: e.day for s, e in zip(rule.steps, events)}
    for step, event in zip(rule.steps, events):
        if step.after is not None:
            gap = event.day - day_of[step.after]
            if gap < 0 or (step.within_days is not None and gap > step.within_days):
                return False
    return True


def python_conditions_hold(rule: CompiledRule, bindings: dict[str, dict[str, Any]], roles: dict[str, str]) -> bool:
    """The conditions the backend did not evaluate."""
    return all(all_hold(p.conds, bindings[p.alias], bindings, roles, only_python=True) for p in rule.steps + rule.facts)
