"""Stream events from a JSON Lines file: one event object per line, in date order.

Bad lines become located diagnostics and are skipped; every good line is kept,
so one malformed record never costs the others. A line is judged on its own
(JSON, fields, values, a repeated id), and its date against its neighbours: the
reader looks a few lines ahead, so a line dated later than the lines that follow
it is refused alone instead of making every following good line look early.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator, NamedTuple

import orjson

from ..diagnostics import Diagnostic
from ._events import Event, EventParser, Locate
from ._files import limits, open_regular
from ._models import Vocabulary
from ._states import STANDARD_STATES
from ._yaml import CONTROL

DEDUP_DAYS = 31  # a re-delivered event is recognised if it comes back within this many days
LOOKAHEAD = 16  # lines read ahead to tell a line dated too late from lines dated too early
_COLUMN = re.compile(r"column (\d+)")


class _Pending(NamedTuple):
    number: int
    raw: bytes
    event: Event


@dataclass
class FeedReader:
    """Reads one feed; ``problems`` collects the diagnostics of skipped lines, ``rejected`` counts those lines."""

    path: str
    vocabulary: Vocabulary
    problems: list[Diagnostic] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # id -> day, for the last DEDUP_DAYS days
    expiry: deque[tuple[int, str]] = field(default_factory=deque)
    last_day: int | None = None  # the day of the last event accepted
    last_line: int = 0  # the line it stood on
    parser: EventParser | None = None
    taken: frozenset[str] = frozenset()  # ids the scenario's own events already use
    lookahead: int = LOOKAHEAD
    rejected: int = 0  # lines refused, each with at least one diagnostic
    max_line: int | None = None  # bytes per line; None: the limit in force when reading starts
    states: frozenset[str] = STANDARD_STATES  # the codes an event may name (a scenario's: LoadedScenario.states)
    _descents: int = 0  # neighbouring pending lines whose dates go backwards (none: nothing to look ahead for)

    def read(self, stream: IO[bytes]) -> Iterator[Event]:
        """Yield each valid event in order; record a diagnostic for every bad line."""
        pending: deque[_Pending] = deque()
        for number, raw in self._lines(stream):
            event = self._line(number, raw)
            if event is None:
                continue
            if pending and event.day < pending[-1].event.day:
                self._descents += 1
            pending.append(_Pending(number, raw, event))
            if len(pending) > self.lookahead:
                accepted = self._decide(pending)
                if accepted is not None:
                    yield accepted
        while pending:
            accepted = self._decide(pending)
            if accepted is not None:
                yield accepted

    def _lines(self, stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
        """Each non-blank line with its number; a line over the limit is refused (SV003) without being held in memory."""
        cap = self.max_line or limits().line_bytes
        number = 0
        while True:
            raw = stream.readline(cap + 1)
            if not raw:
                return
            number += 1
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as some editors write: not data
                raw = raw[3:]
            if len(raw) > cap and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):
                    raw = stream.readline(1 << 16)
                    size += len(raw)
                self._refuse(number, 1, "SV003", f"line is {size:,} bytes; the limit is {cap:,}",
                             "split the record, or raise the limit with --max-line-bytes")
                continue
            if raw.strip(b" \t\r\n"):  # JSON's whitespace only: a line of form feeds is not blank
                yield number, raw

    def _problem(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Diagnostic(self.path, line, col, code, message, hint))

    def _refuse(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self._problem(line, col, code, message, hint)
        self.rejected += 1

    def _bad_json(self, number: int, raw: bytes, exc: orjson.JSONDecodeError) -> None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            self._refuse(number, bad.start + 1, "SV002", f"byte 0x{raw[bad.start]:02x} is not valid UTF-8", "save the file as UTF-8")
            return
        text = raw.rstrip(b"\r\n")
        found = _COLUMN.search(str(exc))
        col = int(found.group(1)) if found else 1
        if exc.lineno > 1 or col > len(text):  # past the end of the line: the record is cut short
            col = len(text) + 1
        self._refuse(number, col, "SV004", f"not a JSON object: {exc.msg}")

    def _line(self, number: int, raw: bytes) -> Event | None:
        """The line's event when the line is valid on its own (its date order is judged later), else None."""
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            self._bad_json(number, raw, exc)
            return None
        if type(data) is dict and not self._plain(number, raw, data):
            return None
        if self.parser is None:
            self.parser = EventParser(self.vocabulary, states=self.states)
        event = self.parser.fast(data)
        if event is None:
            event, found_problems = self.parser.parse(data, self._locator(number, raw), ())
            if event is None:
                self.problems.extend(found_problems)
                self.rejected += 1
                return None
        return event

    def _plain(self, number: int, raw: bytes, data: dict[str, Any]) -> bool:
        """False (with a diagnostic) when the object repeats a key or its text holds a control character.

        Both are rare, and the raw bytes tell cheaply when a line cannot have them.
        """
        if raw.count(b'":') != len(data):  # each key is followed by '":' unless spaced, nested or repeated
            repeated = _repeated_key(raw)
            if repeated is not None:
                self._refuse(number, repeated[1], "SV005", f"duplicate key '{repeated[0]}'", "remove or rename one of them")
                return False
        if b"\\" in raw or b"\x7f" in raw or b"\xc2" in raw:  # a line without these bytes cannot hold a control character
            for name, value in data.items():
                control = CONTROL.search(value) if isinstance(value, str) else None
                if control:
                    self._refuse(number, column(raw, name), "SV205",
                                 f"field '{name}': text holds the control character U+{ord(control.group()):04X}", "remove it")
                    return False
        return True

    def _decide(self, pending: deque[_Pending]) -> Event | None:
        """Accept or refuse the oldest pending line, judging its date against the last accepted and the lines after it."""
        number, raw, event = pending.popleft()
        unsorted = self._descents > 0
        if pending and pending[0].event.day < event.day:
            self._descents -= 1
        if self.last_day is not None and event.day < self.last_day:
            self._refuse(number, column(raw, "date"), "SV210", f"event '{event.id}' ({event.date}) is earlier than the last "
                         f"event read (line {self.last_line}, {dt.date.fromordinal(self.last_day)})", "feeds must be sorted by date")
            return None
        floor = self.last_day if self.last_day is not None else 0
        after = [p for p in pending if p.event.day >= floor] if unsorted else []  # the lines after it that can still be in order
        earlier = [p for p in after if p.event.day < event.day]
        if len(earlier) >= 2 and 2 * len(earlier) > len(after):  # one line against one: the first read stands
            first = earlier[0]
            self._refuse(number, column(raw, "date"), "SV210", f"event '{event.id}' ({event.date}) is later than "
                         f"{len(earlier)} of the {len(after)} lines that follow it (line {first.number}, {first.event.date})",
                         "feeds must be sorted by date")
            return None
        if event.id in self.seen:
            self._refuse(number, column(raw, "id"), "SV209", f"event id '{event.id}' was already read", "each event is counted once")
            return None
        if event.id in self.taken:
            self._refuse(number, column(raw, "id"), "SV209", f"event id '{event.id}' is already used by an event of the scenario",
                         "each event is counted once: give the feed's event another id")
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


def _repeated_key(raw: bytes) -> tuple[str, int] | None:
    """The first key an object repeats at its top level, with the 1-based column of the repeat, or None."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in items]
        if len(set(names)) != len(names) and not found:
            found.append(next(name for i, name in enumerate(names) if name in names[:i]))
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except ValueError:
        return None
    if not found:
        return None
    text = raw.decode("utf-8", errors="replace")
    marks = [m.start() + 1 for m in re.finditer(r'"' + re.escape(found[0]) + r'"\s*:', text)]
    return found[0], marks[1] if len(marks) > 1 else 1


def column(raw: bytes, name: str) -> int:
    """The 1-based column of the value of key ``name`` in one JSON line, or 1 when it cannot be found.

    Only lines with a problem are searched, so the feed's fast path pays nothing for it.
    """
    text = raw.decode("utf-8", errors="replace")
    found = re.search(r'"' + re.escape(name) + r'"\s*:\s*', text)
    return found.end() + 1 if found else 1


def open_feed(path: Path) -> IO[bytes]:
    """Open a feed for reading bytes: a regular file, or a DiagnosticError (SV001, SV008)."""
    return open_regular(path)
