"""The only module that touches durable_rules: compiled rules become rulesets built as data.

Design around the engine's known pitfalls: everything is asserted as a fact (events
are never consumed), only constant tests and equality joins are emitted (other
joins can crash the process), rulesets are split so that no node fans out to more
than ``CHUNK`` rules, no Host is created (so no background threads or wall-clock
timers), and actions are not run inside the engine: matches are read back and
handled by our runtime, so no exception can be swallowed.
"""

from __future__ import annotations

import gc
import itertools
import json
import weakref
from typing import Any, Iterator

import durable_rules_engine as _engine
import orjson

from ..errors import EngineLimitError
from ..core import Roles
from ..language import AbsenceRule, CompiledRule, CompiledRules, Cond, DurationRule, Event, Pattern, Ref
from ._history import Fact

CHUNK = 200
MAX_SESSIONS = 1000  # the engine refuses a ruleset's 1,025th live session (MemoryError)
_INIT = "servanda_init"
_names = itertools.count()

Match = tuple[str, dict[str, dict[str, Any]]]  # (durable rule name, alias -> message)


def field_key(name: str) -> str:
    """The message key of a vocabulary field (prefixed so it cannot clash with ours)."""
    return "f_" + name


def _cond(cond: Cond, aliases: dict[str, str]) -> dict[str, Any] | None:
    key = field_key(cond.field)
    value = cond.value
    if cond.op == "eq":
        if isinstance(value, Ref):
            return None if value.is_role else {key: {aliases[value.alias]: field_key(value.field or "")}}
        return {key: value}
    if cond.op == "ne":
        return {"$neq": {key: value}}
    if cond.op == "in":
        return {"$or": [{key: v} for v in cond.values]} if len(cond.values) > 1 else {key: cond.values[0]}
    if cond.op == "not_in":
        return {"$and": [{"$neq": {key: v}} for v in cond.values]}
    return {"$" + cond.op: {key: value}}


def _pattern(p: Pattern, aliases: dict[str, str]) -> dict[str, Any]:
    tests: list[dict[str, Any]] = [{"t": "e" if p.source == "event" else "f"}, {"k": p.kind}]
    for cond in p.conds:
        if cond.backend:
            test = _cond(cond, aliases)
            if test is not None:
                tests.append(test)
    return {"$and": tests}


def _pair(treaty: str, patterns: tuple[Pattern, ...], aliases: dict[str, str]) -> dict[str, Any]:
    tests: list[dict[str, Any]] = [{"t": "p"}, {"tr": treaty}]
    for p in patterns:
        for cond in p.conds:
            if cond.backend and cond.op == "eq" and isinstance(cond.value, Ref) and cond.value.is_role:
                role_key = "b" if cond.value.alias == "bound" else "p"
                tests.append({role_key: {aliases[p.alias]: field_key(cond.field)}})
    return {"$and": tests}


def _definition(treaty: str, patterns: tuple[Pattern, ...]) -> dict[str, Any]:
    aliases = {p.alias: f"a{i}" for i, p in enumerate(patterns)}
    conditions = [{aliases[p.alias]: _pattern(p, aliases)} for p in patterns]
    conditions.append({"pair": _pair(treaty, patterns, aliases)})
    return {"all": conditions}


def rule_definitions(rule: CompiledRule) -> dict[str, dict[str, Any]]:
    """The durable rules one compiled rule needs, keyed by name: ``r<index>_m`` (a match), ``_u<n>`` (an unless event), ``_d``."""
    name = f"r{rule.index}"
    if isinstance(rule, DurationRule):
        return {f"{name}_d": _definition(rule.treaty, rule.patterns)}
    out = {f"{name}_m": _definition(rule.treaty, rule.patterns)}
    if isinstance(rule, AbsenceRule):
        for i, u in enumerate(rule.unless):
            out[f"{name}_u{i}"] = _definition(rule.treaty, (u,))
    return out


def decode(name: str, match: dict[str, dict[str, Any]], rule: CompiledRule) -> dict[str, dict[str, Any]]:
    """Map durable's positional aliases back to the rule's own aliases."""
    patterns = rule.patterns
    if isinstance(rule, AbsenceRule) and "_u" in name:
        patterns = (rule.unless[int(name.rsplit("_u", 1)[1])],)
    out = {p.alias: match[f"a{i}"] for i, p in enumerate(patterns)}
    out["pair"] = match["pair"]
    return out


def event_message(uid: str, event: Event) -> dict[str, Any]:
    """An event as the engine holds it: ``uid`` names it in matches."""
    message: dict[str, Any] = {"id": uid, "t": "e", "k": event.kind, "i": uid, "d": event.day}
    for name, value in event.fields.items():
        message[field_key(name)] = value
    return message


def fact_message(uid: str, fact: Fact) -> dict[str, Any]:
    """A world fact as the engine holds it."""
    return {"id": uid, "t": "f", "k": fact.relation, "i": uid, **{field_key(k): v for k, v in fact.fields.items()}}


def pair_message(treaty: str, roles: Roles) -> dict[str, Any]:
    """A bound pair as the engine holds it: every match joins one."""
    return {"id": f"p:{treaty}:{roles.bound}:{roles.protected}", "t": "p", "tr": treaty, "b": roles.bound, "p": roles.protected}


