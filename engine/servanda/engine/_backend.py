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
from dataclasses import dataclass
from typing import Any, Iterator, Literal

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


Part = Literal["match", "unless", "duration"]
_SUFFIX: dict[Part, str] = {"match": "m", "unless": "u", "duration": "d"}
_PART = {suffix: part for part, suffix in _SUFFIX.items()}


def _rule_name(rule: CompiledRule, part: Part, unless: int = 0) -> str:
    """The durable rule that matches one part of a compiled rule: ``r<index>_m``, ``r<index>_u<n>`` or ``r<index>_d``."""
    return f"r{rule.index}_{_SUFFIX[part]}{unless if part == 'unless' else ''}"


@dataclass(frozen=True)
class EngineMatch:
    """One match the engine delivered: the compiled rule, the part of it that matched, and what each alias matched.

    ``facts`` maps the rule's own aliases (and ``pair``, the bound pair) to the messages the
    engine holds; ``unless`` is the index of the unless pattern when ``part`` is "unless".
    """

    rule: CompiledRule
    part: Part
    unless: int
    facts: dict[str, dict[str, Any]]

    @property
    def roles(self) -> Roles:
        """The pair the match was made for."""
        return Roles(self.facts["pair"]["b"], self.facts["pair"]["p"])

    def uid(self, alias: str) -> str:
        """The id the runtime gave the event or world fact that ``alias`` matched."""
        return str(self.facts[alias]["i"])


def rule_definitions(rule: CompiledRule) -> dict[str, dict[str, Any]]:
    """The durable rules one compiled rule needs, keyed by name."""
    if isinstance(rule, DurationRule):
        return {_rule_name(rule, "duration"): _definition(rule.treaty, rule.patterns)}
    out = {_rule_name(rule, "match"): _definition(rule.treaty, rule.patterns)}
    if isinstance(rule, AbsenceRule):
        for i, u in enumerate(rule.unless):
            out[_rule_name(rule, "unless", i)] = _definition(rule.treaty, (u,))
    return out


def _decode(name: str, match: dict[str, dict[str, Any]], by_index: dict[int, CompiledRule]) -> EngineMatch:
    """A delivered match with durable's positional aliases mapped back to the rule's own aliases."""
    index, _, tail = name[1:].partition("_")
    rule, part = by_index[int(index)], _PART[tail[0]]
    unless = int(tail[1:]) if part == "unless" else 0
    patterns = (rule.unless[unless],) if part == "unless" and isinstance(rule, AbsenceRule) else rule.patterns
    facts = {p.alias: match[f"a{i}"] for i, p in enumerate(patterns)}
    facts["pair"] = match["pair"]
    return EngineMatch(rule, part, unless, facts)


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
    service) does not grow. Each open session keeps its Backend alive, so that a session's
    state is always freed before the rulesets it lives in (a Backend therefore never holds
    its sessions: the two would keep each other alive).
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
        self.by_index = {r.index: r for r in rules.rules}
        self.open_sessions = 0
        weakref.finalize(self, _free_rulesets, self.handles).atexit = False

    def session(self) -> "Session":
        """A fresh, isolated session; EngineLimitError when MAX_SESSIONS are open on this backend."""
        if self.open_sessions >= MAX_SESSIONS:
            gc.collect()  # sessions dropped inside reference cycles are freed only by the collector
        if self.open_sessions >= MAX_SESSIONS:
            raise EngineLimitError(f"{MAX_SESSIONS} sessions are open on one rule set, the most the engine allows: "
                                   "close finished runtimes (Runtime.close) or drop them")
        return Session(self)


def _free_session(backend: Backend, sid: str) -> None:
    """Free a session's facts in every ruleset, once: by ``close`` or when the session is dropped.

    The finalizer holds the Backend, so its rulesets are still there, whatever order the
    collector finds the session and the Backend in.
    """
    backend.open_sessions -= 1
    for handle in backend.handles:
        _engine.delete_state(handle, sid)


class Session:
    """One evaluation's facts inside every ruleset; matches are returned, never run.

    Its memory in the engine is freed by ``close``, or when the session is dropped.
    """

    _sids = itertools.count()

    def __init__(self, backend: Backend) -> None:
        self.handles = backend.handles
        self.by_index = backend.by_index
        self.sid = f"s{next(self._sids)}"
        self.matched: set[str] = set()  # ids of facts that took part in a delivered match
        # The engine leaves a new session's action context uninitialised and delete_state
        # frees it (aborting the process) unless one action has run to completion first:
        # every ruleset carries a sentinel rule that the session fires once, here.
        self._free: weakref.finalize[[Backend, str], Session] | None = None
        for handle in self.handles:
            for name, _ in self._assert(handle, {"id": "servanda-init", "t": _INIT, "sid": self.sid}):
                if name != _INIT:
                    raise RuntimeError(f"unexpected match {name!r} while opening a session")
        backend.open_sessions += 1
        self._free = weakref.finalize(self, _free_session, backend, self.sid)
        self._free.atexit = False

    @property
    def closed(self) -> bool:
        """Whether the session's memory has been freed."""
        return self._free is not None and not self._free.alive

    def assert_fact(self, message: dict[str, Any]) -> list[EngineMatch]:
        """Add a fact; return the matches it completed."""
        self._check_open()
        message["sid"] = self.sid
        return [_decode(name, match, self.by_index) for handle in self.handles for name, match in self._assert(handle, message)]

    def retract_fact(self, message: dict[str, Any]) -> bool:
        """Remove a fact from the engine, unless it took part in a match; return whether it was removed.

        Retracting a fact that was part of a delivered match makes the engine walk a
        stale action frame and write past its end (heap corruption, seen as random
        crashes much later). Such facts stay in the engine until the session is
        rebuilt, so callers must treat matches with facts they consider gone as stale.
        """
        self._check_open()
        if message["id"] in self.matched:
            return False
        message["sid"] = self.sid
        text = orjson.dumps(message).decode()
        for handle in self.handles:
            _engine.retract_fact(handle, text)
        return True

    def close(self) -> None:
        """Free the session's memory in the engine; closing twice is harmless."""
        if self._free is not None:
            self._free()

    def _check_open(self) -> None:
        if self.closed:  # the engine would quietly open a new state under the same id, never to be freed
            raise RuntimeError(f"session {self.sid} is closed")

    def _assert(self, handle: int, message: dict[str, Any]) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        """Add a fact to one ruleset; the matches it completed there, by durable rule name."""
        code, state = _engine.assert_fact(handle, orjson.dumps(message).decode())
        if code == 2:
            raise RuntimeError(f"the backend has already seen fact {message['id']!r}")
        if code == 0:  # 1: no rule of this ruleset wants the fact, and ``state`` is then no session
            yield from self._drain(handle, state)

    def _drain(self, handle: int, state: int) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        result = _engine.start_action_for_state(handle, state)
        while result:
            for name, match in orjson.loads(result[1]).items():
                self.matched.update(fact["id"] for fact in match.values())
                yield name, match
            following = _engine.complete_and_start_action(handle, state)
            result = (None, following) if following else None
