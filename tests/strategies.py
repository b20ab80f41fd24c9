"""Hypothesis strategies: random but valid treaties, rules, worlds and timelines over the real vocabulary.

A ``Case`` is a treaty and a scenario as YAML-able dicts. Each case picks a few
event kinds and relations "in play", so that its rules and its events meet often:
rules of all three shapes (events with 1-3 steps and windows, fact patterns,
absence with ``unless``, duration, exceptions), conditions with constants, roles,
references to earlier aliases, ``not``/``in``/``not_in``/``exists`` and date
comparisons; a world of initial facts; and up to 25 events on a handful of dates
among the parties and some states that are not parties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY_TEXT = (ROOT / "rules" / "vocabulary.yaml").read_text(encoding="utf-8")
_VOCAB = yaml.safe_load(VOCABULARY_TEXT)
KINDS: dict[str, dict[str, dict[str, Any]]] = {k: v["fields"] for k, v in _VOCAB["kinds"].items()}
RELATIONS: dict[str, dict[str, dict[str, Any]]] = {k: v["fields"] for k, v in _VOCAB["relations"].items()}
EFFECTS: dict[str, set[str]] = {k: {e.get("add") or e.get("remove") for e in v.get("effects", [])} for k, v in _VOCAB["kinds"].items()}

BASE = dt.date(2026, 1, 1)
SPAN = 15  # events fall on BASE .. BASE + SPAN
PARTIES = ("KAZ", "KGZ", "ARM", "BLR")
OUTSIDERS = ("USA", "CHN", "TUR")
NAMES = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "ARM": "Armenia", "BLR": "Belarus", "USA": "United States",
         "CHN": "China", "TUR": "Türkiye"}
IDS = ("b1", "b2", "1", "01")  # numeric-looking ids probe the backend's loose equality
TEXTS = ("grain", "meat", "5")
GRADES = ("violation", "potential_violation", "indicator")
ALL_KINDS = tuple(sorted(KINDS))

Draw = Callable[[st.SearchStrategy[Any]], Any]
Scope = dict[str, dict[str, dict[str, Any]]]  # alias -> its fields' specs


def day(offset: int) -> str:
    """BASE + offset days, as YYYY-MM-DD."""
    return (BASE + dt.timedelta(days=offset)).isoformat()


@dataclass(frozen=True)
class Case:
    """A generated treaty and scenario, as data ready to dump to YAML."""

    treaty: dict[str, Any]
    scenario: dict[str, Any]

    @property
    def treaty_text(self) -> str:
        return yaml.safe_dump(self.treaty, sort_keys=False, allow_unicode=True)

    @property
    def scenario_text(self) -> str:
        return yaml.safe_dump(self.scenario, sort_keys=False, allow_unicode=True)

    def with_events(self, events: list[dict[str, Any]]) -> "Case":
        """The same case with another timeline."""
        return replace(self, scenario={**self.scenario, "events": events})


def constant(draw: Draw, spec: dict[str, Any], states: tuple[str, ...]) -> Any:
    """A value that fits a field."""
    kind = spec["type"]
    if kind == "state":
        return draw(st.sampled_from(states))
    if kind == "id":
        return draw(st.sampled_from(IDS))
    if kind == "text":
        return draw(st.sampled_from(tuple(spec.get("values") or TEXTS)))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "date":
        return day(draw(st.integers(-2, SPAN + 5)))
    raise AssertionError(f"no values for field type {kind}")


def condition(draw: Draw, spec: dict[str, Any], states: tuple[str, ...], refs: list[str], roles: bool) -> Any:
    """One condition on a field: a constant, a role, a reference or an operator."""
    forms = ["const", "const", "in", "not_in", "not"]
    if spec["type"] == "state" and roles:
        forms += ["role"] * 6 + ["not_role"]
    if refs:
        forms += ["ref"] * 6 + ["not_ref"]
    if not spec.get("required", True):
        forms += ["exists"] * 2
    if spec["type"] == "date":
        forms += ["compare"] * 3
    form = draw(st.sampled_from(forms))
    if form == "const":
        return constant(draw, spec, states)
    if form in ("in", "not_in"):
        return {form: [constant(draw, spec, states) for _ in range(draw(st.integers(1, 3)))]}
    if form == "not":
        return {"not": constant(draw, spec, states)}
    if form in ("role", "not_role"):
        role = draw(st.sampled_from(("$bound", "$protected")))
        return role if form == "role" else {"not": role}
    if form in ("ref", "not_ref"):
        ref = draw(st.sampled_from(refs))
        return ref if form == "ref" else {"not": ref}
    if form == "exists":
        return {"exists": draw(st.booleans())}
    return {draw(st.sampled_from(("gt", "gte", "lt", "lte"))): constant(draw, spec, states)}


def where(draw: Draw, fields: dict[str, dict[str, Any]], scope: Scope, states: tuple[str, ...], roles: bool = True,
          refs: bool = True) -> dict[str, Any]:
    """Conditions on some of a pattern's fields; state fields are tested most often."""
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        chance = 7 if spec["type"] == "state" else 3
        if draw(st.integers(0, 9)) >= chance:
            continue
        candidates = [f"${alias}.{f}" for alias, fs in scope.items() for f, s in fs.items()
                      if s["type"] == spec["type"]] if refs else []
        out[name] = condition(draw, spec, states, candidates, roles)
    return out