class _Tally:
    """Engine objects alive in this process. The engine's tables are process-wide, so this count is too."""

    rulesets = 0


_TALLY = _Tally()


def live_rulesets() -> int:
    """How many engine rulesets exist in this process (created by a Backend and not yet freed)."""
    return _TALLY.rulesets


def _free_rulesets(handles: tuple[int, ...]) -> None:
    """Delete a dropped Backend's rulesets from the engine (its sessions are gone: each kept it alive)."""
    for handle in handles:
        _engine.delete_ruleset(handle)
    _TALLY.rulesets -= len(handles)


class Backend:
    """Compiled rulesets, created once per rule set and shared by every session.

    The engine never frees a ruleset by itself: a Backend's rulesets are deleted when the
    Backend is dropped, so a process that loads rules again and again (a notebook, a
    service) does not grow. A session keeps its Backend alive.
    """

    def __init__(self, rules: CompiledRules) -> None:
        definitions: dict[str, dict[str, Any]] = {}
        for rule in rules.rules:
            definitions.update(rule_definitions(rule))
        handles: list[int] = []
        items = sorted(definitions.items())
        for start in range(0, len(items), CHUNK):
            chunk = dict(items[start:start + CHUNK], **{_INIT: {"all": [{"m": {"t": _INIT}}]}})
            name, text = f"servanda{next(_names)}", json.dumps(chunk)
            handles.append(_engine.create_ruleset(name, text))
            _TALLY.rulesets += 1
        self.handles = tuple(handles)
        self.rules = rules
        self.open_sessions = _Open()
        weakref.finalize(self, _free_rulesets, self.handles).atexit = False

    def session(self) -> "Session":
        """A fresh, isolated session; EngineLimitError when MAX_SESSIONS are open on this backend."""
        if self.open_sessions.count >= MAX_SESSIONS:
            gc.collect()  # sessions dropped inside reference cycles are freed only by the collector
        if self.open_sessions.count >= MAX_SESSIONS:
            raise EngineLimitError(f"{MAX_SESSIONS} sessions are open on one rule set, the most the engine allows: "
                                   "close finished runtimes (Runtime.close) or drop them")
        return Session(self)


class _Open:
    """A Backend's count of open sessions."""

    count = 0


def _free_session(handles: tuple[int, ...], sid: str, open_sessions: _Open) -> None:
    """Free a session's facts in every ruleset (once: by ``close`` or when the session is dropped)."""
    open_sessions.count -= 1
    for handle in handles:
        try:
            _engine.delete_state(handle, sid)
        except _engine.error:
            pass  # a ruleset that never received one of the session's facts has no state to delete


class Session:
    """One evaluation's facts inside every ruleset; matches are returned, never run.

    Its memory in the engine is freed by ``close``, or when the session is dropped.
    """

    _sids = itertools.count()

    def __init__(self, backend: Backend) -> None:
        self.backend = backend  # the rulesets must outlive the session
        self.handles = backend.handles
        self.sid = f"s{next(self._sids)}"
        self.matched: set[str] = set()  # ids of facts that took part in a delivered match
        # The engine leaves a new session's action context uninitialised and delete_state
        # frees it (aborting the process) unless one action has run to completion first:
        # every ruleset carries a sentinel rule that the session fires once, here.
        for name, match in self.assert_fact({"id": "servanda-init", "t": _INIT}):
            if name != _INIT:
                raise RuntimeError(f"unexpected match {name!r} while opening a session")
        backend.open_sessions.count += 1
        self._free = weakref.finalize(self, _free_session, self.handles, self.sid, backend.open_sessions)
        self._free.atexit = False

    @property
    def closed(self) -> bool:
        """Whether the session's memory has been freed."""
        return not self._free.alive

    def assert_fact(self, message: dict[str, Any]) -> list[Match]:
        """Add a fact; return the matches it completed."""
        message["sid"] = self.sid
        text = orjson.dumps(message).decode()
        found: list[Match] = []
        for handle in self.handles:
            code, state = _engine.assert_fact(handle, text)
            if code == 2:
                raise RuntimeError(f"the backend has already seen fact {message['id']!r}")
            if code == 0:  # 1: no rule of this ruleset wants the fact, and ``state`` is then no session
                found.extend(self._drain(handle, state))
        return found

    def retract_fact(self, message: dict[str, Any]) -> bool:
        """Remove a fact from the engine, unless it took part in a match; return whether it was removed.

        Retracting a fact that was part of a delivered match makes the engine walk a
        stale action frame and write past its end (heap corruption, seen as random
        crashes much later). Such facts stay in the engine until the session is
        rebuilt, so callers must treat matches with facts they consider gone as stale.
        """
        if message["id"] in self.matched:
            return False
        message["sid"] = self.sid
        text = orjson.dumps(message).decode()
        for handle in self.handles:
            _engine.retract_fact(handle, text)
        return True

    def _drain(self, handle: int, state: int) -> Iterator[Match]:
        result = _engine.start_action_for_state(handle, state)
        while result:
            for name, match in orjson.loads(result[1]).items():
                self.matched.update(fact["id"] for fact in match.values())
                yield name, match
            following = _engine.complete_and_start_action(handle, state)
            result = (None, following) if following else None

    def close(self) -> None:
        """Free the session's memory in the engine; closing twice is harmless."""
        self._free()
