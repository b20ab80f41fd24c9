"""Days and the world's history: the day arithmetic every evaluator shares, and each life of each world fact.

One module, so that a step window, a deadline, a duration or a day's world changes are
computed one way whoever asks: the runtime as events arrive, the explainer and the
workbench after the fact. The rules of time, in days (``core.Day``):

- the world is a set of facts; each day's effects apply removals before additions, and a
  fact added on day D is live from the start of day D + 1;
- a later step happens on or after the step it follows, at most ``within_days`` after it;
- an absence rule's finding falls on trigger day + days + 1 (the deadline is the day before);
- a duration counts from the later of the fact's ``since`` and the pair's first day, and its
  finding falls on that day + more_than_days + 1.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..core import Day
from ..language import CompiledRules, Event, Pattern, Value, Vocabulary

__all__ = ["Fact", "Stretch", "absence_deadline", "absence_due", "day_effects", "duration_due", "duration_start", "in_window",
           "world_history"]


@dataclass(frozen=True, eq=False)
class Fact:
    """A world fact: a relation's fields (sorted by name), since when it holds, and where it comes from.

    ``origin`` is the initial world fact's id (``world fact N`` when it has none), or
    ``event <id>`` for a fact an event's effect added. ``since`` None: not said.
    """

    relation: str
    fields: Mapping[str, Value]
    since: Day | None = None
    origin: str = ""
    # What the world holds: relation and fields. The world is a set of contents, whoever made them and since when.
    # Computed once: the world's index and each day's effects compare facts by it.
    content: tuple[Any, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fields = dict(sorted(self.fields.items()))
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "content", (self.relation, *fields.items()))

    def identity(self) -> tuple[Any, ...]:
        """What makes two citations of a fact the same: its content, since and origin."""
        return (self.content, self.since, self.origin)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fact) and self.identity() == other.identity()

    def __hash__(self) -> int:
        return hash(self.identity())


@dataclass
class Stretch:
    """One uninterrupted life of a world fact: live at the start of days in [live_from, live_until)."""

    fact: Fact
    live_from: Day | None  # None: from the start
    live_until: Day | None = None  # None: still live

    @property
    def last_day(self) -> Day | None:
        """The last day the fact was live (None: still live). A fact removed on day D is live at the start of D."""
        return None if self.live_until is None else self.live_until - 1

    def live_on(self, day: Day) -> bool:
        """Whether the fact is live at the start of ``day``."""
        return (self.live_from is None or self.live_from <= day) and (self.live_until is None or day < self.live_until)


Change = tuple[str, dict[str, Value]]  # (relation, the fields an effect names)


def day_effects(vocabulary: Vocabulary, batch: Iterable[Event]) -> tuple[list[Change], list[tuple[str, dict[str, Value], str]]]:
    """One day's world changes: (removals, additions with their origin); additions in a fixed order.

    Removals apply before additions. Two events adding the same fact on one day make one
    fact, whose origin is the first in this order, whatever the order of the day's events.
    """
    removals: list[Change] = []
    additions: list[tuple[str, dict[str, Value], str]] = []
    for event in batch:
        for effect in vocabulary.kinds[event.kind].effects:
            values = {r: event.fields[e] for r, e in effect.set.items() if e in event.fields}
            if effect.remove:
                removals.append((effect.remove, values))
            else:
                additions.append((str(effect.add), values, f"event {event.id}"))
    if len(additions) > 1:
        additions.sort(key=lambda a: (a[0], sorted(a[1].items()), a[2]))
    return removals, additions


def world_history(rules: CompiledRules, initial: Sequence[Fact], timeline: Sequence[Event]) -> list[Stretch]:
    """Every stretch of every world fact over a date-ordered timeline, in the order the facts became true."""
    history: list[Stretch] = []
    for fact in initial:
        _open(history, fact, None)
    for day, batch in itertools.groupby(timeline, key=lambda e: e.day):
        removals, additions = day_effects(rules.vocabulary, batch)
        for relation, values in removals:
            for stretch in history:
                if stretch.live_until is None and stretch.fact.relation == relation \
                        and all(stretch.fact.fields.get(k) == v for k, v in values.items()):
                    stretch.live_until = day + 1  # still live at the start of the day it is removed
        for relation, values, origin in additions:
            _open(history, Fact(relation, values, day, origin), day + 1)
    return history


def _open(history: list[Stretch], fact: Fact, live_from: Day | None) -> None:
    """Begin a stretch unless the same fact is already live (the world is a set)."""
    if any(s.live_until is None and s.fact.content == fact.content for s in history):
        return
    history.append(Stretch(fact, live_from))


def in_window(step: Pattern, day: Day, earlier: Day) -> bool:
    """Whether a step on ``day`` follows the step it names (on ``earlier``) within its window."""
    gap = day - earlier
    return gap >= 0 and (step.within_days is None or gap <= step.within_days)


def absence_deadline(trigger: Day, days: int) -> Day:
    """The last day on which an ``unless`` event answers a trigger on ``trigger`` (the trigger's day counts)."""
    return trigger + days


def absence_due(trigger: Day, days: int) -> Day:
    """The day an absence rule's finding falls on: the day after the deadline."""
    return absence_deadline(trigger, days) + 1


def duration_start(since: Day | None, pair_first: Day | None) -> Day | None:
    """The day a duration counts from: the later of the fact's ``since`` and the pair's first day (None: neither known)."""
    starts = [d for d in (since, pair_first) if d is not None]
    return max(starts) if starts else None


def duration_due(start: Day, more_than_days: int) -> Day:
    """The day a duration rule's finding falls on: the first day the fact has lasted more than ``more_than_days``."""
    return start + more_than_days + 1
