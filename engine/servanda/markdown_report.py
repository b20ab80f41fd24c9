"""Findings as a Markdown report for analysts: per scenario a summary table, then each finding in full. Rendering only."""

from __future__ import annotations

from typing import Mapping, Sequence

from .events import Event
from .findings import GRADE_ORDER, FactRef, Finding
from .project import Result
from .report import GRADE_LABEL

NO_IMAGES = "_Timeline images are drawn only when the report is written to a file (`--out FILE.md`)._"


def markdown_report(results: Sequence[Result], images: Mapping[str, str] | None = None) -> str:
    """The whole report; ``images`` maps a result's label to its timeline image's link (None: no images)."""
    found = sum(len(r.findings) for r in results)
    lines = ["# Treaty-compliance report", "",
             f"{len(results)} scenario{'s' if len(results) != 1 else ''}, {found} finding{'s' if found != 1 else ''}."]
    if images is None:
        lines += ["", NO_IMAGES]
    for result in results:
        lines += ["", *_scenario(result, (images or {}).get(result.label))]
    return "\n".join(lines) + "\n"


def _scenario(result: Result, image: str | None) -> list[str]:
    model = result.scenario.model
    lines = [f"## {model.title}", "", f"- scenario: `{result.label}` ({result.scenario.path})", f"- as of: {model.as_of}"]
    lines += [f"- note: {note}" for note in result.notes]
    lines += [f"- assumption: {note}" for notes in result.scenario.context.assumptions.values() for note in notes]
    if model.description:
        lines += ["", model.description.strip()]
    if image is not None:
        lines += ["", f"![timeline]({image})"]
    if not result.findings:
        return lines + ["", "No findings."]
    ordered = sorted(result.findings, key=lambda f: (f.date, GRADE_ORDER[f.grade], f.sort_key()))
    lines += ["", "### Summary", "", "| grade | date | party → protected | treaty | clause | finding |", "|---|---|---|---|---|---|"]
    lines += [_row(f) for f in ordered]
    events = {e.id: e for e in result.scenario.events}
    lines += ["", "### Findings"]
    for finding in ordered:
        lines += ["", *_finding(finding, events)]
    return lines


def _row(f: Finding) -> str:
    clause = f"{f.citation.article}: {f.citation.clause_title} (`{f.clause}`)"
    cells = [GRADE_LABEL[f.grade], f.date, f"{f.party} → {f.protected}", f"`{f.treaty}`", clause,
             f"[`{f.id}`](#finding-{f.id})"]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _finding(f: Finding, events: Mapping[str, Event]) -> list[str]:
    lines = [f'#### <a id="finding-{f.id}"></a>{GRADE_LABEL[f.grade]} {f.date}: {f.party} → {f.protected}, '
             f"{f.treaty} / {f.clause}",
             "", f"**{f.citation.treaty_title}**, {f.citation.article}: {f.citation.clause_title} "
             f"(clause `{f.clause}`, rule `{f.rule}`)"]
    for text in f.citation.texts:
        lines += ["", *(f"> {line}".rstrip() for line in text.text.splitlines()), ">",
                  f"> — {text.lang}, {text.provenance.replace('_', ' ')}; source `{text.source}`"
                  + (f": {text.address}" if text.address else "")]
    lines += ["", f.explanation]
    if f.exception:
        lines += ["", f"**Exception:** {f.exception}"]
    lines += ["", "**Evidence:**", ""]
    lines += [_event(events.get(e), e) for e in f.events] or ["- no event: world facts only"]
    lines += [_fact(fact) for fact in f.facts]
    for note in f.assumptions:
        lines += ["", f"**Rests on:** {note}"]
    lines += ["", f"Finding id: `{f.id}`"]
    return lines


def _event(event: Event | None, event_id: str) -> str:
    if event is None:  # an event from a feed, which the scenario file does not hold
        return f"- event `{event_id}`"
    fields = ", ".join(f"{k}={v}" for k, v in event.fields.items())
    return f"- event `{event.id}`, {event.date}, `{event.kind}` ({fields})"


def _fact(fact: FactRef) -> str:
    fields = ", ".join(f"{k}={v}" for k, v in fact.fields)
    since = f"since {fact.since}" if fact.since else "no start date given"
    return f"- world fact `{fact.relation}` ({fields}), {since}, from {fact.origin}"
