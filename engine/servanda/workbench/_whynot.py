"""Why a clause did not fire: per rule and role pair, the findings it gave or its closest partial match.

The search tries every candidate assignment (events for the steps in order, then world
facts for the fact patterns), checking each condition and time condition in turn, and
keeps the assignment that got furthest: most patterns fully satisfied, then most
conditions satisfied (conditions on days count only for an item whose fields matched:
a trigger the pair never had is no closer for being in time); the first found wins a
tie, so the answer is stable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Sequence

from ..engine import (Bindings, Emission, LoadedScenario, PairWindow, Stretch, apply_exceptions, emissions, timeline_of,
                      treaty_window, world_history)
from ..language import AbsenceRule, CompiledRule, CompiledRules, DurationRule, Event, EventsRule, Pattern
from ._evidence import PatternCheck, Role, event_item, fact_item, failure, pattern_check, span, unchecked, wanted
from ._timing import absence_extras, duration_extras, live_at, step_extras

CAP = 10_000  # candidate assignments tried per rule and pair before the search stops


@dataclass(frozen=True)
class Attempt:
    """The closest partial match: the patterns checked, in order, and what failed, in a sentence."""

    patterns: tuple[PatternCheck, ...]
    sentence: str

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"patterns": [p.to_json() for p in self.patterns], "sentence": self.sentence}


@dataclass(frozen=True)
class Verdict:
    """One rule for one role pair: the findings it gave, or why it gave none."""

    rule: str
    shape: str
    bound: str
    protected: str
    window: str
    fired: tuple[str, ...]  # finding ids
    sentence: str
    gist: str  # the sentence naming roles ($bound) rather than states, shared by pairs that failed alike
    closest: Attempt | None = None
    progress: tuple[int, int] | None = None  # (patterns fully satisfied, conditions satisfied) by the closest
    tried: int = 0
    capped: bool = False

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"rule": self.rule, "shape": self.shape, "bound": self.bound, "protected": self.protected,
                "window": self.window, "fired": list(self.fired), "sentence": self.sentence, "gist": self.gist,
                "closest": self.closest.to_json() if self.closest else None, "progress": list(self.progress) if self.progress else None,
                "tried": self.tried, "capped": self.capped}


@dataclass(frozen=True)
class WhyNot:
    """Every rule of one clause, for every role pair asked about."""

    scenario: str
    treaty: str
    clause: str
    party: str | None
    as_of: str
    notes: tuple[str, ...]
    verdicts: tuple[Verdict, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"scenario": self.scenario, "treaty": self.treaty, "clause": self.clause, "party": self.party,
                "as_of": self.as_of, "notes": list(self.notes), "verdicts": [v.to_json() for v in self.verdicts]}


def search_clause(rules: CompiledRules, scenario: LoadedScenario, treaty: str, clause: str, party: str | None,
                  cap: int = CAP, written: Sequence[str] = ()) -> WhyNot:
    """A verdict for each rule of ``treaty/clause`` and each of its role pairs (``bound == party`` if given).

    ``written`` names the rules the treaty file gives the clause, so that those a variant left out are named.
    """
    as_of = scenario.model.as_of.toordinal()
    timeline = timeline_of(scenario.events, as_of)
    history = world_history(rules, scenario.context.facts, timeline)
    own = tuple(r for r in rules.rules if (r.treaty, r.clause) == (treaty, clause))
    windows = [w for w in scenario.context.pairs if w.treaty == treaty and party in (None, w.bound)]
    emitted = list(emissions(dataclasses.replace(rules, rules=own), scenario.context, timeline, as_of))
    notes = _left_out(f"{treaty}/{clause}", [r.rule for r in own], written)
    if not windows:
        notes.append(_no_pairs(rules, scenario, treaty, party))
    verdicts = []
    for rule in own:
        for window in windows:
            mine = [e for e in emitted if e.rule.index == rule.index and e.roles == window.roles]
            verdicts.append(_verdict(rule, window, mine, scenario, timeline, history, as_of, cap))
    return WhyNot(scenario.label, treaty, clause, party, scenario.model.as_of.isoformat(), tuple(notes),
                  tuple(verdicts))


def _left_out(name: str, evaluated: Sequence[str], written: Sequence[str]) -> list[str]:
    """A note when the clause has no rules, or when rules its treaty file gives are not evaluated (a variant's doing)."""
    missing = [r for r in written if r not in evaluated]
    why = "(a variant switches them off or amends the clause)"
    if not evaluated:
        return [f"none of the rules of {name} is evaluated here {why}: {', '.join(missing)}" if missing else
                f"{name} has no rules: nothing in it is evaluated"]
    return [f"rules of {name} not evaluated here {why}: {', '.join(missing)}"] if missing else []


def _no_pairs(rules: CompiledRules, scenario: LoadedScenario, treaty: str, party: str | None) -> str:
    """Why no role pair of the treaty is evaluated."""
    assumption = next((a for a in scenario.model.assume if a.treaty == treaty), None)
    reason = treaty_window(rules.treaties[treaty], assumption)[3]
    if reason:
        return reason
    if party is not None:
        return f"{party} is never bound under {treaty} in this scenario (its membership and the treaty's window do not meet)"
    return f"no two parties of {treaty} are bound at the same time"


def _verdict(rule: CompiledRule, window: PairWindow, emitted: list[Emission], scenario: LoadedScenario,
             timeline: Sequence[Event], history: Sequence[Stretch], as_of: int, cap: int) -> Verdict:
    """Fired (with the finding ids), cleared by an exception, or the closest partial match."""
    head = (rule.rule, rule.shape, window.bound, window.protected, span(window.first, window.last))
    found = [e.conclude(scenario.context) for e in emitted]
    ids = tuple(sorted({f.id for f in found if f is not None}))
    if ids:
        fired = f"fired: {len(ids)} finding{'s' if len(ids) != 1 else ''} ({', '.join(ids)})"
        return Verdict(*head, ids, fired, fired)
    if emitted:
        cleared = _cleared(emitted[0])
        return Verdict(*head, (), cleared, cleared)
    search = _Search(rule, window, timeline, history, as_of, cap)
    search.run()
    progress, checks = search.best()
    capped = f" (search stopped after {cap} candidate assignments)" if search.capped else ""
    return Verdict(*head, (), _sentence(checks) + capped, _sentence(checks, neutral=True) + capped,
                   Attempt(checks, _sentence(checks)), progress, search.tried, search.capped)


def _cleared(emission: Emission) -> str:
    """The sentence for a match that an exception cleared."""
    _, exc = apply_exceptions(emission.rule, emission.bindings)
    assert exc is not None  # an emission concludes to nothing only when an exception clears it
    labels = ", ".join(event_item(e).label() for e in emission.events) or "the world facts"
    return f"{labels} matched, but exception '{exc.id}' cleared it: {exc.note}"


class _Search:
    """A bounded search for the assignment that gets furthest through one rule for one pair."""

    def __init__(self, rule: CompiledRule, window: PairWindow, timeline: Sequence[Event],
                 history: Sequence[Stretch], as_of: int, cap: int) -> None:
        """A search for ``rule`` and ``window``'s pair over the timeline and world history, up to ``cap`` assignments."""
        self.rule, self.window, self.timeline, self.history, self.as_of, self.cap = rule, window, timeline, history, as_of, cap
        self.roles = window.roles
        self.tried, self.capped = 0, False
        self._best: tuple[tuple[int, int], tuple[PatternCheck, ...]] | None = None

    def run(self) -> None:
        """Try every candidate assignment for the rule's shape, up to the cap."""
        rule = self.rule
        if isinstance(rule, EventsRule):
            self._events(rule, [], [], [], {})
        elif isinstance(rule, AbsenceRule):
            self._absence(rule)
        else:
            self._duration(rule)

    def _absence(self, rule: AbsenceRule) -> None:
        """Each event of the trigger's kind, checked against its conditions, the pair's window and the unless events."""
        step = rule.trigger
        triggers = self._of_kind(step.kind, [])
        for event in triggers:
            if self._full():
                return
            extras = absence_extras(rule, event, self.window, self.timeline, self.as_of)
            self._leaf([pattern_check(step, "step", event_item(event), {step.alias: dict(event.fields)}, self.roles, extras)])
        if not triggers:
            self._nothing([], step, "step", {})

    def _duration(self, rule: DurationRule) -> None:
        """Each stretch of the rule's relation, checked against its conditions and how long it lasted."""
        pattern, limit = rule.fact, rule.more_than_days
        stretches = [s for s in self.history if s.fact.relation == pattern.kind]
        for stretch in stretches:
            if self._full():
                return
            self._leaf([pattern_check(pattern, "duration", fact_item(stretch), {pattern.alias: stretch.fact.fields}, self.roles,
                                      duration_extras(stretch, self.window, limit, self.as_of))])
        if not stretches:
            self._nothing([], pattern, "duration", {})

    def best(self) -> tuple[tuple[int, int], tuple[PatternCheck, ...]]:
        """The assignment that got furthest, with its score."""
        assert self._best is not None
        return self._best

    def _of_kind(self, kind: str, chosen: list[Event]) -> list[Event]:
        """The timeline's events of ``kind`` not already chosen for an earlier step."""
        return [e for e in self.timeline if e.kind == kind and all(e is not c for c in chosen)]

    def _events(self, rule: EventsRule, checks: list[PatternCheck], events: list[Event], facts: list[Stretch],
                bindings: Bindings) -> None:
        """Steps in order, then fact patterns; every failing candidate ends an assignment."""
        i = len(checks)
        patterns = rule.patterns
        if i == len(patterns):
            self._leaf(checks)
            return
        pattern = patterns[i]
        tried = 0
        if pattern.source == "event":
            for event in self._of_kind(pattern.kind, events):
                if self._full():
                    return
                tried += 1
                check = pattern_check(pattern, "step", event_item(event), bindings, self.roles,
                                      step_extras(rule, i, events + [event], self.window))
                self._next(rule, checks, check, events + [event], facts, {**bindings, pattern.alias: dict(event.fields)})
        else:
            for stretch in (s for s in self.history if s.fact.relation == pattern.kind and all(s is not f for f in facts)):
                if self._full():
                    return
                tried += 1
                check = pattern_check(pattern, "fact", fact_item(stretch), bindings, self.roles,
                                      (live_at(stretch, events[-1].day),))
                self._next(rule, checks, check, events, facts + [stretch], {**bindings, pattern.alias: stretch.fact.fields})
        if not tried:
            self._nothing(checks, pattern, "step" if pattern.source == "event" else "fact", bindings)

    def _next(self, rule: EventsRule, checks: list[PatternCheck], check: PatternCheck, events: list[Event],
              facts: list[Stretch], bindings: Bindings) -> None:
        """Go on to the next pattern when this one held, else end the assignment here."""
        if check.holds:
            self._events(rule, checks + [check], events, facts, bindings)
        else:
            self._leaf(checks + [check])

    def _nothing(self, checks: list[PatternCheck], pattern: Pattern, role: Role, bindings: Bindings) -> None:
        """End an assignment on a pattern for which nothing of its kind exists (or is left)."""
        self._leaf(checks + [PatternCheck(role, pattern.alias, pattern.kind, unchecked(pattern.conds, bindings, self.roles),
                                          None)])

    def _leaf(self, checks: list[PatternCheck]) -> None:
        """Score one complete or failed assignment; keep it if it got further than the best so far."""
        self.tried += 1
        score = (sum(c.holds for c in checks), sum(_conds_met(c) for c in checks))
        if self._best is None or score > self._best[0]:
            self._best = (score, tuple(checks))

    def _full(self) -> bool:
        """Whether the cap is reached (and remember that it was)."""
        if self.tried >= self.cap:
            self.capped = True
        return self.capped


def _conds_met(check: PatternCheck) -> int:
    """The conditions a pattern met; those on days count only once its fields matched (else they say nothing)."""
    fields = [c.holds for c in check.conds if not c.timing]
    days = [c.holds for c in check.conds if c.timing]
    return sum(fields) + (sum(days) if all(fields) else 0)


def _sentence(checks: Sequence[PatternCheck], neutral: bool = False) -> str:
    """What matched, then the first condition that failed, in plain words (roles named, if ``neutral``)."""
    done = [f"{c.item.label()} matched {c.role} '{c.alias}'" for c in checks if c.holds and c.item is not None]
    last = checks[-1]
    day = next((c.item.date for c in reversed(checks) if c.role == "step" and c.item is not None), None)
    asked = f"no world fact {last.kind} has {wanted(tuple(c for c in last.conds if not c.timing), neutral)}" + (
        f" at the start of {day}" if day and last.role == "fact" else "")
    if last.holds:
        fail = "every condition held"
    elif last.item is None:
        other = "other " if any(c.kind == last.kind for c in checks[:-1]) else ""
        fail = f"no {other}event of kind {last.kind} in the timeline" if last.role == "step" else asked
    else:
        fail = failure(next(c for c in last.conds if not c.holds), last.item.label(), neutral)
        if last.role == "fact":
            fail = f"{asked}; the closest: {fail}"
    return f"{'; '.join(done)}, but {fail}" if done else fail
