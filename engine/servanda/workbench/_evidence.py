"""Conditions checked one by one against an event or world fact: the atoms of explanations and why-nots.

``matching.holds`` answers yes or no; here each condition also keeps what it was
written as, what it resolved to and what was seen, so a person can follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..core import Roles, iso, iso_or_none
from ..engine import MISSING, Bindings, Fields, Stretch, holds, resolve
from ..language import Cond, Event, Pattern, Ref

TIME_OPS = frozenset({"in_force", "within_days", "not_after", "at_start_of", "judged_by", "absent", "more_than_days",
                      "known"})
Role = Literal["step", "fact", "unless", "duration"]
_SYMBOL = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


@dataclass(frozen=True)
class CondCheck:
    """One condition: as written, resolved, the value seen, and whether it held.

    Time conditions (windows, deadlines, durations, in-force days) are checks too; their
    ``why`` is the sentence to show when they fail.
    """

    field: str
    op: str
    expected: str  # as written in the rule: "$bound", "$join.bloc", "{in: [a, b]}"
    resolved: Any  # the value compared with (None when a reference is unbound)
    actual: Any  # the value seen (None when the field is absent)
    holds: bool
    why: str = ""

    @property
    def timing(self) -> bool:
        """Whether this is a condition on days rather than on a field."""
        return self.op in TIME_OPS

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"field": self.field, "op": self.op, "expected": self.expected, "resolved": plain(self.resolved),
                "actual": plain(self.actual), "holds": self.holds, "why": self.why}


@dataclass(frozen=True)
class Item:
    """The event or world fact a pattern was checked against."""

    type: Literal["event", "fact"]
    id: str  # the event's id, or the fact's origin (its id, or "event <id>" when an event added it)
    kind: str  # event kind or relation
    date: str | None  # the event's date, or the fact's since
    fields: tuple[tuple[str, Any], ...]
    source: str = ""  # the event's source reference (events only)
    ended: str | None = None  # the last day a fact was live (facts only; None: still live)

    def label(self) -> str:
        """A short name a sentence can use."""
        shown = ", ".join(f"{k}={shown_value(v)}" for k, v in self.fields)
        if self.type == "event":
            return f"{self.kind}({shown}) on {self.date} [event {self.id}]"
        return f"{self.kind}({shown}) [{'added by ' if self.id.startswith('event ') else ''}{self.id}]"

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        if self.type == "event":
            return {"type": "event", "id": self.id, "kind": self.kind, "date": self.date, "fields": dict(self.fields),
                    "source": self.source}
        return {"type": "fact", "relation": self.kind, "fields": dict(self.fields), "since": self.date,
                "origin": self.id, "ended": self.ended}


@dataclass(frozen=True)
class PatternCheck:
    """One pattern of a rule (step, fact, unless or duration) and what it was checked against."""

    role: Role
    alias: str
    kind: str
    conds: tuple[CondCheck, ...]
    item: Item | None
    notes: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        """Whether something was found for the pattern and it met every condition."""
        return self.item is not None and all(c.holds for c in self.conds)

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"role": self.role, "alias": self.alias, "kind": self.kind, "conds": [c.to_json() for c in self.conds],
                "item": self.item.to_json() if self.item else None, "notes": list(self.notes)}


def shown_value(value: Any) -> str:
    """A value as the YAML that holds it would write it: true/false, lists in brackets."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    return str(value)


def plain(value: Any) -> Any:
    """A value JSON can hold: tuples become lists, an absent value None."""
    if value is MISSING:
        return None
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def written(cond: Cond) -> str:
    """The condition's value as the rule's author wrote it."""
    def one(value: Any) -> str:
        """One value: a reference with its ``$``, a boolean as YAML writes it."""
        if isinstance(value, Ref):
            return f"${value.alias}" if value.is_role else f"${value.alias}.{value.field}"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if cond.op == "eq":
        return one(cond.value)
    if cond.op in ("in", "not_in"):
        return f"{{{cond.op}: [{', '.join(one(v) for v in cond.values)}]}}"
    return f"{{{'not' if cond.op == 'ne' else cond.op}: {one(cond.value)}}}"


def check(cond: Cond, fields: Fields, bindings: Bindings, roles: Roles | None) -> CondCheck:
    """Check one condition and keep everything a reader needs to follow it."""
    return CondCheck(cond.field, cond.op, written(cond), _compared_with(cond, bindings, roles),
                     plain(fields.get(cond.field, MISSING)), holds(cond, fields, bindings, roles))


def _compared_with(cond: Cond, bindings: Bindings, roles: Roles | None) -> Any:
    """The value (or values) a condition compares the field with, once references are resolved."""
    return plain(cond.value if cond.op in ("in", "not_in", "exists") else resolve(cond.value, bindings, roles))


