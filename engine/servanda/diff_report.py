"""Renderers for variant diffs: text for the terminal, Markdown to paste, stable JSON. Rendering only."""

from __future__ import annotations

from typing import Any

import click
import orjson

from .diff import Change, Diff
from .findings import Finding

_MARK = {"added": ("+", "red"), "removed": ("-", "green"), "changed": ("~", "yellow")}
_SHOWN = ("rule", "grade", "date", "events")


def diff_text(diffs: list[Diff]) -> str:
    """Per variant, a count line and one line per change, with what changed."""
    blocks = []
    for d in diffs:
        lines = [click.style(f"{d.scenario}[{d.variant}]", bold=True) + (f"  {d.description}" if d.description else "")]
        lines.extend(f"  note: {n}" for n in d.notes)
        lines.append(f"  {_counts(d)}")
        for change in d.changes:
            sign, colour = _MARK[change.kind]
            lines.append("  " + click.style(f"{sign} {change.kind:<8}", fg=colour, bold=True) + f" {_who(change.finding)}")
            lines.extend(f"      {line}" for line in _details(change))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "The scenario declares no variants."


def _counts(d: Diff) -> str:
    return f"{d.count('added')} added, {d.count('removed')} removed, {d.count('changed')} changed, {d.unchanged} unchanged"


def _who(f: Finding) -> str:
    return f"{f.treaty}/{f.clause}/{f.rule}  {f.party} → {f.protected}  {f.grade.replace('_', ' ')}  {f.date}"


def _value(finding: Finding, name: str) -> str:
    value = getattr(finding, name)
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return str(value) or "(none)"


def _details(change: Change) -> list[str]:
    """For a changed finding, before → after of each shown field; the explanation otherwise."""
    if change.kind != "changed":
        return [change.finding.explanation]
    assert change.before is not None and change.after is not None
    out = [f"{name}: {_value(change.before, name)} → {_value(change.after, name)}" for name in change.fields if name in _SHOWN]
    out.extend(f"{name} differ" for name in change.fields if name in ("facts", "exception"))
    out.append(change.after.explanation)
    return out


def diff_markdown(diffs: list[Diff]) -> str:
    """One section per variant with a table of its changes."""
    if not diffs:
        return "The scenario declares no variants.\n"
    parts = [f"# Variants of `{diffs[0].scenario}`\n"]
    for d in diffs:
        parts.append(f"## `{d.variant}`\n")
        if d.description:
            parts.append(f"{d.description}\n")
        parts.extend(f"> {n}\n" for n in d.notes)
        parts.append(f"{_counts(d)}.\n")
        if d.changes:
            parts.append("| change | treaty / clause / rule | party → protected | grade | date | what changed |")
            parts.append("|---|---|---|---|---|---|")
            for c in d.changes:
                f = c.finding
                what = "; ".join(_details(c)[:-1]) if c.kind == "changed" else f.explanation
                parts.append(f"| {c.kind} | {f.treaty} / {f.clause} / {f.rule} | {f.party} → {f.protected} | "
                             f"{f.grade.replace('_', ' ')} | {f.date} | {_cell(what)} |")
            parts.append("")
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def diff_json(diffs: list[Diff]) -> str:
    """Every variant's diff as one JSON object."""
    payload: dict[str, Any] = {"diffs": [d.to_json() for d in diffs]}
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
