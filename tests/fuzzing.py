"""The fuzz suite's machinery: a corpus of the shipped inputs, hypothesis strategies that damage them, a fork
server that runs the real command line on each damaged input in a child process with a time limit, the
checks every run must pass, and a ledger of what ran and what failed.

Each generated ``Case`` is a set of files written into a fresh folder (always with a copy of ``rules/``), an
argv for ``servanda``, and ``must_refuse``: true when the mutation is known to make the input invalid, so
that anything but exit 2 is a malformed input accepted. The checks (``problems``) are those of issue 8:
exit code in {0, 1, 2}; no traceback; at exit 2 standard error holds only located diagnostics whose file
and line exist, and the closing count; no hang.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TREATIES = sorted((ROOT / "rules").glob("*/treaty.yaml"))
VOCABULARY = ROOT / "rules" / "vocabulary.yaml"
NOBODY = 65534  # the uid a run that must not read a mode-000 file takes when the suite runs as root
MEMORY_LIMIT = 3 << 30  # bytes of address space per run: an unbounded read fails instead of eating the machine

# ---------------------------------------------------------------------------------------------------------
# The corpus


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


VOCAB = _load(VOCABULARY)
STATE_FIELDS = {name for spec in VOCAB["kinds"].values() for name, f in spec["fields"].items() if f["type"] == "state"}
STATE_FIELDS |= {name for spec in VOCAB["relations"].values() for name, f in spec["fields"].items() if f["type"] == "state"}
STATE_FIELDS |= {"party", "protected", "state", "parties"}
KNOWN_STATES = {line.split()[0] for line in (ROOT / "engine/servanda/language/iso3166.txt").read_text().splitlines()
                if re.match(r"^[A-Z]{3}\b", line)}
USER_ASSIGNED = re.compile(r"AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z]")


def known_state(code: object) -> bool:
    """Whether ``code`` is a state servanda knows without being told (ISO 3166 or user-assigned)."""
    return isinstance(code, str) and (code in KNOWN_STATES or USER_ASSIGNED.fullmatch(code) is not None)


def _clauses() -> list[str]:
    found = []
    for path in TREATIES:
        treaty = _load(path)
        found += [f"{treaty['treaty']}/{clause['id']}" for clause in treaty["clauses"]]
    return found


CLAUSES = _clauses()


def _feed_lines() -> tuple[str, list[dict[str, Any]]]:
    """A scenario and a valid feed for it: the events of the scenarios that share its as-of year, renamed, by date."""
    base = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
    as_of = _load(base)["as_of"]
    events = []
    for path in SCENARIOS:
        data = _load(path)
        for event in data.get("events") or []:
            if as_of.year == event["date"].year and event["date"] <= as_of and path != base:
                line = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in event.items()}
                line["id"] = f"f-{path.stem[:20]}-{event['id']}"
                if all(isinstance(v, str) and (k not in STATE_FIELDS or v in KNOWN_STATES) for k, v in line.items()):
                    events.append(line)
    events.sort(key=lambda e: (e["date"], e["id"]))
    return base.name, events[:40]


FEED_SCENARIO, FEED = _feed_lines()
FEED_TEXT = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in FEED).encode()

# ---------------------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    """One input for the command line: files to write (relative to a fresh folder), the argv, and what it must do."""

    family: str
    kind: str  # the mutation's class, for grouping failures
    label: str  # the mutation in detail
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    must_refuse: bool = False
    env: dict[str, str] = field(default_factory=dict)
    setup: str = ""  # a named special file to create: fifo, loop, unreadable
    timeout: float = 15.0

    def command(self) -> str:
        """The command and its output form, for counting: 'check --format json', 'timeline --out .png' …"""
        words = [w for w in self.argv if not w.startswith("--max-")]
        name = next((w for w in words if w in COMMANDS), words[0] if words else "")
        extra = []
        for option in ("--format", "--out", "--events", "--variants", "--counterfactuals", "--why-not", "--coverage"):
            if option in words:
                i = words.index(option)
                value = words[i + 1] if i + 1 < len(words) and option in ("--format", "--out") else ""
                if option == "--format" and value not in ("text", "json", "markdown"):
                    value = "<bad>"
                extra.append(option + (" " + (Path(value).suffix or "<none>") if option == "--out" else " " + value if value else ""))
        return " ".join([name, *extra]).strip()


COMMANDS = ("check", "test", "lint", "timeline", "explain", "diff", "schema")
SCENARIO_COMMANDS: list[tuple[list[str], float]] = [
    (["check", "{S}"], 10), (["check", "{S}", "--format", "json"], 10), (["check", "{S}", "--format", "markdown"], 10),
    (["check", "{S}", "--variants"], 10), (["check", "{S}", "--events", "feed.jsonl"], 10),
    (["check", "scen"], 10), (["check", "{S}", "--format", "markdown", "--out", "report.md"], 30),
    (["test", "{S}"], 10), (["test", "{S}", "--coverage"], 10),
    (["timeline", "{S}"], 10), (["timeline", "{S}", "--format", "json"], 10),
    (["timeline", "{S}", "--out", "t.svg"], 30), (["timeline", "{S}", "--out", "t.png"], 30),
    (["explain", "{S}", "--counterfactuals"], 20), (["explain", "{S}", "--why-not", "{C}"], 20),
    (["explain", "{S}", "--why-not", "{C}", "--format", "json"], 20),
    (["diff", "{S}"], 15), (["diff", "{S}", "--format", "markdown"], 15),
]
RULES_COMMANDS: list[tuple[list[str], float]] = [
    (["lint", "rules"], 10), (["lint", "rules", "--format", "json"], 10),
    (["check", "{S}", "--rules", "rules"], 10), (["check", "{S}", "--format", "json"], 10),
    (["test", "{S}", "--rules", "rules"], 10), (["timeline", "{S}", "--out", "t.svg"], 30),
    (["explain", "{S}", "--why-not", "{C}"], 20), (["diff", "{S}"], 15),
]
FEED_COMMANDS: list[tuple[list[str], float]] = [
    (["check", "{S}", "--events", "feed.jsonl"], 10), (["check", "{S}", "--events", "feed.jsonl", "--format", "json"], 10),
    (["check", "{S}", "--events", "feed.jsonl", "--format", "markdown"], 10),
]


def _argv(template: list[str], scenario: str, clause: str) -> list[str]:
    return [w.replace("{S}", scenario).replace("{C}", clause) for w in template]


# ---------------------------------------------------------------------------------------------------------
# Mutations of YAML data: a path into the parsed document, and what to put there

Path_ = tuple[Any, ...]
KEY = object()  # marks a path to a mapping's key rather than its value


def nodes(data: Any, path: Path_ = ()) -> list[Path_]:
    """Every path into ``data`` (values, and mapping keys as ``(..., key, KEY)``), the root included."""
    found = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            found.append(path + (k, KEY))
            found += nodes(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += nodes(v, path + (i,))
    return found


def get(data: Any, path: Path_) -> Any:
    for step in path:
        if step is KEY:
            return path[-2]
        data = data[step]
    return data


def put(data: Any, path: Path_, value: Any) -> Any:
    """``data`` with the node at ``path`` replaced (a key renamed, order kept); the root may be replaced."""
    if not path:
        return value
    if path[-1] is KEY:
        parent = get(data, path[:-2])
        items = [((value if k == path[-2] else k), v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
        return data
    get(data, path[:-1])[path[-1]] = value
    return data


def _is_date(value: Any) -> bool:
    return isinstance(value, datetime.date)


def _is_state(path: Path_, value: Any) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    return known_state(value) and bool(keys) and (
        keys[-1] in STATE_FIELDS or (path[-1] is KEY and known_state(keys[-1]) and "states" in keys))


def _declares(path: Path_) -> bool:
    """A state code written here declares the state (world.states keys, treaty parties and members)."""
    keys = [p for p in path if isinstance(p, str)]
    return "states" in keys or "parties" in keys or "members" in keys


REQUIRED = {  # (file kind, the key that holds the mapping or '' for the top) -> required keys
    ("scenario", ""): ["scenario", "title", "as_of"], ("scenario", "events"): ["id", "date", "kind"],
    ("scenario", "facts"): ["relation", "fields"], ("scenario", "assume"): ["treaty", "note"],
    ("treaty", ""): ["treaty", "titles", "kind", "signed", "in_force", "sources", "clauses"],
    ("treaty", "clauses"): ["id", "article", "title", "text"], ("treaty", "rules"): ["id", "grade", "summary", "explanation"],
    ("treaty", "sources"): ["id", "address", "provenance"], ("treaty", "text"): ["lang", "text", "provenance", "source"],
    ("scenario", "findings"): ["treaty", "clause"],
    ("vocabulary", ""): ["vocabulary", "relations", "kinds"], ("vocabulary", "fields"): ["type"],
    ("vocabulary", "kinds"): ["description", "fields"], ("vocabulary", "relations"): ["description", "fields"],
}
NEST_TOKEN = "FUZZNESTTOKEN"
MALFORMED_DATES = [0, 1767139200, "1767139200", "2026-02-30", "2026-13-01", "2025-02-29", "0000-01-01", "",
                   "2026-02-01T00:00:00Z", "26-02-01", "2026-2-1", datetime.datetime(2026, 2, 1, 0, 0),
                   "2026-02-01 12:00", "01.02.2026", 20260201, 1.5, True]
EXTREME_DATES = [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(2024, 2, 29),
                 datetime.date(1970, 1, 1), datetime.date(1, 12, 31), datetime.date(9999, 1, 1)]
BAD_CODES = ["kaz", "Kaz", "KZ", "KAZA", "K1Z", "", "KKK", "ABC", "ÄÖÜ", "kkk"]
SWAPS: list[Any] = [None, True, 0, -1, 1.5, float("nan"), float("inf"), 2**63, 2**70, -(2**64), "1", "", "text",
                    [], {}, ["KAZ"], {"x": 1}, [[1, 2], {"a": None}]]


@st.composite
def yaml_mutation(draw: st.DrawFn, data: Any, kind: str) -> tuple[Any, str, str, bool, str]:
    """A structural mutation of a parsed YAML file: (new data, class, label, must_refuse, nesting text or '')."""
    data = copy.deepcopy(data)
    paths = nodes(data)
    values = [p for p in paths if p and p[-1] is not KEY]
    op = draw(st.sampled_from(["swap", "date", "state", "required", "unknown-key", "kind", "nest", "huge", "many-keys",
                               "duplicate-item", "delete-item", "int", "escaped-control"]))
    if op == "date":
        targets = [p for p in values if _is_date(get(data, p))]
        if targets:
            path = draw(st.sampled_from(targets))
            if draw(st.booleans()):
                value = draw(st.sampled_from(MALFORMED_DATES))
                return put(data, path, value), "malformed date", f"{_show(path)} = {value!r}", True, ""
            value = draw(st.sampled_from(EXTREME_DATES))
            return put(data, path, value), "extreme date", f"{_show(path)} = {value}", False, ""
    if op == "state":
        targets = [p for p in paths if p and _is_state(p, get(data, p))]
        if targets:
            path = draw(st.sampled_from(targets))
            value = draw(st.sampled_from(BAD_CODES))
            refuse = not (value in ("KKK", "ABC") and _declares(path))
            return put(data, path, value), "bad state code", f"{_show(path)} = {value!r}", refuse, ""
    if op == "required":
        options = []
        for p in [(), *values]:
            node = get(data, p)
            holder = p[-2] if len(p) >= 2 and isinstance(p[-2], str) else ""
            for key in REQUIRED.get((kind, holder if p else ""), []) if isinstance(node, dict) else []:
                if key in node:
                    options.append((p, key))
        if options:
            p, key = draw(st.sampled_from(options))
            del get(data, p)[key]
            return data, "required key deleted", f"{_show(p + (key,))} deleted", True, ""
    if op == "unknown-key":
        targets = [p for p in [(), *values] if isinstance(get(data, p), dict) and (not p or p[-1] not in ("titles",))]
        path = draw(st.sampled_from(targets))
        get(data, path)["zz_unknown_key"] = 1
        return data, "unknown key", f"{_show(path)}.zz_unknown_key added", True, ""
    if op == "kind":
        targets = [p for p in values if p[-1] == "kind" and isinstance(get(data, p), str)]
        if targets:
            path = draw(st.sampled_from(targets))
            return put(data, path, "zz_unknown_kind"), "unknown kind", f"{_show(path)} = zz_unknown_kind", True, ""
    if op == "int":
        targets = [p for p in values if type(get(data, p)) is int]
        if targets:
            path = draw(st.sampled_from(targets))
            value = draw(st.sampled_from([2**63, 2**70, -(2**63) - 1, 10**40, float("nan"), float("inf")]))
            return put(data, path, value), "integer out of range", f"{_show(path)} = {value!r}", True, ""
    if op == "nest":
        path = draw(st.sampled_from(values or [()]))
        depth = draw(st.sampled_from([3, 50, 99, 101, 150, 1000, 5000, 50000]))
        brackets = draw(st.sampled_from(["[]", "{}", "-"]))
        if brackets == "[]":
            text = "[" * depth + "]" * depth
        elif brackets == "{}":
            text = "{a: " * depth + "1" + "}" * depth
        else:
            text = "[" * depth + "{a: 1}" + "]" * depth
        return put(data, path, NEST_TOKEN), "deep nesting", f"{_show(path)} nested {depth} deep {brackets}", depth > 100, text
    if op == "huge":
        targets = [p for p in values if isinstance(get(data, p), str)]
        if targets:
            path = draw(st.sampled_from(targets))
            size = draw(st.sampled_from([10_000, 200_000, 1 << 20, 3 << 20]))
            char = draw(st.sampled_from(["x", "é", "ж", "🙂", "a b "]))
            value = (char * size)[:size]
            return put(data, path, value), "huge string", f"{_show(path)} = {char!r} × {size}", False, ""
    if op == "escaped-control":
        targets = [p for p in paths if p and isinstance(get(data, p), str)]
        if targets:
            path = draw(st.sampled_from(targets))
            char = draw(st.sampled_from(["\x00", "\x1b", "\x0c", "\x7f", "\x08", "\x85"]))
            old = get(data, path)
            value = old[:len(old) // 2] + char + old[len(old) // 2:]
            refuse = char != "\x85"
            return put(data, path, value), "escaped control character", f"{_show(path)} = {value!r:.60}", refuse, ""
    if op == "many-keys":
        targets = [p for p in [(), *values] if isinstance(get(data, p), dict)]
        path = draw(st.sampled_from(targets))
        count = draw(st.sampled_from([100, 2000, 20000]))
        states = "states" in [s for s in path if isinstance(s, str)][-1:]
        if states:  # user-assigned codes: a valid world with many states
            codes = [f"{a}{b}{c}" for a in "XQ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
            codes = [c for c in codes if c[0] == "X" or c[1] >= "M"][:count]
            get(data, path).update({c: f"State {c}" for c in codes})
            return data, "many states", f"{_show(path)} += {len(codes)} states", False, ""
        get(data, path).update({f"zz_key_{i}": i for i in range(count)})
        return data, "many keys", f"{_show(path)} += {count} keys", True, ""
    if op in ("duplicate-item", "delete-item"):
        targets = [p for p in values if isinstance(get(data, p), list) and get(data, p)]
        if targets:
            path = draw(st.sampled_from(targets))
            items = get(data, path)
            i = draw(st.integers(0, len(items) - 1))
            if op == "delete-item":
                del items[i]
                return data, "list item deleted", f"{_show(path)}[{i}] deleted", False, ""
            items.insert(i, copy.deepcopy(items[i]))
            refuse = kind == "scenario" and path == ("events",)
            return data, "list item duplicated", f"{_show(path)}[{i}] duplicated", refuse, ""
    path = draw(st.sampled_from(values or [()]))
    value = draw(st.sampled_from(SWAPS))
    old = get(data, path)
    if draw(st.booleans()) and not isinstance(old, (dict, list)):
        value = draw(st.sampled_from([[old], {"x": old}, str(old) if not isinstance(old, str) else 7]))
    elif draw(st.booleans()) and isinstance(old, (dict, list)):
        value = draw(st.sampled_from(["text", 1, None, list(old.values()) if isinstance(old, dict) else (old[0] if old else None)]))
    refuse = _is_date(old) and isinstance(value, (list, dict))
    return put(data, path, value), "type swap", f"{_show(path)}: {type(old).__name__} -> {value!r:.40}", refuse, ""


def _show(path: Path_) -> str:
    return ".".join("<key>" if p is KEY else str(p) for p in path) or "<top>"


def dump(data: Any, nest: str = "") -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)
    if nest:
        text = text.replace(NEST_TOKEN, nest, 1)
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# Mutations of bytes: lines, truncation, encodings, control characters

CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f"]
INVALID_BYTES = [b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"\xf8\x88\x80\x80\x80"]
ODD_BREAKS = ["\r", "\r\n", "\x85", "\u2028", "\u2029"]


@st.composite
def byte_mutation(draw: st.DrawFn, raw: bytes, feed: bool = False) -> tuple[bytes, str, str, bool]:
    """A mutation of a file's bytes: (new bytes, class, label, must_refuse)."""
    lines = raw.splitlines(keepends=True)
    op = draw(st.sampled_from(["truncate", "delete-line", "duplicate-line", "swap-lines", "control", "invalid-bytes",
                               "utf16", "latin1", "bom", "odd-breaks", "crlf"]))
    if op == "truncate":
        at = draw(st.integers(0, max(0, len(raw) - 1)))
        inside = feed and raw[at - 1:at] != b"\n" and at > 0 and raw[at:at + 1] not in (b"\n", b"")
        return raw[:at], "truncated", f"cut at byte {at} of {len(raw)}", inside
    if op in ("delete-line", "duplicate-line", "swap-lines") and len(lines) > 1:
        i = draw(st.integers(0, len(lines) - 2))
        if op == "delete-line":
            return b"".join(lines[:i] + lines[i + 1:]), "line deleted", f"line {i + 1} deleted", False
        if op == "duplicate-line":
            refuse = feed and bool(lines[i].strip())
            return b"".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]), "line duplicated", f"line {i + 1} twice", refuse
        swapped = lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2:]
        refuse = feed and _date_of(lines[i]) != _date_of(lines[i + 1])
        return b"".join(swapped), "lines swapped", f"lines {i + 1} and {i + 2} swapped", refuse
    if op == "control":
        at = draw(st.integers(0, len(raw)))
        char = draw(st.sampled_from(CONTROL))
        refuse = not (feed and char == "\x7f")
        return raw[:at] + char.encode() + raw[at:], "control character", f"{char!r} at byte {at}", refuse
    if op == "invalid-bytes":
        at = draw(st.integers(0, len(raw)))
        while at > 0 and at < len(raw) and (raw[at] & 0xC0) == 0x80:  # not inside a UTF-8 sequence
            at -= 1
        bad = draw(st.sampled_from(INVALID_BYTES))
        return raw[:at] + bad + raw[at:], "invalid UTF-8", f"{bad!r} at byte {at}", True
    if op == "utf16":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
        return raw.decode().encode(codec), "UTF-16/32", codec, bool(raw.strip())
    if op == "latin1":
        text = raw.decode()
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "éx" + text[at:]
        return text.encode("latin-1", errors="replace"), "latin-1", f"latin-1 with 'é' at char {at}", True
    if op == "bom":
        where = draw(st.sampled_from(["start", "middle"]))
        if where == "start":
            return b"\xef\xbb\xbf" + raw, "BOM", "UTF-8 BOM at start", False
        at = draw(st.integers(0, len(lines)))
        return b"".join(lines[:at] + [b"\xef\xbb\xbf"] + lines[at:]), "BOM", f"BOM before line {at + 1}", False
    if op == "odd-breaks":
        brk = draw(st.sampled_from(ODD_BREAKS))
        at = draw(st.integers(0, len(raw)))
        while at > 0 and at < len(raw) and (raw[at] & 0xC0) == 0x80:
            at -= 1
        return raw[:at] + brk.encode() + raw[at:], "odd line break", f"{brk!r} at byte {at}", False
    return raw.replace(b"\n", b"\r\n"), "CRLF", "CRLF line ends", False


