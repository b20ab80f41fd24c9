"""Findings as a Markdown report for analysts: per scenario a summary table, then each finding in full. Rendering only.

Every text the report did not write itself is shown safely (``_safe``): control characters as escapes,
a text longer than ``TEXT_LIMIT`` (a clause quoted in full: ``QUOTE_LIMIT``) cut short and said so.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from ..core import iso
from ..engine import Fact, Finding, Result
from ..language import Event
from ._grades import GRADE_LABEL
from ._safe import QUOTE_LIMIT, TEXT_LIMIT, clip, visible

NO_IMAGES = "_Timeline images are drawn only when the report is written to a file (`--out FILE.md`)._"


def markdown_report(results: Sequence[Result], images: Sequence[str] | None = None) -> str:
    """The whole report; ``images[i]`` links the timeline image of ``results[i]`` (None: no images)."""
    found = sum(len(r.findings) for r in results)
    lines = ["# Treaty-compliance report", "",
             f"{len(results)} scenario{'s' if len(results) != 1 else ''}, {found} finding{'s' if found != 1 else ''}."]
    if images is None:
        lines += ["", NO_IMAGES]
    for i, (result, slug) in enumerate(zip(results, result_slugs(results))):
        lines += ["", *_scenario(result, slug, images[i] if images is not None else None)]
    return visible("\n".join(lines)) + "\n"


def result_slugs(results: Sequence[Result]) -> list[str]:
    """One name per result, safe in file names and anchors, unique in the report (a repeated label gets ``-2``, ``-3`` …)."""
    out: list[str] = []
    for result in results:
        base = slug = re.sub(r"[^A-Za-z0-9._-]+", "-", result.label).strip("-")
        n = 1
        while slug in out:
            n += 1
            slug = f"{base}-{n}"
        out.append(slug)
    return out


def md_inline(text: str) -> str:
    """Text on one line, so that a newline in it cannot start a heading, a list or a quote; shown safely, cut short."""
    return clip(text, TEXT_LIMIT, one_line=True)


def md_cell(text: str) -> str:
    """Text fit for a table cell: on one line, its pipes escaped."""
    return md_inline(text).replace("|", "\\|")


def _scenario(result: Result, slug: str, image: str | None) -> list[str]:
    """One scenario's (or variant's) section: heading, facts about it, image, summary table and findings."""
    model = result.scenario.model
    variant = f" [variant {result.variant}]" if result.variant is not None else ""
    lines = [f"## {md_inline(model.title)}{variant}", "", f"- scenario: `{result.label}` ({result.scenario.path})",
             f"- as of: {model.as_of}"]
    lines += [f"- note: {md_inline(note)}" for note in result.notes]
    lines += [f"- assumption: {md_inline(note)}" for notes in result.scenario.context.assumptions.values() for note in notes]
    if model.description:
        lines += ["", md_inline(model.description)]
    if image is not None:
        lines += ["", f"![timeline]({image})"]
    if not result.findings:
        return lines + ["", "No findings."]
    ordered = sorted(result.findings, key=lambda f: (f.date, -f.grade.severity, f.sort_key()))
    lines += ["", "### Summary", "", "| grade | date | party → protected | treaty | clause | finding |", "|---|---|---|---|---|---|"]
    lines += [_row(f, slug) for f in ordered]
    events = {e.id: e for e in result.scenario.events}
    lines += ["", "### Findings"]
    for finding in ordered:
        lines += ["", *_finding(finding, slug, events)]
    return lines


def _anchor(slug: str, f: Finding) -> str:
    """A finding's anchor, unique in the report: one finding id may recur in several scenarios or variants."""
    return f"finding-{slug}-{f.id}"


def _row(f: Finding, slug: str) -> str:
    """A finding's row in the summary table, linking to its section."""
    clause = f"{f.citation.article}: {f.citation.clause_title} (`{f.clause}`)"
    cells = [GRADE_LABEL[f.grade].short, f.date, f"{f.party} → {f.protected}", f"`{f.treaty}`", clause,
             f"[`{f.id}`](#{_anchor(slug, f)})"]
    return "| " + " | ".join(md_cell(c) for c in cells) + " |"


def _finding(f: Finding, slug: str, events: Mapping[str, Event]) -> list[str]:
    """A finding in full: the clause quoted in every language, explanation, exception, evidence, assumptions."""
    lines = [f'#### <a id="{_anchor(slug, f)}"></a>{GRADE_LABEL[f.grade].short} {f.date}: {f.party} → {f.protected}, '
             f"{f.treaty} / {f.clause}",
             "", f"**{md_inline(f.citation.treaty_title)}**, {md_inline(f.citation.article)}: "
             f"{md_inline(f.citation.clause_title)} (clause `{f.clause}`, rule `{f.rule}`)"]
    for text in f.citation.texts:
        lines += ["", *(f"> {line}".rstrip() for line in clip(text.text, QUOTE_LIMIT).splitlines()), ">",
                  f"> — {text.lang}, {text.provenance.replace('_', ' ')}; source `{md_inline(text.source)}`"
                  + (f": {md_inline(text.address)}" if text.address else "")]
    lines += ["", md_inline(f.explanation)]
    if f.exception:
        lines += ["", f"**Exception:** {md_inline(f.exception)}"]
    lines += ["", "**Evidence:**", ""]
    lines += [_event(events.get(e), e) for e in f.events] or ["- no event: world facts only"]
    lines += [_fact(fact) for fact in f.facts]
    for note in f.assumptions:
        lines += ["", f"**Rests on:** {md_inline(note)}"]
    lines += ["", f"Finding id: `{f.id}`"]
    return lines


def _event(event: Event | None, event_id: str) -> str:
    """An evidence event as a list item: id, date, kind and fields."""
    if event is None:  # an event from a feed, which the scenario file does not hold
        return f"- event `{event_id}`"
    fields = ", ".join(f"{k}={clip(str(v), TEXT_LIMIT)}" for k, v in event.fields.items())
    return md_inline(f"- event `{event.id}`, {event.date}, `{event.kind}` ({fields})")


def _fact(fact: Fact) -> str:
    """A world fact as a list item: relation, fields, since when and where it came from."""
    fields = ", ".join(f"{k}={clip(str(v), TEXT_LIMIT)}" for k, v in fact.fields.items())
    since = f"since {iso(fact.since)}" if fact.since is not None else "no start date given"
    return md_inline(f"- world fact `{fact.relation}` ({fields}), {since}, from {fact.origin}")