def exceptions(draw: Draw, scope: Scope, default: str, states: tuple[str, ...]) -> list[dict[str, Any]]:
    """Zero to two exceptions, each on one alias with constant conditions."""
    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 2))):
        alias = draw(st.sampled_from(sorted(scope)))
        fields = scope[alias]
        names = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2, unique=True))
        conds = {n: condition(draw, fields[n], states, [], roles=False) for n in names}
        exc: dict[str, Any] = {"id": f"x{i}", "where": conds, "grade": draw(st.sampled_from(GRADES + ("cleared",))),
                               "note": f"exception {i}"}
        if alias != default or draw(st.booleans()):
            exc["step"] = alias
        out.append(exc)
    return out


def explanation(draw: Draw, scope: Scope, meta: dict[str, str], extra: tuple[str, ...]) -> str:
    """A template naming some of the placeholders the rule allows."""
    allowed = ["bound", "protected", "bound_name", "protected_name", *extra]
    for alias, fields in scope.items():
        allowed += [f"{alias}.{f}" for f in fields] + [f"{alias}.{meta[alias]}", f"{alias}.id"]
    names = draw(st.lists(st.sampled_from(sorted(allowed)), min_size=1, max_size=4))
    return "Generated: " + "; ".join(f"{n}={{{n}}}" for n in names) + "."


def events_rule(draw: Draw, kinds: list[str], relations: list[str], states: tuple[str, ...]) -> dict[str, Any]:
    """An events rule: 1-3 steps with windows, and 0-2 fact patterns."""
    scope: Scope = {}
    meta: dict[str, str] = {}
    match: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 3))):
        alias, kind = f"s{i}", draw(st.sampled_from(kinds))
        step: dict[str, Any] = {"kind": kind, "where": where(draw, KINDS[kind], scope, states)}
        if i:
            step["after"] = draw(st.sampled_from(sorted(match)))
            step["within_days"] = draw(st.integers(0, 8))
        match[alias], scope[alias], meta[alias] = step, KINDS[kind], "date"
    facts: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 2))):
        alias, relation = f"f{i}", draw(st.sampled_from(sorted(relations)))
        facts[alias] = {"relation": relation, "where": where(draw, RELATIONS[relation], scope, states)}
        scope[alias], meta[alias] = RELATIONS[relation], "since"
    rule: dict[str, Any] = {"match": match}
    if facts:
        rule["facts"] = facts
    rule["exceptions"] = exceptions(draw, scope, f"s{len(match) - 1}", states)
    rule["explanation"] = explanation(draw, scope, meta, ())
    return rule