def _date_of(line: bytes) -> str:
    try:
        return str(json.loads(line).get("date"))
    except Exception:  # noqa: BLE001 - a line that is not JSON has no date
        return ""


# ---------------------------------------------------------------------------------------------------------
# Mutations of feed lines


@st.composite
def feed_mutation(draw: st.DrawFn) -> tuple[bytes, str, str, bool]:
    """A mutation of the valid feed: one line's fields, or its bytes."""
    lines = [dict(line) for line in FEED]
    if draw(st.integers(0, 2)) == 0:
        return draw(byte_mutation(FEED_TEXT, feed=True))
    i = draw(st.integers(0, len(lines) - 1))
    line = lines[i]
    spec = VOCAB["kinds"][line["kind"]]["fields"]
    op = draw(st.sampled_from(["kind", "date", "extreme-date", "state", "non-scalar", "required", "unknown-field",
                               "integer", "duplicate-key", "not-object", "nest", "huge", "escaped-control", "empty-line"]))
    raw: str | None = None
    kind, label, refuse = op, "", True
    if op == "kind":
        line["kind"], label = "zz_unknown_kind", "kind = zz_unknown_kind"
    elif op == "date":
        value = draw(st.sampled_from([v for v in MALFORMED_DATES if not isinstance(v, datetime.datetime)] + [None]))
        line["date"], label = value, f"date = {value!r}"
    elif op == "extreme-date":
        value = draw(st.sampled_from(["0001-01-01", "9999-12-31"]))
        line["date"], label, refuse = value, f"date = {value}", False
    elif op == "state":
        fields = [k for k in line if k in STATE_FIELDS]
        if not fields:
            return draw(feed_mutation())
        name, value = draw(st.sampled_from(fields)), draw(st.sampled_from(BAD_CODES))
        line[name], label = value, f"{name} = {value!r}"
    elif op == "non-scalar":
        name = draw(st.sampled_from([k for k in line if k != "id"]))
        value = draw(st.sampled_from([["KAZ"], {"x": 1}, [], {}, [[["KAZ"]]]]))
        line[name], label = value, f"{name} = {value!r}"
    elif op == "required":
        names = ["id", "date", "kind"] + [k for k, f in spec.items() if f.get("required", True) and k in line]
        name = draw(st.sampled_from(names))
        del line[name]
        label = f"{name} deleted"
    elif op == "unknown-field":
        line["zz_unknown_field"], label = "x", "zz_unknown_field added"
    elif op == "integer":
        ints = [k for k, f in spec.items() if f["type"] == "integer"]
        name = draw(st.sampled_from(ints or ["actor"]))
        value = draw(st.sampled_from([2**64, 2**70, -(2**63) - 1, 1.5, "12"]))
        line[name], label = value, f"{name} = {value!r}"
    elif op == "duplicate-key":
        name = draw(st.sampled_from(list(line)))
        text = json.dumps(line)
        raw, label = text[:-1] + f', {json.dumps(name)}: {json.dumps(line[name])}' + "}", f"key {name!r} twice"
    elif op == "not-object":
        raw = draw(st.sampled_from(["[1, 2]", '"text"', "1", "null", "true", "[]", "{}", "{", "}", "{'id': 1}"]))
        label = f"line = {raw}"
    elif op == "nest":
        depth = draw(st.sampled_from([50, 101, 1000, 100000]))
        name = draw(st.sampled_from([k for k in line if k != "id"]))
        text = json.dumps({**line, name: NEST_TOKEN})
        raw = text.replace(json.dumps(NEST_TOKEN), "[" * depth + "]" * depth)
        label = f"{name} nested {depth} deep"
    elif op == "huge":
        size = draw(st.sampled_from([100_000, 1_000_000, (1 << 20) + 100]))
        name = draw(st.sampled_from([k for k in line if k not in ("id", "date", "kind")] or ["note"]))
        line[name], label = "x" * size, f"{name} = 'x' × {size}"
        refuse = size > (1 << 20) or name in STATE_FIELDS
    elif op == "escaped-control":
        name = draw(st.sampled_from([k for k in line if k not in ("date", "kind")]))
        char = draw(st.sampled_from(["\x00", "\x1b", "\x0c", "\x7f"]))
        line[name], label = str(line[name]) + char, f"{name} ends with {char!r} (escaped)"
    elif op == "empty-line":
        raw, label, refuse = draw(st.sampled_from(["", "   ", "\t"])), "blank line", False
    body = raw if raw is not None else json.dumps(line, ensure_ascii=draw(st.booleans()))
    out = [json.dumps(x, ensure_ascii=False) for x in FEED]
    out[i] = body
    return ("\n".join(out) + "\n").encode(), f"feed {kind}", f"feed line {i + 1}: {label}", refuse


