"""Draw a timeline with matplotlib, as PNG or SVG bytes.

matplotlib is imported inside the functions: it takes a good part of a second, and ``import
servanda`` must stay fast for everything that never draws. It is imported without reading
``MPLBACKEND``: a drawing only writes a file, with the canvas its format needs, so the backend the
environment asks for (perhaps one that does not exist) plays no part.

The x axis counts days (``date.toordinal()``), with ticks and labels of our own, so every day from
0001-01-01 to 9999-12-31 can be drawn, padding included (matplotlib's date axis cannot go past either
end). Every text drawn is made visible and cut short (``_safe.clip``), and at most ``MAX_ROWS`` rows
and ``MAX_LABELS`` event labels are drawn, so no input makes a drawing unboundedly large or slow.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..workbench import Interval, Timeline
from ._grades import GRADE_COLOUR, GRADE_LABEL
from ._safe import PICTURE_LIMIT, clip
from ._ticks import day_ticks

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
MAX_ROWS = 300  # lanes and interval rows drawn; the rest are counted below the title
MAX_LABELS = 500  # events labelled with their ids; further events are drawn as dots only
_NAME_LIMIT = 40  # characters of a lane's name beside the axis (longer ones would squeeze the plot away)
_TREATY, _FACT, _EVENT, _ASSUMED_EDGE = "#b9cbe3", "#9cc79c", "#222222", "#7f93b8"
_RC = {"svg.hashsalt": "servanda-timeline", "svg.fonttype": "path", "font.size": 8, "text.parse_math": False,
       "text.usetex": False}


@dataclass(frozen=True)
class _Row:
    """Where an item sits: the lane's marker row, or one row per interval below it."""

    y: float
    interval: Interval | None


def render_timeline(timeline: Timeline, fmt: str) -> bytes:
    """The drawing as PNG or SVG bytes; the same timeline always gives the same SVG."""
    matplotlib = _matplotlib()
    buffer = io.BytesIO()
    # A fixed salt makes the ids inside an SVG, and so the whole file, the same on every run. Text is never
    # read as mathematics ("$…$"): a label is the user's words, and a malformed formula would stop the drawing.
    with matplotlib.rc_context(_RC):
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        _draw(timeline).savefig(buffer, format=fmt, dpi=120, metadata=metadata)
    return buffer.getvalue()


def _matplotlib() -> Any:
    """matplotlib, imported (the first time) with ``MPLBACKEND`` out of the environment, which it would otherwise validate."""
    if "matplotlib" not in sys.modules:
        saved = os.environ.pop("MPLBACKEND", None)
        try:
            import matplotlib
        finally:
            if saved is not None:
                os.environ["MPLBACKEND"] = saved
    import matplotlib

    return matplotlib


def _text(text: str, limit: int = PICTURE_LIMIT) -> str:
    """A text for the picture: visible, on one line, at most ``limit`` characters (and says so when cut)."""
    return clip(text, limit, one_line=True)


def _layout(timeline: Timeline) -> tuple[list[_Row], dict[str, float], int]:
    """Rows from the top (per lane its marker row, then one per interval), each drawn lane's marker row, rows left out."""
    rows: list[_Row] = []
    marker_y: dict[str, float] = {}
    left_out = 0
    y = 0.0
    by_lane: dict[str, list[Interval]] = {}
    for interval in timeline.intervals:
        by_lane.setdefault(interval.lane, []).append(interval)
    for lane in timeline.lanes:
        mine = by_lane.get(lane.state, [])
        if len(rows) >= MAX_ROWS:
            left_out += 1 + len(mine)
            continue
        marker_y[lane.state] = y
        rows.append(_Row(y, None))
        for interval in mine:
            if len(rows) >= MAX_ROWS:
                left_out += 1
                continue
            y -= 1
            rows.append(_Row(y, interval))
        y -= 1.6  # a gap between lanes
    return rows, marker_y, left_out


