"""What-if overlays: a scenario's variants checked against its baseline, and applied without mutating it.

An ``Overlay`` is the validated form of a change to a baseline: events added and
removed, initial world facts added and removed, assumptions, another ``as_of``,
treaties, clauses or rules switched off, and clauses hypothetically amended.
Variants written in a scenario file become overlays here (every problem located
in that file); counterfactuals build overlays directly.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..errors import DiagnosticError
from ._compiler import compile_rules
from ._events import Event
from ._ir import CompiledRules
from ._models import Amendment, Assumption, Expectations, FactSelector, Scenario, SwitchOff, Variant, World, WorldFact
from ._scenario import check_expected, check_facts, late_facts, parse_events, scenario_states
from ._yaml import Document, Key


@dataclass(frozen=True)
class Overlay:
    """Validated changes to a baseline; an empty overlay changes nothing."""

    add_events: tuple[Event, ...] = ()
    remove_events: frozenset[str] = frozenset()  # ids of baseline events (a replaced event is removed and added)
    add_facts: tuple[WorldFact, ...] = ()
    remove_facts: frozenset[int] = frozenset()  # indexes into the baseline world's facts
    states: dict[str, str] = field(default_factory=dict)
    assume: tuple[Assumption, ...] = ()
    as_of: dt.date | None = None
    switch_off: tuple[SwitchOff, ...] = ()
    amended: tuple[Document, ...] = ()  # treaty documents with amended clauses, located in the scenario file
    expect: Expectations | None = None
    notes: tuple[str, ...] = ()

    @property
    def changes_rules(self) -> bool:
        """Whether the overlay needs rules of its own."""
        return bool(self.switch_off or self.amended)


def overlay_from_variant(doc: Document, index: int, variant: Variant, baseline: Scenario,
                         events: tuple[Event, ...], rules: CompiledRules, treaty_docs: tuple[Document, ...]) -> Overlay:
    """Check one variant of ``baseline`` (written at ``variants[index]`` of ``doc``) and return its overlay."""
    key: Key = ("variants", index)
    problems: list[Diagnostic] = []
    states = scenario_states(rules, baseline.world.states, variant.world.states)
    added, replaced, removed = _event_changes(doc, key + ("events",), variant, variant.as_of or baseline.as_of,
                                              events, rules, states, problems)
    problems.extend(check_facts(doc, variant.world.add, rules, key + ("world", "add"), states))
    timeline = [e for e in events if e.id not in removed | {r.id for r in replaced}] + list(added + replaced)
    first = min((e.date for e in timeline), default=variant.as_of or baseline.as_of)
    problems.extend(late_facts(doc, key + ("world", "add"), variant.world.add, first))
    dropped = _removed_facts(doc, key + ("world", "remove"), variant.world.remove, baseline.world, problems)
    problems.extend(_check_treaty_refs(doc, key, variant, rules))
    problems.extend(_conflicting_amendments(doc, key, variant))
    if variant.expect is not None:
        problems.extend(check_expected(doc, key + ("expect",), variant.expect, rules, states))
    amended = tuple(_amended_documents(doc, key, variant.amend, treaty_docs))
    if problems:
        raise DiagnosticError(problems + _amendment_problems(rules, treaty_docs, amended))
    gone = removed | {e.id for e in replaced}
    return Overlay(added + replaced, frozenset(gone), variant.world.add, frozenset(dropped), dict(variant.world.states),
                   variant.assume, variant.as_of, variant.switch_off, amended, variant.expect,
                   _notes(variant, tuple(e for e in events if e.id not in gone)))


def _event_changes(doc: Document, key: Key, variant: Variant, as_of: dt.date, events: tuple[Event, ...], rules: CompiledRules,
                   states: frozenset[str], problems: list[Diagnostic]) -> tuple[tuple[Event, ...], tuple[Event, ...], set[str]]:
    """(events added, events replacing the baseline's, baseline ids removed); a diagnostic for each problem."""
    changes = variant.events
    known = {e.id for e in events}
    removed = set(_known_ids(doc, key + ("remove",), changes.remove, known, problems))
    replaced, found = parse_events(doc, changes.replace, rules, key + ("replace",), states)
    added, more = parse_events(doc, changes.add, rules, key + ("add",), states)
    problems.extend(found + more)
    at = {"replace": _raw_indexes(changes.replace), "add": _raw_indexes(changes.add)}
    problems.extend(_clashing_ids(doc, key, at, known, removed, replaced, added))
    for section, new in (("add", added), ("replace", replaced)):
        problems.extend(doc.diag(key + (section, at[section][e.id], "date"), "SV210", f"event dated {e.date} is after as_of {as_of}",
                                 "move as_of later or drop the event") for e in new if e.date > as_of)
    return tuple(added), tuple(replaced), removed


def _clashing_ids(doc: Document, key: Key, at: dict[str, dict[str, int]], known: set[str], removed: set[str],
                  replaced: list[Event], added: list[Event]) -> list[Diagnostic]:
    """A replaced event the baseline lacks or the variant also removes; an added event whose id is taken."""
    problems: list[Diagnostic] = []
    for event in replaced:
        here = key + ("replace", at["replace"][event.id], "id")
        if event.id not in known:
            problems.append(_unknown_event(doc, here, event.id, known))
        elif event.id in removed:
            problems.append(doc.diag(here, "SV224", f"event '{event.id}' is both removed and replaced", "keep one of the two"))
    swapped = {e.id for e in replaced}
    for event in added:
        if event.id in swapped or event.id in known - removed:
            whose = "an event the variant replaces" if event.id in swapped else "the baseline"
            problems.append(doc.diag(key + ("add", at["add"][event.id], "id"), "SV209", f"event id '{event.id}' is already used by {whose}",
                                     "remove or replace the baseline's event, or choose another id"))
    return problems


def _raw_indexes(raws: tuple[dict[str, Any], ...]) -> dict[str, int]:
    """Where each event id is written in a list of raw events (parsing drops broken events, so list positions shift)."""
    out: dict[str, int] = {}
    for i, raw in enumerate(raws):
        out.setdefault(str(raw.get("id")), i)
    return out


def _notes(variant: Variant, kept: tuple[Event, ...]) -> tuple[str, ...]:
    """What the variant changes in the rules, and the baseline events its ``as_of`` leaves out."""
    notes = tuple(f"variant '{variant.name}' amends {a.treaty}/{a.clause} hypothetically: {a.note}" for a in variant.amend)
    notes += tuple(f"variant '{variant.name}' switches off {_switch_name(s)}" for s in variant.switch_off)
    later = sorted(e.id for e in kept if variant.as_of is not None and e.date > variant.as_of)
    if later:
        what = f"event {later[0]} comes later and is" if len(later) == 1 else f"events {', '.join(later)} come later and are"
        notes += (f"variant '{variant.name}' moves as_of to {variant.as_of}: baseline {what} not evaluated",)
    return notes


def _known_ids(doc: Document, key: Key, ids: tuple[str, ...], known: set[str], problems: list[Diagnostic]) -> list[str]:
    """The ids that name baseline events; a diagnostic for each that does not."""
    out = []
    for i, event_id in enumerate(ids):
        if event_id in known:
            out.append(event_id)
        else:
            problems.append(_unknown_event(doc, key + (i,), event_id, known))
    return out


def _unknown_event(doc: Document, key: Key, event_id: str, known: set[str]) -> Diagnostic:
    """SV220 at ``key``: the baseline has no such event."""
    return doc.diag(key, "SV220", f"the baseline has no event '{event_id}'", did_you_mean(event_id, known) or one_of(known))


def _removed_facts(doc: Document, key: Key, picks: tuple[str | FactSelector, ...], world: World,
                   problems: list[Diagnostic]) -> set[int]:
    """Indexes of the baseline facts each pick names; a diagnostic for a pick that names none."""
    out: set[int] = set()
    ids = {f.id for f in world.facts if f.id}
    for i, pick in enumerate(picks):
        if isinstance(pick, str):
            hits = {n for n, f in enumerate(world.facts) if f.id == pick}
            what, hint = f"no world fact has id '{pick}'", did_you_mean(pick, ids) or one_of(ids)
        else:
            hits = {n for n, f in enumerate(world.facts)
                    if f.relation == pick.relation and all(f.fields.get(k) == v for k, v in pick.fields.items())}
            what, hint = f"no world fact of relation '{pick.relation}' has these fields", "compare with the scenario's world facts"
        if not hits:
            problems.append(doc.diag(key + (i,), "SV221", what, hint))
        out |= hits
    return out


def _check_treaty_refs(doc: Document, key: Key, variant: Variant, rules: CompiledRules) -> list[Diagnostic]:
    """Assumptions, switches and amendments must name real treaties, clauses and rules."""
    problems: list[Diagnostic] = []
    for i, a in enumerate(variant.assume):
        problems.extend(_treaty_clause(doc, key + ("assume", i), a.treaty, None, rules))
    for i, s in enumerate(variant.switch_off):
        here = key + ("switch_off", i)
        found = _treaty_clause(doc, here, s.treaty, s.clause, rules)
        problems.extend(found)
        if s.rule is not None and not found:
            names = {r.rule for r in rules.rules if r.treaty == s.treaty and (s.clause is None or r.clause == s.clause)}
            if s.rule not in names:
                problems.append(doc.diag(here + ("rule",), "SV223", f"no rule '{s.rule}' in {s.treaty}" + (f"/{s.clause}" if s.clause else ""),
                                         did_you_mean(s.rule, names) or one_of(names)))
    for i, amendment in enumerate(variant.amend):
        problems.extend(_treaty_clause(doc, key + ("amend", i), amendment.treaty, amendment.clause, rules))
    return problems


def _conflicting_amendments(doc: Document, key: Key, variant: Variant) -> list[Diagnostic]:
    """SV224 for a clause amended twice, or amended while the same variant switches it off (the amendment would never run)."""
    problems: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(variant.amend):
        here = key + ("amend", i, "clause")
        off = next((s for s in variant.switch_off if s.rule is None and _switched(s, a.treaty, a.clause, "")), None)
        if (a.treaty, a.clause) in seen:
            problems.append(doc.diag(here, "SV224", f"the variant amends {a.treaty}/{a.clause} twice",
                                     "write both changes in one amendment"))
        elif off is not None:
            problems.append(doc.diag(here, "SV224", f"the variant switches off {_switch_name(off)} and amends it",
                                     "drop the amendment or the switch"))
        seen.add((a.treaty, a.clause))
    return problems


def _treaty_clause(doc: Document, key: Key, treaty: str, clause: str | None, rules: CompiledRules) -> list[Diagnostic]:
    """SV207 or SV204 when ``treaty`` (or its ``clause``) does not exist."""
    if treaty not in rules.treaties:
        return [doc.diag(key + ("treaty",), "SV207", f"unknown treaty '{treaty}'", did_you_mean(treaty, rules.treaties) or one_of(rules.treaties))]
    clauses = rules.treaties[treaty].clauses
    if clause is not None and clause not in clauses:
        return [doc.diag(key + ("clause",), "SV204", f"treaty '{treaty}' has no clause '{clause}'", did_you_mean(clause, clauses) or one_of(clauses))]
    return []


def _switch_name(s: SwitchOff) -> str:
    """``treaty``, ``treaty/clause`` or ``treaty/clause/rule``."""
    return "/".join(p for p in (s.treaty, s.clause, s.rule) if p)


def _amended_documents(doc: Document, key: Key, amendments: tuple[Amendment, ...],
                       treaty_docs: tuple[Document, ...]) -> list[Document]:
    """Each amended treaty as a document whose changed clauses point into the scenario file."""
    out: dict[str, Document] = {}
    for ai, amendment in enumerate(amendments):
        original = next((d for d in treaty_docs if isinstance(d.data, dict) and d.data.get("treaty") == amendment.treaty), None)
        if original is None:
            continue  # an unknown treaty is already reported
        base = out.get(amendment.treaty) or Document(doc.path, copy.deepcopy(original.data), {})
        clauses = base.data.get("clauses", [])
        ci = next((n for n, c in enumerate(clauses) if isinstance(c, dict) and c.get("id") == amendment.clause), None)
        if ci is None:
            continue
        written = doc.data["variants"][key[1]]["amend"][ai]
        positions = dict(base.positions)
        for part in ("rules", "text"):
            if part not in written:
                continue
            clauses[ci][part] = copy.deepcopy(written[part])
            source = key + ("amend", ai, part)
            for where, place in doc.positions.items():
                if where[: len(source)] == source:
                    positions[("clauses", ci, part) + where[len(source):]] = place
        out[amendment.treaty] = Document(doc.path, base.data, positions)
    return list(out.values())


def _amendment_problems(rules: CompiledRules, treaty_docs: tuple[Document, ...], amended: tuple[Document, ...]) -> list[Diagnostic]:
    """The amended clauses' compile errors, so that a variant's other problems do not hide them."""
    if not amended:
        return []
    try:
        overlay_rules(rules, treaty_docs, Overlay(amended=amended))
    except DiagnosticError as exc:
        return list(exc.diagnostics)
    return []


def overlay_rules(rules: CompiledRules, treaty_docs: tuple[Document, ...], overlay: Overlay) -> CompiledRules:
    """The rules a variant runs: amended clauses recompiled, switched-off ones left out."""
    compiled = rules
    if overlay.amended:
        by_treaty = {d.data["treaty"]: d for d in overlay.amended}
        docs = [by_treaty.get(d.data.get("treaty") if isinstance(d.data, dict) else None, d) for d in treaty_docs]
        compiled = compile_rules(rules.vocabulary, docs)
    kept = tuple(r for r in compiled.rules if not any(_switched(s, r.treaty, r.clause, r.rule) for s in overlay.switch_off))
    return dataclasses.replace(compiled, rules=kept)


def _switched(s: SwitchOff, treaty: str, clause: str, rule: str) -> bool:
    """Whether ``s`` switches off this rule (or its whole clause or treaty)."""
    return s.treaty == treaty and s.clause in (None, clause) and s.rule in (None, rule)


def overlay_scenario(model: Scenario, events: tuple[Event, ...], overlay: Overlay) -> tuple[Scenario, tuple[Event, ...]]:
    """The variant's scenario model (no variants of its own) and its events in date order."""
    kept = tuple(f for i, f in enumerate(model.world.facts) if i not in overlay.remove_facts)
    world = World(states={**model.world.states, **overlay.states}, facts=kept + overlay.add_facts)
    assumed = {a.treaty for a in overlay.assume}
    assume = tuple(a for a in model.assume if a.treaty not in assumed) + overlay.assume
    raw = tuple(e for e in model.events if not (isinstance(e, dict) and str(e.get("id")) in overlay.remove_events))
    raw += tuple(_raw(e) for e in overlay.add_events)
    changed = model.model_copy(update={"world": world, "assume": assume, "events": raw, "as_of": overlay.as_of or model.as_of,
                                       "expect": overlay.expect, "variants": ()})
    timeline = tuple(e for e in events if e.id not in overlay.remove_events) + overlay.add_events
    return changed, tuple(sorted(timeline, key=lambda e: e.day))


def _raw(event: Event) -> dict[str, Any]:
    """An event back in the form a scenario file writes it."""
    return {"id": event.id, "date": event.date.isoformat(), "kind": event.kind, **event.fields}