# ---------------------------------------------------------------------------------------------------------
# Whole cases


def _rules_files() -> dict[str, bytes]:
    files = {"rules/vocabulary.yaml": VOCABULARY.read_bytes()}
    for path in TREATIES:
        files[f"rules/{path.parent.name}/treaty.yaml"] = path.read_bytes()
    return files


RULES_FILES = _rules_files()


@st.composite
def scenario_cases(draw: st.DrawFn) -> Case:
    """A shipped scenario, damaged, through one of the commands that read a scenario."""
    source = draw(st.sampled_from(SCENARIOS))
    raw = source.read_bytes()
    if draw(st.booleans()):
        body, kind, label, refuse = draw(byte_mutation(raw))
    else:
        data, kind, label, refuse, nest = draw(yaml_mutation(_load(source), "scenario"))
        body = dump(data, nest)
    template, timeout = draw(st.sampled_from(SCENARIO_COMMANDS))
    argv = _argv(template, "scenario.yaml", draw(st.sampled_from(CLAUSES)))
    files = {**RULES_FILES, "feed.jsonl": FEED_TEXT}
    files["scen/scenario.yaml" if "scen" in argv else "scenario.yaml"] = body
    return Case("scenario", kind, f"{source.name}: {label}", argv, files, refuse, timeout=timeout)