def check_all(conds: tuple[Cond, ...], fields: Fields, bindings: Bindings, roles: Roles | None) -> tuple[CondCheck, ...]:
    """Every condition of a pattern, checked in the order written."""
    return tuple(check(c, fields, bindings, roles) for c in conds)


def unchecked(conds: tuple[Cond, ...], bindings: Bindings, roles: Roles | None) -> tuple[CondCheck, ...]:
    """The conditions of a pattern nothing was checked against: what they resolve to, nothing seen."""
    return tuple(CondCheck(c.field, c.op, written(c), _compared_with(c, bindings, roles), None, False) for c in conds)


def event_item(event: Event) -> Item:
    """An event as evidence."""
    return Item("event", event.id, event.kind, event.date.isoformat(), tuple(sorted(event.fields.items())), event.source)


def fact_item(stretch: Stretch) -> Item:
    """A world fact's stretch as evidence."""
    fact = stretch.fact
    return Item("fact", fact.origin, fact.relation, iso_or_none(fact.since), tuple(fact.fields.items()),
                ended=iso_or_none(stretch.last_day))


def pattern_check(pattern: Pattern, role: Role, item: Item, bindings: Bindings, roles: Roles | None,
                  extra: tuple[CondCheck, ...] = ()) -> PatternCheck:
    """A pattern checked against one item, with any time conditions that belong to it."""
    return PatternCheck(role, pattern.alias, pattern.kind, check_all(pattern.conds, dict(item.fields), bindings, roles) + extra,
                        item)


def time_check(field: str, op: str, expected: str, resolved: str, actual: str, ok: bool, why: str) -> CondCheck:
    """A condition on days rather than on a field."""
    return CondCheck(field, op, expected, resolved, actual, ok, "" if ok else why)


def span(first: int | None, last: int | None) -> str:
    """An inclusive range of days, open ends shown as such."""
    return f"{iso(first) if first is not None else 'open'} … {iso(last) if last is not None else 'open'}"


def _ref(cond: CondCheck) -> str:
    """The reference a condition compares with, as written (``$bound``, ``$join.bloc``), or ''."""
    text = cond.expected[6:-1] if cond.op == "ne" and cond.expected.startswith("{not: ") else cond.expected
    return text if cond.op in ("eq", "ne") and text.startswith("$") else ""


def _compared(cond: CondCheck, neutral: bool) -> str:
    """The value compared with; ``neutral`` shows a role reference instead of the pair's state."""
    ref = _ref(cond)
    if neutral and ref in ("$bound", "$protected"):
        return ref
    return f"{cond.resolved} ({ref})" if ref else shown_value(cond.resolved)


def failure(cond: CondCheck, label: str, neutral: bool = False) -> str:
    """A plain sentence saying why ``cond`` failed on the item called ``label``.

    ``neutral`` names roles rather than states, so that one sentence can stand for many role pairs.
    """
    if cond.why:
        return cond.why
    actual, resolved = shown_value(cond.actual), cond.resolved
    if cond.op == "exists":
        return f"{label} has no {cond.field}" if resolved else f"{label} has a {cond.field}, which the rule excludes"
    if cond.actual is None:
        return f"{label} has no {cond.field}"
    if resolved is None and _ref(cond):  # a reference to an optional field the matched item lacks
        return f"{label} has {cond.field} = {actual}, but {_ref(cond)} is absent"
    if cond.op == "eq":
        return f"{label} has {cond.field} = {actual}, not {_compared(cond, neutral)}"
    if cond.op == "ne":
        return f"{label} has {cond.field} = {actual}, which must differ from {_compared(cond, neutral)}"
    if cond.op in ("in", "not_in"):
        which = "not one of" if cond.op == "in" else "one of the excluded"
        return f"{label} has {cond.field} = {actual}, {which} {', '.join(map(shown_value, resolved))}"
    return f"{label} has {cond.field} = {actual}, not {_SYMBOL[cond.op]} {shown_value(resolved)}"


def wanted(conds: tuple[CondCheck, ...], neutral: bool = False) -> str:
    """What a pattern asks for, in words: ``bloc = eastern-pact and against = KAZ``."""
    parts = []
    for c in conds:
        if c.op == "exists":
            parts.append(f"{'a' if c.resolved else 'no'} {c.field}")
        elif c.op in ("in", "not_in"):
            parts.append(f"{c.field} {'in' if c.op == 'in' else 'not in'} {shown_value(c.resolved)}")
        else:
            ref = _ref(c)
            if ref and c.resolved is None:
                shown = f"{ref} (absent)"
            else:
                shown = ref if neutral and ref in ("$bound", "$protected") else shown_value(c.resolved)
            parts.append(f"{c.field} {_SYMBOL.get(c.op, c.op)} {shown}")
    return " and ".join(parts) if parts else "any fields"