def absence_rule(draw: Draw, kinds: list[str], states: tuple[str, ...]) -> dict[str, Any]:
    """An absence rule: one trigger, a deadline and one or two ``unless`` events."""
    kind = draw(st.sampled_from(kinds))
    scope: Scope = {"t": KINDS[kind]}
    unless = []
    for _ in range(draw(st.integers(1, 2))):
        other = draw(st.sampled_from(kinds))
        unless.append({"kind": other, "where": where(draw, KINDS[other], {}, states, refs=False)})
    return {
        "match": {"t": {"kind": kind, "where": where(draw, KINDS[kind], {}, states)}},
        "absence": {"days": draw(st.integers(0, 6)), "unless": unless},
        "exceptions": exceptions(draw, scope, "t", states),
        "explanation": explanation(draw, scope, {"t": "date"}, ("deadline", "days")),
    }


def duration_rule(draw: Draw, relations: list[str], states: tuple[str, ...]) -> dict[str, Any]:
    """A duration rule over one relation."""
    relation = draw(st.sampled_from(relations))
    scope: Scope = {"fact": RELATIONS[relation]}
    return {
        "duration": {"relation": relation, "where": where(draw, RELATIONS[relation], {}, states),
                     "more_than_days": draw(st.integers(0, 6))},
        "exceptions": exceptions(draw, scope, "fact", states),
        "explanation": explanation(draw, scope, {"fact": "since"}, ("days",)),
    }


def rule(draw: Draw, index: int, kinds: list[str], relations: list[str], states: tuple[str, ...]) -> dict[str, Any]:
    """A rule of a random shape, with its id, grade and summary first."""
    shape = draw(st.sampled_from(("events", "events", "events", "absence", "duration")))
    if shape == "events":
        body = events_rule(draw, kinds, relations, states)
    elif shape == "absence":
        body = absence_rule(draw, kinds, states)
    else:
        body = duration_rule(draw, relations, states)
    if not body["exceptions"]:
        del body["exceptions"]
    return {"id": f"r{index}", "grade": draw(st.sampled_from(GRADES)), "summary": f"Generated {shape} rule {index}.", **body}


def treaty(draw: Draw, rules: list[dict[str, Any]], parties: tuple[str, ...], entry: int, known: bool) -> dict[str, Any]:
    """A bilateral or multilateral treaty entering into force on BASE + entry, one clause per rule."""
    doc: dict[str, Any] = {"treaty": "t", "titles": {"en": "Generated treaty"}}
    if len(parties) == 2:
        doc.update(kind="bilateral", parties=list(parties))
    else:
        members = []
        for state in parties:
            joined = draw(st.none() | st.none() | st.none() | st.integers(-5, SPAN))
            left = draw(st.none() | st.none() | st.none() | st.integers(max(joined or 0, 0) + 1, SPAN + 10))
            members.append({"state": state, "joined": None if joined is None else day(joined),
                            "left": None if left is None else day(left)})
        doc.update(kind="multilateral", members=members)
    ends = draw(st.one_of(st.none(), st.integers(max(entry, 10), SPAN + 10)))
    in_force = day(entry) if known else {"unknown": True, "note": "not established"}
    doc.update(signed=None, in_force=in_force, ends=None if ends is None else day(ends),
               sources=[{"id": "s", "address": "https://example.org/t", "provenance": "summary"}])
    doc["clauses"] = [{"id": f"c{i}", "article": f"Art. {i + 1}", "title": f"Clause {i + 1}",
                       "text": [{"lang": "en", "text": f"Clause {i + 1} of the generated treaty.", "provenance": "summary",
                                 "source": "s"}], "rules": [r]} for i, r in enumerate(rules)]
    return doc


