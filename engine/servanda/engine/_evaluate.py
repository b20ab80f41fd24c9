"""Evaluate a loaded scenario end to end: its timeline, and an optional feed, through a fresh runtime."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..diagnostics import Diagnostic
from ..errors import DiagnosticError
from ..language import CompiledRules, Event, Expectations
from ._findings import Finding
from ._loading import LoadedScenario, RuleSet
from ._runtime import Runtime


@dataclass(frozen=True)
class Result:
    """What one evaluation produced."""

    scenario: LoadedScenario
    findings: tuple[Finding, ...]
    variant: str | None = None  # None: the scenario's baseline
    rules: CompiledRules | None = None  # the rules it ran under (a variant's own when it switches off or amends some)

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes of the context it ran in (treaties not evaluated, what a variant changes)."""
        return self.scenario.context.notes

    @property
    def label(self) -> str:
        """``scenario`` for the baseline, ``scenario[variant]`` for a variant."""
        name = self.scenario.model.scenario
        return name if self.variant is None else f"{name}[{self.variant}]"

    @property
    def expect(self) -> Expectations | None:
        """The expectations that apply to this result (the baseline's or the variant's own)."""
        return self.scenario.model.expect


def evaluate(rules: RuleSet, scenario: LoadedScenario, feed: Iterable[Event] = (), variant: str | None = None) -> Result:
    """Run the scenario's timeline, merged with an optional date-ordered feed, through a fresh runtime.

    Feed events after the scenario's ``as_of`` are read (so bad lines are still reported) but not evaluated.
    A feed event dated before the one that came before it (SV210), or of a kind the vocabulary lacks (SV201),
    is a DiagnosticError located by its position in the feed.
    """
    runtime = Runtime(rules.compiled, rules.backend, scenario.context)
    as_of = scenario.model.as_of.toordinal()
    merged = heapq.merge(scenario.events, _in_date_order(feed, rules.compiled), key=lambda e: e.day)
    try:
        runtime.feed(e for e in merged if e.day <= as_of)
        findings = runtime.finish(as_of)
    finally:
        runtime.close()
    return Result(scenario, tuple(findings), variant, rules.compiled)


def _in_date_order(feed: Iterable[Event], rules: CompiledRules) -> Iterator[Event]:
    """The feed's events, checked to come in date order and to be of known kinds; located by position (1 for the first)."""
    last: Event | None = None
    for position, event in enumerate(feed, start=1):
        problem = None
        if last is not None and event.day < last.day:
            problem = Diagnostic("<events>", position, 1, "SV210", f"event '{event.id}' ({event.date}) is earlier than "
                                 f"the event before it ('{last.id}', {last.date})", "pass the events sorted by date")
        elif event.kind not in rules.vocabulary.kinds:
            problem = Diagnostic("<events>", position, 1, "SV201", f"event '{event.id}' has unknown kind '{event.kind}'",
                                 "build events with parse_event or FeedReader, which check them against the vocabulary")
        if problem is not None:
            raise DiagnosticError([problem])
        last = event
        yield event
