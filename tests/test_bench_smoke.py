"""Smoke tests of the benchmark's feed generator (the benchmark itself is not part of the suite)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import orjson
import pytest

from servanda.language import compile_vocabulary
from servanda.language import FeedReader
from servanda.language import load_yaml

ROOT = Path(__file__).resolve().parent.parent
COUNT = 2_000


def _feedgen():
    spec = importlib.util.spec_from_file_location("feedgen", ROOT / "bench" / "feedgen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


feedgen = _feedgen()


@pytest.fixture(scope="module")
def feed() -> bytes:
    """A 2,000-event feed with the default seed."""
    return b"".join(feedgen.lines(COUNT))


def test_every_line_is_a_valid_event(feed: bytes) -> None:
    """The FeedReader accepts every generated line against rules/vocabulary.yaml: valid fields, unique ids, dates in order."""
    vocabulary = compile_vocabulary(load_yaml(ROOT / "rules" / "vocabulary.yaml"))
    reader = FeedReader("feed.jsonl", vocabulary)
    events = list(reader.read(io.BytesIO(feed)))
    assert reader.problems == []
    assert len(events) == len(feed.splitlines()) == COUNT
    assert feedgen.FIRST_DAY <= events[0].date <= events[-1].date <= feedgen.LAST_DAY


def test_same_seed_same_bytes(feed: bytes) -> None:
    """The same seed gives the same bytes, and another seed gives a different feed."""
    assert b"".join(feedgen.lines(COUNT)) == feed
    assert b"".join(feedgen.lines(COUNT, seed=8)) != feed


def test_written_file_matches_the_lines(tmp_path: Path, feed: bytes) -> None:
    """write() puts exactly the generated lines in the file."""
    assert feedgen.write(tmp_path / "feed.jsonl", COUNT).read_bytes() == feed


def test_about_five_percent_are_among_parties(feed: bytes) -> None:
    """Between 3 % and 8 % of events belong to episodes among parties; the rest cannot matter to the treaties."""
    share = sum(feedgen.among_parties(orjson.loads(line)) for line in feed.splitlines()) / COUNT
    assert 0.03 <= share <= 0.08
