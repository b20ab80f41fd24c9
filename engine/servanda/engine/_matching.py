"""Conditions evaluated in Python: the checks after an engine match, and every test of the explainer."""

from __future__ import annotations

from typing import Any, Mapping

from ..core import Roles
from ..language import Cond, Ref

MISSING: Any = object()
Fields = Mapping[str, Any]  # one event's or world fact's fields
Bindings = Mapping[str, Fields]  # alias -> the fields of what it matched


def resolve(value: Any, bindings: Bindings, roles: Roles | None) -> Any:
    """The value a condition compares with: a constant, a role's state or a bound field."""
    if isinstance(value, Ref):
        if value.is_role:
            return MISSING if roles is None else roles.of(value.alias)
        item = bindings.get(value.alias)
        return MISSING if item is None else item.get(value.field or "", MISSING)
    return value


def holds(cond: Cond, fields: Fields, bindings: Bindings, roles: Roles | None) -> bool:
    """Whether ``fields`` satisfy ``cond``; an absent field equals nothing and differs from everything."""
    actual = fields.get(cond.field, MISSING)
    op = cond.op
    if op == "exists":
        return (actual is not MISSING) is bool(cond.value)
    if op == "not_in":
        return actual is MISSING or actual not in cond.values
    if op == "in":
        return actual is not MISSING and actual in cond.values
    expected = resolve(cond.value, bindings, roles)
    if op == "ne":
        return actual is MISSING or expected is MISSING or actual != expected
    if actual is MISSING or expected is MISSING:
        return False
    if op == "eq":
        return bool(actual == expected)
    if op == "gt":
        return bool(actual > expected)
    if op == "gte":
        return bool(actual >= expected)
    if op == "lt":
        return bool(actual < expected)
    return bool(actual <= expected)  # lte


def all_hold(conds: tuple[Cond, ...], fields: Fields, bindings: Bindings, roles: Roles | None,
             only_python: bool = False) -> bool:
    """Whether every condition holds (only those the backend did not check, if asked)."""
    return all(holds(c, fields, bindings, roles) for c in conds if not (only_python and c.backend))
