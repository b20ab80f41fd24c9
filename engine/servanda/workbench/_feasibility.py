"""Static reasoning over compiled conditions: patterns that can never match, conditions others imply.

The conditions of a rule's patterns are read together: an equality with a role or
with another alias's field joins two slots (``alias.field``) into one class whose
value must be the same, and every constant test on any slot of the class narrows
that value. A class is impossible when nothing is left: two different constants,
a constant outside a closed ``values`` set, both roles (always different states),
a value that must equal and differ from the same thing, an empty numeric range,
or a field that must be both present and absent. A ``where`` mapping holds one
condition per field, so in written rules most of these arise through joins across
patterns; the analysis itself takes any compiled patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..engine import holds
from ..language import Cond, FieldSpec, Op, Pattern, Ref

Slot = tuple[str, str]  # (alias, field); a role is ("", "bound") or ("", "protected")
Specs = Callable[[Pattern], Mapping[str, FieldSpec]]
_POSITIVE = ("eq", "in", "gt", "gte", "lt", "lte")
_SYMBOL = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _ref_slot(ref: Ref) -> Slot:
    """The slot a reference names."""
    return ("", ref.alias) if ref.is_role else (ref.alias, ref.field or "")


def _name(slot: Slot) -> str:
    """A slot as rules write it: ``$bound`` or ``alias.field``."""
    return f"${slot[1]}" if slot[0] == "" else f"{slot[0]}.{slot[1]}"


def _show(value: Any) -> str:
    """A constant as the rules write it (``true``, not Python's ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _describe(slot: Slot, cond: Cond) -> str:
    """A condition as people read it: ``join.actor = $bound``, ``ban.ground in [a, b]``."""
    if cond.op == "exists":
        return f"{_name(slot)} {'present' if cond.value else 'absent'}"
    value = cond.value
    if isinstance(value, Ref):
        shown = _name(_ref_slot(value))
    elif isinstance(value, tuple):
        shown = "[" + ", ".join(map(_show, value)) + "]"
    else:
        shown = _show(value)
    return f"{_name(slot)} {_SYMBOL[cond.op]} {shown}"


@dataclass
class SlotClass:
    """Slots that must hold one and the same value, and what their conditions leave possible (built during the analysis)."""

    slots: list[Slot]
    notes: list[tuple[Slot, str]] = field(default_factory=list)  # the conditions, in the order written
    candidates: frozenset[Any] | None = None  # None: not a finite set
    excluded: set[Any] = field(default_factory=set)
    bounds: list[Cond] = field(default_factory=list)
    problem: str = ""


class Analysis:
    """What the conditions of a group of patterns (and the roles) say about every slot."""

    def __init__(self, patterns: Sequence[Pattern], specs: Specs, members: frozenset[str]) -> None:
        self.fields = {p.alias: specs(p) for p in patterns}
        self.members = members
        self.parent: dict[Slot, Slot] = {}
        self.conds: list[tuple[Slot, Cond]] = [((p.alias, c.field), c) for p in patterns for c in p.conds]
        for slot, cond in self.conds:
            self._find(slot)
            if cond.op == "eq" and isinstance(cond.value, Ref):
                self._union(slot, _ref_slot(cond.value))
        self.classes: dict[Slot, SlotClass] = {}
        for slot in self.parent:
            self.classes.setdefault(self._find(slot), SlotClass([])).slots.append(slot)
        for slot, cond in self.conds:
            self._narrow(self.classes[self._find(slot)], slot, cond)
        for cls in self.classes.values():
            cls.problem = cls.problem or self._emptiness(cls)

    def _find(self, slot: Slot) -> Slot:
        root = self.parent.setdefault(slot, slot)
        if root != slot:
            root = self.parent[slot] = self._find(root)
        return root

    def _union(self, a: Slot, b: Slot) -> None:
        self.parent[self._find(a)] = self._find(b)

    def spec(self, slot: Slot) -> FieldSpec | None:
        """The vocabulary's description of a slot's field (None for roles)."""
        return self.fields.get(slot[0], {}).get(slot[1])

    def must_be_present(self, slot: Slot) -> bool:
        """Whether every match has this field (required, joined, or tested positively)."""
        spec = self.spec(slot)
        cls = self.class_of(slot)
        joined = cls is not None and len(cls.slots) > 1
        tested = any(s == slot and (c.op in _POSITIVE or (c.op == "exists" and c.value)) for s, c in self.conds)
        return joined or tested or (spec is not None and spec.required)

    def must_be_absent(self, slot: Slot) -> bool:
        """Whether a condition says the field is absent."""
        return any(s == slot and c.op == "exists" and not c.value for s, c in self.conds)

    def class_of(self, slot: Slot) -> SlotClass | None:
        """The class of a slot that some condition mentions, else None."""
        return self.classes.get(self._find(slot)) if slot in self.parent else None

    def problems(self) -> Iterator[tuple[Slot, str, str]]:
        """(where it shows, the conditions, why they cannot all hold) for every impossible class."""
        for cls in self.classes.values():
            if cls.problem:
                yield cls.notes[-1][0], " and ".join(n for _, n in cls.notes), cls.problem

    def _narrow(self, cls: SlotClass, slot: Slot, cond: Cond) -> None:
        """Record what ``cond`` on ``slot`` leaves possible for its class, or why nothing is."""
        cls.notes.append((slot, _describe(slot, cond)))
        if self.must_be_absent(slot) and self.must_be_present(slot):
            spec = self.spec(slot)
            why = "a required field" if spec is not None and spec.required else "compared with another field, so it must be present"
            cls.problem = f"{_name(slot)} is {why}"
        value = cond.value
        if isinstance(value, Ref):
            if cond.op == "ne" and self._find(_ref_slot(value)) == self._find(slot):
                cls.problem = f"{_name(slot)} cannot both equal and differ from {_name(_ref_slot(value))}"
            return
        if cond.op in ("eq", "in"):
            allowed = frozenset(cond.values)
            cls.candidates = allowed if cls.candidates is None else cls.candidates & allowed
        elif cond.op in ("ne", "not_in"):
            cls.excluded |= set(cond.values)
        elif cond.op != "exists":
            cls.bounds.append(cond)

    def _emptiness(self, cls: SlotClass) -> str:
        """Why no value satisfies every condition of the class; "" when some value does."""
        roles = sorted(s[1] for s in cls.slots if s[0] == "")
        if len(roles) > 1:
            return "$bound and $protected are always different states"
        if any(self.must_be_absent(s) for s in cls.slots):
            return ""
        left = self.left(cls)
        if left is None:
            return "" if _range_possible(cls.bounds) else "no number or date lies in that range"
        if left:
            return ""
        if roles:
            return f"no party of the treaty ({', '.join(sorted(self.members))}) is left"
        closed = [f"{_name(s)} takes only {', '.join(sorted(map(_show, values)))}"
                  for s in cls.slots if (values := _closed(self.spec(s))) is not None]
        return "no value is left" + (f" ({'; '.join(closed)})" if closed else "")

    def left(self, cls: SlotClass) -> frozenset[Any] | None:
        """The values the class may still take, when they are a finite set; None when unbounded."""
        possible = self._domain(cls)
        if possible is None:
            return None
        return frozenset(v for v in possible - cls.excluded if all(holds(b, {b.field: v}, {}, None) for b in cls.bounds))

    def _domain(self, cls: SlotClass) -> frozenset[Any] | None:
        """The values the class may take before its exclusions and ranges: constants, parties and closed sets."""
        possible = cls.candidates
        if any(s[0] == "" for s in cls.slots):
            possible = self.members if possible is None else possible & self.members
        for slot in cls.slots:
            closed = _closed(self.spec(slot))
            if closed is not None:
                possible = closed if possible is None else possible & closed
        return possible


def _closed(spec: FieldSpec | None) -> frozenset[Any] | None:
    """Every value a field may take, when the vocabulary closes the set (``values``, or a boolean)."""
    if spec is None:
        return None
    if spec.type == "boolean":
        return frozenset((True, False))
    return frozenset(spec.values) if spec.values is not None else None


def _range_possible(bounds: list[Cond]) -> bool:
    """Whether some value satisfies every comparison with a constant (values of one field compare)."""
    lows: list[tuple[Any, bool]] = [(b.value, b.op == "gt") for b in bounds if b.op in ("gt", "gte")]
    highs: list[tuple[Any, bool]] = [(b.value, b.op == "lt") for b in bounds if b.op in ("lt", "lte")]
    if not lows or not highs:
        return True
    low = max(lows, key=lambda x: (x[0], x[1]))
    high = min(highs, key=lambda x: (x[0], not x[1]))
    return bool(low[0] < high[0] or (low[0] == high[0] and not low[1] and not high[1]))


def implied(cond: Cond, slot: Slot, analysis: Analysis) -> bool:
    """Whether every match the analysed patterns allow already satisfies ``cond`` on ``slot``."""
    present = analysis.must_be_present(slot)
    if cond.op == "exists":
        return present if cond.value else analysis.must_be_absent(slot)
    if not present and cond.op in _POSITIVE:
        return False
    cls = analysis.class_of(slot)
    possible = _closed(analysis.spec(slot)) if cls is None else analysis.left(cls)
    if possible is not None:
        return all(holds(cond, {cond.field: v}, {}, None) for v in possible)
    if cls is None:
        return False
    if cond.op in ("ne", "not_in"):
        return set(cond.values) <= cls.excluded
    if cond.op in ("gt", "gte", "lt", "lte"):
        return not _range_possible(cls.bounds + [_negate(cond)])
    return False


def _negate(cond: Cond) -> Cond:
    """The comparison true exactly where ``cond`` is false (for values that are present)."""
    flipped: dict[str, Op] = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}
    return Cond(cond.field, flipped[cond.op], cond.value, cond.backend)

