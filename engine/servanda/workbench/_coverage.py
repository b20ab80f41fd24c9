"""Rule coverage: which scenario results make each rule fire, and which check that it stays silent.

A result counts only when it has expectations (``Result.expect``): without them
nothing it produces or omits is checked. Such a result

- **fires** a rule when one of its findings has the rule's treaty, clause and rule;
- **holds** a rule (exercises it without firing) when the rule does not fire and
  its timeline (up to ``as_of``) gives the rule something to judge while the
  treaty binds some pair: an event of the rule's first step kind (the trigger of
  an absence rule) on a day within a pair's window, or, for a duration rule, a
  world fact of its relation live on such a day.

A result counts for a rule only when it ran that very rule: a variant that switches
the rule off, or amends its clause so that the rule changes, tests something else.
A rule is fully covered when some result fires it and some result holds it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from ..engine import PairWindow, Result, RuleSet, Stretch, timeline_of, world_history
from ..language import CompiledRule, CompiledRules, DurationRule


@dataclass(frozen=True)
class RuleCoverage:
    """One rule and the labels of the results that fire it and that hold it."""

    treaty: str
    clause: str
    rule: str
    fired_by: tuple[str, ...]
    held_by: tuple[str, ...]

    @property
    def key(self) -> str:
        """``treaty/clause/rule``."""
        return f"{self.treaty}/{self.clause}/{self.rule}"

    @property
    def full(self) -> bool:
        """Fired by some result and held by another."""
        return bool(self.fired_by and self.held_by)


@dataclass(frozen=True)
class Coverage:
    """Every rule's coverage, in compile order, with the three percentages."""

    rows: tuple[RuleCoverage, ...]

    def _percent(self, count: int) -> float:
        return 100.0 if not self.rows else 100.0 * count / len(self.rows)

    @property
    def fired_pct(self) -> float:
        """The percentage of rules some result fires."""
        return self._percent(sum(1 for r in self.rows if r.fired_by))

    @property
    def held_pct(self) -> float:
        """The percentage of rules some result holds."""
        return self._percent(sum(1 for r in self.rows if r.held_by))

    @property
    def full_pct(self) -> float:
        """The percentage of rules fully covered."""
        return self._percent(sum(1 for r in self.rows if r.full))


def coverage(rules: RuleSet, results: Sequence[Result]) -> Coverage:
    """How the results cover every rule of ``rules`` (see the module docstring for the definitions)."""
    fired: dict[str, list[str]] = {r.key: [] for r in rules.compiled.rules}
    held: dict[str, list[str]] = {r.key: [] for r in rules.compiled.rules}
    for result in results:
        if result.expect is None:
            continue
        ran = {r.key: _meaning(r) for r in (result.rules or rules.compiled).rules}
        produced = {f"{f.treaty}/{f.clause}/{f.rule}" for f in result.findings}
        judged = _Judged(rules.compiled, result)
        for rule in rules.compiled.rules:
            if ran.get(rule.key) != _meaning(rule):
                continue  # switched off or amended by a variant: this result tests another rule, or none
            if rule.key in produced:
                fired[rule.key].append(result.label)
            elif judged.exercises(rule):
                held[rule.key].append(result.label)
    return Coverage(tuple(RuleCoverage(r.treaty, r.clause, r.rule, _unique(fired[r.key]), _unique(held[r.key]))
                          for r in rules.compiled.rules))


def _meaning(rule: CompiledRule) -> tuple[object, ...]:
    """What decides when and how a rule fires (not its place in the compiled list, nor its wording)."""
    wording = ("index", "summary", "explanation", "citation")
    return (rule.shape, *(getattr(rule, f.name) for f in dataclasses.fields(rule) if f.name not in wording))


def _unique(labels: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(labels))


class _Judged:
    """What one result's timeline offers the rules: its events and, when asked, its world's history."""

    def __init__(self, compiled: CompiledRules, result: Result) -> None:
        scenario = result.scenario
        self.compiled = compiled
        self.as_of = scenario.model.as_of.toordinal()
        self.events = timeline_of(scenario.events, self.as_of)
        self.context = scenario.context
        self._history: list[Stretch] | None = None

    def _windows(self, treaty: str) -> list[PairWindow]:
        return [w for w in self.context.pairs if w.treaty == treaty]

    def exercises(self, rule: CompiledRule) -> bool:
        """Whether the timeline gives the rule something to judge while its treaty binds a pair."""
        windows = self._windows(rule.treaty)
        if isinstance(rule, DurationRule):
            if self._history is None:
                self._history = world_history(self.compiled, self.context.facts, self.events)
            relation = rule.fact.kind
            return any(_overlaps(s, w, self.as_of) for s in self._history if s.fact.relation == relation for w in windows)
        kind = rule.event_patterns[0].kind
        return any(w.covers(e.day) for e in self.events if e.kind == kind for w in windows)


def _overlaps(stretch: Stretch, window: PairWindow, as_of: int) -> bool:
    """Whether the fact is live at the start of some day, up to ``as_of``, on which the pair is bound."""
    starts = [d for d in (stretch.live_from, window.first) if d is not None]
    ends = [d for d in (None if stretch.live_until is None else stretch.live_until - 1, window.last, as_of) if d is not None]
    return not starts or max(starts) <= min(ends)
