"""Renderers for lint warnings: one line each and a summary, or one JSON object. Rendering only."""

from __future__ import annotations

from collections import Counter

import orjson

from .diagnostics import Diagnostic
from .ir import CompiledRules


def lint_text(folder: str, compiled: CompiledRules, warnings: list[Diagnostic], silenced: tuple[str, ...]) -> str:
    """Each warning as ``path:line:col: code: message (hint)``, then what was compiled and a count per code."""
    head = f"{folder}: {len(compiled.treaties)} treaties, {len(compiled.rules)} rules"
    quiet = f" ({', '.join(sorted(silenced))} silenced)" if silenced else ""
    if not warnings:
        return f"{head}, no problems{quiet}."
    counts = ", ".join(f"{code} ×{n}" for code, n in sorted(Counter(w.code for w in warnings).items()))
    plural = "s" if len(warnings) != 1 else ""
    lines = [w.render() for w in warnings]
    lines.append(f"{head}, {len(warnings)} warning{plural} ({counts}){quiet}; silence a code with --no-warn CODE.")
    return "\n".join(lines)


def lint_json(folder: str, compiled: CompiledRules, warnings: list[Diagnostic], silenced: tuple[str, ...]) -> str:
    """The warnings and what was compiled, as one JSON object."""
    payload = {"folder": folder, "treaties": len(compiled.treaties), "rules": len(compiled.rules),
               "silenced": sorted(silenced), "warnings": [w.to_json() for w in warnings]}
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode()
