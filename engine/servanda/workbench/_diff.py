"""Differences between a baseline's findings and a variant's: added, removed and changed.

Findings are paired within the same treaty, clause and role pair (a hypothetical
amendment may rename the rule), first when they are identical, then when they
rest on the same events (findings on world facts alone share no evidence), then
by the nearest date. What is left unpaired was added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..engine import Finding

COMPARED = ("rule", "grade", "date", "events", "facts", "exception", "explanation", "citation", "assumptions")
Group = tuple[str, str, str, str]


@dataclass(frozen=True)
class Change:
    """One finding added, removed or changed by a variant; ``fields`` names what changed."""

    kind: Literal["added", "removed", "changed"]
    before: Finding | None
    after: Finding | None
    fields: tuple[str, ...] = ()

    @property
    def finding(self) -> Finding:
        """The finding as the variant has it (or as the baseline had it, when removed)."""
        found = self.after or self.before
        assert found is not None
        return found

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "kind": self.kind,
            "fields": list(self.fields),
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
        }


@dataclass(frozen=True)
class Diff:
    """What a variant changes in the baseline's findings."""

    scenario: str
    variant: str
    description: str
    notes: tuple[str, ...]
    changes: tuple[Change, ...]
    unchanged: int

    def count(self, kind: str) -> int:
        """How many changes are of ``kind``."""
        return sum(1 for c in self.changes if c.kind == kind)

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "description": self.description,
            "notes": list(self.notes),
            "added": self.count("added"),
            "removed": self.count("removed"),
            "changed": self.count("changed"),
            "unchanged": self.unchanged,
            "changes": [c.to_json() for c in self.changes],
        }


def diff_findings(scenario: str, variant: str, description: str, notes: tuple[str, ...],
                  before: tuple[Finding, ...], after: tuple[Finding, ...]) -> Diff:
    """Pair the baseline's findings with the variant's and describe every difference."""
    changes: list[Change] = []
    unchanged = 0
    for group in sorted(set(map(_group, before)) | set(map(_group, after))):
        old = sorted((f for f in before if _group(f) == group), key=Finding.sort_key)
        new = sorted((f for f in after if _group(f) == group), key=Finding.sort_key)
        same, paired = _pair(old, new)
        unchanged += same
        changes.extend(Change("changed", a, b, changed_fields(a, b)) for a, b in paired)
        changes.extend(Change("removed", f, None) for f in old)
        changes.extend(Change("added", None, f) for f in new)
    changes.sort(key=lambda c: (c.finding.sort_key(), c.kind))
    return Diff(scenario, variant, description, notes, tuple(changes), unchanged)


def _group(f: Finding) -> Group:
    """What a finding must share with its counterpart to be paired: treaty, clause and role pair."""
    return (f.treaty, f.clause, f.party, f.protected)


def _pair(old: list[Finding], new: list[Finding]) -> tuple[int, list[tuple[Finding, Finding]]]:
    """Remove paired findings from both lists: (identical pairs, pairs that differ)."""
    same = 0
    for f in list(old):
        twin = next((g for g in new if not changed_fields(f, g)), None)
        if twin is not None:
            old.remove(f)
            new.remove(twin)
            same += 1
    paired: list[tuple[Finding, Finding]] = []
    for f in list(old):
        twin = next((g for g in new if f.events and g.events == f.events), None)
        if twin is not None:
            old.remove(f)
            new.remove(twin)
            paired.append((f, twin))
    while old and new:
        a, b = min(((a, b) for a in old for b in new), key=lambda p: (_days_apart(*p), p[0].sort_key(), p[1].sort_key()))
        old.remove(a)
        new.remove(b)
        paired.append((a, b))
    return same, paired


def _days_apart(a: Finding, b: Finding) -> int:
    """How many days lie between two findings' dates."""
    return abs(a.day - b.day)


def changed_fields(a: Finding, b: Finding) -> tuple[str, ...]:
    """The compared fields on which two findings differ."""
    return tuple(name for name in COMPARED if getattr(a, name) != getattr(b, name))
