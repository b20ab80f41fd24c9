"""Renderers for explanations and why-nots: an indented tree for people, stable JSON for programs."""

from __future__ import annotations

from itertools import groupby
from typing import Sequence

from ..core import Grade
from ..engine import Finding
from ..workbench import (Chain, CondCheck, Counterfactual, Explanation, Item, PatternCheck, RulePart, Verdict,
    WhyNot, shown_value)
from ._grades import GRADE_LABEL
from ._json import json_text
from ._styled import Line, Mark, Span, Styled, marked, wrap


def explain_json(result: Explanation | WhyNot) -> str:
    """Either result as one JSON object with sorted keys."""
    return json_text(result.to_json())


def explanation_text(e: Explanation) -> Styled:
    """The evidence chain as a tree: treaty, clause, rule, then each match's conditions and evidence."""
    f = e.finding
    lines: list[Line] = [(Span(f"Finding {f.id}", Mark.HEADING), f"  ({e.scenario})"),
                         ("  ", Span(GRADE_LABEL[f.grade].short, f.grade), f"  {f.date}  {f.party} → {f.protected}")]
    lines.extend(wrap(f.explanation, 4))
    t = e.treaty
    lines += ["", (Span("treaty", Mark.HEADING), f" {t.id}: {t.title}"),
              f"  in force for {f.party} → {f.protected}: {t.in_force or 'open'} … {t.ends or 'open'}"]
    lines.extend(line for a in t.assumptions for line in wrap(f"rests on: {a}", 2))
    c = e.clause
    lines.extend(wrap(f"clause {c.id} ({c.article}): {c.title}", 2))
    for text in c.texts:
        lines.extend(wrap(f"« {text.text} » [{text.lang}, {text.provenance.replace('_', ' ')}, source {text.source}]", 6))
    lines.extend(_rule(e.rule, f.grade))
    for n, chain in enumerate(e.chains, 1):
        lines.extend(_chain(chain, n, len(e.chains)))
    lines += ["", (Span("counterfactuals", Mark.HEADING), " (each confirmed by re-evaluation)")]
    lines.extend(_counterfactual_lines(e.counterfactuals, e.counterfactual_note))
    return Styled(tuple(lines))


def _counterfactual_lines(found: Sequence[Counterfactual], note: str) -> list[Line]:
    """One bullet per counterfactual, or why there is none; then what the search left out, if anything."""
    tail = wrap(f"note: {note}", 2) if note else []
    if not found:
        why = "the search was cut short" if note else "other evidence shows the same breach that day"
        return [f"  - no removal of this finding's own evidence clears it: {why}", *tail]
    return [line for c in found for line in wrap(f"- {c.describe()}", 2)] + tail


def counterfactuals_text(pairs: Sequence[tuple[Finding, Sequence[Counterfactual], str]]) -> Styled:
    """Every finding in one line, then what would have cleared it."""
    if not pairs:
        return Styled(("No findings, so nothing to clear.",))
    lines: list[Line] = []
    for f, found, note in pairs:
        lines.append((Span(GRADE_LABEL[f.grade].short, f.grade),
                      f" {f.date}  {f.party} → {f.protected}  {f.treaty}/{f.clause}/{f.rule}  (id {f.id})"))
        lines.extend(_counterfactual_lines(found, note))
    return Styled(tuple(lines))


def counterfactuals_json(pairs: Sequence[tuple[Finding, Sequence[Counterfactual], str]]) -> str:
    """Every finding's id with its counterfactuals, as one JSON object."""
    return json_text({"findings": [{"id": f.id, "finding": f.to_json(), "counterfactuals": [c.to_json() for c in found],
                                    "note": note} for f, found, note in pairs]})


def why_not_text(w: WhyNot) -> Styled:
    """Each rule of the clause: the pairs it fired for, then the others grouped by reason, closest first."""
    who = f", {w.party} bound" if w.party else ""
    lines: list[Line] = [(Span(f"Why not {w.treaty}/{w.clause}", Mark.HEADING), f"  ({w.scenario}, as of {w.as_of}{who})")]
    lines.extend(line for n in w.notes for line in wrap(f"note: {n}", 2))
    for rule, verdicts in groupby(w.verdicts, key=lambda v: v.rule):
        mine = list(verdicts)
        lines += ["", ("  ", Span(f"rule {rule}", Mark.HEADING), f" ({mine[0].shape})")]
        for v in (v for v in mine if v.fired):
            lines.extend(marked(wrap(f"{v.bound} → {v.protected}: {v.sentence}", 4), Mark.GOOD))
        groups: dict[str, list[Verdict]] = {}
        for v in (v for v in mine if not v.fired):
            groups.setdefault(v.gist, []).append(v)
        for same in sorted(groups.values(), key=lambda g: max(v.progress or (0, 0) for v in g), reverse=True):
            lines.extend(_reason(same, len(mine)))
    return Styled(tuple(lines))


