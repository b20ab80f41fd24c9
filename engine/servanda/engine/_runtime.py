"""The runtime finds: incremental evaluation of compiled rules over a time-ordered stream of events.

Of the two evaluators (see ``_explainer``) this is the one whose findings servanda reports.
The runtime owns time: it batches events by day, fires deadlines and durations, asserts
and retracts the role pairs as treaties enter into and leave force, and expires waiting
events with their windows. The backend only matches. Within one day, every event is
matched against the world as it stood at the start of that day, and the day's effects then
apply removals before additions, so the order of events that share a date never changes
the findings.

The engine never forgets a fact that took part in a match (see
``_backend.Session.retract_fact``), so every match is checked here against what is
still live: waiting events, world facts and role pairs.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Iterable, Union

from ..core import Day, Roles, iso
from ..language import AbsenceRule, CompiledRule, CompiledRules, DurationRule, Event, EventsRule
from ..diagnostics import Diagnostic
from ..errors import DiagnosticError
from ._backend import Backend, EngineMatch, Session, event_message, fact_message, pair_message
from ._context import Context, PairWindow
from ._findings import Finding, conclude, merge
from ._history import Fact, absence_deadline, absence_due, day_effects, duration_due, duration_start, in_window
from ._matching import Bindings, all_hold
from ._prefilter import Prefilter
from ._world import LiveWorld

ROTATE_AFTER = 5_000  # retractions before the session is rebuilt (the engine keeps retracted memory)
PairKey = tuple[str, Roles]  # (treaty, roles)


@dataclass
class Pending:
    """An absence rule's trigger waiting for its deadline."""

    rule: AbsenceRule
    roles: Roles
    event: Event
    bindings: Bindings
    due: Day
    cancelled: bool = False


@dataclass(frozen=True)
class DurationCheck:
    """A duration rule's check, due when the fact would have lasted too long."""

    rule: DurationRule
    roles: Roles
    uid: str
    fact: Fact
    due: Day


class Due(IntEnum):
    """What a timer does on its day, in this order when several fall on one day."""

    PAIR_DEL = 0  # a pair leaves force (its last day was the day before)
    PAIR_ADD = 1  # a pair enters into force
    EXPIRE = 2  # an event no later step can need any more is dropped
    CHECK = 3  # an absence rule's deadline passed, or a duration rule's fact may have lasted too long


Timer = tuple[Day, Due, int, Union[PairWindow, str, Pending, DurationCheck]]  # (day, what, order of setting, payload)


@dataclass
class _State:
    """Everything a runtime knows between days, as plain data."""

    facts: LiveWorld = field(default_factory=LiveWorld)
    retained: dict[str, Event] = field(default_factory=dict)  # uid -> an event a later step may still need
    pairs: dict[PairKey, PairWindow] = field(default_factory=dict)  # the pairs bound now
    pending: dict[tuple[int, Roles], list[Pending]] = field(default_factory=dict)
    timers: list[Timer] = field(default_factory=list)


