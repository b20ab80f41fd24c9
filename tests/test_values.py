"""Values in events and models: every field type against every JSON or YAML value, dates without sentinels, strict dates and counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from servanda import FeedReader, load_rules
from servanda.diagnostics import Diagnostic
from servanda.language import EventParser, ExpectedFinding, Vocabulary, parse_event
from servanda.language._models import Absence, shown

BROKEN = Path(__file__).resolve().parent / "broken"
FIELDS = {"s": "state", "i": "id", "t": "text", "b": "boolean", "n": "integer", "x": "number", "d": "date"}
VOCABULARY = Vocabulary.model_validate({
    "vocabulary": 1, "relations": {},
    "kinds": {"k": {"description": "every field type", "fields": {f: {"type": t, "required": False} for f, t in FIELDS.items()}}},
})
VALUES: list[Any] = [None, [], ["KAZ"], {}, {"x": 1}, True, False, "", "KAZ", "KKK", "a-1", "2026-02-03", "2026-02-30",
                     0, -1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64, 10**40, 1.5, -0.0, 1e308,
                     float("nan"), float("inf"), float("-inf")]
GOOD = {"s": {"KAZ"}, "i": {"a-1", "KAZ", "KKK", "2026-02-03", "2026-02-30"}, "b": {True, False},
        "t": {"", "KAZ", "KKK", "a-1", "2026-02-03", "2026-02-30"}, "d": {"2026-02-03"}}


def _locate(key: tuple[str | int, ...], code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic("feed", 1, len(key), code, message, hint)


def _fits(name: str, value: Any) -> bool:
    """Whether ``value`` is a valid value of field ``name`` (the oracle the parser is checked against)."""
    if name == "n":
        return type(value) is int and -(2**63) <= value < 2**63
    if name == "x":
        return (type(value) is int and -(2**63) <= value < 2**63) or (type(value) is float and abs(value) != float("inf") and value == value)
    return any(type(value) is type(good) and value == good for good in GOOD[name])


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_field_type_takes_every_value_without_crashing(name: str) -> None:
    """For each field type and each value (null, lists, mappings, booleans, huge and non-finite numbers), the fast path and
    parse_event agree, accept exactly the values that fit, and locate the others as SV205, SV104 or SV206 on that field."""
    for value in VALUES:
        raw = {"id": "e1", "date": "2026-01-01", "kind": "k", name: value}
        fast = EventParser(VOCABULARY).fast(dict(raw))
        event, problems = parse_event(dict(raw), VOCABULARY, _locate, ())
        assert (fast is not None) == (event is not None) == _fits(name, value), (name, value, problems)
        if event is None:
            assert [(p.col, p.code) for p in problems] in ([(1, "SV205")], [(1, "SV104")], [(1, "SV206")]), (name, value, problems)
        else:
            assert fast == event


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_value_in_the_envelope_is_refused_or_taken_without_crashing(value: Any) -> None:
    """Any value as an event's id, date or kind is located on that key, the same through the parser; none makes either raise."""
    for key in ("id", "date", "kind"):
        raw = {"id": "e1", "date": "2026-01-01", "kind": "k", key: value}
        event, problems = parse_event(dict(raw), VOCABULARY, _locate, ())
        assert EventParser(VOCABULARY).parse(dict(raw), _locate, ())[0] == event
        assert event is not None or [p.col for p in problems] == [1], (key, value, problems)


def test_no_sentinel_is_taken_for_a_date() -> None:
    """An empty or null date is refused by a fresh parser and by one that has already read a date."""
    parser = EventParser(VOCABULARY)
    for date in ("", None, "", "2026-01-01", "", None, 0):
        event = parser.fast({"id": "e1", "date": date, "kind": "k"})
        assert (event is not None) == (date == "2026-01-01")
        assert event is None or event.date == dt.date(2026, 1, 1)