def event(draw: Draw, ident: str, date: str, kind: str, states: tuple[str, ...]) -> dict[str, Any]:
    """One event of ``kind`` with its required fields and some optional ones."""
    out: dict[str, Any] = {"id": ident, "date": date, "kind": kind}
    for name, spec in KINDS[kind].items():
        if spec.get("required", True) or draw(st.booleans()):
            out[name] = constant(draw, spec, states)
    return out


def world_fact(draw: Draw, index: int, relation: str, states: tuple[str, ...]) -> dict[str, Any]:
    """An initial world fact, sometimes with an id and a since date."""
    fact: dict[str, Any] = {"relation": relation,
                            "fields": {n: constant(draw, s, states) for n, s in RELATIONS[relation].items()}}
    if draw(st.booleans()):
        fact["id"] = f"w{index}"
    # The initial world holds before the timeline starts (a later since is refused), and events may fall on day 0.
    since = draw(st.one_of(st.none(), st.integers(-10, 0)))
    if since is not None:
        fact["since"] = day(since)
    return fact


@st.composite
def raw_events(draw: Draw, ident: str, dates: list[int], kinds: list[str], states: tuple[str, ...]) -> dict[str, Any]:
    """An event on one of ``dates``, mostly of a kind in play."""
    kind = draw(st.sampled_from(ALL_KINDS)) if draw(st.integers(0, 4)) == 3 else draw(st.sampled_from(kinds))
    return event(draw, ident, day(draw(st.sampled_from(dates))), kind, states)


@st.composite
def cases(draw: Draw) -> Case:
    """A treaty with 1-4 rules, a world and a timeline that often meet."""
    parties = tuple(draw(st.lists(st.sampled_from(PARTIES), min_size=2, max_size=4, unique=True)))
    states = parties + tuple(draw(st.lists(st.sampled_from(OUTSIDERS), min_size=1, max_size=2, unique=True)))
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=3, unique=True))
    relations = sorted(set().union(*(EFFECTS[k] for k in kinds)))
    if not relations or draw(st.booleans()):
        relations = sorted(set(relations) | {draw(st.sampled_from(sorted(RELATIONS)))})
    rules = [rule(draw, i, kinds, relations, states) for i in range(draw(st.integers(1, 4)))]
    entry = draw(st.integers(-5, SPAN // 2))
    known = draw(st.integers(0, 19)) != 7
    doc = treaty(draw, rules, parties, entry, known)
    dates = draw(st.lists(st.integers(0, SPAN), min_size=1, max_size=6, unique=True))
    likely = parties * 3 + states[len(parties):]  # events name parties more often than outsiders
    count = max(draw(st.integers(0, 25)), draw(st.integers(0, 25)))  # the larger of two: fewer near-empty timelines
    timeline = [draw(raw_events(f"e{i}", dates, kinds, likely)) for i in range(count)]
    facts = [world_fact(draw, i, draw(st.sampled_from(relations)), states) for i in range(draw(st.integers(0, 4)))]
    scenario: dict[str, Any] = {"scenario": "generated", "title": "Generated scenario",
                                "as_of": day(draw(st.integers(SPAN, SPAN + 15)))}
    if not known and draw(st.integers(0, 4)) != 2:
        scenario["assume"] = [{"treaty": "t", "in_force": day(entry), "note": "assumed for the test"}]
    names = {s: NAMES[s] for s in states if draw(st.booleans())}
    scenario["world"] = {"states": names, "facts": facts}
    scenario["events"] = timeline
    return Case(doc, scenario)


def quiet_events(draw: Draw, kinds: list[str], count: int) -> list[dict[str, Any]]:
    """Events of the given kinds whose every state field names a state that is party to nothing."""
    return [event(draw, f"n{i}", day(draw(st.integers(0, SPAN))), draw(st.sampled_from(kinds)), OUTSIDERS)
            for i in range(count)]