@st.composite
def rules_cases(draw: st.DrawFn) -> Case:
    """A shipped treaty or the vocabulary, damaged, through lint and the commands that compile rules."""
    source = draw(st.sampled_from([VOCABULARY, *TREATIES]))
    target = "rules/vocabulary.yaml" if source == VOCABULARY else f"rules/{source.parent.name}/treaty.yaml"
    raw = source.read_bytes()
    if draw(st.booleans()):
        body, kind, label, refuse = draw(byte_mutation(raw))
    else:
        data, kind, label, refuse, nest = draw(yaml_mutation(_load(source), "vocabulary" if source == VOCABULARY else "treaty"))
        body = dump(data, nest)
    template, timeout = draw(st.sampled_from(RULES_COMMANDS))
    scenario = draw(st.sampled_from(SCENARIOS))
    argv = _argv(template, "scenario.yaml", draw(st.sampled_from(CLAUSES)))
    files = {**RULES_FILES, target: body, "scenario.yaml": scenario.read_bytes()}
    return Case("rules", kind, f"{target}: {label}", argv, files, refuse, timeout=timeout)


@st.composite
def feed_cases(draw: st.DrawFn) -> Case:
    """The valid feed, damaged, through check --events."""
    body, kind, label, refuse = draw(feed_mutation())
    template, timeout = draw(st.sampled_from(FEED_COMMANDS))
    files = {**RULES_FILES, "feed.jsonl": body, "scenario.yaml": (ROOT / "scenarios" / FEED_SCENARIO).read_bytes()}
    return Case("feed", kind, label, _argv(template, "scenario.yaml", CLAUSES[0]), files, refuse, timeout=timeout)