def _span(timeline: Timeline) -> tuple[float, float]:
    """The days worth showing, as day numbers: from the first event, finding, fact or assumed date to ``as_of``, padded."""
    focus = [e.day.toordinal() for e in timeline.events] + [f.day.toordinal() for f in timeline.findings]
    focus += [i.start.toordinal() for i in timeline.intervals if i.start and (i.type == "fact" or i.assumptions)]
    as_of = timeline.as_of.toordinal()
    low = min([*focus, as_of]) if focus else as_of - 365
    pad = max(7, (as_of - low) // 25)
    return float(low - pad), float(as_of + pad)


def _draw(timeline: Timeline) -> Figure:
    """The whole figure: interval bars, event and finding markers, frame and legend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows, marker_y, left_out = _layout(timeline)
    figure = Figure(figsize=(11, 1.6 + 0.3 * len(rows) + 0.3 * len(marker_y)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    view = _span(timeline)
    for row in rows:
        if row.interval is not None:
            _bar(axes, row.y, row.interval, view[0])
    axes.set_xlim(*view)  # the markers space their labels by it
    _markers(axes, timeline, marker_y)
    _frame(axes, timeline, marker_y, rows, view, left_out)
    figure.legend(handles=_legend(), loc="outside lower center", ncol=7, frameon=False)
    return figure


def _bar(axes: Axes, y: float, interval: Interval, low: float) -> None:
    """One interval as a bar labelled inside its left end; a start before the view is written out."""
    start = interval.start.toordinal() if interval.start else low
    left, right = max(start, low), interval.end.toordinal() + 1
    colour = _TREATY if interval.type == "treaty" else _FACT
    axes.barh(y, right - left, left=left, height=0.7, color=colour, linewidth=0.4,
              edgecolor=_ASSUMED_EDGE if interval.assumptions else "#555555", hatch="///" if interval.assumptions else None)
    note = "" if interval.start and interval.start.toordinal() >= low else f"  (since {interval.start or '?'})"
    axes.text(left, y, f" {_text(interval.label)}{note}", va="center", ha="left", fontsize=7, clip_on=True)


def _markers(axes: Axes, timeline: Timeline, marker_y: dict[str, float]) -> None:
    """Events as dots labelled with their ids; findings as diamonds coloured by grade, just above."""
    from matplotlib.transforms import ScaledTranslation

    low, high = axes.get_xlim()
    close = (high - low) / 25  # labels nearer than this would overlap: the next one drops a line
    last: dict[str, tuple[float, int]] = {}
    events = [e for e in timeline.events if e.lane in marker_y]
    filled = [(e.day.toordinal(), marker_y[e.lane]) for e in events]
    hollow = [(e.day.toordinal(), marker_y[o]) for e in events for o in e.lanes[1:] if o in marker_y]
    if filled:
        axes.plot(*zip(*filled), "o", color=_EVENT, markersize=5, linestyle="")
    if hollow:
        axes.plot(*zip(*hollow), "o", markerfacecolor="white", markeredgecolor=_EVENT, markersize=5, linestyle="")
    for event in events[:MAX_LABELS]:
        x = event.day.toordinal()
        before = last.get(event.lane)
        row = (before[1] + 1) % 3 if before is not None and x - before[0] < close else 0
        last[event.lane] = (x, row)
        axes.annotate(_text(event.id, _NAME_LIMIT), (x, marker_y[event.lane]), xytext=(0, -9 - 8 * row), textcoords="offset points",
                      ha="center", va="top", fontsize=6.5)
    stacked: dict[tuple[str, dt.date], int] = {}
    diamonds: dict[tuple[Any, int], list[tuple[int, float]]] = {}
    for finding in (f for f in timeline.findings if f.lane in marker_y):
        # Several findings on one day in one lane sit side by side rather than on top of each other.
        k = stacked[finding.lane, finding.day] = stacked.get((finding.lane, finding.day), -1) + 1
        diamonds.setdefault((finding.grade, k), []).append((finding.day.toordinal(), marker_y[finding.lane] + 0.45))
    for (grade, k), points in diamonds.items():
        shift = ScaledTranslation(k * 9 / 72, 0, axes.figure.dpi_scale_trans)
        axes.plot(*zip(*points), "D", color=GRADE_COLOUR[grade].image, linestyle="",
                  markeredgecolor="black", markeredgewidth=0.4, markersize=7, transform=axes.transData + shift)


def _frame(axes: Axes, timeline: Timeline, marker_y: dict[str, float], rows: list[_Row],
           view: tuple[float, float], left_out: int) -> None:
    """Lane names, separators, the day axis, the as-of line and the title."""
    bottom = min((r.y for r in rows), default=0.0) - 0.8
    axes.set_ylim(bottom, 1.2)
    axes.set_xlim(*view)
    drawn = [lane for lane in timeline.lanes if lane.state in marker_y]
    axes.set_yticks([marker_y[lane.state] for lane in drawn],
                    [f"{_text(lane.state, _NAME_LIMIT)}\n{_text(lane.name, _NAME_LIMIT)}" for lane in drawn])
    for lane in drawn[1:]:
        axes.axhline(marker_y[lane.state] + 0.8, color="#999999", linewidth=0.5)
    as_of = timeline.as_of.toordinal()
    axes.axvline(as_of, color="#444444", linestyle="--", linewidth=0.8)
    axes.annotate("as of", (as_of, 1.2), xytext=(2, -2), textcoords="offset points", ha="left", va="top", fontsize=7)
    ticks, labels = day_ticks(*view)
    axes.set_xticks(ticks, labels)
    axes.grid(axis="x", color="#e5e5e5", linewidth=0.5)
    axes.set_axisbelow(True)
    more = f"\n{left_out:,} more rows not drawn (see the text form)" if left_out else ""
    title = "\n".join(textwrap.wrap(_text(timeline.title), width=110, break_on_hyphens=False))
    axes.set_title(f"{title}\n{_text(timeline.label)}, as of {timeline.as_of}{more}", fontsize=9)


def _legend() -> list[Any]:
    """The legend's entries: events, each grade, treaty windows (sourced and assumed), world facts."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [
        Line2D([], [], marker="o", linestyle="", color=_EVENT, label="event (hollow: other party named)"),
        *(Line2D([], [], marker="D", linestyle="", color=c.image, markeredgecolor="black", markeredgewidth=0.4,
                 label=GRADE_LABEL[g].words) for g, c in GRADE_COLOUR.items()),
        Patch(facecolor=_TREATY, edgecolor="#555555", label="treaty in force"),
        Patch(facecolor=_TREATY, edgecolor=_ASSUMED_EDGE, hatch="///", label="in force (assumed dates)"),
        Patch(facecolor=_FACT, edgecolor="#555555", label="world fact"),
    ]
    return handles
