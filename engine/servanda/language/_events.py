"""Events as the runtime sees them, and their validation against the vocabulary."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping, NamedTuple

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ._models import FieldSpec, KindSpec, Vocabulary

COMMON_FIELDS = ("id", "date", "kind")
OPTIONAL_COMMON = ("source", "note")
_STATE = re.compile(r"[A-Z]{3}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", re.ASCII)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
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


def check_value(spec: FieldSpec, value: Any) -> tuple[Any, str]:
    """Return (value in its runtime form, "") when it fits the field, else (None, problem).

    Dates become ISO strings, which compare in calendar order.
    """
    kind = spec.type
    if kind == "state":
        if isinstance(value, str) and _STATE.fullmatch(value):
            return value, ""
        return None, f"expected a state code (ISO 3166-1 alpha-3, such as KAZ), found {value!r}"
    if kind == "date":
        day = parse_date(value)
        if day is None:
            return None, f"expected a date YYYY-MM-DD, found {value!r}"
        return day.isoformat(), ""
    if kind == "boolean":
        if isinstance(value, bool):
            return value, ""
        return None, f"expected true or false, found {value!r}"
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value, ""
        return None, f"expected a whole number, found {value!r}"
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value, ""
        return None, f"expected a number, found {value!r}"
    if kind == "id" and not (isinstance(value, str) and _ID.fullmatch(value)):
        return None, f"expected an identifier (letters, digits, '_', '-', '.'), found {value!r}"
    if not isinstance(value, str):
        return None, f"expected text, found {value!r}"
    if spec.values is not None and value not in spec.values:
        return None, f"{value!r} is not an accepted value ({one_of(spec.values)})"
    return value, ""


def parse_event(raw: Any, vocabulary: Vocabulary, locate: Locate, key: tuple[str | int, ...]) -> tuple[Event | None, list[Diagnostic]]:
    """Validate one raw event mapping; return the event or the located problems."""
    problems: list[Diagnostic] = []
    if not isinstance(raw, dict):
        return None, [locate(key, "SV103", f"an event must be a mapping, found {type(raw).__name__}", "")]
    for name in COMMON_FIELDS:
        if name not in raw:
            problems.append(locate(key, "SV102", f"event is missing '{name}'", ""))
    if problems:
        return None, problems
    event_id, kind = raw["id"], raw["kind"]
    if not isinstance(event_id, (str, int)) or isinstance(event_id, bool) or not _ID.fullmatch(str(event_id)):
        problems.append(locate(key + ("id",), "SV103", f"event id must be an identifier, found {event_id!r}", ""))
    day = parse_date(raw["date"])
    if day is None:
        written = isinstance(raw["date"], str) and _DATE.fullmatch(raw["date"]) is not None
        message = f"{raw['date']!r} is not a real calendar day" if written else f"expected a date YYYY-MM-DD, found {raw['date']!r}"
        problems.append(locate(key + ("date",), "SV104", message, "dates are written YYYY-MM-DD"))
    spec: KindSpec | None = vocabulary.kinds.get(kind) if isinstance(kind, str) else None
    if spec is None:
        problems.append(locate(key + ("kind",), "SV201", f"unknown event kind {kind!r}",
                               did_you_mean(str(kind), vocabulary.kinds) or one_of(vocabulary.kinds)))
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
                                   did_you_mean(name, allowed) or one_of(allowed)))
            continue
        converted, problem = check_value(fspec, value)
        if problem:
            problems.append(locate(key + (name,), "SV205", f"field '{name}': {problem}", ""))
        else:
            fields[name] = converted
    for name, fspec in spec.fields.items():
        if fspec.required and name not in raw:
            problems.append(locate(key, "SV211", f"event of kind '{kind}' is missing required field '{name}'", ""))
    if problems or day is None:
        return None, problems
    return Event(str(event_id), day.toordinal(), kind, fields,
                 str(raw.get("source", "")), str(raw.get("note", ""))), []


class EventParser:
    """Validates raw events fast: a per-kind check for the common, valid case.

    Any event the fast check does not accept goes through ``parse_event``, which
    explains every problem; both accept exactly the same events.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.kinds: dict[str, _KindCheck] = {}
        for name, spec in vocabulary.kinds.items():
            self.kinds[name] = _KindCheck(
                allowed=frozenset(spec.fields) | _ENVELOPE,
                required=frozenset(f for f, fs in spec.fields.items() if fs.required) | frozenset(COMMON_FIELDS),
                states=tuple(f for f, fs in spec.fields.items() if fs.type == "state"),
                texts=tuple((f, frozenset(fs.values) if fs.values is not None else None) for f, fs in spec.fields.items() if fs.type == "text"),
                others=tuple((f, fs) for f, fs in spec.fields.items() if fs.type not in ("state", "text")),
            )
        self._codes: set[str] = set()  # state codes already seen to be well-formed
        self._last_date: tuple[str, int] = ("", 0)

    def parse(self, raw: Any, locate: Locate, key: tuple[str | int, ...]) -> tuple[Event | None, list[Diagnostic]]:
        """The event, or the located problems that prevent it."""
        event = self.fast(raw)
        return (event, []) if event is not None else parse_event(raw, self.vocabulary, locate, key)

    def _day(self, text: Any) -> int | None:
        if text == self._last_date[0]:
            return self._last_date[1]
        day = parse_date(text) if isinstance(text, str) else None
        if day is None:
            return None
        self._last_date = (text, day.toordinal())
        return self._last_date[1]

    def _state(self, value: Any) -> bool:
        if value in self._codes:
            return True
        if type(value) is str and _STATE.fullmatch(value):
            self._codes.add(value)
            return True
        return False

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
        for name in check.states:
            if name in fields and not self._state(fields[name]):
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
