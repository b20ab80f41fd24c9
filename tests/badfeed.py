"""A feed of valid events with bad lines of every class mixed in, and the same feed without them.

Used by tests/test_bad_lines.py (a few thousand lines) and bench/bad_lines.py (100,000): the findings
of the two feeds must be equal, and every bad line must get exactly one diagnostic, no good line any.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Callable

STATES = ("KAZ", "KGZ", "RUS", "USA", "CHN", "ARM", "BLR", "TJK")
FIRST_DAY = dt.date(2025, 9, 1).toordinal()
LAST_DAY = dt.date(2026, 12, 31).toordinal()
LONG_LINE = 4096  # the line limit the reader is given, so an over-long line need not weigh a megabyte
MARGIN = 40  # no bad line among the first and last lines: a date is judged against its neighbours


def _pair(rng: random.Random) -> tuple[str, str]:
    actor = rng.choice(("KGZ", "KAZ", "KGZ", "RUS", "USA"))
    return actor, rng.choice([s for s in STATES if s != actor])


def _event(rng: random.Random, number: int, day: int) -> dict[str, object]:
    """One valid event: kinds that make findings (attacks, border closures, bans) and kinds that do not."""
    actor, other = _pair(rng)
    date = dt.date.fromordinal(day).isoformat()
    base: dict[str, object] = {"id": f"feed-{number}", "date": date}
    kind = rng.choice(("armed_attack", "hostile_act", "threat_of_armed_attack", "restrict_border", "lift_border_restriction",
                       "import_ban", "lift_import_ban", "statement", "consultations", "grant_basing", "join_bloc"))
    fields: dict[str, object] = {"actor": actor}
    if kind in ("armed_attack", "hostile_act", "threat_of_armed_attack"):
        fields["target"] = other
        if kind == "hostile_act":
            fields["nature"] = rng.choice(("cyber", "sabotage"))
    elif kind in ("restrict_border", "lift_border_restriction"):
        fields.update(against=other, severity=rng.choice(("closure", "slowdown")))
    elif kind in ("import_ban", "lift_import_ban"):
        fields.update(against=other, goods=rng.choice(("flour", "meat", "fuel")))
        if kind == "import_ban":
            fields.update(ground=rng.choice(("none_declared", "health", "security")), notified=rng.random() < 0.5)
    elif kind == "statement":
        fields.update(text="a statement", about=other)
    elif kind == "consultations":
        fields["partner"] = other
    elif kind == "grant_basing":
        fields["guest"] = other
    else:
        fields["bloc"] = rng.choice(("eastern-pact", "western-league"))
    return {**base, "kind": kind, **fields}


def _line(event: dict[str, object]) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\n"


BadLine = Callable[[random.Random, dict[str, object], int], bytes]


def _with(**changes: object) -> BadLine:
    return lambda rng, good, day: _line({**good, **changes})


def _without(name: str) -> BadLine:
    return lambda rng, good, day: _line({k: v for k, v in good.items() if k != name})


def _dated(offset: Callable[[random.Random], int]) -> BadLine:
    return lambda rng, good, day: _line({**good, "date": dt.date.fromordinal(day + offset(rng)).isoformat()})


def _repeated_key(rng: random.Random, good: dict[str, object], day: int) -> bytes:
    text = _line(good).rstrip(b"}\n")
    return text + b', "actor": "KAZ"}\n'


# class -> how a bad line is made from a good event of the same day (none of them is valid)
BAD: dict[str, BadLine] = {
    "truncated": lambda rng, good, day: _line(good)[: rng.randrange(5, 40)] + b"\n",
    "not-an-object": lambda rng, good, day: b"[1, 2, 3]\n",
    "invalid-utf8": lambda rng, good, day: _line(good).replace(b'"date"', b'"\xff\xfedate"'),
    "unknown-kind": _with(kind="armed_atack"),
    "missing-field": _without("actor"),
    "unknown-field": _with(colour="red"),
    "unknown-state": _with(actor="KKK"),
    "malformed-state": _with(actor="kaz"),
    "list-state": _with(actor=["KAZ"]),
    "object-state": _with(actor={"x": 1}),
    "impossible-date": _with(date="2026-02-30"),
    "empty-date": _with(date=""),
    "timestamp-date": _with(date="2026-02-01T00:00:00Z"),
    "huge-integer-id": _with(id=2**70),
    "control-character": _with(note="bell\u0007"),
    "repeated-key": _repeated_key,
    "too-long": lambda rng, good, day: _line({**good, "note": "x" * LONG_LINE}),
    "dated-too-early": _dated(lambda rng: -rng.randrange(30, 300)),
    "dated-too-late": _dated(lambda rng: rng.randrange(30, 300)),
    "repeated-id": lambda rng, good, day: b"",  # filled in by make_feed: an id read a few lines before
}


@dataclass(frozen=True)
class Feeds:
    """The feed with bad lines, the same without them, and where the bad lines stand (1-based) with their class."""

    mixed: bytes
    clean: bytes
    bad: dict[int, str]


def make_feed(lines: int, bad_share: float = 0.01, seed: int = 2026) -> Feeds:
    """``lines`` valid events in date order, with ``bad_share`` of bad lines of every class inserted among them."""
    rng = random.Random(seed)
    per_day = max(1, lines // (LAST_DAY - FIRST_DAY + 1))
    mixed: list[bytes] = []
    clean: list[bytes] = []
    bad: dict[int, str] = {}
    classes = sorted(BAD)
    recent: list[dict[str, object]] = []
    for number in range(lines):
        day = min(LAST_DAY, FIRST_DAY + number // per_day)
        good = _event(rng, number, day)
        if MARGIN < number < lines - MARGIN and rng.random() < bad_share:
            name = classes[len(bad) % len(classes)]
            if name == "repeated-id" and recent:
                line = _line({**_event(rng, number + lines, day), "id": rng.choice(recent)["id"]})
            else:
                line = BAD[name](rng, good, day)
            mixed.append(line)
            bad[len(mixed)] = name
        line = _line(good)
        mixed.append(line)
        clean.append(line)
        recent = (recent + [good])[-5:]
    return Feeds(b"".join(mixed), b"".join(clean), bad)
