"""Draw a timeline with matplotlib, as PNG or SVG bytes.

matplotlib is imported inside the functions: it takes a good part of a second, and ``import
servanda`` must stay fast for everything that never draws.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..workbench import Interval, Timeline
from ._grades import GRADE_COLOUR, GRADE_LABEL


if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
_TREATY, _FACT, _EVENT, _ASSUMED_EDGE = "#b9cbe3", "#9cc79c", "#222222", "#7f93b8"


@dataclass(frozen=True)
class _Row:
    """Where an item sits: the lane's marker row, or one row per interval below it."""

    y: float
    interval: Interval | None


def render_timeline(timeline: Timeline, fmt: str) -> bytes:
    """The drawing as PNG or SVG bytes; the same timeline always gives the same SVG."""
    import matplotlib

    buffer = io.BytesIO()
    # A fixed salt makes the ids inside an SVG, and so the whole file, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "servanda-timeline", "svg.fonttype": "path", "font.size": 8}):
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        _draw(timeline).savefig(buffer, format=fmt, dpi=120, metadata=metadata)
    return buffer.getvalue()


def _layout(timeline: Timeline) -> tuple[list[_Row], dict[str, float]]:
    """Rows from the top: per lane its marker row, then one row per interval; and each lane's marker row."""
    rows: list[_Row] = []
    marker_y: dict[str, float] = {}
    y = 0.0
    for lane in timeline.lanes:
        marker_y[lane.state] = y
        rows.append(_Row(y, None))
        for interval in (i for i in timeline.intervals if i.lane == lane.state):
            y -= 1
            rows.append(_Row(y, interval))
        y -= 1.6  # a gap between lanes
    return rows, marker_y


def _span(timeline: Timeline) -> tuple[dt.date, dt.date]:
    """The days worth showing: from the first event, finding, fact or assumed date to ``as_of``, padded."""
    focus = [e.day for e in timeline.events] + [f.day for f in timeline.findings]
    focus += [i.start for i in timeline.intervals if i.start and (i.type == "fact" or i.assumptions)]
    low = min([*focus, timeline.as_of]) if focus else timeline.as_of - dt.timedelta(days=365)
    pad = dt.timedelta(days=max(7, (timeline.as_of - low).days // 25))
    return low - pad, timeline.as_of + pad


def _draw(timeline: Timeline) -> Figure:
    """The whole figure: interval bars, event and finding markers, frame and legend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows, marker_y = _layout(timeline)
    figure = Figure(figsize=(11, 1.6 + 0.3 * len(rows) + 0.3 * len(timeline.lanes)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    low, high = _span(timeline)
    for row in rows:
        if row.interval is not None:
            _bar(axes, row.y, row.interval, low)
    axes.set_xlim(_dates().date2num(low), _dates().date2num(high))  # the markers space their labels by it
    _markers(axes, timeline, marker_y)
    _frame(axes, timeline, marker_y, rows, (low, high))
    figure.legend(handles=_legend(), loc="outside lower center", ncol=7, frameon=False)
    return figure


def _bar(axes: Axes, y: float, interval: Interval, low: dt.date) -> None:
    """One interval as a bar labelled inside its left end; a start before the view is written out."""
    date2num = _dates().date2num
    start = interval.start or low
    left, right = date2num(max(start, low)), date2num(interval.end + dt.timedelta(days=1))
    colour = _TREATY if interval.type == "treaty" else _FACT
    axes.barh(y, right - left, left=left, height=0.7, color=colour, linewidth=0.4,
              edgecolor=_ASSUMED_EDGE if interval.assumptions else "#555555", hatch="///" if interval.assumptions else None)
    note = "" if interval.start and interval.start >= low else f"  (since {interval.start or '?'})"
    axes.text(left, y, f" {interval.label}{note}", va="center", ha="left", fontsize=7, clip_on=True)


def _markers(axes: Axes, timeline: Timeline, marker_y: dict[str, float]) -> None:
    """Events as dots labelled with their ids; findings as diamonds coloured by grade, just above."""
    from matplotlib.transforms import ScaledTranslation

    date2num = _dates().date2num
    low, high = axes.get_xlim()
    close = (high - low) / 25  # labels nearer than this would overlap: the next one drops a line
    last: dict[str, tuple[float, int]] = {}
    for event in timeline.events:
        x = date2num(event.day)
        axes.plot([x], [marker_y[event.lane]], "o", color=_EVENT, markersize=5)
        for other in event.lanes[1:]:
            axes.plot([x], [marker_y[other]], "o", markerfacecolor="white", markeredgecolor=_EVENT, markersize=5)
        before = last.get(event.lane)
        row = (before[1] + 1) % 3 if before is not None and x - before[0] < close else 0
        last[event.lane] = (x, row)
        axes.annotate(event.id, (x, marker_y[event.lane]), xytext=(0, -9 - 8 * row), textcoords="offset points",
                      ha="center", va="top", fontsize=6.5)
    stacked: dict[tuple[str, dt.date], int] = {}
    for finding in timeline.findings:
        # Several findings on one day in one lane sit side by side rather than on top of each other.
        k = stacked[finding.lane, finding.day] = stacked.get((finding.lane, finding.day), -1) + 1
        shift = ScaledTranslation(k * 9 / 72, 0, axes.figure.dpi_scale_trans)
        axes.plot([date2num(finding.day)], [marker_y[finding.lane] + 0.45], "D", color=GRADE_COLOUR[finding.grade].image,
                  markeredgecolor="black", markeredgewidth=0.4, markersize=7, transform=axes.transData + shift)


def _frame(axes: Axes, timeline: Timeline, marker_y: dict[str, float], rows: list[_Row],
           view: tuple[dt.date, dt.date]) -> None:
    """Lane names, separators, the date axis, the as-of line and the title."""
    dates = _dates()
    date2num = dates.date2num
    bottom = min(r.y for r in rows) - 0.8
    axes.set_ylim(bottom, 1.2)
    axes.set_xlim(date2num(view[0]), date2num(view[1]))
    axes.set_yticks([marker_y[lane.state] for lane in timeline.lanes],
                    [f"{lane.state}\n{lane.name}" for lane in timeline.lanes])
    for lane in timeline.lanes[1:]:
        axes.axhline(marker_y[lane.state] + 0.8, color="#999999", linewidth=0.5)
    axes.axvline(date2num(timeline.as_of), color="#444444", linestyle="--", linewidth=0.8)
    axes.annotate("as of", (date2num(timeline.as_of), 1.2), xytext=(2, -2), textcoords="offset points",
                  ha="left", va="top", fontsize=7)
    locator = dates.AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
    axes.grid(axis="x", color="#e5e5e5", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.set_title(f"{timeline.title}\n{timeline.label}, as of {timeline.as_of}", fontsize=9)


def _dates() -> Any:
    """matplotlib.dates, whose functions carry no type annotations."""
    import matplotlib.dates

    return matplotlib.dates


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
