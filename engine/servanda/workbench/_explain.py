"""Evidence chains: how a finding follows from treaty, clause, rule, conditions and events; and why-not.

Built from the explainer's emissions (every way a rule concluded: see ``engine._explainer``),
so a chain shows each condition as written, as resolved and as seen, with the event or world
fact that satisfied it. ``why_not`` resolves a clause and delegates the search to ``_whynot``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Sequence

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..core import Grade, iso
from ..engine import Emission, Finding, LoadedScenario, PairWindow, RuleSet, apply_exceptions, emissions, merge, timeline_of
from ..errors import DiagnosticError
from ..language import AbsenceRule, CompiledRule, CompiledRules, DurationRule, Event, GradeException, QuotedText
from ._counterfactual import Counterfactual, counterfactuals, search_note
from ._evidence import CondCheck, PatternCheck, check_all, event_item, fact_item, pattern_check, unchecked
from ._timing import absence_extras, duration_extras, live_at, step_extras, unless_misses
from ._whynot import WhyNot, search_clause

__all__ = ["Chain", "ClausePart", "ExceptionPart", "Explanation", "RulePart", "TreatyPart", "WhyNot",
           "explain_finding", "why_not"]


@dataclass(frozen=True)
class TreatyPart:
    """The treaty, the in-force window the finding's pair was judged in, and the assumptions it rests on."""

    id: str
    title: str
    in_force: str | None  # first day the pair was bound (None: open)
    ends: str | None  # last day (None: open)
    assumptions: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"id": self.id, "title": self.title, "in_force": self.in_force, "ends": self.ends,
                "assumptions": list(self.assumptions)}


@dataclass(frozen=True)
class ClausePart:
    """The clause cited, with every wording held and its provenance."""

    id: str
    article: str
    title: str
    texts: tuple[QuotedText, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"id": self.id, "article": self.article, "title": self.title,
                "texts": [{"lang": t.lang, "text": t.text, "provenance": t.provenance, "source": t.source,
                           "address": t.address} for t in self.texts]}


@dataclass(frozen=True)
class ExceptionPart:
    """An exception that changed the grade, with its conditions as checked."""

    id: str
    grade: Grade | None  # None: the exception cleared the match
    note: str
    conds: tuple[CondCheck, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"id": self.id, "grade": self.grade, "note": self.note, "conds": [c.to_json() for c in self.conds]}


@dataclass(frozen=True)
class RulePart:
    """The rule: its shape, its own grade, and the exception (if any) that changed it."""

    id: str
    shape: str
    summary: str
    grade: Grade
    exception: ExceptionPart | None
    amended: bool = False  # written by a variant's hypothetical amendment, not by the treaty file

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"id": self.id, "shape": self.shape, "summary": self.summary, "grade": self.grade,
                "exception": self.exception.to_json() if self.exception else None, "amended": self.amended}


@dataclass(frozen=True)
class Chain:
    """One way the rule concluded: the patterns matched and the time conditions that held."""

    day: str
    patterns: tuple[PatternCheck, ...]
    timing: tuple[CondCheck, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"day": self.day, "patterns": [p.to_json() for p in self.patterns],
                "timing": [c.to_json() for c in self.timing], "notes": list(self.notes)}


@dataclass(frozen=True)
class Explanation:
    """A finding's full evidence chain: treaty → clause → rule → one chain per merged match."""

    scenario: str
    finding: Finding
    treaty: TreatyPart
    clause: ClausePart
    rule: RulePart
    chains: tuple[Chain, ...]
    counterfactuals: tuple[Counterfactual, ...] = ()
    counterfactual_note: str = ""  # what the counterfactual search left out, if anything

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {"scenario": self.scenario, "finding": self.finding.to_json(), "treaty": self.treaty.to_json(),
                "clause": self.clause.to_json(), "rule": self.rule.to_json(),
                "chains": [c.to_json() for c in self.chains],
                "counterfactuals": [c.to_json() for c in self.counterfactuals],
                "counterfactual_note": self.counterfactual_note}


