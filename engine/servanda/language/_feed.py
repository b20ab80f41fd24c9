"""Stream events from a JSON Lines file: one event object per line, in date order.

Bad lines become located diagnostics and are skipped; every good line is kept,
so one malformed record never costs the others.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

import orjson

from ..diagnostics import Diagnostic
from ._events import Event, EventParser, Locate
from ._models import Vocabulary

MAX_LINE = 1 << 20
DEDUP_DAYS = 31  # a re-delivered event is recognised if it comes back within this many days
_COLUMN = re.compile(r"column (\d+)")


@dataclass
class FeedReader:
    """Reads one feed; ``problems`` collects the diagnostics of skipped lines."""

    path: str
    vocabulary: Vocabulary
    problems: list[Diagnostic] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # id -> day, for the last DEDUP_DAYS days
    expiry: deque[tuple[int, str]] = field(default_factory=deque)
    last_day: int | None = None  # the day of the last event read
    last_line: int = 0  # the line it stood on
    parser: EventParser | None = None
    taken: frozenset[str] = frozenset()  # ids the scenario's own events already use


    def read(self, stream: IO[bytes]) -> Iterator[Event]:
        """Yield each valid event in order; record a diagnostic for every bad line."""
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            event = self._line(number, raw)
            if event is not None:
                yield event

    def _problem(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Diagnostic(self.path, line, col, code, message, hint))

    def _bad_json(self, number: int, raw: bytes, exc: orjson.JSONDecodeError) -> None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            self._problem(number, bad.start + 1, "SV002", f"byte 0x{raw[bad.start]:02x} is not valid UTF-8", "save the file as UTF-8")
            return
        text = raw.rstrip(b"\r\n")
        found = _COLUMN.search(str(exc))
        col = int(found.group(1)) if found else 1
        if exc.lineno > 1 or col > len(text):  # past the end of the line: the record is cut short
            col = len(text) + 1
        self._problem(number, col, "SV004", f"not a JSON object: {exc.msg}")

    def _line(self, number: int, raw: bytes) -> Event | None:
        if len(raw) > MAX_LINE:
            self._problem(number, 1, "SV003", f"line is {len(raw):,} bytes; the limit is {MAX_LINE:,}")
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            self._bad_json(number, raw, exc)
            return None

        if self.parser is None:
            self.parser = EventParser(self.vocabulary)
        event = self.parser.fast(data)
        if event is None:
            event, found_problems = self.parser.parse(data, self._locator(number, raw), ())
            if event is None:
                self.problems.extend(found_problems)
                return None
        if event.id in self.seen:
            self._problem(number, column(raw, "id"), "SV209", f"event id '{event.id}' was already read", "each event is counted once")
            return None
        if event.id in self.taken:
            self._problem(number, column(raw, "id"), "SV209", f"event id '{event.id}' is already used by an event of the scenario",
                          "each event is counted once: give the feed's event another id")
            return None
        if self.last_day is not None and event.day < self.last_day:
            self._problem(number, column(raw, "date"), "SV210", f"event '{event.id}' ({event.date}) is earlier than the last "
                          f"event read (line {self.last_line}, {dt.date.fromordinal(self.last_day)})", "feeds must be sorted by date")
            return None
        if event.day != self.last_day:
            self.last_day = event.day
            expiry, oldest = self.expiry, event.day - DEDUP_DAYS
            while expiry and expiry[0][0] < oldest:
                self.seen.pop(expiry.popleft()[1], None)
        self.seen[event.id] = event.day
        self.expiry.append((event.day, event.id))
        self.last_line = number
        return event

    def _locator(self, number: int, raw: bytes) -> Locate:
        def locate(key: tuple[str | int, ...], code: str, message: str, hint: str) -> Diagnostic:
            name = key[-1] if key and isinstance(key[-1], str) else None
            return Diagnostic(self.path, number, column(raw, name) if name else 1, code, message, hint)
        return locate


def column(raw: bytes, name: str) -> int:
    """The 1-based column of the value of key ``name`` in one JSON line, or 1 when it cannot be found.

    Only lines with a problem are searched, so the feed's fast path pays nothing for it.
    """
    text = raw.decode("utf-8", errors="replace")
    found = re.search(r'"' + re.escape(name) + r'"\s*:\s*', text)
    return found.end() + 1 if found else 1


def open_feed(path: Path) -> IO[bytes]:
    """Open a feed for reading bytes."""
    return path.open("rb")
