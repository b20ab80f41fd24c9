"""Compiled rules: the immutable form both evaluators run.

A compiled rule is a set of patterns over events, world facts and the role pair
(``bound``, ``protected``). Conditions are split by the compiler into those the
Rete backend may evaluate (constants and equality joins) and those checked in
Python after a match (inequalities between matched items, windows, exceptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Union

ROLES = ("bound", "protected")


@dataclass(frozen=True)
class Ref:
    """A reference to a role (``$bound``) or to a field of another alias (``$grant.guest``)."""

    alias: str  # "bound"/"protected" for roles
    field: str | None = None

    @property
    def is_role(self) -> bool:
        return self.field is None


Value = Union[bool, int, float, str]


@dataclass(frozen=True)
class Cond:
    """One test of one field: ``op`` is eq, ne, in, not_in, gt, gte, lt, lte or exists."""

    field: str
    op: str
    value: Any  # Value, tuple of Values, Ref, or bool for exists
    backend: bool  # evaluated inside the Rete network (else by us after a match)


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
    grade: str  # a grade or "cleared"
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
class CompiledRule:
    """One rule, ready to evaluate."""

    index: int
    treaty: str
    clause: str
    rule: str
    shape: Literal["events", "absence", "duration"]
    grade: str
    summary: str
    steps: tuple[Pattern, ...]
    facts: tuple[Pattern, ...]
    unless: tuple[Pattern, ...]
    absence_days: int | None
    duration: Pattern | None
    more_than_days: int | None
    exceptions: tuple[GradeException, ...]
    explanation: str
    citation: Citation

    @property
    def key(self) -> str:
        return f"{self.treaty}/{self.clause}/{self.rule}"


@dataclass(frozen=True)
class Membership:
    """A party of a treaty with the days (ordinals, inclusive) it is bound; None is open."""

    state: str
    first: int | None
    last: int | None


@dataclass(frozen=True)
class CompiledTreaty:
    """A treaty's identity, dates and parties; ``in_force`` None means unknown."""

    id: str
    title: str
    kind: str
    members: tuple[Membership, ...]
    in_force: int | None
    ends: int | None
    clauses: tuple[str, ...] = ()

    @property
    def in_force_known(self) -> bool:
        """Whether the sources give an entry-into-force date (else a scenario must assume one)."""
        return self.in_force is not None


@dataclass(frozen=True)
class CompiledRules:
    """Everything compiled from a rules folder."""

    vocabulary: Any  # model.Vocabulary
    treaties: dict[str, CompiledTreaty]
    rules: tuple[CompiledRule, ...]
    used_relations: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()