def explain_finding(rules: RuleSet, scenario: LoadedScenario, finding_id: str) -> Explanation:
    """The evidence chain of the finding with id ``finding_id``; an unknown id is a located diagnostic."""
    as_of = scenario.model.as_of.toordinal()
    found: dict[str, list[tuple[Emission, Finding]]] = {}
    for emission in emissions(rules.compiled, scenario.context, scenario.events, as_of):
        finding = emission.conclude(scenario.context)
        if finding is not None:
            found.setdefault(finding.id, []).append((emission, finding))
    if finding_id not in found:
        raise DiagnosticError([_unknown_finding(scenario, finding_id, sorted(found))])
    matches = found[finding_id]
    finding = functools.reduce(merge, (f for _, f in matches[1:]), matches[0][1])
    first = matches[0][0]
    window = _window(scenario, first)
    timeline = timeline_of(scenario.events, as_of)
    return Explanation(
        scenario=scenario.label, finding=finding,
        treaty=_treaty(rules.compiled, scenario, window), clause=_clause(first.rule),
        rule=_rule(first.rule, _told_by(finding, matches), _amended(rules, first.rule)),
        chains=tuple(_chain(e, window, timeline, as_of) for e, _ in matches),
        counterfactuals=counterfactuals(rules, scenario, finding), counterfactual_note=search_note(scenario, finding))


def why_not(rules: RuleSet, scenario: LoadedScenario, clause: str, party: str | None = None) -> WhyNot:
    """Why a clause did (or did not) fire for each rule and role pair; unknown names are located diagnostics."""
    treaty, clause_id = _resolve_clause(rules.compiled, scenario, clause)
    members = {m.state for m in rules.compiled.treaties[treaty].members}
    if party is not None and party not in members:
        raise DiagnosticError([Diagnostic(scenario.path, 1, 1, "SV233", f"'{party}' is not a party of {treaty}",
                                          _hint(party, sorted(members)))])
    written = _written_rules(rules, treaty, clause_id)
    return search_clause(rules.compiled, scenario, treaty, clause_id, party, written=written)


def _written_rules(rules: RuleSet, treaty: str, clause: str) -> tuple[str, ...]:
    """The ids of the rules the treaty file gives the clause (a variant may evaluate others, or none)."""
    for doc in rules.documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        if data.get("treaty") != treaty:
            continue
        for c in data.get("clauses") or ():
            if isinstance(c, dict) and c.get("id") == clause:
                return tuple(str(r["id"]) for r in c.get("rules") or () if isinstance(r, dict) and "id" in r)
    return ()


def _unknown_finding(scenario: LoadedScenario, wanted: str, ids: list[str]) -> Diagnostic:
    """SV230: no finding has this id; list those that exist."""
    if not ids:
        return Diagnostic(scenario.path, 1, 1, "SV230", f"no finding with id '{wanted}': the scenario produces no findings")
    return Diagnostic(scenario.path, 1, 1, "SV230", f"no finding with id '{wanted}' in this scenario", _hint(wanted, ids))


def _hint(word: str, choices: list[str]) -> str:
    """'did you mean …?' for a close choice, then every choice."""
    close = did_you_mean(word, choices)
    return f"{close} {one_of(choices)}" if close else one_of(choices)


def _resolve_clause(rules: CompiledRules, scenario: LoadedScenario, text: str) -> tuple[str, str]:
    """``treaty/clause``, or a clause id found in exactly one treaty."""
    every = sorted(f"{t.id}/{c}" for t in rules.treaties.values() for c in t.clauses)
    treaty, slash, clause = text.rpartition("/")
    if slash and treaty in rules.treaties and clause in rules.treaties[treaty].clauses:
        return treaty, clause
    owners = [] if slash else sorted(t.id for t in rules.treaties.values() if clause in t.clauses)
    if len(owners) == 1:
        return owners[0], clause
    if owners:
        choices = [f"{t}/{clause}" for t in owners]
        raise DiagnosticError([Diagnostic(scenario.path, 1, 1, "SV232", f"clause '{clause}' is in {len(owners)} treaties: "
                                          "name the treaty", one_of(choices))])
    ids = sorted({c for t in rules.treaties.values() for c in t.clauses})
    rule_of = sorted(f"{r.treaty}/{r.clause}" for r in rules.rules if r.rule == clause)
    hint = (f"'{clause}' is a rule of {', '.join(rule_of)}: name its clause" if rule_of and not slash else "") \
        or did_you_mean(text, every if slash else ids + every) or one_of(every)
    raise DiagnosticError([Diagnostic(scenario.path, 1, 1, "SV231", f"no clause '{text}'", hint)])


