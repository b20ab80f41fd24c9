"""Renderers for variant diffs: text for the terminal, Markdown to paste, stable JSON. Rendering only."""

from __future__ import annotations


from ..engine import Finding
from ..workbench import Change, Diff
from ._grades import GRADE_LABEL
from ._json import json_text
from ._markdown import md_cell, md_inline
from ._safe import visible
from ._styled import Line, Mark, Span, Styled

_MARK = {"added": ("+", Mark.ADDED), "removed": ("-", Mark.REMOVED), "changed": ("~", Mark.CHANGED)}
_SHOWN = ("rule", "grade", "date", "events")  # told as before → after; the other compared fields by a phrase
_DIFFER = {"facts": "world facts differ", "exception": "exception differs", "explanation": "explanation differs",
           "citation": "the clause's quoted wording differs", "assumptions": "the assumptions it rests on differ"}


def diff_text(diffs: list[Diff]) -> Styled:
    """Per variant, a count line and one line per change, with what changed."""
    blocks = []
    for d in diffs:
        lines: list[Line] = [(Span(f"{d.scenario}[{d.variant}]", Mark.HEADING), f"  {d.description}" if d.description else "")]
        lines.extend(f"  note: {n}" for n in d.notes)
        lines.append(f"  {_counts(d)}")
        for change in d.changes:
            sign, mark = _MARK[change.kind]
            lines.append(("  ", Span(f"{sign} {change.kind:<8}", mark), f" {_who(change.finding)}"))
            lines.extend(f"      {line}" for line in _details(change))
        blocks.append(Styled(tuple(lines)))
    return Styled.join(blocks) if blocks else Styled(("The scenario declares no variants.",))


def _counts(d: Diff) -> str:
    """How many findings were added, removed, changed and left unchanged."""
    return f"{d.count('added')} added, {d.count('removed')} removed, {d.count('changed')} changed, {d.unchanged} unchanged"


def _who(f: Finding) -> str:
    """A finding in one line: treaty/clause/rule, parties, grade and date."""
    return f"{f.treaty}/{f.clause}/{f.rule}  {f.party} → {f.protected}  {GRADE_LABEL[f.grade].words}  {f.date}"


def _value(finding: Finding, name: str) -> str:
    """A shown field's value as text; an empty one reads '(none)'."""
    value = getattr(finding, name)
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return str(value) or "(none)"


def _what(change: Change) -> list[str]:
    """What changed in a paired finding: before → after of each shown field, a phrase for each other field."""
    assert change.before is not None and change.after is not None
    before, after = change.before, change.after
    return [f"{name}: {_value(before, name)} → {_value(after, name)}" if name in _SHOWN else _DIFFER[name]
            for name in change.fields]


def _details(change: Change) -> list[str]:
    """What changed (for a changed finding), then the explanation as the variant has it (or the baseline had it).

    A changed explanation is not announced: the new one is printed right below.
    """
    what = _what(change) if change.kind == "changed" else []
    return [line for line in what if line != _DIFFER["explanation"]] + [change.finding.explanation]


def diff_markdown(diffs: list[Diff]) -> str:
    """One section per variant with a table of its changes."""
    if not diffs:
        return "The scenario declares no variants.\n"
    parts = [f"# Variants of `{diffs[0].scenario}`\n"]
    for d in diffs:
        parts.append(f"## `{d.variant}`\n")
        if d.description:
            parts.append(f"{md_inline(d.description)}\n")
        parts.extend(f"> {md_inline(n)}\n" for n in d.notes)
        parts.append(f"{_counts(d)}.\n")
        if d.changes:
            parts.append("| change | treaty / clause / rule | party → protected | grade | date | what changed |")
            parts.append("|---|---|---|---|---|---|")
            for c in d.changes:
                f = c.finding
                what = "; ".join(_what(c)) if c.kind == "changed" else f.explanation
                parts.append(f"| {c.kind} | {f.treaty} / {f.clause} / {f.rule} | {f.party} → {f.protected} | "
                             f"{GRADE_LABEL[f.grade].words} | {f.date} | {md_cell(what)} |")
            parts.append("")
    return visible("\n".join(parts)) + "\n"


def diff_json(diffs: list[Diff]) -> str:
    """Every variant's diff as one JSON object."""
    return json_text({"diffs": [d.to_json() for d in diffs]})
