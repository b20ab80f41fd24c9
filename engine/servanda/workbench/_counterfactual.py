"""Counterfactuals: what would have cleared a finding, found by re-evaluating overlays.

A finding is cleared when re-evaluation gives no finding of the same rule, for the
same role pair, on the same day. Two kinds are searched:

- removals: the minimal sets of the finding's evidence (its events, the initial
  world facts it relied on, the events that created the other facts) whose removal
  clears it, smallest first, supersets of a set already found skipped;
- additions, for deadline and duration rules: an ``unless`` event dated on the
  last day in time, or an event ending the lasting world fact the day before the
  finding; built from the rule's own conditions and kept only when re-evaluation
  confirms that it clears the finding.

Nothing is guessed: every counterfactual reported was evaluated.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal

from ..core import Roles
from ..diagnostics import Diagnostic
from ..engine import Finding, LoadedScenario, RuleSet, apply_overlay, evaluate
from ..errors import DiagnosticError
from ..language import AbsenceRule, CompiledRule, DurationRule, Event, Overlay, Pattern, Ref
from ._evidence import shown_value

MAX_EVIDENCE = 8  # at most 2**8 re-evaluations for the removals of one finding


@dataclass(frozen=True)
class Evidence:
    """One removable piece of a finding's evidence: a timeline event or an initial world fact."""

    kind: Literal["event", "fact"]
    ref: str  # event id, or world fact origin
    index: int = -1  # the initial fact's index in the scenario's world

    def describe(self) -> str:
        """How the evidence is named in a sentence: ``event e1``, ``world fact 1``, ``world fact 'orient-b2'``."""
        if self.kind == "event":
            return f"event {self.ref}"
        return self.ref if self.ref.startswith("world fact ") else f"world fact '{self.ref}'"


@dataclass(frozen=True)
class Counterfactual:
    """A change to the timeline that clears the finding (confirmed by re-evaluation)."""

    kind: Literal["remove", "add"]
    removed: tuple[Evidence, ...] = ()
    added: Event | None = None

    def describe(self) -> str:
        """One sentence for people."""
        if self.added is None:
            return "without " + " and ".join(e.describe() for e in self.removed) + ", the finding would not arise"
        fields = ", ".join(f"{k}={shown_value(v)}" for k, v in self.added.fields.items())
        return f"adding {self.added.kind}({fields}) on {self.added.date.isoformat()} would have cleared it"

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        added = None
        if self.added is not None:
            added = {"id": self.added.id, "date": self.added.date.isoformat(), "kind": self.added.kind, "fields": dict(self.added.fields)}
        return {"kind": self.kind, "removed": [{"kind": e.kind, "ref": e.ref} for e in self.removed], "added": added,
                "text": self.describe()}


def counterfactuals(rules: RuleSet, scenario: LoadedScenario, finding: Finding) -> tuple[Counterfactual, ...]:
    """Every minimal removal of evidence, then every confirmed timely addition, that clears ``finding``."""
    rule = next((r for r in rules.compiled.rules if (r.treaty, r.clause, r.rule) == (finding.treaty, finding.clause, finding.rule)),
                None)
    if rule is None:
        raise DiagnosticError([Diagnostic(scenario.path, 1, 1, "SV230", f"finding {finding.id} comes from rule "
                                          f"{finding.treaty}/{finding.clause}/{finding.rule}, which these rules do not have",
                                          "ask with the rules (or the variant) that produced the finding")])
    found = [Counterfactual("remove", removed=s) for s in minimal_removals(rules, scenario, finding)]
    for event in _timely_additions(rules, scenario, rule, finding):
        if cleared(rules, scenario, finding, Overlay(add_events=(event,))):
            found.append(Counterfactual("add", added=event))
    return tuple(found)


def every_counterfactual(rules: RuleSet, scenario: LoadedScenario) -> list[tuple[Finding, tuple[Counterfactual, ...], str]]:
    """For each of the scenario's findings: its counterfactuals and what the search left out ("" if nothing)."""
    return [(f, counterfactuals(rules, scenario, f), search_note(scenario, f)) for f in evaluate(rules, scenario).findings]


def search_note(scenario: LoadedScenario, finding: Finding) -> str:
    """What the removal search left out, or "" when it tried every piece of the finding's evidence."""
    count = len(evidence_of(scenario, finding))
    if count <= MAX_EVIDENCE:
        return ""
    return (f"removals were searched among the first {MAX_EVIDENCE} of the finding's {count} pieces of evidence; "
            "a minimal set using the others may be missing")


