"""Compile validated treaties into rules both evaluators run, collecting located diagnostics.

Stages, in order: ``vocabulary`` (effects refer to real relations and fields),
``treaties`` (ids, parties, dates, sources), ``rules`` (kinds, fields, references,
value types, templates, safe shapes) and ``index`` (what the runtime needs to
decide cheaply which events matter). Every stage reports all it finds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..errors import DiagnosticError
from ._conditions import ConditionCompiler, Scope
from ._ir import (AbsenceRule, Citation, CompiledRule, CompiledRules, CompiledTreaty, DurationRule, EventsRule, GradeException,
                  Membership, Pattern, QuotedText)
from ._models import FieldSpec, Rule, Treaty, Vocabulary
from ._states import known_states
from ._validate import validate
from ._yaml import Document, Key

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_COMMON_PLACEHOLDERS = {"bound", "protected", "bound_name", "protected_name"}
Shape = Literal["events", "absence", "duration"]


def compile_vocabulary(doc: Document) -> Vocabulary:
    """Validate the vocabulary and check that every effect names real relations and fields."""
    vocab = validate(doc, Vocabulary)
    problems: list[Diagnostic] = []
    for kind, spec in vocab.kinds.items():
        for i, effect in enumerate(spec.effects):
            key: Key = ("kinds", kind, "effects", i)
            relation = effect.add or effect.remove
            if (effect.add is None) == (effect.remove is None):
                problems.append(doc.diag(key, "SV103", f"effect {i} of '{kind}' needs exactly one of 'add' or 'remove'"))
                continue
            rel = vocab.relations.get(str(relation))
            if rel is None:
                problems.append(doc.diag(key, "SV203", f"effect of '{kind}' names unknown relation '{relation}'",
                                         did_you_mean(str(relation), vocab.relations)))
                continue
            for rfield, efield in effect.set.items():
                if rfield not in rel.fields:
                    problems.append(doc.diag(key + ("set", rfield), "SV202", f"relation '{relation}' has no field '{rfield}'",
                                             did_you_mean(rfield, rel.fields) or one_of(rel.fields)))
                if efield not in spec.fields:
                    problems.append(doc.diag(key + ("set", rfield), "SV202", f"event kind '{kind}' has no field '{efield}'",
                                             did_you_mean(efield, spec.fields) or one_of(spec.fields)))
                elif rfield in rel.fields:
                    problems.extend(_effect_types(doc, key + ("set", rfield), kind, efield, spec.fields[efield], str(relation), rfield, rel.fields[rfield]))
            missing = [f for f, fs in rel.fields.items() if fs.required and f not in effect.set and effect.add]
            if missing:
                problems.append(doc.diag(key, "SV211", f"effect of '{kind}' does not set required field(s) {', '.join(missing)} of '{relation}'"))
    if problems:
        raise DiagnosticError(problems)
    return vocab


def _effect_types(doc: Document, key: Key, kind: str, efield: str, espec: FieldSpec, relation: str, rfield: str, rspec: FieldSpec) -> list[Diagnostic]:
    """An effect copies an event field into a relation field: the types must agree."""
    if espec.type != rspec.type:
        return [doc.diag(key, "SV205", f"'{kind}.{efield}' is {espec.type}, but '{relation}.{rfield}' is {rspec.type}")]
    if rspec.required and not espec.required:
        return [doc.diag(key, "SV211", f"'{kind}.{efield}' is optional, but '{relation}.{rfield}' is required",
                         "make the event field required or the relation field optional")]
    return []


def compile_rules(vocab: Vocabulary, treaty_docs: list[Document]) -> CompiledRules:
    """Compile every treaty document; raise all diagnostics together if any."""
    problems: list[Diagnostic] = []
    treaties: dict[str, CompiledTreaty] = {}
    files: dict[str, str] = {}
    rules: list[CompiledRule] = []
    valid: list[tuple[Document, Treaty]] = []
    for doc in treaty_docs:
        try:
            valid.append((doc, validate(doc, Treaty)))
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
    # A rule may name any state a treaty of the folder lists, as well as the standard codes.
    states = known_states(*(t.parties + tuple(m.state for m in t.members) for _, t in valid))
    for doc, treaty in valid:
        if treaty.treaty in treaties:
            problems.append(doc.diag(("treaty",), "SV209", f"treaty id '{treaty.treaty}' is already used by {files[treaty.treaty]}"))
            continue
        files[treaty.treaty] = doc.path
        found = _TreatyCompiler(doc, treaty, vocab, len(rules), states).run()
        problems.extend(found.problems)
        treaties[treaty.treaty] = found.compiled
        rules.extend(found.rules)
    if problems:
        raise DiagnosticError(problems)
    used = frozenset(p.kind for r in rules for p in r.fact_patterns)
    parties = frozenset(m.state for t in treaties.values() for m in t.members)
    return CompiledRules(vocab, treaties, tuple(rules), used, parties)


def _day(value: Any) -> int | None:
    return value.toordinal() if isinstance(value, dt.date) else None


class _TreatyCompiler:
    """Compiles one treaty: its dates and parties, then each clause's rules."""

    def __init__(self, doc: Document, treaty: Treaty, vocab: Vocabulary, first_index: int, states: frozenset[str]) -> None:
        self.doc, self.treaty, self.vocab, self.states = doc, treaty, vocab, states
        self.problems: list[Diagnostic] = []
        self.rules: list[CompiledRule] = []
        self.next_index = first_index
        self.compiled = self._identity()

    def run(self) -> "_TreatyCompiler":
        self._check_sources()
        seen: set[str] = set()
        for ci, clause in enumerate(self.treaty.clauses):
            key: Key = ("clauses", ci)
            if clause.id in seen:
                self.problems.append(self.doc.diag(key + ("id",), "SV209", f"clause id '{clause.id}' is used twice"))
            seen.add(clause.id)
            rule_ids: set[str] = set()
            for ri, rule in enumerate(clause.rules):
                rkey = key + ("rules", ri)
                if rule.id in rule_ids:
                    self.problems.append(self.doc.diag(rkey + ("id",), "SV209", f"rule id '{rule.id}' is used twice in clause '{clause.id}'"))
                rule_ids.add(rule.id)
                compiled = self._rule(clause.id, ci, rule, rkey)
                if compiled is not None:
                    self.rules.append(compiled)
        return self

    def _identity(self) -> CompiledTreaty:
        t, doc = self.treaty, self.doc
        members: list[Membership] = []
        if t.kind == "bilateral":
            if len(t.parties) != 2 or len(set(t.parties)) != 2 or t.members:
                self.problems.append(doc.diag(("parties",), "SV103", "a bilateral treaty lists exactly two different 'parties' and no 'members'"))
            members = [Membership(s, None, None) for s in t.parties]
        else:
            if len(t.members) < 2 or t.parties:
                self.problems.append(doc.diag(("members",), "SV103", "a multilateral treaty lists at least two 'members' and no 'parties'"))
            for i, m in enumerate(t.members):
                first, last = _day(m.joined), _day(m.left)
                if first is not None and last is not None and last < first:
                    self.problems.append(doc.diag(("members", i, "left"), "SV210", f"{m.state} left before it joined"))
                members.append(Membership(m.state, first, None if last is None else last - 1))
            states = [m.state for m in t.members]
            for state in {s for s in states if states.count(s) > 1}:
                self.problems.append(doc.diag(("members",), "SV209", f"member {state} is listed twice"))
        in_force, ends = _day(t.in_force), _day(t.ends)
        if in_force is not None and ends is not None and ends < in_force:
            self.problems.append(doc.diag(("ends",), "SV210", "the treaty ends before it enters into force"))
        signed = _day(t.signed)
        if signed is not None and in_force is not None and in_force < signed:
            self.problems.append(doc.diag(("in_force",), "SV210", "the treaty enters into force before it is signed"))
        return CompiledTreaty(
            id=t.treaty, title=t.titles["en"], kind=t.kind, members=tuple(members),
            in_force=in_force, ends=ends, clauses=tuple(c.id for c in t.clauses),
        )

    def _check_sources(self) -> None:
        ids = [s.id for s in self.treaty.sources]
        for sid in {i for i in ids if ids.count(i) > 1}:
            self.problems.append(self.doc.diag(("sources",), "SV209", f"source id '{sid}' is used twice"))
        for ci, clause in enumerate(self.treaty.clauses):
            for ti, text in enumerate(clause.text):
                if text.source not in ids:
                    self.problems.append(self.doc.diag(("clauses", ci, "text", ti, "source"), "SV204",
                                                       f"unknown source '{text.source}'", did_you_mean(text.source, ids) or one_of(ids)))

    def _citation(self, ci: int) -> Citation:
        clause = self.treaty.clauses[ci]
        address = {s.id: s.address for s in self.treaty.sources}
        texts = tuple(QuotedText(t.lang, t.text.strip(), t.provenance, t.source, address.get(t.source, "")) for t in clause.text)
        return Citation(self.treaty.titles["en"], clause.article, clause.title, texts)

    def _rule(self, clause_id: str, ci: int, rule: Rule, key: Key) -> CompiledRule | None:
        before = len(self.problems)
        cc = ConditionCompiler(self.doc, self.vocab, self.problems, self.states)
        scope = Scope()
        steps: list[Pattern] = []
        facts: list[Pattern] = []
        unless: list[Pattern] = []
        duration: Pattern | None = None
        shape = self._shape(rule, key)
        if rule.match:
            for i, (alias, step) in enumerate(rule.match.items()):
                skey = key + ("match", alias)
                self._check_order(alias, step.after, step.within_days, i, steps, skey)
                pattern = cc.pattern(alias, "event", step.kind, step.where, scope, skey)
                if pattern is not None:
                    steps.append(Pattern(alias, "event", step.kind, pattern.conds, step.after, step.within_days))
        for alias, fact in rule.facts.items():
            pattern = cc.pattern(alias, "fact", fact.relation, fact.where, scope, key + ("facts", alias))
            if pattern is not None:
                facts.append(pattern)
        if rule.absence is not None:
            for ui, u in enumerate(rule.absence.unless):
                pattern = cc.pattern(f"unless{ui}", "event", u.kind, u.where, Scope(), key + ("absence", "unless", ui), register=False)
                if pattern is not None:
                    unless.append(pattern)
        if rule.duration is not None:
            duration = cc.pattern("fact", "fact", rule.duration.relation, rule.duration.where, scope, key + ("duration",))
        exceptions = self._exceptions(rule, cc, scope, steps, key)
        if shape is not None:
            self._check_template(rule, scope, shape, key)
        if len(self.problems) > before or shape is None:
            return None
        self.next_index += 1
        head = (self.next_index - 1, self.treaty.treaty, clause_id, rule.id, rule.grade, rule.summary, exceptions,
                rule.explanation, self._citation(ci))
        if shape == "duration" and rule.duration is not None and duration is not None:
            return DurationRule(*head, fact=duration, more_than_days=rule.duration.more_than_days)
        if shape == "absence" and rule.absence is not None:
            return AbsenceRule(*head, trigger=steps[0], unless=tuple(unless), days=rule.absence.days)
        return EventsRule(*head, steps=tuple(steps), facts=tuple(facts))

    def _shape(self, rule: Rule, key: Key) -> Shape | None:
        """The rule's shape, or None (with a diagnostic) when its keys fit none."""
        if rule.duration is not None:
            if rule.match or rule.facts or rule.absence:
                self.problems.append(self.doc.diag(key, "SV212", "a duration rule has no 'match', 'facts' or 'absence'"))
                return None
            return "duration"
        if not rule.match:
            self.problems.append(self.doc.diag(key, "SV212", "a rule needs either 'match' (events) or 'duration'"))
            return None
        if rule.absence is not None:
            if len(rule.match) != 1 or rule.facts:
                self.problems.append(self.doc.diag(key + ("absence",), "SV212", "an absence rule matches exactly one trigger event and no facts"))
                return None
            return "absence"
        return "events"

    def _check_order(self, alias: str, after: str | None, within: int | None, i: int, steps: list[Pattern], key: Key) -> None:
        earlier = [s.alias for s in steps]
        if i == 0:
            if after is not None or within is not None:
                self.problems.append(self.doc.diag(key, "SV212", f"the first step '{alias}' follows nothing: drop 'after' and 'within_days'"))
            return
        if after is None:
            self.problems.append(self.doc.diag(key, "SV212", f"step '{alias}' must say which earlier step it follows ('after')",
                                               "'earlier' is never implied"))
        elif after not in earlier:
            self.problems.append(self.doc.diag(key + ("after",), "SV204", f"'after: {after}' names no earlier step",
                                               did_you_mean(after, earlier) or one_of(earlier)))
        if within is None:
            self.problems.append(self.doc.diag(key, "SV212", f"step '{alias}' needs 'within_days' so that waiting matches expire"))

    def _exceptions(self, rule: Rule, cc: ConditionCompiler, scope: Scope, steps: list[Pattern], key: Key) -> tuple[GradeException, ...]:
        out: list[GradeException] = []
        default = steps[-1].alias if steps else "fact"
        for i, exc in enumerate(rule.exceptions):
            ekey = key + ("exceptions", i)
            alias = exc.step or default
            target = scope.kinds.get(alias)
            if alias in scope.broken:
                continue
            if target is None:
                self.problems.append(self.doc.diag(ekey + ("step",), "SV204", f"exception names unknown step '{alias}'",
                                                   did_you_mean(alias, scope.kinds) or one_of(scope.kinds)))
                continue
            conds = cc.constant_conds(alias, target, exc.where, ekey + ("where",))
            if conds is not None:
                out.append(GradeException(exc.id, alias, conds, None if exc.grade == "cleared" else exc.grade, exc.note))
        return tuple(out)

    def _check_template(self, rule: Rule, scope: Scope, shape: Shape, key: Key) -> None:
        allowed = set(_COMMON_PLACEHOLDERS)
        if shape == "absence":
            allowed |= {"deadline", "days"}
        if shape == "duration":
            allowed |= {"days"}
        for alias, (source, kind) in scope.kinds.items():
            fields = self.vocab.kinds[kind].fields if source == "event" else self.vocab.relations[kind].fields
            allowed |= {f"{alias}.{f}" for f in fields} | {f"{alias}.date" if source == "event" else f"{alias}.since", f"{alias}.id"}
        for name in _PLACEHOLDER.findall(rule.explanation):
            if name not in allowed and name.split(".", 1)[0] not in scope.broken:
                self.problems.append(self.doc.diag(key + ("explanation",), "SV208", f"unknown placeholder '{{{name}}}' in the explanation",
                                                   did_you_mean(name, allowed) or one_of(allowed)))
