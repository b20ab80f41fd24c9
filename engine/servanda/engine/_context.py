"""What an evaluation starts from: who is bound to whom and when, the initial world, assumptions, names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..core import Day, Roles
from ..language import Assumption, CompiledRules, CompiledTreaty, Overlay, Scenario, World, WorldFact
from ._history import Fact


@dataclass(frozen=True)
class PairWindow:
    """The days (inclusive; None is open) on which ``bound`` owes ``protected`` under a treaty."""

    treaty: str
    bound: str
    protected: str
    first: Day | None
    last: Day | None

    @property
    def roles(self) -> Roles:
        """The pair's bound and protected states."""
        return Roles(self.bound, self.protected)

    def covers(self, day: Day) -> bool:
        """Whether the pair is bound on ``day``."""
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class Context:
    """Everything a runtime needs besides the compiled rules and the events."""

    pairs: tuple[PairWindow, ...]
    facts: tuple[Fact, ...] = ()  # the initial world
    names: dict[str, str] = field(default_factory=dict)
    assumptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def initial_fact(written: WorldFact, name: str) -> Fact:
    """A fact of the initial world as written; its origin is its id, else ``name``."""
    return Fact(written.relation, written.fields, written.since.toordinal() if written.since else None, written.id or name)


def _latest(*days: int | None) -> int | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _earliest(*days: int | None) -> int | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def treaty_window(treaty: CompiledTreaty, assumption: Assumption | None) -> tuple[int | None, int | None, list[str], str]:
    """(first day, last day, assumption notes, reason it is not applied or '')."""
    notes: list[str] = []
    first, last = treaty.in_force, treaty.ends
    if not treaty.in_force_known:
        if assumption is None or assumption.in_force is None:
            return None, None, notes, f"{treaty.id} is not evaluated: its entry into force is unknown (a scenario may assume a date)"
        first = assumption.in_force.toordinal()
        notes.append(f"assumes {treaty.id} in force from {assumption.in_force.isoformat()}: {assumption.note}")
    if assumption is not None and assumption.ends is not None:
        last = assumption.ends.toordinal()
        notes.append(f"assumes {treaty.id} ends on {assumption.ends.isoformat()}: {assumption.note}")
    elif assumption is not None and assumption.in_force is not None and treaty.in_force_known:
        first = assumption.in_force.toordinal()
        notes.append(f"assumes {treaty.id} in force from {assumption.in_force.isoformat()}: {assumption.note}")
    return first, last, notes, ""


def build_context(rules: CompiledRules, world: World, assumptions: tuple[Assumption, ...]) -> Context:
    """Role pairs per treaty within every member's dates and the in-force window."""
    by_treaty = {a.treaty: a for a in assumptions}
    pairs: list[PairWindow] = []
    notes: list[str] = []
    assumed: dict[str, tuple[str, ...]] = {}
    for treaty in sorted(rules.treaties.values(), key=lambda t: t.id):
        first, last, made, reason = treaty_window(treaty, by_treaty.get(treaty.id))
        if reason:
            notes.append(reason)
            continue
        if made:
            assumed[treaty.id] = tuple(made)
        for a in treaty.members:
            for b in treaty.members:
                if a.state == b.state:
                    continue
                lo = _latest(first, a.first, b.first)
                hi = _earliest(last, a.last, b.last)
                if lo is not None and hi is not None and hi < lo:
                    continue
                pairs.append(PairWindow(treaty.id, a.state, b.state, lo, hi))
    facts = tuple(initial_fact(f, f"world fact {i + 1}") for i, f in enumerate(world.facts))
    return Context(tuple(pairs), facts, dict(world.states), assumed, tuple(notes))


def overlay_context(rules: CompiledRules, baseline: Context, changed: Scenario, overlay: Overlay) -> Context:
    """The variant's evaluation context; baseline facts keep their origins, added facts get their own."""
    context = build_context(rules, changed.world, changed.assume)
    kept = tuple(f for i, f in enumerate(baseline.facts) if i not in overlay.remove_facts)
    added = tuple(initial_fact(f, f"variant fact {i + 1}") for i, f in enumerate(overlay.add_facts))
    return dataclasses.replace(context, facts=kept + added, notes=context.notes + overlay.notes)