def evidence_of(scenario: LoadedScenario, finding: Finding) -> tuple[Evidence, ...]:
    """The finding's events, the events that created its facts, and the initial facts it relied on."""
    items = [Evidence("event", e) for e in finding.events]
    origins = {f.origin: i for i, f in enumerate(scenario.context.facts)}
    for fact in finding.facts:
        if fact.origin.startswith("event "):
            item = Evidence("event", fact.origin.removeprefix("event "))
        elif fact.origin in origins:
            item = Evidence("fact", fact.origin, origins[fact.origin])
        else:
            continue
        if item not in items:
            items.append(item)
    return tuple(items)


def minimal_removals(rules: RuleSet, scenario: LoadedScenario, finding: Finding) -> list[tuple[Evidence, ...]]:
    """The smallest sets of evidence whose removal clears the finding, smallest first."""
    evidence = evidence_of(scenario, finding)[:MAX_EVIDENCE]
    minimal: list[tuple[Evidence, ...]] = []
    for size in range(1, len(evidence) + 1):
        for subset in itertools.combinations(evidence, size):
            if any(set(m) <= set(subset) for m in minimal):
                continue
            overlay = Overlay(remove_events=frozenset(e.ref for e in subset if e.kind == "event"),
                              remove_facts=frozenset(e.index for e in subset if e.kind == "fact"))
            if cleared(rules, scenario, finding, overlay):
                minimal.append(subset)
    return minimal


def cleared(rules: RuleSet, scenario: LoadedScenario, finding: Finding, overlay: Overlay) -> bool:
    """Whether re-evaluating under ``overlay`` leaves no finding of the same rule and pair on the same day."""
    variant_rules, changed = apply_overlay(rules, scenario, overlay)
    same = (finding.treaty, finding.clause, finding.rule, finding.party, finding.protected, finding.date)
    return not any((f.treaty, f.clause, f.rule, f.party, f.protected, f.date) == same
                   for f in evaluate(variant_rules, changed).findings)


def _timely_additions(rules: RuleSet, scenario: LoadedScenario, rule: CompiledRule, finding: Finding) -> list[Event]:
    """Candidate events that, dated the day before the finding, would answer or end what it reports."""
    day = finding.day - 1
    roles = finding.roles
    taken = {e.id for e in scenario.events}
    out: list[Event] = []
    if isinstance(rule, AbsenceRule):
        for n, pattern in enumerate(rule.unless):
            fields = _fields_from(pattern, roles, rules)
            if fields is not None:
                out.append(Event(_fresh(f"would-answer-{n + 1}", taken), day, pattern.kind, fields))
    elif isinstance(rule, DurationRule):
        for fact in finding.facts:
            for kind, fields in _ending_events(rules, fact.relation, dict(fact.fields)):
                out.append(Event(_fresh(f"would-end-{len(out) + 1}", taken), day, kind, fields))
    return out


def _fresh(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … : the first id no event of the scenario has."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _fields_from(pattern: Pattern, roles: Roles, rules: RuleSet) -> dict[str, Any] | None:
    """An event's fields that satisfy the pattern's equalities; None when a required field stays unknown."""
    fields: dict[str, Any] = {}
    for cond in pattern.conds:
        if cond.op == "eq":
            value = cond.value
            if isinstance(value, Ref):
                if not value.is_role:
                    return None
                value = roles.of(value.alias)
            fields[cond.field] = value
        elif cond.op == "in" and cond.values:
            fields[cond.field] = cond.values[0]
    return _complete(pattern.kind, fields, rules)


def _ending_events(rules: RuleSet, relation: str, values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each event kind whose effect removes ``relation``, with the fields that remove this very fact."""
    out = []
    for kind, spec in sorted(rules.compiled.vocabulary.kinds.items()):
        for effect in spec.effects:
            if effect.remove == relation:
                fields = _complete(kind, {efield: values[rfield] for rfield, efield in effect.set.items() if rfield in values}, rules)
                if fields is not None:
                    out.append((kind, fields))
    return out


def _complete(kind: str, fields: dict[str, Any], rules: RuleSet) -> dict[str, Any] | None:
    """Fill required fields that have a closed set of values with its first; None when one stays unknown."""
    spec = rules.compiled.vocabulary.kinds[kind]
    for name, fspec in spec.fields.items():
        if name in fields or not fspec.required:
            continue
        if fspec.values:
            fields[name] = fspec.values[0]
        else:
            return None
    return fields
