"""Renderers for explanations and why-nots: an indented tree for people, stable JSON for programs."""

from __future__ import annotations

import textwrap
from itertools import groupby
from typing import Sequence

import click
import orjson

from ..engine import Finding
from ..workbench import (Chain, CondCheck, Counterfactual, Explanation, Item, PatternCheck, RulePart, Verdict,
    WhyNot, shown_value)
from ._findings import GRADE_COLOUR, GRADE_LABEL


def explain_json(result: Explanation | WhyNot) -> str:
    """Either result as one JSON object with sorted keys."""
    return orjson.dumps(result.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def explanation_text(e: Explanation) -> str:
    """The evidence chain as a tree: treaty, clause, rule, then each match's conditions and evidence."""
    f = e.finding
    grade = click.style(GRADE_LABEL[f.grade], fg=GRADE_COLOUR[f.grade], bold=True)
    lines = [click.style(f"Finding {f.id}", bold=True) + f"  ({e.scenario})",
             f"  {grade}  {f.date}  {f.party} → {f.protected}"]
    lines.extend(_wrap(f.explanation, 4))
    t = e.treaty
    lines += ["", click.style("treaty", bold=True) + f" {t.id}: {t.title}",
              f"  in force for {f.party} → {f.protected}: {t.in_force or 'open'} … {t.ends or 'open'}"]
    lines.extend(line for a in t.assumptions for line in _wrap(f"rests on: {a}", 2))
    c = e.clause
    lines.extend(_wrap(f"clause {c.id} ({c.article}): {c.title}", 2))
    for text in c.texts:
        lines.extend(_wrap(f"« {text.text} » [{text.lang}, {text.provenance.replace('_', ' ')}, source {text.source}]", 6))
    lines.extend(_rule(e.rule, f.grade))
    for n, chain in enumerate(e.chains, 1):
        lines.extend(_chain(chain, n, len(e.chains)))
    lines += ["", click.style("counterfactuals", bold=True) + " (each confirmed by re-evaluation)"]
    lines.extend(_counterfactual_lines(e.counterfactuals, e.counterfactual_note))
    return "\n".join(lines)


def _counterfactual_lines(found: Sequence[Counterfactual], note: str) -> list[str]:
    """One bullet per counterfactual, or why there is none; then what the search left out, if anything."""
    tail = _wrap(f"note: {note}", 2) if note else []
    if not found:
        why = "the search was cut short" if note else "other evidence shows the same breach that day"
        return [f"  - no removal of this finding's own evidence clears it: {why}"] + tail
    return [line for c in found for line in _wrap(f"- {c.describe()}", 2)] + tail


def counterfactuals_text(pairs: Sequence[tuple[Finding, Sequence[Counterfactual], str]]) -> str:
    """Every finding in one line, then what would have cleared it."""
    if not pairs:
        return "No findings, so nothing to clear."
    lines: list[str] = []
    for f, found, note in pairs:
        grade = click.style(GRADE_LABEL[f.grade], fg=GRADE_COLOUR[f.grade], bold=True)
        lines.append(f"{grade} {f.date}  {f.party} → {f.protected}  {f.treaty}/{f.clause}/{f.rule}  (id {f.id})")
        lines.extend(_counterfactual_lines(found, note))
    return "\n".join(lines)


def counterfactuals_json(pairs: Sequence[tuple[Finding, Sequence[Counterfactual], str]]) -> str:
    """Every finding's id with its counterfactuals, as one JSON object."""
    payload = {"findings": [{"id": f.id, "finding": f.to_json(), "counterfactuals": [c.to_json() for c in found], "note": note}
                            for f, found, note in pairs]}
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def why_not_text(w: WhyNot) -> str:
    """Each rule of the clause: the pairs it fired for, then the others grouped by reason, closest first."""
    who = f", {w.party} bound" if w.party else ""
    lines = [click.style(f"Why not {w.treaty}/{w.clause}", bold=True) + f"  ({w.scenario}, as of {w.as_of}{who})"]
    lines.extend(line for n in w.notes for line in _wrap(f"note: {n}", 2))
    for rule, verdicts in groupby(w.verdicts, key=lambda v: v.rule):
        mine = list(verdicts)
        lines += ["", "  " + click.style(f"rule {rule}", bold=True) + f" ({mine[0].shape})"]
        for v in (v for v in mine if v.fired):
            lines.extend(_wrap(f"{v.bound} → {v.protected}: " + click.style(v.sentence, fg="green"), 4))
        groups: dict[str, list[Verdict]] = {}
        for v in (v for v in mine if not v.fired):
            groups.setdefault(v.gist, []).append(v)
        for same in sorted(groups.values(), key=lambda g: max(v.progress or (0, 0) for v in g), reverse=True):
            lines.extend(_reason(same, len(mine)))
    return "\n".join(lines)


def _reason(same: list[Verdict], total: int) -> list[str]:
    """One reason and the role pairs it holds for."""
    if len(same) == 1:
        v = same[0]
        return _wrap(f"{v.bound} → {v.protected} (bound {v.window}): {v.sentence}", 4)
    pairs = [f"{v.bound} → {v.protected}" for v in same]
    shown = ", ".join(pairs[:6]) + (", …" if len(pairs) > 6 else "")
    who = f"every role pair ({total})" if len(same) == total else f"{len(same)} role pairs ({shown})"
    return _wrap(f"{who}: {same[0].gist}", 4)


def _rule(r: RulePart, final: str) -> list[str]:
    """The rule's line and summary, and the exception that changed its grade to ``final`` with its conditions."""
    out = ["    " + click.style("rule", bold=True) + f" {r.id} ({r.shape} rule, grade {r.grade.replace('_', ' ')})"]
    out.extend(_wrap(r.summary, 6))
    if r.amended:
        out.extend(_wrap("written by a variant's hypothetical amendment of the clause, not by the treaty file", 6))
    if r.exception is not None:
        x = r.exception
        out.extend(_wrap(f"exception {x.id} changed the grade to {final.replace('_', ' ')}: {x.note}", 6))
        out.extend(line for c in x.conds for line in _cond(c, 8))
    return out


def _chain(chain: Chain, n: int, total: int) -> list[str]:
    """Match ``n`` of ``total``: its patterns, its conditions on days and its notes."""
    out = ["", "      " + click.style(f"match {n} of {total}", bold=True) + f", complete on {chain.day}"]
    for p in chain.patterns:
        out.extend(_pattern(p))
    if chain.timing:
        out.append("        time")
        out.extend(line for c in chain.timing for line in _cond(c, 10))
    out.extend(line for note in chain.notes for line in _wrap(f"note: {note}", 8))
    return out


def _pattern(p: PatternCheck) -> list[str]:
    """A pattern's conditions and the event or fact that met them; an unless pattern in one line."""
    if p.role == "unless":
        wanted = ", ".join(f"{c.field}: {c.expected}{_resolved(c)}" for c in p.conds)
        return [f"        unless {p.kind} ({wanted}): none came in time"]
    out = [f"        {p.role} {p.alias}: {p.kind}"]
    out.extend(line for c in p.conds for line in _cond(c, 10))
    if p.item is not None:
        out.extend(_wrap(f"← {_item(p.item)}", 10))
    return out


def _cond(c: CondCheck, indent: int) -> list[str]:
    """One condition, ticked or crossed: as written, resolved and seen."""
    mark = click.style("✓", fg="green") if c.holds else click.style("✗", fg="red")
    if c.timing:
        return _wrap(f"{mark} {c.expected}: {shown_value(c.resolved)}; seen {shown_value(c.actual)}", indent)
    seen = "absent" if c.actual is None else shown_value(c.actual)
    return _wrap(f"{mark} {c.field}: {c.expected}{_resolved(c)}; seen {seen}", indent)


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


def _wrap(text: str, indent: int) -> list[str]:
    """``text`` wrapped to 100 columns at ``indent``, continuation lines indented two more."""
    return textwrap.wrap(text, width=100, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2),
                         break_on_hyphens=False) or [""]
