"""Timelines as text (one list ordered by date) and as stable JSON. Rendering only."""

from __future__ import annotations

import datetime as dt

from ..workbench import Interval, Timeline
from ._grades import GRADE_LABEL
from ._json import json_text
from ._safe import TEXT_LIMIT, clip, clip_lines


# On one day: what was in force, then the events, the world facts they made, and what they breached.
_RANK = {"treaty": 0, "event": 1, "fact": 2, "finding": 3}


def timeline_text(timeline: Timeline) -> str:
    """A heading, the lanes and notes, then one line per item ordered by date.

    Texts are shown safely: control characters as escapes, each text and each line cut short (``_safe``).
    """
    lines = [f"{clip(timeline.title, one_line=True)}  ({timeline.label}, as of {timeline.as_of})",
             "  lanes: " + ", ".join(f"{lane.state} {clip(lane.name, one_line=True)}" for lane in timeline.lanes)]
    lines.extend(f"  note: {clip(note, TEXT_LIMIT, one_line=True)}" for note in timeline.notes)
    items: list[tuple[dt.date, int, str, str]] = []
    for i in timeline.intervals:
        items.append((i.start or dt.date.min, _RANK[i.type], i.lane, _interval_line(i)))
    for e in timeline.events:
        items.append((e.day, _RANK["event"], e.lane, f"{e.day}  {e.lane}  event {e.id} {clip(e.label, one_line=True)}"))
    for f in timeline.findings:
        line = f"{f.day}  {f.party}  {GRADE_LABEL[f.grade].short} {f.treaty}/{f.clause} → {f.protected}  ({f.rule}, id {f.id})"
        items.append((f.day, _RANK["finding"], f.party, line))
    lines.append("")
    lines.extend(line for *_, line in sorted(items))
    return clip_lines("\n".join(lines))


def _interval_line(interval: Interval) -> str:
    """``start … end  lane  label``, with ``?`` for an unknown start and ``(ongoing)`` when it held on as_of."""
    start = interval.start.isoformat() if interval.start else "?"
    tail = "  (ongoing)" if interval.ongoing else ""
    return f"{start} … {interval.end}  {interval.lane}  {clip(interval.label, one_line=True)}{tail}"


def timeline_json(timeline: Timeline) -> str:
    """The timeline's JSON form, indented, keys sorted."""
    return json_text(timeline.to_json())