def test_the_parser_takes_the_states_it_is_given() -> None:
    """EventParser(states=…) accepts a listed code on the fast path and in parse, and still refuses an unknown one with SV206."""
    parser = EventParser(VOCABULARY, states=frozenset({"KKK", "kkk", "KAZ"}))
    listed = {"id": "e1", "date": "2026-01-01", "kind": "k", "s": "KKK"}
    assert parser.fast(listed) is not None
    assert EventParser(VOCABULARY).fast(listed) is None
    for code, expected in (("kkk", "SV205"), ("KGZ", "SV206")):
        event, problems = parser.parse({**listed, "s": code}, _locate, ())
        assert event is None and [p.code for p in problems] == [expected]


def test_a_feed_keeps_its_good_lines_and_refuses_each_bad_one_once(tmp_path: Path) -> None:
    """A feed whose every other line has a bad value in some field yields every good line, and one diagnostic on each bad line."""
    rules = load_rules(BROKEN / "good-rules")
    good = {"kind": "import_ban", "actor": "KGZ", "against": "KAZ", "goods": "flour", "notified": True}
    bad = [("actor", ["KGZ"]), ("actor", {"x": 1}), ("actor", "KKK"), ("against", None), ("date", ["2026-03-01"]),
           ("date", ""), ("date", {"y": 1}), ("id", ["x"]), ("goods", {"a": 1}), ("notified", "true"), ("tonnes", 2**64 - 1),
           ("tonnes", 1.5), ("tonnes", [1]), ("effective", "2026-03-01T00:00:00Z"), ("effective", 20260301)]
    lines = []
    for n, (key, value) in enumerate(bad):
        lines.append({"id": f"g{n}", "date": "2026-03-01", **good, "tonnes": 2**63 - 1})
        lines.append({"id": f"b{n}", "date": "2026-03-01", **good, key: value})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    reader = FeedReader(str(feed), rules.compiled.vocabulary)
    with feed.open("rb") as stream:
        kept = [e.id for e in reader.read(stream)]
    assert kept == [f"g{n}" for n in range(len(bad))]
    assert sorted(d.line for d in reader.problems) == [2 * n + 2 for n in range(len(bad))]
    assert {d.code for d in reader.problems} <= {"SV103", "SV104", "SV205", "SV206"}


@pytest.mark.parametrize("value", [0, "0", "1767139200", "2026-02-01T00:00:00Z", "2026-02-01 00:00", 1767139200.0,
                                   dt.datetime(2026, 2, 1), True, ["2026-02-01"]], ids=repr)
def test_a_model_date_is_written_yyyy_mm_dd(value: Any) -> None:
    """A model's date refuses numbers, number-like text, timestamps and datetimes, and takes a date or YYYY-MM-DD text."""
    with pytest.raises(ValidationError, match="expected a date YYYY-MM-DD"):
        ExpectedFinding(treaty="t", clause="c", date=value)
    assert ExpectedFinding(treaty="t", clause="c", date="2026-02-01").date == ExpectedFinding(treaty="t", clause="c", date=dt.date(2026, 2, 1)).date


@pytest.mark.parametrize("value", ["5", 5.0, True, 2**64], ids=repr)
def test_a_number_of_days_is_a_whole_number_within_a_century(value: Any) -> None:
    """A number of days refuses text, floats, booleans and numbers past a century; 5 is taken."""
    unless = [{"kind": "k"}]
    with pytest.raises(ValidationError):
        Absence.model_validate({"days": value, "unless": unless})
    assert Absence.model_validate({"days": 5, "unless": unless}).days == 5


def test_a_value_is_shown_short_whatever_it_holds() -> None:
    """Messages show a value briefly: deep nesting, huge integers and long text never make them long or raise."""
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    assert shown(deep) == "a list of 1 item(s)"
    assert shown(10**5000) == "an integer of 16610 bits"
    assert len(shown("x" * 10**6)) <= 61
    assert (shown(None), shown(True), shown("kaz")) == ("null", "true", "'kaz'")
