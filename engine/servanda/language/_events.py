"""Events as the runtime sees them, and their validation against the vocabulary."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Callable, Mapping, NamedTuple

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ._models import DATE_FORM, FieldSpec, KindSpec, Vocabulary, shown
from ._states import STANDARD_STATES, STATE_FORM, unknown_state

COMMON_FIELDS = ("id", "date", "kind")
OPTIONAL_COMMON = ("source", "note")
_STATE = STATE_FORM
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", re.ASCII)
_DATE = DATE_FORM
INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1  # what the engine can hold: integers are signed 64-bit
Locate = Callable[[tuple[str | int, ...], str, str, str], Diagnostic]


class Event(NamedTuple):
    """A validated event: its id, day (proleptic ordinal), kind and typed fields.

    A named tuple rather than a dataclass: feeds create millions of these.
    """

    id: str
    day: int
    kind: str
    fields: Mapping[str, Any]
    source: str = ""
    note: str = ""

    @property
    def date(self) -> dt.date:
        """The event's calendar date."""
        return dt.date.fromordinal(self.day)


def parse_date(value: Any) -> dt.date | None:
    """A date from a ``date`` object or a strict YYYY-MM-DD string, else None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class Checked(NamedTuple):
    """A value checked against a field: its runtime form, or the code, message and hint of its problem."""

    value: Any
    code: str = ""
    problem: str = ""
    hint: str = ""


def _bad_date(value: Any) -> tuple[str, str]:
    """(message, hint) for a value that is not a date: a day that does not exist, or not written YYYY-MM-DD."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        return f"{value!r} is not a real calendar day", "dates are written YYYY-MM-DD"
    return f"expected a date YYYY-MM-DD, found {shown(value)}", "dates are written YYYY-MM-DD"


def check_field(spec: FieldSpec, value: Any, states: frozenset[str] = STANDARD_STATES) -> Checked:
    """The value in its runtime form when it fits the field, else the problem (SV205; SV104 for a date, SV206 for an unknown state).

    Dates become ISO strings, which compare in calendar order. A state must be in ``states``;
    integers must fit in 64 bits and numbers be finite, as the engine holds them.
    """
    kind = spec.type
    if kind == "state":
        if type(value) is not str or not _STATE.fullmatch(value):
            return Checked(None, "SV205", f"expected a state code (ISO 3166-1 alpha-3, such as KAZ), found {shown(value)}")
        if value not in states:
            return Checked(None, "SV206", *unknown_state(value, states))
        return Checked(value)
    if kind == "date":
        day = parse_date(value)
        if day is None:
            return Checked(None, "SV104", *_bad_date(value))
        return Checked(day.isoformat())
    if kind == "boolean":
        if isinstance(value, bool):
            return Checked(value)
        return Checked(None, "SV205", f"expected true or false, found {shown(value)}")
    if kind in ("integer", "number"):
        return _number(kind, value)
    if kind == "id" and not (isinstance(value, str) and _ID.fullmatch(value)):
        return Checked(None, "SV205", f"expected an identifier (letters, digits, '_', '-', '.'), found {shown(value)}")
    if not isinstance(value, str):
        return Checked(None, "SV205", f"expected text, found {shown(value)}")
    if spec.values is not None and value not in spec.values:
        return Checked(None, "SV205", f"{shown(value)} is not an accepted value ({one_of(spec.values)})")
    return Checked(value)


def _number(kind: str, value: Any) -> Checked:
    """An integer within signed 64 bits; for a number, such an integer or a finite float."""
    if isinstance(value, int) and not isinstance(value, bool):
        if INT_MIN <= value <= INT_MAX:
            return Checked(value)
        return Checked(None, "SV205", f"{shown(value)} does not fit in 64 bits: whole numbers lie between {INT_MIN:,} and {INT_MAX:,}")
    if kind == "number" and isinstance(value, float):
        if math.isfinite(value):
            return Checked(value)
        return Checked(None, "SV205", f"expected a finite number, found {shown(value)}")
    return Checked(None, "SV205", f"expected {'a whole number' if kind == 'integer' else 'a number'}, found {shown(value)}")


def check_value(spec: FieldSpec, value: Any, states: frozenset[str] = STANDARD_STATES) -> tuple[Any, str]:
    """Return (value in its runtime form, "") when it fits the field, else (None, problem); see ``check_field``."""
    checked = check_field(spec, value, states)
    return checked.value, checked.problem


