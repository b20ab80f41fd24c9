"""A scenario's timeline as data: one lane per state, with events, world-fact stretches, treaty windows and findings.

Pure data, built from what the engine already knows (the scenario's events, the world's
history, the context's role pairs and the findings); renderers draw or print it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Sequence

from ..core import Grade
from ..engine import Context, Finding, LoadedScenario, RuleSet, Stretch, timeline_of, world_history

NO_STATE = "—"  # the lane of an event or fact that names no state (a vocabulary may allow one)
_NO_STATE_NAME = "no state"
_LABEL_WIDTH = 64


@dataclass(frozen=True)
class Lane:
    """One state's row: its code and the name the scenario gives it."""

    state: str
    name: str


@dataclass(frozen=True)
class EventMark:
    """An event on its day; drawn in ``lanes[0]`` (its actor when it has one)."""

    day: dt.date
    id: str
    kind: str
    lanes: tuple[str, ...]
    label: str

    @property
    def lane(self) -> str:
        """The lane the event is drawn in."""
        return self.lanes[0]


@dataclass(frozen=True)
class Interval:
    """A stretch of days: a world fact holding, or a treaty binding a state.

    ``start`` is None for a fact held before the timeline with no ``since`` given; ``end`` is the
    last day it held (inclusive), or ``as_of`` when it still held then (``ongoing``).
    """

    type: Literal["fact", "treaty"]
    name: str  # the relation, or the treaty id
    lanes: tuple[str, ...]
    start: dt.date | None
    end: dt.date
    ongoing: bool
    label: str
    origin: str = ""  # a fact's world-fact id or "event <id>"
    assumptions: tuple[str, ...] = ()  # a treaty window's assumed dates, as the context notes them

    @property
    def lane(self) -> str:
        """The lane the interval is drawn in."""
        return self.lanes[0]


@dataclass(frozen=True)
class FindingMark:
    """A finding on the day the breach was complete, in the bound party's lane."""

    day: dt.date
    grade: Grade
    treaty: str
    clause: str
    rule: str
    party: str
    protected: str
    id: str

    @property
    def lane(self) -> str:
        """The bound party's lane."""
        return self.party


@dataclass(frozen=True)
class Timeline:
    """Everything a timeline shows, sorted, ready for a renderer."""

    scenario: str
    title: str
    as_of: dt.date
    lanes: tuple[Lane, ...]
    events: tuple[EventMark, ...]
    intervals: tuple[Interval, ...]
    findings: tuple[FindingMark, ...]
    notes: tuple[str, ...] = ()
    variant: str | None = None  # None: the scenario's baseline

    @property
    def label(self) -> str:
        """``scenario`` for the baseline, ``scenario[variant]`` for a variant."""
        return self.scenario if self.variant is None else f"{self.scenario}[{self.variant}]"

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form: dates as YYYY-MM-DD, keys never change meaning."""
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "lanes": [{"state": lane.state, "name": lane.name} for lane in self.lanes],
            "events": [{"date": e.day.isoformat(), "id": e.id, "kind": e.kind, "lane": e.lane, "lanes": list(e.lanes),
                        "label": e.label} for e in self.events],
            "intervals": [{"type": i.type, "name": i.name, "lane": i.lane, "lanes": list(i.lanes),
                           "start": i.start.isoformat() if i.start else None, "end": i.end.isoformat(),
                           "ongoing": i.ongoing, "label": i.label, "origin": i.origin,
                           "assumptions": list(i.assumptions)} for i in self.intervals],
            "findings": [{"date": f.day.isoformat(), "grade": f.grade, "treaty": f.treaty, "clause": f.clause,
                          "rule": f.rule, "party": f.party, "protected": f.protected, "id": f.id} for f in self.findings],
            "notes": list(self.notes),
        }


def build_timeline(rules: RuleSet, scenario: LoadedScenario, findings: Sequence[Finding]) -> Timeline:
    """The scenario's (or a variant's own scenario's) timeline up to its ``as_of``, with the given findings placed on it."""
    vocabulary = rules.compiled.vocabulary
    as_of = scenario.model.as_of
    dated = timeline_of(scenario.events, as_of.toordinal())
    events = tuple(
        EventMark(e.date, e.id, e.kind, _lanes(vocabulary.kinds[e.kind].fields, e.fields),
                  _label(e.kind, vocabulary.kinds[e.kind].fields, e.fields))
        for e in sorted(dated, key=lambda e: (e.day, e.id)))
    stretches = world_history(rules.compiled, scenario.context.facts, dated)
    facts = [_fact_interval(s, vocabulary.relations[s.fact.relation].fields, as_of) for s in stretches
             if (_first_day(s) or 0) <= as_of.toordinal()]
    marks = tuple(sorted((_finding_mark(f) for f in findings), key=lambda m: (m.day, m.treaty, m.clause, m.party, m.id)))
    seen = {lane for e in events for lane in e.lanes} | {lane for i in facts for lane in i.lanes}
    seen |= set(scenario.context.names) | {m.party for m in marks} | {m.protected for m in marks}
    names = {NO_STATE: _NO_STATE_NAME, **scenario.context.names}
    lanes = tuple(Lane(s, names.get(s, s)) for s in sorted(seen))
    windows = [w for lane in lanes for w in _treaty_windows(scenario.context, lane.state, as_of)]
    intervals = sorted([*windows, *facts], key=_interval_order)
    return Timeline(scenario.model.scenario, scenario.model.title, as_of, lanes, events, tuple(intervals), marks,
                    scenario.context.notes, scenario.variant_name)


