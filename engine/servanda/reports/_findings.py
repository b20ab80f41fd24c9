"""Renderers: findings as text for people and as stable JSON, diagnostics, and the outcome of a scenario's test."""

from __future__ import annotations

import textwrap
from itertools import groupby
from typing import Any, Sequence

from ..diagnostics import Diagnostic
from ..engine import Finding, Result
from ..workbench import Mismatch
from ._grades import GRADE_LABEL, GRAVEST_FIRST
from ._json import json_text
from ._safe import TEXT_LIMIT, clip, clip_lines, visible
from ._styled import Line, Mark, Span, Styled


def findings_json(results: Sequence[Result], rejected: int = 0) -> str:
    """One JSON object: every scenario's findings, a flat ``findings`` list, and how many input records were ``rejected``."""
    payload: dict[str, Any] = {
        "rejected": rejected,
        "findings": [dict(f.to_json(), scenario=r.scenario.model.scenario, variant=r.variant) for r in results for f in r.findings],
        "scenarios": [
            {"scenario": r.scenario.model.scenario, "variant": r.variant, "path": r.scenario.path, "as_of": r.scenario.model.as_of.isoformat(),
             "notes": list(r.notes), "count": len(r.findings)}
            for r in results
        ],
    }
    return json_text(payload)


def findings_text(result: Result) -> Styled:
    """Findings grouped by treaty, gravest first, the clause quoted."""
    model = result.scenario.model
    title = clip(model.title, one_line=True) + (f" [variant {result.variant}]" if result.variant is not None else "")
    lines: list[Line] = [(Span(title, Mark.HEADING), f"  ({result.scenario.path}, as of {model.as_of})")]
    lines.extend(f"  note: {clip(note, one_line=True)}" for note in result.notes)
    if not result.findings:
        lines.append("  No findings.")
        return Styled(tuple(lines))
    counts = {g: sum(1 for f in result.findings if f.grade == g) for g in GRAVEST_FIRST}
    lines.append("  " + ", ".join(f"{n} {GRADE_LABEL[g].words}{'s' if n != 1 else ''}" for g, n in counts.items() if n))
    ordered = sorted(result.findings, key=lambda f: (f.treaty, -f.grade.severity, f.sort_key()))
    for treaty, group in groupby(ordered, key=lambda f: f.treaty):
        items = list(group)
        lines += ["", (Span(clip(items[0].citation.treaty_title, one_line=True), Mark.HEADING), f" [{treaty}]")]
        for finding in items:
            lines.extend(_finding_text(finding))
    return Styled(tuple(lines))


def _finding_text(f: Finding) -> list[Line]:
    """One finding's lines: grade, date, parties and clause, then explanation, quotes, evidence and id.

    Every text is shown safely (``_safe``): control characters as escapes, a long text cut short and said so.
    """
    label = Span(f"{GRADE_LABEL[f.grade].short:<10}", f.grade)
    clause = f"{clip(f.citation.article, one_line=True)}: {clip(f.citation.clause_title, one_line=True)}"
    out: list[Line] = [("  ", label, f" {f.date}  {f.party} → {f.protected}  {clause}  ({f.clause}/{f.rule})")]
    out.extend(textwrap.wrap(clip(f.explanation, TEXT_LIMIT), width=96, initial_indent="      ", subsequent_indent="      "))
    if f.exception:
        out.append(f"      exception: {clip(f.exception, one_line=True)}")
    for text in f.citation.texts:
        quote = textwrap.shorten(visible(text.text[:400]), width=300, placeholder=" …")
        out.append(f"      « {quote} » [{text.lang}, {text.provenance.replace('_', ' ')}]")
    out.append(f"      evidence: {', '.join(f.events) if f.events else '(world facts only)'}"
               + (f"; facts: {', '.join(_fact(x.relation, x.fields) for x in f.facts)}" if f.facts else ""))
    out.extend(f"      rests on: {clip(note, one_line=True)}" for note in f.assumptions)
    out.append(f"      id: {f.id}")
    return out


def _fact(relation: str, fields: Any) -> str:
    """A world fact in one line: ``relation(field=value, …)``, each value cut short."""
    return f"{relation}({', '.join(f'{k}={clip(str(v), 200, one_line=True)}' for k, v in fields.items())})"


def refused_text(lines: int, files: int) -> str:
    """What was refused, for standard output beside the findings (the diagnostics themselves go to standard error)."""
    parts = [f"{n:,} {what}{'s' if n != 1 else ''}" for n, what in ((lines, "feed line"), (files, "file")) if n]
    verb = "was" if lines + files == 1 else "were"
    return f"{' and '.join(parts)} {verb} refused (see the diagnostics on standard error); the findings above leave them out."


def diagnostics_text(diagnostics: Sequence[Diagnostic]) -> str:
    """One line per diagnostic, then a count."""
    lines = [d.render() for d in diagnostics]
    lines.append(f"{len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} found.")
    return clip_lines("\n".join(lines))


def diagnostics_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Diagnostics as one JSON object."""
    return json_text({"diagnostics": [d.to_json() for d in diagnostics]})


def skip_text(label: str) -> str:
    """A case that states no expectations, so nothing is tested."""
    return f"SKIP {label}  (no expectations)"


def test_summary(passed: int, failed: int) -> str:
    """How many cases passed and failed."""
    return f"{passed} passed, {failed} failed"


def test_text(path: str, scenario: str, mismatches: Sequence[Mismatch]) -> Styled:
    """The outcome of one scenario's expectations, with a readable diff."""
    if not mismatches:
        return Styled((f"PASS {scenario}  ({path})",))
    lines: list[Line] = [(Span("FAIL", Mark.FAILED), f" {scenario}  ({path})")]
    lines.extend("    " + m.describe() for m in mismatches)
    return Styled(tuple(lines))
