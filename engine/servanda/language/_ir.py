"""Compiled rules: the immutable form both evaluators run.

A compiled rule is a set of patterns over events, world facts and the role pair
(``bound``, ``protected``), in one of three shapes, each its own class: an
``EventsRule`` (steps, then facts that hold on the last step's day), an
``AbsenceRule`` (a trigger, then none of the ``unless`` events within ``days``) and a
``DurationRule`` (a world fact that lasts more than ``more_than_days``). Conditions
are split by the compiler into those the Rete backend may evaluate (constants and
equality joins) and those checked in Python after a match (inequalities between
matched items, windows, exceptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Union

from ..core import Day, Grade
from ._models import Vocabulary

Op = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "exists"]
Value = Union[bool, int, float, str]


@dataclass(frozen=True)
class Ref:
    """A reference to a role (``$bound``) or to a field of another alias (``$grant.guest``)."""

    alias: str  # "bound"/"protected" for roles
    field: str | None = None

    @property
    def is_role(self) -> bool:
        """Whether the reference names a role rather than a field."""
        return self.field is None


@dataclass(frozen=True)
class Cond:
    """One test of one field.

    ``value`` is a constant or a reference for eq, ne, gt, gte, lt and lte, a tuple of
    constants for in and not_in, and for exists whether the field must be present.
    """

    field: str
    op: Op
    value: Value | Ref | tuple[Value, ...]
    backend: bool  # evaluated inside the Rete network (else by us after a match)

    @property
    def values(self) -> tuple[Value, ...]:
        """The constants of an in or not_in condition (the one constant of another)."""
        return self.value if isinstance(self.value, tuple) else () if isinstance(self.value, Ref) else (self.value,)


@dataclass(frozen=True)
class Pattern:
    """A pattern over one event (``source='event'``) or one world fact (``'fact'``)."""

    alias: str
    source: Literal["event", "fact"]
    kind: str  # event kind or relation name
    conds: tuple[Cond, ...]
    after: str | None = None
    within_days: int | None = None


@dataclass(frozen=True)
class GradeException:
    """Conditions on one matched event that change the finding's grade."""

    id: str
    alias: str
    conds: tuple[Cond, ...]
    grade: Grade | None  # None: the exception clears the match (no finding)
    note: str


@dataclass(frozen=True)
class QuotedText:
    """A clause's wording in one language, with where it comes from."""

    lang: str
    text: str
    provenance: str
    source: str
    address: str


@dataclass(frozen=True)
class Citation:
    """What a finding cites: the instrument, the clause and its words."""

    treaty_title: str
    article: str
    clause_title: str
    texts: tuple[QuotedText, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "treaty_title": self.treaty_title,
            "article": self.article,
            "clause_title": self.clause_title,
            "texts": [
                {"lang": t.lang, "text": t.text, "provenance": t.provenance, "source": t.source, "address": t.address}
                for t in self.texts
            ],
        }


@dataclass(frozen=True)
class RuleHead:
    """What every compiled rule has, whatever its shape: identity, grade, exceptions, wording."""

    shape: ClassVar[Literal["events", "absence", "duration"]]

    index: int
    treaty: str
    clause: str
    rule: str
    grade: Grade
    summary: str
    exceptions: tuple[GradeException, ...]
    explanation: str
    citation: Citation

    @property
    def key(self) -> str:
        """``treaty/clause/rule``."""
        return f"{self.treaty}/{self.clause}/{self.rule}"

    @property
    def event_patterns(self) -> tuple[Pattern, ...]:
        """The event patterns a match binds, in order."""
        return ()

    @property
    def fact_patterns(self) -> tuple[Pattern, ...]:
        """The world-fact patterns a match binds, in order."""
        return ()

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        """Every pattern a match binds: events first, then world facts."""
        return self.event_patterns + self.fact_patterns

    @property
    def events_read(self) -> tuple[Pattern, ...]:
        """Every event pattern the rule waits for: the events a match binds and, for an absence rule, its unless events."""
        return self.event_patterns


@dataclass(frozen=True)
class EventsRule(RuleHead):
    """Events in order, each later step within its window after the one it follows, and facts live on the last step's day."""

    shape: ClassVar[Literal["events"]] = "events"

    steps: tuple[Pattern, ...]
    facts: tuple[Pattern, ...]

    @property
    def event_patterns(self) -> tuple[Pattern, ...]:
        return self.steps

    @property
    def fact_patterns(self) -> tuple[Pattern, ...]:
        return self.facts


@dataclass(frozen=True)
class AbsenceRule(RuleHead):
    """A trigger event that none of the ``unless`` events answers within ``days`` days."""

    shape: ClassVar[Literal["absence"]] = "absence"

    trigger: Pattern
    unless: tuple[Pattern, ...]
    days: int

    @property
    def event_patterns(self) -> tuple[Pattern, ...]:
        return (self.trigger,)

    @property
    def events_read(self) -> tuple[Pattern, ...]:
        return (self.trigger, *self.unless)


@dataclass(frozen=True)
class DurationRule(RuleHead):
    """A world fact that lasts more than ``more_than_days`` days while the pair is bound."""

    shape: ClassVar[Literal["duration"]] = "duration"

    fact: Pattern
    more_than_days: int

    @property
    def fact_patterns(self) -> tuple[Pattern, ...]:
        return (self.fact,)


CompiledRule = Union[EventsRule, AbsenceRule, DurationRule]


@dataclass(frozen=True)
class Membership:
    """A party of a treaty with the days (ordinals, inclusive) it is bound; None is open."""

    state: str
    first: Day | None
    last: Day | None


@dataclass(frozen=True)
class CompiledTreaty:
    """A treaty's identity, dates and parties; ``in_force`` None means unknown."""

    id: str
    title: str
    kind: str
    members: tuple[Membership, ...]
    in_force: Day | None
    ends: Day | None
    clauses: tuple[str, ...] = ()

    @property
    def in_force_known(self) -> bool:
        """Whether the sources give an entry-into-force date (else a scenario must assume one)."""
        return self.in_force is not None


@dataclass(frozen=True)
class CompiledRules:
    """Everything compiled from a rules folder."""

    vocabulary: Vocabulary
    treaties: dict[str, CompiledTreaty]
    rules: tuple[CompiledRule, ...]
    used_relations: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()
