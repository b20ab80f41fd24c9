"""Findings: what a rule concluded, with its evidence, citation and explanation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..core import Day, Grade, Roles, iso, iso_or_none
from ..language import Citation, CompiledRule, Event, GradeException
from ._context import Context
from ._history import Fact
from ._matching import Bindings, all_hold

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Finding:
    """One potential breach: who, what, when, on what evidence, in whose words."""

    treaty: str
    clause: str
    rule: str
    grade: Grade
    party: str
    protected: str
    date: str
    events: tuple[str, ...]
    facts: tuple[Fact, ...]
    citation: Citation
    explanation: str
    summary: str
    exception: str = ""
    assumptions: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """A stable id: the same evidence for the same rule always gives the same id."""
        basis = "|".join((self.treaty, self.clause, self.rule, self.party, self.protected, self.date, *self.events))
        return hashlib.sha1(basis.encode()).hexdigest()[:12]

    @property
    def day(self) -> Day:
        """The day the breach was complete, as a day number."""
        return dt.date.fromisoformat(self.date).toordinal()

    @property
    def roles(self) -> Roles:
        """The bound party that breached and the protected party."""
        return Roles(self.party, self.protected)

    def sort_key(self) -> tuple[Any, ...]:
        """Findings in date order, then by treaty, clause, rule, parties and evidence."""
        return (self.date, self.treaty, self.clause, self.rule, self.party, self.protected, self.events)

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form; keys never change meaning."""
        return {
            "id": self.id,
            "treaty": self.treaty,
            "clause": self.clause,
            "rule": self.rule,
            "grade": self.grade,
            "party": self.party,
            "protected": self.protected,
            "date": self.date,
            "events": list(self.events),
            "facts": [fact_json(f) for f in self.facts],
            "citation": self.citation.to_json(),
            "explanation": self.explanation,
            "summary": self.summary,
            "exception": self.exception,
            "assumptions": list(self.assumptions),
        }


def fact_json(fact: Fact) -> dict[str, Any]:
    """A world fact as findings cite it: relation, fields, since (YYYY-MM-DD or null) and origin."""
    return {"relation": fact.relation, "fields": dict(fact.fields), "since": iso_or_none(fact.since), "origin": fact.origin}


def merge(old: Finding | None, new: Finding) -> Finding:
    """One finding from two with the same key: the union of their facts, told by the graver match.

    On equal grades the one whose exception and explanation sort first tells it, so the
    result never depends on the order in which matches were found.
    """
    if old is None:
        return new
    facts = tuple(sorted(set(old.facts) | set(new.facts), key=lambda f: (f.content, f.origin)))
    teller = min(old, new, key=lambda f: (-f.grade.severity, f.exception, f.explanation))
    return dataclasses.replace(teller, facts=facts)


def apply_exceptions(rule: CompiledRule, bindings: Bindings) -> tuple[Grade | None, GradeException | None]:
    """The grade after the first exception whose conditions hold, or the rule's own; None when an exception clears it."""
    for exc in rule.exceptions:
        fields = bindings.get(exc.alias)
        if fields is not None and all_hold(exc.conds, fields, bindings, None):
            return exc.grade, exc
    return rule.grade, None


def conclude(rule: CompiledRule, roles: Roles, day: Day, events: Sequence[Event], facts: Sequence[Fact], bindings: Bindings,
             extra: Mapping[str, Any], context: Context) -> Finding | None:
    """The finding one match gives, after exceptions (None when one clears it).

    ``events`` are the events bound to the rule's event patterns and ``facts`` the world
    facts bound to its fact patterns, in order; ``extra`` holds the shape's own template
    values (a deadline, a number of days).
    """
    grade, exception = apply_exceptions(rule, bindings)
    if grade is None:
        return None
    meta: dict[str, dict[str, Any]] = {p.alias: {"date": e.date.isoformat(), "id": e.id} for p, e in zip(rule.event_patterns, events)}
    for pattern, fact in zip(rule.fact_patterns, facts):
        meta[pattern.alias] = {"since": iso_or_none(fact.since), "id": fact.origin}
    values = template_values(bindings, meta, roles, context.names, extra)
    return Finding(
        treaty=rule.treaty, clause=rule.clause, rule=rule.rule, grade=grade, party=roles.bound, protected=roles.protected,
        date=iso(day), events=tuple(e.id for e in events), facts=tuple(facts), citation=rule.citation,
        explanation=render(rule.explanation, values), summary=rule.summary,
        exception=exception.note if exception else "", assumptions=context.assumptions.get(rule.treaty, ()),
    )


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; a value that is absent reads '(not given)'."""
    def one(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if isinstance(value, bool):
            return "true" if value else "false"  # as the YAML and JSON the value came from write it
        return "(not given)" if value is None else str(value)
    return _PLACEHOLDER.sub(one, template)


def template_values(bindings: Bindings, meta: Mapping[str, Mapping[str, Any]], roles: Roles, names: Mapping[str, str],
                    extra: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a template may name: roles, their names, alias fields and alias dates/ids."""
    values: dict[str, Any] = {
        "bound": roles.bound, "protected": roles.protected,
        "bound_name": names.get(roles.bound, roles.bound),
        "protected_name": names.get(roles.protected, roles.protected),
    }
    for alias, fields in bindings.items():
        for name, value in fields.items():
            values[f"{alias}.{name}"] = value
        for name, value in meta.get(alias, {}).items():
            values[f"{alias}.{name}"] = value
    values.update(extra)
    return values
