"""Static checks beyond compile errors: rules that can never fire, unused vocabulary, clauses that check nothing.

Each warning is a located ``Diagnostic`` (codes SV301–SV307) pointing at the line
of the rule, clause, exception or vocabulary entry it concerns.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..diagnostics import Diagnostic
from ..engine import RuleSet
from ..language import AbsenceRule, CompiledRule, CompiledRules, Cond, Document, DurationRule, FieldSpec, Key, Pattern, Ref
from ._feasibility import Analysis, Specs, implied

LINT_CODES = ("SV301", "SV302", "SV303", "SV304", "SV305", "SV306", "SV307")
VERBATIM = ("verified_text", "unofficial_translation", "press_quotation")
# How much authority a wording may claim; a text never claims more than its source gives.
_RANK = {"verified_text": 3, "unofficial_translation": 2, "press_quotation": 1, "summary": 0, "our_translation": 0}


def lint(rules: RuleSet) -> list[Diagnostic]:
    """Every warning about a compiled rules folder, sorted by location."""
    vocabulary = rules.vocabulary_document or Document(str(Path(rules.path) / "vocabulary.yaml"), None, {})
    places = _rule_places(rules.documents)
    found: list[Diagnostic] = []
    for doc in rules.documents:
        found.extend(_clause_checks(doc))
    found.extend(_unused_kinds(rules.compiled, vocabulary))
    for rule in rules.compiled.rules:
        doc, key = places[rule.key]
        analysis = _analysis(rules.compiled, rule, rule.patterns)
        found.extend(_never_fires(rules.compiled, rule, analysis, doc, key))
        found.extend(_shadowing_exceptions(rule, analysis, doc, key))
    found.extend(_twins(rules.compiled.rules, places))
    return sorted(set(found))


def _rule_places(documents: tuple[Document, ...]) -> dict[str, tuple[Document, Key]]:
    """Each rule's key (treaty/clause/rule) → its document and key path, read from the documents' data."""
    places: dict[str, tuple[Document, Key]] = {}
    for doc in documents:
        for ci, clause in enumerate(doc.data["clauses"]):
            for ri, rule in enumerate(clause.get("rules") or ()):
                places[f"{doc.data['treaty']}/{clause['id']}/{rule['id']}"] = (doc, ("clauses", ci, "rules", ri))
    return places


def _why(clause: Mapping[str, Any], default: str) -> str:
    """The clause's own note, which says why it is as it is; else what to do."""
    note = " ".join(str(clause.get("note") or "").split())
    return f"clause note: {textwrap.shorten(note, 200, placeholder=' …')}" if note else default


def _clause_checks(doc: Document) -> Iterator[Diagnostic]:
    """Clauses without verbatim text, without rules, or whose texts claim more than their sources."""
    sources = {s["id"]: s["provenance"] for s in doc.data["sources"]}
    for ci, clause in enumerate(doc.data["clauses"]):
        key: Key = ("clauses", ci)
        kinds = sorted({t["provenance"] for t in clause["text"]})
        if not set(kinds) & set(VERBATIM):
            yield doc.diag(key + ("text",), "SV303", f"clause '{clause['id']}' has no verbatim text (only {', '.join(kinds)}): "
                           "its findings quote no wording of the treaty",
                           _why(clause, "add the wording as verified_text, unofficial_translation or press_quotation"))
        if not clause.get("rules"):
            yield doc.diag(key + ("rules",), "SV304", f"clause '{clause['id']}' has no rules; nothing is checked",
                           _why(clause, "encode a rule, or say in the clause's note why there is none"))
        for ti, text in enumerate(clause["text"]):
            given = sources[text["source"]]
            if _RANK[text["provenance"]] > _RANK[given]:
                yield doc.diag(key + ("text", ti, "provenance"), "SV305",
                               f"a text of clause '{clause['id']}' is marked {text['provenance']}, but its source "
                               f"'{text['source']}' is {given}", "a wording never claims more authority than its source gives it")


def _unused_kinds(compiled: CompiledRules, vocabulary: Document) -> Iterator[Diagnostic]:
    """Event kinds no rule waits for and whose effects touch no relation a rule reads."""
    kinds = {p.kind for r in compiled.rules for p in r.events_read}
    for name, spec in compiled.vocabulary.kinds.items():
        touched = {e.add or e.remove for e in spec.effects}
        if name not in kinds and not touched & compiled.used_relations:
            yield vocabulary.diag(("kinds", name), "SV302",
                                  f"event kind '{name}' is used by no rule, directly or through the world facts it changes",
                                  "scenarios and feeds may still record it as context; remove it if nothing records it")


def _specs(compiled: CompiledRules) -> Specs:
    """A function giving a pattern's fields, from the vocabulary."""
    def fields(pattern: Pattern) -> Mapping[str, FieldSpec]:
        table = compiled.vocabulary.kinds if pattern.source == "event" else compiled.vocabulary.relations
        return dict(table[pattern.kind].fields)
    return fields