def parse_event(raw: Any, vocabulary: Vocabulary, locate: Locate, key: tuple[str | int, ...],
                states: frozenset[str] = STANDARD_STATES) -> tuple[Event | None, list[Diagnostic]]:
    """Validate one raw event mapping; return the event or the located problems. Its states must be in ``states``."""
    problems: list[Diagnostic] = []
    if not isinstance(raw, dict):
        return None, [locate(key, "SV103", f"an event must be a mapping, found {type(raw).__name__}", "")]
    for name in COMMON_FIELDS:
        if name not in raw:
            problems.append(locate(key, "SV102", f"event is missing '{name}'", ""))
    if problems:
        return None, problems
    event_id, kind = raw["id"], raw["kind"]
    if not _event_id(event_id):
        problems.append(locate(key + ("id",), "SV103", f"event id must be an identifier, found {shown(event_id)}", ""))
    day = parse_date(raw["date"])
    if day is None:
        problems.append(locate(key + ("date",), "SV104", *_bad_date(raw["date"])))
    spec: KindSpec | None = vocabulary.kinds.get(kind) if isinstance(kind, str) else None
    if spec is None:
        problems.append(locate(key + ("kind",), "SV201", f"unknown event kind {shown(kind)}",
                               (did_you_mean(kind, vocabulary.kinds) if isinstance(kind, str) else "") or one_of(vocabulary.kinds)))
        return None, problems
    fields: dict[str, Any] = {}
    for name, value in raw.items():
        if name in COMMON_FIELDS:
            continue
        if name in OPTIONAL_COMMON:
            if not isinstance(value, str):
                problems.append(locate(key + (name,), "SV103", f"'{name}' must be text", ""))
            continue
        fspec = spec.fields.get(name)
        if fspec is None:
            allowed = list(spec.fields) + list(OPTIONAL_COMMON)
            problems.append(locate(key + (name,), "SV202", f"event kind '{kind}' has no field '{name}'",
                                   did_you_mean(str(name), allowed) or one_of(allowed)))
            continue
        checked = check_field(fspec, value, states)
        if checked.code:
            problems.append(locate(key + (name,), checked.code, f"field '{name}': {checked.problem}", checked.hint))
        else:
            fields[name] = checked.value
    for name, fspec in spec.fields.items():
        if fspec.required and name not in raw:
            problems.append(locate(key, "SV211", f"event of kind '{kind}' is missing required field '{name}'", ""))
    if problems or day is None:
        return None, problems
    return Event(str(event_id), day.toordinal(), kind, fields,
                 str(raw.get("source", "")), str(raw.get("note", ""))), []


def _event_id(value: Any) -> bool:
    """An identifier, as text or as a whole number of at most 64 bits (a scenario may write ``id: 7``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= INT_MAX
    return isinstance(value, str) and _ID.fullmatch(value) is not None


class EventParser:
    """Validates raw events fast: a per-kind check for the common, valid case.

    Any event the fast check does not accept goes through ``parse_event``, which
    explains every problem; both accept exactly the same events.
    """

    def __init__(self, vocabulary: Vocabulary, states: frozenset[str] = STANDARD_STATES) -> None:
        """``states``: the codes events may name (``RuleSet.states``, or a scenario's ``LoadedScenario.states``)."""
        self.vocabulary = vocabulary
        self.states = frozenset(s for s in states if type(s) is str and _STATE.fullmatch(s))  # as parse_event reads them
        self.kinds: dict[str, _KindCheck] = {}
        for name, spec in vocabulary.kinds.items():
            self.kinds[name] = _KindCheck(
                allowed=frozenset(spec.fields) | _ENVELOPE,
                required=frozenset(f for f, fs in spec.fields.items() if fs.required) | frozenset(COMMON_FIELDS),
                states=tuple(f for f, fs in spec.fields.items() if fs.type == "state"),
                texts=tuple((f, frozenset(fs.values) if fs.values is not None else None) for f, fs in spec.fields.items() if fs.type == "text"),
                others=tuple((f, fs) for f, fs in spec.fields.items() if fs.type not in ("state", "text")),
            )
        # The last date text parsed and its day: no date has been read until a real one is (never a sentinel
        # that some input could equal, such as "" or null).
        self._last_text: str | None = None
        self._last_day = 0

    def parse(self, raw: Any, locate: Locate, key: tuple[str | int, ...]) -> tuple[Event | None, list[Diagnostic]]:
        """The event, or the located problems that prevent it."""
        event = self.fast(raw)
        return (event, []) if event is not None else parse_event(raw, self.vocabulary, locate, key, self.states)

    def _day(self, text: Any) -> int | None:
        if type(text) is not str:
            return None
        if text == self._last_text:
            return self._last_day
        day = parse_date(text)
        if day is None:
            return None
        self._last_text, self._last_day = text, day.toordinal()
        return self._last_day

    def fast(self, raw: Any) -> Event | None:
        """The event when ``raw`` is a valid event, else None (``parse`` then explains why)."""
        if type(raw) is not dict:
            return None
        kind = raw.get("kind")
        if type(kind) is not str:
            return None
        check = self.kinds.get(kind)
        if check is None:
            return None
        keys = raw.keys()
        if not (check.required <= keys and keys <= check.allowed):
            return None
        event_id, day = raw["id"], self._day(raw["date"])
        if day is None or type(event_id) is not str or not _ID.fullmatch(event_id):
            return None
        fields = {k: v for k, v in raw.items() if k not in _ENVELOPE}
        states = self.states
        for name in check.states:
            if name in fields:
                value = fields[name]
                if type(value) is not str or value not in states:  # the type first: a list or mapping is unhashable
                    return None
        for name, values in check.texts:
            if name in fields:
                value = fields[name]
                if type(value) is not str or (values is not None and value not in values):
                    return None
        for name, spec in check.others:
            if name in fields:
                converted, problem = check_value(spec, fields[name])
                if problem:
                    return None
                fields[name] = converted
        source, note = raw.get("source", ""), raw.get("note", "")
        if type(source) is not str or type(note) is not str:
            return None
        return Event(event_id, day, kind, fields, source, note)


class _KindCheck(NamedTuple):
    allowed: frozenset[str]
    required: frozenset[str]
    states: tuple[str, ...]
    texts: tuple[tuple[str, frozenset[str] | None], ...]
    others: tuple[tuple[str, FieldSpec], ...]


_ENVELOPE = frozenset(COMMON_FIELDS) | frozenset(OPTIONAL_COMMON)