SEED = "scenario.yaml"
BAD_VALUES = ["nan", "inf", "-inf", "-1", "101", "1e309", "abc", "", "0x10", "--", "-", "..", "/", "/dev/zero", "/dev/null",
              "fifo", "loop", "unreadable", "missing.yaml", "scen", "КАЗ", "KKK", "x" * 5000, "a\nb", "\x1b[31m"]
OPTION_VALUES: list[tuple[list[str], str, Callable[[str], bool | None]]] = [
    # (argv with {V} for the value, option, whether the value must be refused (None: either))
    (["test", SEED, "--fail-under", "{V}"], "--fail-under", lambda v: not _percent(v)),
    (["check", SEED, "--format", "{V}"], "--format", lambda v: True),
    (["check", SEED, "--events", "{V}"], "--events", lambda v: True),
    (["check", "{V}"], "scenario", lambda v: v not in ("scen",) or None),
    (["timeline", SEED, "--out", "{V}"], "--out", lambda v: True),
    (["timeline", SEED, "--variant", "{V}"], "--variant", lambda v: True),
    (["explain", SEED, "--finding", "{V}"], "--finding", lambda v: True),
    (["explain", SEED, "--why-not", "{V}"], "--why-not", lambda v: True),
    (["explain", SEED, "--why-not", "kz-kg-2024/no-hostile-blocs", "--party", "{V}"], "--party", lambda v: True),
    (["check", SEED, "--rules", "{V}"], "--rules", lambda v: True),
    (["lint", "{V}"], "lint folder", lambda v: True),
    (["diff", SEED, "--variant", "{V}"], "diff --variant", lambda v: True),
    (["--max-yaml-bytes", "{V}", "check", SEED], "--max-yaml-bytes", lambda v: True),
    (["--max-line-bytes", "{V}", "check", SEED, "--events", "feed.jsonl"], "--max-line-bytes", lambda v: True),
    (["schema", "--out", "{V}"], "schema --out", lambda v: v in ("/dev/zero", "/dev/null", "fifo", "loop", SEED) or None),
    (["lint", "--no-warn", "{V}"], "--no-warn", lambda v: None),
]


def _percent(value: str) -> bool:
    try:
        return 0 <= float(value) <= 100
    except ValueError:
        return False


