"""Renderers: findings as text for people and as stable JSON. Rendering only."""

from __future__ import annotations

import textwrap
from itertools import groupby
from typing import Any

import click
import orjson

from ..diagnostics import Diagnostic
from ..engine import Finding, GRADE_ORDER, Result
from ..workbench import Mismatch

GRADE_LABEL = {"violation": "VIOLATION", "potential_violation": "POTENTIAL", "indicator": "INDICATOR"}
GRADE_COLOUR = {"violation": "red", "potential_violation": "yellow", "indicator": "cyan"}


def findings_json(results: list[Result]) -> str:
    """One JSON object: every scenario's findings, plus a flat ``findings`` list."""
    payload: dict[str, Any] = {
        "findings": [dict(f.to_json(), scenario=r.scenario.model.scenario, variant=r.variant) for r in results for f in r.findings],
        "scenarios": [
            {"scenario": r.scenario.model.scenario, "variant": r.variant, "path": r.scenario.path, "as_of": r.scenario.model.as_of.isoformat(),
             "notes": list(r.notes), "count": len(r.findings)}
            for r in results
        ],
    }
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def findings_text(result: Result) -> str:
    """Findings grouped by treaty, grade first, the clause quoted."""
    model = result.scenario.model
    title = model.title if result.variant is None else f"{model.title} [variant {result.variant}]"
    lines = [click.style(title, bold=True) + f"  ({result.scenario.path}, as of {model.as_of})"]
    for note in result.notes:
        lines.append(f"  note: {note}")
    if not result.findings:
        lines.append("  No findings.")
        return "\n".join(lines)
    counts = {g: sum(1 for f in result.findings if f.grade == g) for g in GRADE_ORDER}
    lines.append("  " + ", ".join(f"{n} {g.replace('_', ' ')}{'s' if n != 1 else ''}" for g, n in counts.items() if n))
    ordered = sorted(result.findings, key=lambda f: (f.treaty, GRADE_ORDER[f.grade], f.sort_key()))
    for treaty, group in groupby(ordered, key=lambda f: f.treaty):
        items = list(group)
        lines.append("")
        lines.append(click.style(f"{items[0].citation.treaty_title}", bold=True) + f" [{treaty}]")
        for finding in items:
            lines.extend(_finding_text(finding))
    return "\n".join(lines)


def _finding_text(f: Finding) -> list[str]:
    """One finding's lines: grade, date, parties and clause, then explanation, quotes, evidence and id."""
    label = click.style(f"{GRADE_LABEL[f.grade]:<10}", fg=GRADE_COLOUR[f.grade], bold=True)
    out = [f"  {label} {f.date}  {f.party} → {f.protected}  {f.citation.article}: {f.citation.clause_title}  ({f.clause}/{f.rule})"]
    out.extend(textwrap.wrap(f.explanation, width=96, initial_indent="      ", subsequent_indent="      "))
    if f.exception:
        out.append(f"      exception: {f.exception}")
    for text in f.citation.texts:
        quote = textwrap.shorten(text.text, width=300, placeholder=" …")
        out.append(f"      « {quote} » [{text.lang}, {text.provenance.replace('_', ' ')}]")
    out.append(f"      evidence: {', '.join(f.events) if f.events else '(world facts only)'}"
               + (f"; facts: {', '.join(_fact(x.to_json()) for x in f.facts)}" if f.facts else ""))
    for note in f.assumptions:
        out.append(f"      rests on: {note}")
    out.append(f"      id: {f.id}")
    return out


def _fact(fact: dict[str, Any]) -> str:
    """A world fact in one line: ``relation(field=value, …)``."""
    fields = ", ".join(f"{k}={v}" for k, v in fact["fields"].items())
    return f"{fact['relation']}({fields})"


def diagnostics_text(diagnostics: tuple[Diagnostic, ...]) -> str:
    """One line per diagnostic, then a count."""
    lines = [d.render() for d in diagnostics]
    lines.append(f"{len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} found.")
    return "\n".join(lines)


def diagnostics_json(diagnostics: tuple[Diagnostic, ...]) -> str:
    """Diagnostics as one JSON object."""
    return orjson.dumps({"diagnostics": [d.to_json() for d in diagnostics]}, option=orjson.OPT_INDENT_2).decode()


def test_text(path: str, scenario: str, mismatches: list[Mismatch]) -> str:
    """The outcome of one scenario's expectations, with a readable diff."""
    if not mismatches:
        return f"PASS {scenario}  ({path})"
    lines = [click.style("FAIL", fg="red", bold=True) + f" {scenario}  ({path})"]
    lines.extend("    " + m.describe() for m in mismatches)
    return "\n".join(lines)
