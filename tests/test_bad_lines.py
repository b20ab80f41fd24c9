"""One bad line is rejected alone: a feed with 1 % bad lines of every class gives the findings of the same feed without them."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from badfeed import BAD, LONG_LINE, make_feed
from servanda import FeedReader, evaluate, load_rules, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


def _read(data: bytes) -> tuple[list[dict[str, object]], FeedReader]:
    rules = load_rules(ROOT / "rules")
    scenario = load_scenario(SCENARIO, rules)
    reader = FeedReader("feed.jsonl", rules.compiled.vocabulary, taken=frozenset(e.id for e in scenario.events),
                        states=scenario.states,
                        max_line=LONG_LINE)
    result = evaluate(rules, scenario, reader.read(io.BytesIO(data)))
    return [f.to_json() for f in result.findings], reader


@pytest.mark.parametrize("lines", [4_000])
def test_bad_lines_cost_only_themselves(lines: int) -> None:
    """Findings equal those of the feed without its bad lines; each bad line has one diagnostic and no good line has any."""
    feeds = make_feed(lines)
    assert set(feeds.bad.values()) == set(BAD), "every class of bad line is in the feed"
    clean_findings, clean_reader = _read(feeds.clean)
    assert clean_reader.problems == [] and clean_findings, "the clean feed is valid and finds something"
    mixed_findings, reader = _read(feeds.mixed)
    per_line = Counter(d.line for d in reader.problems)
    wrong = {line: [d.render() for d in reader.problems if d.line == line] for line in per_line if line not in feeds.bad}
    assert wrong == {}, "diagnostics on good lines"
    silent = {line: name for line, name in feeds.bad.items() if line not in per_line}
    assert silent == {}, "bad lines accepted without a diagnostic"
    assert {line: n for line, n in per_line.items() if n != 1} == {}, "more than one diagnostic for a line"
    assert reader.rejected == len(feeds.bad)
    assert mixed_findings == clean_findings


def test_a_byte_order_mark_before_the_first_line_is_not_data() -> None:
    """A feed saved with a UTF-8 byte order mark reads as the same feed without it; one elsewhere is still refused."""
    feeds = make_feed(200, bad_share=0)
    plain, _ = _read(feeds.clean)
    marked, reader = _read(b"\xef\xbb\xbf" + feeds.clean)
    assert (marked, reader.problems) == (plain, [])
    lines = feeds.clean.split(b"\n")
    _, reader = _read(b"\n".join(lines[:5] + [b"\xef\xbb\xbf" + lines[5]] + lines[6:]))
    assert [(d.line, d.code) for d in reader.problems] == [(6, "SV004")]


@pytest.mark.parametrize("junk", [b"\x0b", b"\x0c", b"\x1c", b"\xc2\x85", b"  \x0b  "])
def test_a_line_of_non_json_whitespace_is_refused_not_skipped(junk: bytes) -> None:
    """Only JSON's own whitespace makes a blank line; a line of vertical tabs or form feeds is a located SV004."""
    feeds = make_feed(100, bad_share=0)
    lines = feeds.clean.split(b"\n")
    _, reader = _read(b"\n".join(lines[:3] + [junk] + lines[3:]) + b"\n   \n")
    assert [(d.line, d.code) for d in reader.problems] == [(4, "SV004")]
