"""Compile the ``where`` mappings of rules into typed, located conditions.

An equality with a constant or a reference on a required field may run inside
the Rete network; everything else (inequalities against other matched items,
optional fields, date comparisons) is marked for checking in Python after the
match, because the backend can crash on non-equality joins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ._events import check_field
from ..core import ROLE_NAMES
from ._ir import Cond, Op, Pattern, Ref
from ._models import FieldSpec, Vocabulary
from ._states import STANDARD_STATES
from ._yaml import Document, Key

_OPS = ("in", "not_in", "not", "gt", "gte", "lt", "lte", "exists")
_ORDERED = ("integer", "number", "date")
_COMPARISONS: dict[str, Op] = {"gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}


@dataclass
class Scope:
    """The aliases a pattern may refer to: alias -> (source, kind or relation)."""

    kinds: dict[str, tuple[Literal["event", "fact"], str]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # aliases whose kind is unknown: no follow-on errors


class ConditionCompiler:
    """Turns ``where`` mappings into Cond tuples, appending problems to a shared list."""

    def __init__(self, doc: Document, vocab: Vocabulary, problems: list[Diagnostic], states: frozenset[str] = STANDARD_STATES) -> None:
        self.doc, self.vocab, self.problems, self.states = doc, vocab, problems, states

    def _fields(self, source: str, kind: str) -> dict[str, FieldSpec] | None:
        table = self.vocab.kinds if source == "event" else self.vocab.relations
        spec = table.get(kind)
        return None if spec is None else spec.fields

    def pattern(self, alias: str, source: Literal["event", "fact"], kind: str, where: dict[str, Any],
                scope: Scope, key: Key, register: bool = True) -> Pattern | None:
        """Compile one pattern; register its alias in ``scope`` for later references."""
        fields = self._fields(source, kind)
        if fields is None:
            table = self.vocab.kinds if source == "event" else self.vocab.relations
            code, what = ("SV201", "event kind") if source == "event" else ("SV203", "relation")
            name_key = "kind" if source == "event" else "relation"
            self.problems.append(self.doc.diag(key + (name_key,), code, f"unknown {what} '{kind}'",
                                               did_you_mean(kind, table) or one_of(table)))
            if register:
                scope.broken.add(alias)
            return None
        if alias in scope.kinds or alias in ROLE_NAMES:
            self.problems.append(self.doc.diag(key, "SV209", f"alias '{alias}' is already used in this rule"))
        conds: list[Cond] = []
        for name, raw in where.items():
            cond = self._cond(name, raw, fields, scope, key + ("where", name))
            if cond is not None:
                conds.append(cond)
        if register:
            scope.kinds[alias] = (source, kind)
        return Pattern(alias, source, kind, tuple(conds))

    def constant_conds(self, alias: str, target: tuple[Literal["event", "fact"], str], where: dict[str, Any], key: Key) -> tuple[Cond, ...] | None:
        """Compile conditions that may only compare with constants (exceptions)."""
        fields = self._fields(*target) or {}
        before = len(self.problems)
        conds = [self._cond(name, raw, fields, Scope(), key + (name,), constants_only=True) for name, raw in where.items()]
        if len(self.problems) > before:
            return None
        return tuple(c for c in conds if c is not None)

    def _cond(self, name: str, raw: Any, fields: dict[str, FieldSpec], scope: Scope, key: Key,
              constants_only: bool = False) -> Cond | None:
        spec = fields.get(name)
        if spec is None:
            self.problems.append(self.doc.diag(key, "SV202", f"no field '{name}' here", did_you_mean(name, fields) or one_of(fields)))
            return None
        if isinstance(raw, dict):
            if len(raw) != 1 or next(iter(raw)) not in _OPS:
                self.problems.append(self.doc.diag(key, "SV103", f"condition on '{name}' must be a value or one operator", one_of(_OPS)))
                return None
            op, arg = next(iter(raw.items()))
            return self._operator(name, spec, op, arg, scope, key + (op,), constants_only)
        value = self._value(name, spec, raw, scope, key, constants_only)
        if value is _BAD:
            return None
        return Cond(name, "eq", value, backend=spec.required and not (isinstance(value, Ref) and not value.is_role and _optional_ref(value, scope, self)))

    def _operator(self, name: str, spec: FieldSpec, op: str, arg: Any, scope: Scope, key: Key, constants_only: bool) -> Cond | None:
        if op == "exists":
            if not isinstance(arg, bool):
                self.problems.append(self.doc.diag(key, "SV103", "'exists' takes true or false"))
                return None
            return Cond(name, "exists", arg, backend=False)
        if op in ("in", "not_in"):
            if not isinstance(arg, list) or not arg:
                self.problems.append(self.doc.diag(key, "SV103", f"'{op}' takes a non-empty list of values"))
                return None
            values = [self._value(name, spec, v, Scope(), key + (i,), True) for i, v in enumerate(arg)]
            if any(v is _BAD for v in values):
                return None
            # durable_rules mis-evaluates $or/$and groups beside a join (false matches seen): Python only.
            return Cond(name, "in" if op == "in" else "not_in", tuple(values), backend=False)
        if op == "not":
            value = self._value(name, spec, arg, scope, key, constants_only)
            if value is _BAD:
                return None
            return Cond(name, "ne", value, backend=spec.required and not isinstance(value, Ref) and spec.type != "date")
        if spec.type not in _ORDERED:
            self.problems.append(self.doc.diag(key, "SV205", f"'{op}' compares numbers or dates, but '{name}' is {spec.type}"))
            return None
        value = self._value(name, spec, arg, Scope(), key, True)
        if value is _BAD:
            return None
        return Cond(name, _COMPARISONS[op], value, backend=spec.required and spec.type != "date")

    def _value(self, name: str, spec: FieldSpec, raw: Any, scope: Scope, key: Key, constants_only: bool) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            if constants_only:
                self.problems.append(self.doc.diag(key, "SV204", f"'{raw}': only constants are allowed here"))
                return _BAD
            return self._ref(name, spec, raw[1:], scope, key)
        checked = check_field(spec, raw, self.states)
        if checked.code:
            self.problems.append(self.doc.diag(key, checked.code, f"field '{name}': {checked.problem}", checked.hint))
            return _BAD
        return checked.value

    def _ref(self, name: str, spec: FieldSpec, text: str, scope: Scope, key: Key) -> Any:
        if text in ROLE_NAMES:
            if spec.type != "state":
                self.problems.append(self.doc.diag(key, "SV205", f"'${text}' is a state, but '{name}' is {spec.type}"))
                return _BAD
            return Ref(text)
        alias, _, fname = text.partition(".")
        if alias in scope.broken:
            return _BAD
        target = scope.kinds.get(alias)
        if target is None or not fname:
            choices = [f"${r}" for r in ROLE_NAMES] + [f"${a}." for a in scope.kinds]
            self.problems.append(self.doc.diag(key, "SV204", f"unknown reference '${text}'",
                                               did_you_mean(f"${text}", choices) or one_of(choices)))
            return _BAD
        fields = self._fields(*target) or {}
        other = fields.get(fname)
        if other is None:
            self.problems.append(self.doc.diag(key, "SV202", f"'{alias}' ({target[1]}) has no field '{fname}'",
                                               did_you_mean(fname, fields) or one_of(fields)))
            return _BAD
        if other.type != spec.type:
            self.problems.append(self.doc.diag(key, "SV205", f"'${text}' is {other.type}, but '{name}' is {spec.type}"))
            return _BAD
        return Ref(alias, fname)


def _optional_ref(ref: Ref, scope: Scope, cc: ConditionCompiler) -> bool:
    """True when the referenced field is optional (so the join is checked in Python)."""
    target = scope.kinds.get(ref.alias)
    fields = cc._fields(*target) if target else None
    spec = fields.get(ref.field or "") if fields else None
    return spec is None or not spec.required


class _Bad:
    """Marker for a value that produced a diagnostic."""


_BAD: Any = _Bad()
