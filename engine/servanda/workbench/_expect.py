"""Compare a scenario's findings with what it expects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import Finding
from ..language import Expectations, ExpectedFinding

_KEYS = ("treaty", "clause", "rule", "grade", "party", "protected", "date", "events")


@dataclass(frozen=True)
class Mismatch:
    """One difference: an expected finding not produced, an unexpected one, or a forbidden one."""

    kind: str  # "missing", "unexpected", "forbidden"
    expected: dict[str, Any] | None
    actual: Finding | None

    def describe(self) -> str:
        if self.kind == "missing":
            return "- expected, not produced: " + _brief(self.expected or {})
        label = "+ produced, not expected: " if self.kind == "unexpected" else "! produced, must not be: "
        assert self.actual is not None
        return label + _brief({k: getattr(self.actual, k) for k in _KEYS})


def _brief(values: dict[str, Any]) -> str:
    parts = []
    for key in _KEYS:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, (tuple, list)):
            value = ",".join(value)
        parts.append(f"{key}={value}")
    return " ".join(parts)


def _wanted(exp: ExpectedFinding) -> dict[str, Any]:
    data = exp.model_dump(exclude_none=True)
    if "date" in data:
        data["date"] = data["date"].isoformat()
    if "events" in data:
        data["events"] = tuple(data["events"])
    return data


def _matches(wanted: dict[str, Any], finding: Finding) -> bool:
    return all(getattr(finding, key) == value for key, value in wanted.items())


def compare(expect: Expectations, findings: tuple[Finding, ...]) -> list[Mismatch]:
    """Every expected finding produced once, nothing else produced, nothing forbidden produced."""
    unused = list(findings)
    problems: list[Mismatch] = []
    for exp in expect.findings:
        wanted = _wanted(exp)
        hit = next((f for f in unused if _matches(wanted, f)), None)
        if hit is None:
            problems.append(Mismatch("missing", wanted, None))
        else:
            unused.remove(hit)
    problems.extend(Mismatch("unexpected", None, f) for f in unused)
    for exp in expect.absent:
        wanted = _wanted(exp)
        problems.extend(Mismatch("forbidden", wanted, f) for f in findings if _matches(wanted, f))
    return problems
