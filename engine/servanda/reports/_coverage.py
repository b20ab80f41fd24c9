"""Renderer for rule coverage: a table of every rule after the test results. Rendering only."""

from __future__ import annotations

from ..workbench import Coverage, RuleCoverage
from ._safe import clip_lines

_SHOWN = 2  # labels shown per column; the rest are counted


def coverage_text(cov: Coverage) -> str:
    """A summary line, then one line per rule: its status, counts and a few labels."""
    rules = f"{len(cov.rows)} rule{'' if len(cov.rows) == 1 else 's'}"
    lines = [f"Coverage of {rules}: fired {cov.fired_pct:.1f}%, held {cov.held_pct:.1f}%, "
             f"fully covered {cov.full_pct:.1f}%"]
    width = max((len(r.key) for r in cov.rows), default=4)
    lines.append(f"  {'status':<10} {'treaty/clause/rule':<{width}}  fired  held  by")
    for row in cov.rows:
        line = f"  {_status(row):<10} {row.key:<{width}}  {len(row.fired_by):>5}  {len(row.held_by):>4}  {_labels(row)}"
        lines.append(line.rstrip())
    return clip_lines("\n".join(lines))


def coverage_shortfall(cov: Coverage, fail_under: float) -> str:
    """The line saying the rules are less covered than ``--fail-under`` asks."""
    return f"{cov.full_pct:.1f}% of the rules are fully covered, below --fail-under {fail_under:g}."


def _status(row: RuleCoverage) -> str:
    """covered, fired only, held only or uncovered."""
    if row.full:
        return "covered"
    return "fired only" if row.fired_by else "held only" if row.held_by else "uncovered"


def _labels(row: RuleCoverage) -> str:
    """The first labels of the results that fire the rule and of those that hold it, the rest counted."""
    parts = []
    for word, labels in (("fired", row.fired_by), ("held", row.held_by)):
        if labels:
            more = f" +{len(labels) - _SHOWN}" if len(labels) > _SHOWN else ""
            parts.append(f"{word}: {', '.join(labels[:_SHOWN])}{more}")
    return "; ".join(parts)

