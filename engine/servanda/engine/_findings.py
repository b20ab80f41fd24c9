"""Findings: what a rule concluded, with its evidence, citation and explanation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..language import Citation, CompiledRule, GradeException
from ._matching import all_hold

GRADE_ORDER = {"violation": 0, "potential_violation": 1, "indicator": 2}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class FactRef:
    """A world fact a finding relied on."""

    relation: str
    fields: tuple[tuple[str, Any], ...]
    since: str | None
    origin: str  # the world fact's id, or "event <id>" for facts added by an event

    def to_json(self) -> dict[str, Any]:
        return {"relation": self.relation, "fields": dict(self.fields), "since": self.since, "origin": self.origin}


@dataclass(frozen=True)
class Finding:
    """One potential breach: who, what, when, on what evidence, in whose words."""

    treaty: str
    clause: str
    rule: str
    grade: str
    party: str
    protected: str
    date: str
    events: tuple[str, ...]
    facts: tuple[FactRef, ...]
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

    def sort_key(self) -> tuple[Any, ...]:
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
            "facts": [f.to_json() for f in self.facts],
            "citation": self.citation.to_json(),
            "explanation": self.explanation,
            "summary": self.summary,
            "exception": self.exception,
            "assumptions": list(self.assumptions),
        }


def merge(old: Finding | None, new: Finding) -> Finding:
    """One finding from two with the same key: the union of their facts, told by the graver match.

    On equal grades the one whose exception and explanation sort first tells it, so the
    result never depends on the order in which matches were found.
    """
    if old is None:
        return new
    facts = tuple(sorted(set(old.facts) | set(new.facts), key=lambda r: (r.relation, r.fields, r.origin)))
    teller = min(old, new, key=lambda f: (GRADE_ORDER[f.grade], f.exception, f.explanation))
    return dataclasses.replace(teller, facts=facts)


def iso(day: int) -> str:
    """An ordinal day as YYYY-MM-DD."""
    return dt.date.fromordinal(day).isoformat()


def apply_exceptions(rule: CompiledRule, bindings: Mapping[str, Mapping[str, Any]]) -> tuple[str, GradeException | None]:
    """The grade after the first exception whose conditions hold (or the rule's own)."""
    for exc in rule.exceptions:
        fields = bindings.get(exc.alias)
        if fields is not None and all_hold(exc.conds, fields, bindings, {}):
            return exc.grade, exc
    return rule.grade, None


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; a value that is absent reads '(not given)'."""
    def one(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if isinstance(value, bool):
            return "true" if value else "false"  # as the YAML and JSON the value came from write it
        return "(not given)" if value is None else str(value)
    return _PLACEHOLDER.sub(one, template)


def template_values(bindings: Mapping[str, Mapping[str, Any]], meta: Mapping[str, Mapping[str, Any]],
                    roles: Mapping[str, str], names: Mapping[str, str], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a template may name: roles, their names, alias fields and alias dates/ids."""
    values: dict[str, Any] = {
        "bound": roles["bound"], "protected": roles["protected"],
        "bound_name": names.get(roles["bound"], roles["bound"]),
        "protected_name": names.get(roles["protected"], roles["protected"]),
    }
    for alias, fields in bindings.items():
        for name, value in fields.items():
            values[f"{alias}.{name}"] = value
        for name, value in meta.get(alias, {}).items():
            values[f"{alias}.{name}"] = value
    values.update(extra)
    return values