@st.composite
def command_line_cases(draw: st.DrawFn) -> Case:
    """A bad value for an option or argument, special files included (a FIFO, /dev/zero, a link loop, mode 000)."""
    template, option, rule = draw(st.sampled_from(OPTION_VALUES))
    value = draw(st.sampled_from(BAD_VALUES) | st.text(max_size=12).filter(lambda s: "\x00" not in s))
    if value == "/" and option in ("scenario", "lint folder"):  # the whole machine's YAML files: valid, and far over a time limit
        value = ".."
    argv = [w.replace("{V}", value) for w in template]
    files = {**RULES_FILES, SEED: (ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml").read_bytes(),
             "feed.jsonl": FEED_TEXT, "scen/scenario.yaml": (ROOT / "scenarios" / "bloc-turns-hostile.yaml").read_bytes()}
    refuse = rule(value)
    if value == "scen" and option == "--rules":
        refuse = True
    if option == "--out" and value in ("", "..", "/", "scen", "a\nb"):
        refuse = True
    if option == "--out" and Path(value).suffix not in (".svg", ".png"):
        refuse = True
    elif option == "--out":
        refuse = None
    if option in ("--max-yaml-bytes", "--max-line-bytes"):
        refuse = not value.strip().isdigit() or int(value) < 1 or None
    if option == "--format":
        refuse = value not in ("text", "json", "markdown")
    if value == "--" and option in ("lint folder", "scenario", "--no-warn"):  # '--' ends the options: nothing bad was passed
        refuse = None
    if option == "--no-warn" and value == "":
        refuse = None
    setup = value if value in ("fifo", "loop", "unreadable") else ""
    return Case("command line", f"bad {option}", f"{option} {value!r:.60}", argv, files, bool(refuse), setup=setup, timeout=10)


def special_cases() -> list[Case]:
    """Fixed command lines: special files in every place a file is read, limits, and option conflicts."""
    files = {**RULES_FILES, SEED: (ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml").read_bytes(), "feed.jsonl": FEED_TEXT,
             "scen/scenario.yaml": (ROOT / "scenarios" / "bloc-turns-hostile.yaml").read_bytes()}
    cases = []
    for special in ("fifo", "/dev/zero", "/dev/null", "/dev/urandom", "unreadable"):
        name = f"scen/{special}.yaml" if special in ("fifo", "unreadable") else special
        for argv in (["check", name], ["check", SEED, "--events", name], ["test", name], ["timeline", name], ["lint", "r2"],
                     ["check", "scen"]):
            if argv[-1] == "scen" and special not in ("fifo", "unreadable"):
                continue
            setup = f"{special}:{name}" if special in ("fifo", "unreadable") else ""
            if argv[0] == "lint":
                setup = f"rules2:{special}"
            cases.append(Case("special file", f"{special} as input", f"{special} via {argv}", argv, files, True, setup=setup))
    for argv in (["check", "scen"], ["test", "scen"], ["check", "scen/loop.yaml"], ["timeline", "scen/loop.yaml"]):
        cases.append(Case("special file", "symlink loop", f"symlink loop via {argv}", argv, files, True, setup="loop:scen/loop.yaml"))
    for argv in (["check", "scen"], ["test", "scen"]):  # a link back up the tree: refused or not followed, never looped
        cases.append(Case("special file", "folder cycle", f"link to its own folder via {argv}", argv, files, False, setup="up:scen/up"))
    cases += [
        Case("command line", "limit", "SERVANDA_MAX_YAML_BYTES=1000", ["check", SEED], files, True, {"SERVANDA_MAX_YAML_BYTES": "1000"}),
        Case("command line", "limit", "--max-line-bytes 50", ["--max-line-bytes", "50", "check", SEED, "--events", "feed.jsonl"],
             files, True),
        Case("command line", "conflict", "--variants with --events", ["check", SEED, "--variants", "--events", "feed.jsonl"], files, True),
        Case("command line", "bad backend", "MPLBACKEND=nosuch", ["timeline", SEED, "--out", "t.png"], files, False,
             {"MPLBACKEND": "nosuchbackend"}, timeout=30),
        Case("command line", "missing", "no scenario", ["check"], files, True),
        Case("command line", "unknown option", "--bogus", ["check", SEED, "--bogus"], files, True),
        Case("command line", "unknown command", "frobnicate", ["frobnicate"], files, True),
        Case("command line", "out folder missing", "--out nowhere/r.md", ["check", SEED, "--format", "markdown", "--out", "nowhere/r.md"],
             files, True),
    ]
    return cases


def _swap(path: Path, old: str, new: str) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {path.name}: the issue case needs a new anchor"
    return text.replace(old, new, 1).encode("utf-8")


def issue_cases() -> list[Case]:
    """One input of every class issue 8 lists, so that the CI profile meets each of them whatever hypothesis draws."""
    seed_path = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
    cst = ROOT / "rules" / "cst-1992" / "treaty.yaml"
    kzkg = ROOT / "rules" / "kz-kg-2024-deepening-allied-relations" / "treaty.yaml"
    base = {**RULES_FILES, "feed.jsonl": FEED_TEXT}
    event = "{id: e1, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: eastern-pact}"

    def scenario(label: str, body: bytes, argv: list[str], refuse: bool, timeout: float = 20) -> Case:
        return Case("issue class", label, label, argv, {**base, SEED: body}, refuse, timeout=timeout)

    def feed(label: str, line: dict[str, Any] | str, refuse: bool = True) -> Case:
        text = line if isinstance(line, str) else json.dumps(line)
        body = FEED_TEXT + text.encode() + b"\n"
        return Case("issue class", label, label, ["check", SEED, "--events", "feed.jsonl"],
                    {**base, SEED: seed_path.read_bytes(), "feed.jsonl": body}, refuse)

    def treaty(label: str, old: str, new: str, path: Path = cst) -> Case:
        target = f"rules/{path.parent.name}/treaty.yaml"
        return Case("issue class", label, label, ["lint", "rules"], {**base, target: _swap(path, old, new)}, True)

    nested = "[" * 300 + "]" * 300
    empty_world = b"scenario: empty-world\ntitle: nothing at all\nas_of: 2026-12-31\n"
    late = FEED[-1]
    cases = [
        scenario("nesting 300 deep in a scenario", _swap(seed_path, "as_of: 2026-12-31", f"as_of: {nested}"), ["check", SEED], True),
        Case("issue class", "nesting 300 deep in the vocabulary", "vocabulary", ["lint", "rules"],
             {**base, "rules/vocabulary.yaml": VOCABULARY.read_bytes() + f"zz: {nested}\n".encode()}, True),
        feed("nesting 300 deep in a feed line", {**late, "id": "z1", "actor": NEST_TOKEN}.__repr__().replace("'", '"').replace(
            f'"{NEST_TOKEN}"', nested)),
        scenario("event in year 1, drawn", _swap(seed_path, "date: 2026-02-01, kind", "date: 0001-01-01, kind"),
                 ["timeline", SEED, "--out", "t.svg"], False),
        scenario("as_of 9999-12-31, Markdown report", _swap(seed_path, "as_of: 2026-12-31", "as_of: 9999-12-31"),
                 ["check", SEED, "--format", "markdown", "--out", "report.md"], False),
        scenario("empty world, drawn", empty_world, ["timeline", SEED, "--out", "t.png"], False),
        scenario("1 MiB title, drawn", _swap(seed_path, "title: Kyrgyzstan", "title: " + "x" * (1 << 20) + " Kyrgyzstan"),
                 ["timeline", SEED, "--out", "t.svg"], False),
        scenario("1 MiB title, Markdown report", _swap(seed_path, "title: Kyrgyzstan", "title: " + "x" * (1 << 20) + " Kyrgyzstan"),
                 ["check", SEED, "--format", "markdown", "--out", "report.md"], False),
        scenario("NUL in a title", _swap(seed_path, "title: Kyrgyzstan", 'title: "\\0 Kyrgyzstan'.replace("Kyrgyzstan", 'K"') + "\n# "),
                 ["timeline", SEED, "--out", "t.svg"], True),
        scenario("escape character on line 3", _swap(seed_path, "title: Kyrgyzstan", "title: \x1bKyrgyzstan"), ["check", SEED], True),
        feed("actor as a list", {**late, "id": "z1", "actor": ["KAZ"]}),
        feed("actor as a mapping", {**late, "id": "z1", "actor": {"x": 1}}),
        Case("issue class", "empty date on the first feed line", "feed", ["check", SEED, "--events", "feed.jsonl"],
             {**base, SEED: seed_path.read_bytes(), "feed.jsonl": json.dumps({**FEED[0], "id": "z0", "date": ""}).encode() + b"\n" + FEED_TEXT},
             True),
        feed("integer beyond 64 bits in a feed line", json.dumps({**late, "id": "z1", "actor": 2**70})),
        treaty("integer beyond 64 bits in a rule", "within_days: 365", f"within_days: {2**70}", kzkg),
        feed("duplicate JSON key", json.dumps({**late, "id": "z1"})[:-1] + ', "id": "z2"}'),
        scenario("actor KKK", _swap(seed_path, event, event.replace("actor: KGZ", "actor: KKK")), ["check", SEED], True),
        scenario("actor in lower case", _swap(seed_path, event, event.replace("actor: KGZ", "actor: kgz")), ["check", SEED], True),
        scenario("as_of: 0", _swap(seed_path, "as_of: 2026-12-31", "as_of: 0"), ["check", SEED], True),
        scenario("assumed in_force '0'", _swap(seed_path, "in_force: 2025-08-22", "in_force: '0'"), ["check", SEED], True),
        scenario("expected date as a timestamp", _swap(seed_path, "KAZ, date: 2026-02-01}", "KAZ, date: 2026-02-01T00:00:00Z}"),
                 ["test", SEED], True),
        scenario("expected date as epoch seconds", _swap(seed_path, "KAZ, date: 2026-02-01}", "KAZ, date: '1769904000'}"),
                 ["test", SEED], True),
        scenario("event on 2026-02-30", _swap(seed_path, "date: 2026-02-01, kind", "date: 2026-02-30, kind"), ["check", SEED], True),
        treaty("treaty signed with a time", "signed: 1992-05-15", "signed: 1992-05-15T10:00:00"),
        treaty("member joined: 0", "{state: ARM, joined: 1994-04-20}", "{state: ARM, joined: 0}"),
        scenario("10,000 unknown keys", seed_path.read_bytes() + "".join(f"zz_{i}: {i}\n" for i in range(10000)).encode(),
                 ["check", SEED], True, timeout=10),
        Case("issue class", "test --fail-under nan", "nan", ["test", SEED, "--fail-under", "nan"], {**base, SEED: seed_path.read_bytes()}, True),
    ]
    return cases


# ---------------------------------------------------------------------------------------------------------
# Running: a fork server that imported the CLI once, and the real entry point


def prepare(case: Case, folder: Path) -> None:
    """Write the case's files (and its special file) into ``folder``."""
    for rel, data in case.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for spec in case.setup.split(",") if case.setup else []:
        what, _, where = spec.partition(":")
        if what == "rules2":  # a rules folder whose vocabulary is the special file
            shutil.copytree(folder / "rules", folder / "r2")
            os.unlink(folder / "r2" / "vocabulary.yaml")
            target = folder / "r2" / "vocabulary.yaml"
            if where.startswith("/dev/"):
                os.symlink(where, target)
            elif where == "fifo":
                os.mkfifo(target)
            else:
                target.write_bytes(VOCABULARY.read_bytes())
                target.chmod(0)
            continue
        where = where or what
        path = folder / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if what == "fifo":
            os.mkfifo(path)
        elif what == "loop":
            os.symlink(path.name, path)
        elif what == "up":
            os.symlink("..", path)
        elif what == "unreadable":
            path.write_bytes(files_seed(case))
            path.chmod(0)


def files_seed(case: Case) -> bytes:
    return case.files.get(SEED) or (ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml").read_bytes()


def readable(path: Path) -> bool:
    """Whether this process can really read the file (as root, mode 000 is no obstacle)."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        return True
    except OSError:
        return False


@dataclass
class Outcome:
    code: int  # the exit status, or -signal
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool


def serve() -> None:
    """The fork server: read one JSON request a line, fork a child that runs the CLI's main on it, answer with its status."""
    from servanda.cli import main  # the import every run shares; nothing else is preloaded

    import resource

    proto = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: the command line, as a process of its own
            code = 99
            try:
                os.setsid()
                os.chdir(request["cwd"])
                os.dup2(devnull, 0)
                for fd, name in ((1, "stdout"), (2, "stderr")):
                    target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.dup2(target, fd)
                    os.close(target)
                if request.get("user"):  # as root nothing is unreadable: run as an ordinary user
                    os.setgroups([])
                    os.setgid(request["user"])
                    os.setuid(request["user"])
                os.environ.update(request["env"])
                resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
                sys.argv = ["servanda", *request["argv"]]
                main(args=request["argv"], prog_name="servanda")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - shown as a traceback, which the checks flag
                import traceback

                traceback.print_exc()
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except BaseException:  # noqa: BLE001
                        pass
                os._exit(code)
        pidfd = os.pidfd_open(pid)
        ready, _, _ = select.select([pidfd], [], [], request["timeout"])
        timed_out = not ready
        if timed_out:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
        os.close(pidfd)
        code = os.waitstatus_to_exitcode(status)
        proto.write(json.dumps({"code": code, "timed_out": timed_out, "seconds": time.monotonic() - start}) + "\n")


class ForkServer:
    """The parent's handle on the fork server (restarted if it ever dies)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("SERVANDA_MAX_YAML_BYTES", "SERVANDA_MAX_LINE_BYTES")}
        env["PYTHONPATH"] = str(TESTS) + os.pathsep + env.get("PYTHONPATH", "")
        self.process = subprocess.Popen([sys.executable, "-c", "import fuzzing; fuzzing.serve()"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)

    def run(self, argv: list[str], cwd: Path, timeout: float, env: dict[str, str], user: int = 0) -> Outcome:
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None and self.process.stdout is not None
        out, err = cwd / ".fuzz-stdout", cwd / ".fuzz-stderr"
        request = {"argv": argv, "cwd": str(cwd), "timeout": timeout, "env": env, "stdout": str(out), "stderr": str(err),
                   "user": user}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return Outcome(answer["code"], _read(out), _read(err), answer["seconds"], answer["timed_out"])

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=30)


def run_real(argv: list[str], cwd: Path, timeout: float, env: dict[str, str], user: int = 0) -> Outcome:
    """The same input through ``python -m servanda`` proper."""
    start = time.monotonic()
    full_env = {**{k: v for k, v in os.environ.items() if not k.startswith("SERVANDA_MAX")}, **env}
    try:
        done = subprocess.run([sys.executable, "-m", "servanda", *argv], cwd=cwd, capture_output=True, timeout=timeout,
                              env=full_env, stdin=subprocess.DEVNULL, user=user or None, extra_groups=[] if user else None)
    except subprocess.TimeoutExpired as exc:
        return Outcome(-9, _text(exc.stdout), _text(exc.stderr), time.monotonic() - start, True)
    return Outcome(done.returncode, _text(done.stdout), _text(done.stderr), time.monotonic() - start, False)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace") if path.exists() else ""


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------------------
# The checks

DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>SV\d{3}): \S")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
CLOSING = re.compile(r"^(?P<count>\d+) problems? found\.$")
INTERNAL = re.compile(r"servanda: internal error: (?P<type>\w+): .*?(?P<where>\(in [^)]*\))? - this is a bug")


def problems(case: Case, outcome: Outcome, cwd: Path) -> list[tuple[str, str]]:
    """What is wrong with this run: (signature for grouping, detail) pairs; empty when it behaved."""
    found: list[tuple[str, str]] = []
    command = case.command()
    if outcome.timed_out:
        return [(f"hang: {command}: {case.kind}", f"no exit after {case.timeout:.0f} s")]
    both = outcome.stdout + outcome.stderr
    if "Traceback" in both:
        last = [line for line in both.splitlines() if line and not line.startswith(" ")][-1:]
        found.append((f"traceback: {command}: {_generic(last[0] if last else '')}", _tail(both)))
    if outcome.code not in (0, 1, 2):
        match = INTERNAL.search(outcome.stderr)
        what = f"{match['type']} {match['where'] or ''}" if match else _generic(outcome.stderr.strip()[-120:])
        found.append((f"exit {outcome.code}: {what}", _tail(outcome.stderr)))
    if outcome.code == 2:
        found += [(f"bad diagnostic: {sig}", detail) for sig, detail in check_diagnostics(case, outcome.stderr, cwd)]
    if case.must_refuse and outcome.code in (0, 1):
        found.append((f"accepted: {case.family}: {case.kind}", f"exit {outcome.code} on {case.label}"))
    return found


def check_diagnostics(case: Case, stderr: str, cwd: Path) -> list[tuple[str, str]]:
    """At exit 2: every stderr line a located diagnostic in an existing file and line, or the closing count."""
    bad: list[tuple[str, str]] = []
    located = []
    text = stderr.strip()
    as_json = None
    if "json" in case.argv and text.startswith("{"):
        try:
            as_json = json.loads(text)["diagnostics"]
        except (ValueError, KeyError, TypeError):
            as_json = None
    if as_json is not None:
        located = [(d["path"], int(d["line"]), int(d["col"]), d["code"], d["message"]) for d in as_json]
        closing = True
    else:
        closing = False
        count = None
        for line in stderr.split("\n"):  # a log reader's lines: only a newline ends one
            if not line:
                continue
            if RAW_CONTROL.search(line):
                bad.append(("raw control or line-break character in a stderr line", f"{line[:300]!r} for {case.label}"))
            match = DIAGNOSTIC.match(line)
            if match:
                located.append((match["path"], int(match["line"]), int(match["col"]), match["code"], line))
            elif CLOSING.match(line):
                closing, count = True, int(CLOSING.match(line)["count"])  # type: ignore[index]
            else:
                bad.append((f"unlocated stderr line: {_generic(line)[:70]}", f"{line[:300]!r} for {case.label}"))
        if count is not None and count != len(located):
            bad.append(("closing count differs from the diagnostics", f"{count} vs {len(located)}"))
    if not closing:
        bad.append(("no closing 'N problems found.' line", _tail(stderr)))
    if not located:
        bad.append(("exit 2 without a diagnostic", _tail(stderr)))
    for path, line, col, code, message in located:
        if col < 1 or line < 1:
            bad.append((f"{code} at line {line}, col {col}", message[:300]))
        if path == "<command line>":
            width = len(" ".join(case.argv)) + 1
            if line != 1 or col > width:
                bad.append((f"{code} on the command line past its end", message[:300]))
            continue
        full = cwd / path
        if not os.path.lexists(full):
            if not any(_loose(a) == _loose(path) or _loose(a).endswith(_loose(path)) for a in case.argv if a):
                bad.append((f"{code} names a path that does not exist", f"{path!r}: {message[:200]}"))
            elif line != 1:
                bad.append((f"{code} in a missing file at line {line}", message[:300]))
            continue
        if not full.is_file() or not readable(full) or full.resolve().as_posix().startswith("/dev/"):
            if line != 1:
                bad.append((f"{code} in a special file at line {line}", message[:300]))
            continue
        lines = full.read_bytes().count(b"\n") + 1
        if line > lines:
            bad.append((f"{code} past the file's last line", f"line {line} of {lines}: {message[:250]}"))
    return bad


def _loose(text: str) -> str:
    """A path as servanda may print it, escapes and unprintable characters dropped, to tell it from another path."""
    text = re.sub(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})", "", text)
    return "".join(c for c in text if c.isprintable())


def _generic(text: str) -> str:
    """A line with its specifics (numbers, quoted values, paths) blanked, to group alike failures."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"(/[\w.+-]+)+", "/…", text)
    return re.sub(r"\d+", "N", text)


def _tail(text: str, size: int = 1500) -> str:
    return text if len(text) <= size else "…" + text[-size:]


# ---------------------------------------------------------------------------------------------------------
# The ledger


@dataclass
class Ledger:
    """What ran (by family, command, exit code) and what failed, grouped by signature with the smallest example kept."""

    repro_dir: Path
    runs: int = 0
    by_family: dict[str, int] = field(default_factory=dict)
    by_command: dict[str, int] = field(default_factory=dict)
    by_exit: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    slowest: float = 0.0

    def record(self, case: Case, outcome: Outcome, found: list[tuple[str, str]], cwd: Path) -> None:
        self.runs += 1
        for table, key in ((self.by_family, case.family), (self.by_command, case.command()),
                           (self.by_exit, "timeout" if outcome.timed_out else str(outcome.code))):
            table[key] = table.get(key, 0) + 1
        exits = self.by_kind.setdefault(f"{case.family}: {case.kind}{' (must refuse)' if case.must_refuse else ''}", {})
        code = "timeout" if outcome.timed_out else str(outcome.code)
        exits[code] = exits.get(code, 0) + 1
        self.slowest = max(self.slowest, outcome.seconds)
        for signature, detail in found:
            entry = self.failures.setdefault(signature, {"count": 0})
            entry["count"] += 1
            size = sum(len(b) for b in case.files.values())
            if "size" not in entry or size < entry["size"]:
                folder = self.repro_dir / re.sub(r"[^\w.-]+", "_", signature)[:90]
                shutil.rmtree(folder, ignore_errors=True)
                try:
                    shutil.copytree(cwd, folder, symlinks=True, ignore=_not_copied)
                except (OSError, shutil.Error):
                    pass
                entry.update(size=size, label=case.label, argv=case.argv, env=case.env, setup=case.setup, detail=detail[:2000],
                             exit=outcome.code, stderr=outcome.stderr[-1500:], folder=str(folder))
                (folder / "REPRO.txt").write_text(
                    f"# {signature}\n# {case.label}\ncd {folder} && {' '.join(f'{k}={v}' for k, v in case.env.items())} "
                    f"servanda {' '.join(_quote(a) for a in case.argv)}\n# setup: {case.setup or '-'}\n"
                    f"# exit {outcome.code}\n{outcome.stderr[-1500:]}\n")

    def summary(self) -> dict[str, Any]:
        return {"runs": self.runs, "by_family": self.by_family, "by_command": dict(sorted(self.by_command.items())),
                "by_exit": self.by_exit, "by_mutation": dict(sorted(self.by_kind.items())), "slowest_seconds": round(self.slowest, 2),
                "failures": {k: {x: v[x] for x in ("count", "label", "argv", "exit", "detail", "folder")}
                             for k, v in sorted(self.failures.items())}}


def _not_copied(folder: str, names: list[str]) -> list[str]:
    """Names copytree must skip: our captured output, and anything neither a link, a folder nor a regular file (a FIFO)."""
    return [n for n in names if n.startswith(".fuzz-") or not (os.path.islink(os.path.join(folder, n))
            or os.path.isdir(os.path.join(folder, n)) or os.path.isfile(os.path.join(folder, n)))]


def _quote(word: str) -> str:
    return word if re.fullmatch(r"[\w./=:-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def execute(server: ForkServer, case: Case, base: Path, ledger: Ledger, real: bool = False) -> list[tuple[str, str]]:
    """Write the case into a fresh folder under ``base``, run it, check it, record it; the folder is removed afterwards."""
    drop = "unreadable" in case.setup and os.geteuid() == 0  # as root mode 000 stops nothing: the child runs as nobody
    if drop:  # in a folder nobody can reach: pytest's own is private to root
        folder = Path(tempfile.mkdtemp(prefix="servanda-fuzz-"))
    else:
        folder = base / f"case-{ledger.runs:06d}"
        folder.mkdir(parents=True)
    try:
        prepare(case, folder)
        user = NOBODY if drop else 0
        if drop:
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o777)
        run = run_real if real else server.run
        outcome = run(case.argv, folder, case.timeout, case.env, user)
        found = problems(case, outcome, folder)
        ledger.record(case, outcome, found, folder)
        return found
    finally:
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder, ignore_errors=True)