def _pattern_key(rule: CompiledRule, alias: str) -> Key:
    """Where a pattern a match binds is written in its rule."""
    if isinstance(rule, DurationRule):
        return ("duration",)
    if any(p.alias == alias for p in rule.event_patterns):
        return ("match", alias)
    return ("facts", alias)


def _analysis(compiled: CompiledRules, rule: CompiledRule, patterns: tuple[Pattern, ...]) -> Analysis:
    """What ``patterns`` of ``rule`` allow, its roles being parties of its treaty."""
    members = frozenset(m.state for m in compiled.treaties[rule.treaty].members)
    return Analysis(patterns, _specs(compiled), members)


def _never_fires(compiled: CompiledRules, rule: CompiledRule, analysis: Analysis, doc: Document, key: Key) -> Iterator[Diagnostic]:
    """Conditions that can never hold together: in the rule's patterns, or in one of its 'unless' events."""
    for (alias, fname), conditions, problem in analysis.problems():
        yield doc.diag(key + _pattern_key(rule, alias) + ("where", fname), "SV301",
                       f"rule '{rule.rule}' can never fire: {conditions}, but {problem}", "fix or remove the conditions")
    for ui, pattern in enumerate(rule.unless if isinstance(rule, AbsenceRule) else ()):
        for (_, fname), conditions, problem in _analysis(compiled, rule, (pattern,)).problems():
            yield doc.diag(key + ("absence", "unless", ui, "where", fname), "SV301",
                           f"'unless' event {ui} of rule '{rule.rule}' can never happen: {conditions}, but {problem}",
                           "so it never clears the rule; fix or remove the conditions")


def _shadowing_exceptions(rule: CompiledRule, analysis: Analysis, doc: Document, key: Key) -> Iterator[Diagnostic]:
    """A clearing exception whose conditions every match already meets: the rule can never report anything."""
    for i, exc in enumerate(rule.exceptions):  # compiled one for one from the rule's 'exceptions' list
        if exc.grade is not None:
            return  # the first exception that holds decides: from here on some matches may keep a grade
        if all(implied(c, (exc.alias, c.field), analysis) for c in exc.conds):
            yield doc.diag(key + ("exceptions", i), "SV306",
                           f"exception '{exc.id}' clears every finding of rule '{rule.rule}': each of its conditions always holds",
                           "narrow the exception's 'where', or remove the rule")
            return


def _canonical(rule: CompiledRule) -> tuple[Any, ...]:
    """The rule's meaning with aliases renamed by position, so that two spellings of one rule compare equal."""
    names = {p.alias: f"s{i}" for i, p in enumerate(rule.event_patterns)} | {p.alias: f"f{i}" for i, p in enumerate(rule.fact_patterns)}

    def cond(c: Cond) -> str:
        value = c.value
        if isinstance(value, Ref) and not value.is_role:
            value = Ref(names.get(value.alias, value.alias), value.field)
        elif isinstance(value, tuple):
            value = tuple(sorted(value, key=repr))
        return repr((c.field, c.op, value))

    def pattern(p: Pattern | None) -> tuple[Any, ...] | None:
        if p is None:
            return None
        return (p.source, p.kind, tuple(sorted(cond(c) for c in p.conds)), names.get(p.after or ""), p.within_days)

    # The first exception that holds decides: the exceptions up to the last clearing one, in order, say which matches report.
    last = max((i for i, e in enumerate(rule.exceptions) if e.grade is None), default=-1)
    deciding = tuple((names.get(e.alias, e.alias), tuple(sorted(cond(c) for c in e.conds)), e.grade is None)
                     for e in rule.exceptions[:last + 1])
    shape: tuple[Any, ...] = (tuple(pattern(p) for p in rule.event_patterns), tuple(pattern(p) for p in rule.fact_patterns))
    if isinstance(rule, AbsenceRule):
        shape += (frozenset(pattern(p) for p in rule.unless), rule.days)
    if isinstance(rule, DurationRule):
        shape += (rule.more_than_days,)
    return (rule.shape, *shape, deciding)


def _twins(rules: tuple[CompiledRule, ...], places: dict[str, tuple[Document, Key]]) -> Iterator[Diagnostic]:
    """A rule of a clause that always fires together with an earlier rule of the same clause."""
    seen: dict[tuple[str, str, tuple[Any, ...]], CompiledRule] = {}
    for rule in rules:
        first = seen.setdefault((rule.treaty, rule.clause, _canonical(rule)), rule)
        if first is not rule:
            doc, key = places[rule.key]
            line = doc.where(places[first.key][1])[0]
            yield doc.diag(key, "SV307", f"rule '{rule.rule}' always fires together with rule '{first.rule}' (line {line}): "
                           "the same patterns, conditions and windows", "merge the two rules, or make them differ")