def _reason(same: list[Verdict], total: int) -> list[Line]:
    """One reason and the role pairs it holds for."""
    if len(same) == 1:
        v = same[0]
        return wrap(f"{v.bound} → {v.protected} (bound {v.window}): {v.sentence}", 4)
    pairs = [f"{v.bound} → {v.protected}" for v in same]
    shown = ", ".join(pairs[:6]) + (", …" if len(pairs) > 6 else "")
    who = f"every role pair ({total})" if len(same) == total else f"{len(same)} role pairs ({shown})"
    return wrap(f"{who}: {same[0].gist}", 4)


def _rule(r: RulePart, final: Grade) -> list[Line]:
    """The rule's line and summary, and the exception that changed its grade to ``final`` with its conditions."""
    out: list[Line] = [("    ", Span("rule", Mark.HEADING), f" {r.id} ({r.shape} rule, grade {GRADE_LABEL[r.grade].words})")]
    out.extend(wrap(r.summary, 6))
    if r.amended:
        out.extend(wrap("written by a variant's hypothetical amendment of the clause, not by the treaty file", 6))
    if r.exception is not None:
        x = r.exception
        out.extend(wrap(f"exception {x.id} changed the grade to {GRADE_LABEL[final].words}: {x.note}", 6))
        out.extend(line for c in x.conds for line in _cond(c, 8))
    return out


def _chain(chain: Chain, n: int, total: int) -> list[Line]:
    """Match ``n`` of ``total``: its patterns, its conditions on days and its notes."""
    out: list[Line] = ["", ("      ", Span(f"match {n} of {total}", Mark.HEADING), f", complete on {chain.day}")]
    for p in chain.patterns:
        out.extend(_pattern(p))
    if chain.timing:
        out.append("        time")
        out.extend(line for c in chain.timing for line in _cond(c, 10))
    out.extend(line for note in chain.notes for line in wrap(f"note: {note}", 8))
    return out


def _pattern(p: PatternCheck) -> list[Line]:
    """A pattern's conditions and the event or fact that met them; an unless pattern in one line."""
    if p.role == "unless":
        wanted = ", ".join(f"{c.field}: {c.expected}{_resolved(c)}" for c in p.conds)
        return [f"        unless {p.kind} ({wanted}): none came in time"]
    out: list[Line] = [f"        {p.role} {p.alias}: {p.kind}"]
    out.extend(line for c in p.conds for line in _cond(c, 10))
    if p.item is not None:
        out.extend(wrap(f"← {_item(p.item)}", 10))
    return out


def _cond(c: CondCheck, indent: int) -> list[Line]:
    """One condition, ticked or crossed: as written, resolved and seen."""
    mark = Span("✓", Mark.GOOD) if c.holds else Span("✗", Mark.BAD)
    if c.timing:
        return wrap(f"{c.expected}: {shown_value(c.resolved)}; seen {shown_value(c.actual)}", indent, lead=mark)
    seen = "absent" if c.actual is None else shown_value(c.actual)
    return wrap(f"{c.field}: {c.expected}{_resolved(c)}; seen {seen}", indent, lead=mark)


def _resolved(c: CondCheck) -> str:
    """`` → value`` when the written form was a reference (``absent`` for an optional field not given), else nothing."""
    if "$" not in c.expected:
        return ""
    return " → absent" if c.resolved is None else f" → {shown_value(c.resolved)}"


def _item(item: Item) -> str:
    """The evidence an arrow points to: an event with its source, or a world fact with its since and end."""
    if item.type == "event":
        return f"{item.label()}" + (f", source {item.source}" if item.source else "")
    since = f", since {item.date}" if item.date else ""
    ended = f", ended {item.ended}" if item.ended else ""
    return f"world fact {item.label()}{since}{ended}"