def _window(scenario: LoadedScenario, emission: Emission) -> PairWindow:
    """The in-force window of the emission's role pair."""
    return next(w for w in scenario.context.pairs if (w.treaty, w.roles) == (emission.rule.treaty, emission.roles))


def _treaty(rules: CompiledRules, scenario: LoadedScenario, window: PairWindow) -> TreatyPart:
    """The treaty as the finding used it."""
    treaty = rules.treaties[window.treaty]
    return TreatyPart(treaty.id, treaty.title, iso(window.first) if window.first is not None else None,
                      iso(window.last) if window.last is not None else None,
                      scenario.context.assumptions.get(treaty.id, ()))


def _clause(rule: CompiledRule) -> ClausePart:
    """The clause the rule encodes, as cited."""
    c = rule.citation
    return ClausePart(rule.clause, c.article, c.clause_title, c.texts)


def _told_by(finding: Finding, matches: list[tuple[Emission, Finding]]) -> Emission:
    """The match whose grade and explanation the merged finding carries."""
    return next(e for e, f in matches if (f.grade, f.explanation) == (finding.grade, finding.explanation))


def _rule(rule: CompiledRule, teller: Emission, amended: bool) -> RulePart:
    """The rule and the exception that changed its grade, if one did."""
    _, exc = apply_exceptions(rule, teller.bindings)
    return RulePart(rule.rule, rule.shape, rule.summary, rule.grade, None if exc is None else _exception(exc, teller),
                    amended)


def _amended(rules: RuleSet, rule: CompiledRule) -> bool:
    """Whether the rule is not one the treaty file gives its clause: a variant's amendment wrote it."""
    return bool(rules.documents) and rule.rule not in _written_rules(rules, rule.treaty, rule.clause)


def _exception(exc: GradeException, teller: Emission) -> ExceptionPart:
    """An applied exception with its conditions checked against the event it names."""
    fields = teller.bindings.get(exc.alias, {})
    return ExceptionPart(exc.id, exc.grade, exc.note, check_all(exc.conds, fields, teller.bindings, None))


def _chain(emission: Emission, window: PairWindow, timeline: Sequence[Event], as_of: int) -> Chain:
    """One emission's patterns and time conditions, checked again one by one."""
    rule, roles, bindings = emission.rule, emission.roles, emission.bindings
    day = iso(emission.day)
    if isinstance(rule, DurationRule):
        stretch = emission.facts[0]
        return Chain(day, (pattern_check(rule.fact, "duration", fact_item(stretch), bindings, roles),),
                     duration_extras(stretch, window, rule.more_than_days, as_of))
    steps = tuple(pattern_check(s, "step", event_item(e), bindings, roles) for s, e in zip(rule.event_patterns, emission.events))
    if isinstance(rule, AbsenceRule):
        trigger = emission.events[0]
        unless = tuple(PatternCheck("unless", u.alias, u.kind, unchecked(u.conds, {}, roles), None) for u in rule.unless)
        return Chain(day, steps + unless, absence_extras(rule, trigger, window, timeline, as_of),
                     unless_misses(rule, trigger, window, timeline))
    facts = tuple(pattern_check(p, "fact", fact_item(f), bindings, roles) for p, f in zip(rule.facts, emission.facts))
    timing = [c for i in range(len(rule.steps)) for c in step_extras(rule, i, emission.events, window)]
    timing.extend(live_at(f, emission.day) for f in emission.facts)
    return Chain(day, steps + facts, tuple(timing))