class Runtime:
    """Evaluates one timeline; feed events in date order, then ``finish``.

    All state (world, waiting events, pairs, timers) is plain data, so a later
    monitoring daemon can save and restore it between runs.
    """

    def __init__(self, rules: CompiledRules, backend: Backend, context: Context) -> None:
        self.rules, self.backend, self.context = rules, backend, context
        self.prefilter = Prefilter(rules)
        self.session: Session = backend.session()
        self.state = _State()
        self.findings: dict[tuple[Any, ...], Finding] = {}
        self.day: Day | None = None
        self.batch: list[Event] = []
        self.retractions = 0
        self.fed = 0  # events given so far, to say where one came out of date order
        self._seq = itertools.count()
        self._uids = itertools.count()
        for window in context.pairs:
            self._timer(window.first, Due.PAIR_ADD, window)
            if window.last is not None:
                self._timer(window.last + 1, Due.PAIR_DEL, window)
        for fact in context.facts:
            self._add_fact(fact)

    # --- public -------------------------------------------------------------

    def feed(self, events: Iterable[Event]) -> None:
        """Accept events in non-decreasing date order; one dated before the day already reached is a DiagnosticError (SV210)."""
        for event in events:
            self.fed += 1
            if self.day is not None and event.day < self.day:
                raise DiagnosticError([Diagnostic("<events>", self.fed, 1, "SV210", f"event '{event.id}' ({event.date}) is "
                                                  f"earlier than {iso(self.day)}, a day already evaluated", "feed events in date order")])
            if event.day != self.day:
                self._flush()
                self.day = event.day
            self.batch.append(event)

    def finish(self, as_of: Day) -> list[Finding]:
        """Close the last day, judge deadlines and durations up to ``as_of``, return sorted findings."""
        self._flush()
        self._advance(as_of)
        self.close()
        return sorted(self.findings.values(), key=Finding.sort_key)

    def close(self) -> None:
        """Release the backend session (the engine allows a bounded number per ruleset)."""
        self.session.close()

    # --- time ---------------------------------------------------------------

    def _timer(self, day: Day | None, due: Due, payload: PairWindow | str | Pending | DurationCheck) -> None:
        heapq.heappush(self.state.timers, (day if day is not None else -(10**9), due, next(self._seq), payload))

    def _advance(self, day: Day) -> None:
        """Run every timer due by ``day``, in day order, then in the order of ``Due``."""
        timers = self.state.timers
        while timers and timers[0][0] <= day:
            _, due, _, payload = heapq.heappop(timers)
            if isinstance(payload, PairWindow):
                self._pair_add(payload) if due is Due.PAIR_ADD else self._pair_del(payload)
            elif isinstance(payload, str):
                self._expire(payload)
            elif isinstance(payload, Pending):
                self._check_absence(payload)
            else:
                self._check_duration(payload)

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
            self.state.retained[uid] = event
            in_batch.add(uid)
            matches.extend(self.session.assert_fact(event_message(uid, event)))
        self._on_matches(matches, day, in_batch)
        self._apply_effects(batch, day)
        for uid in sorted(in_batch):
            keep = self.prefilter.retention.get(self.state.retained[uid].kind)
            if keep is None:
                self._expire(uid)
            else:
                self._timer(day + keep + 1, Due.EXPIRE, uid)
        if self.retractions >= ROTATE_AFTER:
            self._rotate()

    # --- matches ------------------------------------------------------------

    def _on_matches(self, matches: list[EngineMatch], day: Day, in_batch: set[str]) -> None:
        answered: list[tuple[AbsenceRule, Roles]] = []
        for match in matches:
            rule, roles = match.rule, match.roles
            if (rule.treaty, roles) not in self.state.pairs:
                continue  # a pair the engine still holds after the treaty left force
            if isinstance(rule, AbsenceRule) and match.part == "unless":
                pattern = rule.unless[match.unless]
                event = self.state.retained.get(match.uid(pattern.alias))
                if event is not None and all_hold(pattern.conds, event.fields, {}, roles, only_python=True):
                    answered.append((rule, roles))
            elif isinstance(rule, AbsenceRule):
                self._trigger(rule, match, day, in_batch)
            elif isinstance(rule, EventsRule):
                self._complete(rule, match, day, in_batch)
        for rule, roles in answered:
            for pending in self.state.pending.get((rule.index, roles), []):
                if pending.event.day <= day:
                    pending.cancelled = True

    def _bindings(self, match: EngineMatch) -> tuple[Bindings, list[Event], list[Fact]] | None:
        """What a match bound, or None when it names an expired event or a fact no longer live, or fails a Python condition."""
        rule = match.rule
        bindings: dict[str, Any] = {}
        events: list[Event] = []
        facts: list[Fact] = []
        for pattern in rule.event_patterns:
            event = self.state.retained.get(match.uid(pattern.alias))
            if event is None:
                return None  # an expired event the engine still holds
            bindings[pattern.alias] = dict(event.fields)
            events.append(event)
        for pattern in rule.fact_patterns:
            fact = self.state.facts.get(match.uid(pattern.alias))
            if fact is None:
                return None
            bindings[pattern.alias] = fact.fields
            facts.append(fact)
        if not all(all_hold(p.conds, bindings[p.alias], bindings, match.roles, only_python=True) for p in rule.patterns):
            return None  # a condition the backend does not evaluate
        return bindings, events, facts

    def _complete(self, rule: EventsRule, match: EngineMatch, day: Day, in_batch: set[str]) -> None:
        if match.uid(rule.steps[-1].alias) not in in_batch:
            return  # the last step is an earlier day's event: the match was already judged then
        found = self._bindings(match)
        if found is None:
            return
        bindings, events, facts = found
        if events[-1].day == day and _steps_in_order(rule, events):
            self._emit(rule, match.roles, day, events, facts, bindings, {})

    def _trigger(self, rule: AbsenceRule, match: EngineMatch, day: Day, in_batch: set[str]) -> None:
        if match.uid(rule.trigger.alias) not in in_batch:
            return
        found = self._bindings(match)
        if found is None:
            return
        bindings, events, _ = found
        pending = Pending(rule, match.roles, events[0], bindings, absence_due(day, rule.days))
        self.state.pending.setdefault((rule.index, match.roles), []).append(pending)
        self._timer(pending.due, Due.CHECK, pending)

    def _check_absence(self, pending: Pending) -> None:
        rule, roles = pending.rule, pending.roles
        waiting = self.state.pending.get((rule.index, roles), [])
        if pending in waiting:
            waiting.remove(pending)
        if not pending.cancelled and (rule.treaty, roles) in self.state.pairs:
            extra = {"deadline": iso(absence_deadline(pending.event.day, rule.days)), "days": rule.days}
            self._emit(rule, roles, pending.due, [pending.event], [], pending.bindings, extra)

    def _on_duration(self, rule: DurationRule, match: EngineMatch) -> None:
        roles, uid = match.roles, match.uid(rule.fact.alias)
        fact = self.state.facts.get(uid)
        if fact is None or not all_hold(rule.fact.conds, fact.fields, {rule.fact.alias: fact.fields}, roles, only_python=True):
            return
        window = self.state.pairs.get((rule.treaty, roles))
        start = duration_start(fact.since, window.first if window else None)
        if start is not None:
            check = DurationCheck(rule, roles, uid, fact, duration_due(start, rule.more_than_days))
            self._timer(check.due, Due.CHECK, check)

    def _check_duration(self, check: DurationCheck) -> None:
        rule, roles, fact = check.rule, check.roles, check.fact
        if check.uid in self.state.facts and (rule.treaty, roles) in self.state.pairs:
            self._emit(rule, roles, check.due, [], [fact], {rule.fact.alias: fact.fields}, {"days": rule.more_than_days})

    def _emit(self, rule: CompiledRule, roles: Roles, day: Day, events: list[Event], facts: list[Fact], bindings: Bindings,
              extra: dict[str, Any]) -> None:
        finding = conclude(rule, roles, day, events, facts, bindings, extra, self.context)
        if finding is not None:
            key = (rule.index, roles, day, finding.events)
            self.findings[key] = merge(self.findings.get(key), finding)

    # --- world --------------------------------------------------------------

    def _apply_effects(self, batch: list[Event], day: Day) -> None:
        removals, additions = day_effects(self.rules.vocabulary, batch)
        for relation, values in removals:
            self._remove_facts(relation, values)
        for relation, values, origin in additions:
            self._add_fact(Fact(relation, values, day, origin))

    def _add_fact(self, fact: Fact) -> None:
        if self.state.facts.holds(fact):
            return  # already true: the world is a set
        uid = f"f{next(self._uids)}"
        self.state.facts.add(uid, fact)
        if fact.relation in self.rules.used_relations:
            self._route(self.session.assert_fact(fact_message(uid, fact)))

    def _remove_facts(self, relation: str, values: dict[str, Any]) -> None:
        full = len(values) == len(self.rules.vocabulary.relations[relation].fields)
        for uid, fact in self.state.facts.remove_matching(relation, values, full):
            if relation in self.rules.used_relations:
                self.session.retract_fact(fact_message(uid, fact))
                self.retractions += 1

    def _route(self, matches: list[EngineMatch]) -> None:
        """Matches raised by world changes or pairs entering into force: only duration rules start from those."""
        for match in matches:
            if isinstance(match.rule, DurationRule) and (match.rule.treaty, match.roles) in self.state.pairs:
                self._on_duration(match.rule, match)

    # --- pairs, expiry, rotation --------------------------------------------

    def _pair_add(self, window: PairWindow) -> None:
        self.state.pairs[(window.treaty, window.roles)] = window
        self._route(self.session.assert_fact(pair_message(window.treaty, window.roles)))

    def _pair_del(self, window: PairWindow) -> None:
        if self.state.pairs.pop((window.treaty, window.roles), None) is not None:
            self.session.retract_fact(pair_message(window.treaty, window.roles))
            self.retractions += 1

    def _expire(self, uid: str) -> None:
        event = self.state.retained.pop(uid, None)
        if event is not None:
            self.session.retract_fact(event_message(uid, event))
            self.retractions += 1

    def _rotate(self) -> None:
        """Rebuild the engine session from live state, so retracted facts stop holding memory."""
        self.session.close()
        self.session = self.backend.session()
        self.retractions = 0
        for treaty, roles in self.state.pairs:
            self.session.assert_fact(pair_message(treaty, roles))
        for uid, fact in self.state.facts.items():
            if fact.relation in self.rules.used_relations:
                self.session.assert_fact(fact_message(uid, fact))
        for uid, event in self.state.retained.items():
            self.session.assert_fact(event_message(uid, event))


def _steps_in_order(rule: EventsRule, events: list[Event]) -> bool:
    """Each later step is on or after the step it follows, within its window, and distinct."""
    if len({id(e) for e in events}) != len(events):
        return False
    day_of = {s.alias: e.day for s, e in zip(rule.steps, events)}
    return all(step.after is None or in_window(step, event.day, day_of[step.after]) for step, event in zip(rule.steps, events))