def _interval_order(interval: Interval) -> tuple[Any, ...]:
    """Intervals by start (undated first), lane, treaties before facts, label."""
    return (interval.start or dt.date.min, interval.lane, interval.type != "treaty", interval.label, interval.end)


def _state_fields(specs: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """The fields holding a state, the actor first (it is whose act this is), then in vocabulary order."""
    names = [n for n, spec in specs.items() if spec.type == "state" and n in values]
    return sorted(names, key=lambda n: n != "actor")


def _lanes(specs: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[str, ...]:
    """The states an event or fact names, deduplicated, the one it is drawn in first."""
    states = [str(values[n]) for n in _state_fields(specs, values)]
    return tuple(dict.fromkeys(states)) or (NO_STATE,)


def _label(head: str, specs: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """``head`` then the values besides the lane's own state; other states say their role (``target=KGZ``)."""
    states = _state_fields(specs, values)
    parts = [head]
    for name in specs:
        if name not in values or (states and name == states[0]):
            continue
        # Each value is cut well past the label's width first: a label is short whatever the value's size.
        value = str(values[name])[:2 * _LABEL_WIDTH]
        parts.append(f"{name}={value}" if name in states else value)
    return textwrap.shorten(" ".join(parts), width=_LABEL_WIDTH, placeholder=" …")


def _fact_interval(stretch: Stretch, specs: Mapping[str, Any], as_of: dt.date) -> Interval:
    """The days a world fact held, from its ``since`` (else the day it became live) to its last day."""
    first = _first_day(stretch)
    end, ongoing = _until(stretch.last_day, as_of)
    fact = stretch.fact
    return Interval("fact", fact.relation, _lanes(specs, fact.fields), _date(first), end, ongoing,
                    _label(fact.relation, specs, fact.fields), fact.origin)


def _first_day(stretch: Stretch) -> int | None:
    """The day a fact became true: its ``since``, else the day it became live (None: before the timeline)."""
    return stretch.fact.since if stretch.fact.since is not None else stretch.live_from


def _until(last: int | None, as_of: dt.date) -> tuple[dt.date, bool]:
    """(last day shown, whether it still held on ``as_of``): what runs past ``as_of`` is cut there."""
    if last is None or last > as_of.toordinal():
        return as_of, True
    return dt.date.fromordinal(last), False


def _date(day: int | None) -> dt.date | None:
    """An ordinal day as a date (None stays None)."""
    return dt.date.fromordinal(day) if day is not None else None


def _treaty_windows(context: Context, state: str, as_of: dt.date) -> list[Interval]:
    """The stretches on which each treaty binds ``state`` towards some other party, up to ``as_of``."""
    out: list[Interval] = []
    for treaty in sorted({p.treaty for p in context.pairs if p.bound == state}):
        assumed = context.assumptions.get(treaty, ())
        label = f"{treaty} in force" + (" (assumed dates)" if assumed else "")
        spans = [(p.first, p.last) for p in context.pairs if p.treaty == treaty and p.bound == state]
        for first, last in _merge(spans):
            if first is not None and first > as_of.toordinal():
                continue
            end, ongoing = _until(last, as_of)
            out.append(Interval("treaty", treaty, (state,), _date(first), end, ongoing, label, assumptions=assumed))
    return out


def _merge(spans: list[tuple[int | None, int | None]]) -> list[tuple[int | None, int | None]]:
    """Inclusive day spans (None open) joined where they overlap or touch."""
    low, high = -(10**9), 10**9
    ordered = sorted((low if a is None else a, high if b is None else b) for a, b in spans)
    merged: list[list[int]] = []
    for a, b in ordered:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(None if a == low else a, None if b == high else b) for a, b in merged]


def _finding_mark(finding: Finding) -> FindingMark:
    """Where a finding sits on the timeline."""
    return FindingMark(dt.date.fromordinal(finding.day), finding.grade, finding.treaty, finding.clause,
                       finding.rule, finding.party, finding.protected, finding.id)
