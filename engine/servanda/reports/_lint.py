"""Renderers for lint warnings: one line each and a summary, or one JSON object. Rendering only."""

from __future__ import annotations

from collections import Counter

from ..diagnostics import Diagnostic
from ..language import CompiledRules
from ._json import json_text
from ._safe import clip_lines


def lint_text(folder: str, compiled: CompiledRules, warnings: list[Diagnostic], silenced: tuple[str, ...]) -> str:
    """Each warning as ``path:line:col: code: message (hint)``, then what was compiled and a count per code."""
    head = f"{folder}: {_count(len(compiled.treaties), 'treaty', 'treaties')}, {_count(len(compiled.rules), 'rule', 'rules')}"
    quiet = f" ({', '.join(sorted(silenced))} silenced)" if silenced else ""
    if not warnings:
        return f"{head}, no problems{quiet}."
    counts = ", ".join(f"{code} ×{n}" for code, n in sorted(Counter(w.code for w in warnings).items()))
    lines = [w.render() for w in warnings]
    lines.append(f"{head}, {_count(len(warnings), 'warning', 'warnings')} ({counts}){quiet}; silence a code with --no-warn CODE.")
    return clip_lines("\n".join(lines))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def lint_json(folder: str, compiled: CompiledRules, warnings: list[Diagnostic], silenced: tuple[str, ...]) -> str:
    """The warnings and what was compiled, as one JSON object."""
    payload = {"folder": folder, "treaties": len(compiled.treaties), "rules": len(compiled.rules),
               "silenced": sorted(silenced), "warnings": [w.to_json() for w in warnings]}
    return json_text(payload)
