"""Events as the runtime sees them, and their validation against the vocabulary."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .diagnostics import Diagnostic, did_you_mean, one_of
from .model import FieldSpec, KindSpec, Vocabulary

COMMON_FIELDS = ("id", "date", "kind")
OPTIONAL_COMMON = ("source", "note")
_STATE = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")

Locate = Callable[[tuple[str | int, ...], str, str, str], Diagnostic]


@dataclass(frozen=True)
class Event:
    """A validated event: its id, day (proleptic ordinal), kind and typed fields."""

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

    def to_json(self) -> dict[str, Any]:
        """Stable JSON form, as written in a scenario or feed."""
        out: dict[str, Any] = {"id": self.id, "date": self.date.isoformat(), "kind": self.kind}
        out.update(sorted(self.fields.items()))
        if self.source:
            out["source"] = self.source
        if self.note:
            out["note"] = self.note
        return out


def parse_date(value: Any) -> dt.date | None:
    """A date from a ``date`` object or a strict YYYY-MM-DD string, else None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
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
        if isinstance(value, str) and _STATE.match(value):
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
    if kind == "id" and not (isinstance(value, str) and _ID.match(value)):
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
    if not isinstance(event_id, (str, int)) or isinstance(event_id, bool) or not _ID.match(str(event_id)):
        problems.append(locate(key + ("id",), "SV103", f"event id must be an identifier, found {event_id!r}", ""))
    day = parse_date(raw["date"])
    if day is None:
        problems.append(locate(key + ("date",), "SV104", f"expected a date YYYY-MM-DD, found {raw['date']!r}", "a real calendar day"))
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
