"""The fuzz suite (issue 8): every shipped scenario, treaty, the vocabulary and a feed, damaged by hypothesis, and
bad command lines and special files, through the real command line in a child process with a time limit.

Each run must exit 0, 1 or 2 within its time limit, print no traceback, and at exit 2 print only located
diagnostics (an existing file and line) and the closing count; an input known to be malformed must exit 2.
Failures are collected over the whole run and reported grouped by cause, with the smallest input of each
kept as a reproducer, so one run lists every distinct failure instead of stopping at the first.

Profiles: by default (CI) a derandomised run of a few hundred inputs, well under 90 s on 2 cores;
``SERVANDA_FUZZ=long`` runs more than 5,000. The counts (inputs by family, command and exit code) and the
failures are written to ``fuzz-summary.json`` in pytest's temporary folder (and to ``$SERVANDA_FUZZ_SUMMARY``
when set) and printed (see them with ``-s``); ``$SERVANDA_FUZZ_REPROS`` names a folder for the reproducers.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from fuzzing import (FEED, FEED_COMMANDS, FEED_SCENARIO, FEED_TEXT, RULES_COMMANDS, RULES_FILES, ROOT, SCENARIO_COMMANDS,
                     SCENARIOS, Case, ForkServer, Ledger, command_line_cases, execute, feed_cases, rules_cases,
                     scenario_cases, special_cases, issue_cases, _argv)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

PROFILE = os.environ.get("SERVANDA_FUZZ", "ci")
COUNTS = {  # inputs per family
    "ci": {"scenario": 110, "rules": 50, "feed": 60, "command line": 40},
    "long": {"scenario": 2300, "rules": 1200, "feed": 1100, "command line": 500},
}[PROFILE]
settings.register_profile("fuzz-ci", deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz-long", deadline=None, database=None, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck))
FUZZ_SETTINGS = settings.get_profile(f"fuzz-{PROFILE}")

pytestmark = [pytest.mark.slow, pytest.mark.fuzz]


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ForkServer, Path, Ledger]]:
    """The fork server, a folder for the cases, and the ledger whose summary is written when the module ends."""
    base = tmp_path_factory.mktemp("fuzz")
    ledger = Ledger(Path(os.environ.get("SERVANDA_FUZZ_REPROS") or base / "repros"))
    server = ForkServer()
    server.start()
    started = time.monotonic()
    yield server, base / "cases", ledger
    server.close()
    summary = {"profile": PROFILE, "seconds": round(time.monotonic() - started, 1), **ledger.summary()}
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    (base / "fuzz-summary.json").write_text(text)
    if os.environ.get("SERVANDA_FUZZ_SUMMARY"):
        Path(os.environ["SERVANDA_FUZZ_SUMMARY"]).write_text(text)
    print(f"\nfuzz summary ({base / 'fuzz-summary.json'}):\n{text}")


def _report(failures: dict[str, tuple[Case, str]]) -> str:
    lines = [f"{len(failures)} distinct failures:"]
    for signature, (case, detail) in sorted(failures.items()):
        lines.append(f"- {signature}\n    input: {case.label}\n    servanda {' '.join(case.argv)}\n    {detail[:600]}")
    return "\n".join(lines)


def _fuzz(strategy: st.SearchStrategy[Case], count: int, fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    server, base, ledger = fuzz
    failures: dict[str, tuple[Case, str]] = {}

    @settings(FUZZ_SETTINGS, max_examples=count)
    @given(strategy)
    def run(case: Case) -> None:
        for signature, detail in execute(server, case, base, ledger):
            failures.setdefault(signature, (case, detail))

    run()
    assert not failures, _report(failures)


def test_unmutated_inputs_are_accepted(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """The undamaged corpus passes every check and is accepted, so a refusal of a mutation is the mutation's doing."""
    server, base, ledger = fuzz
    assert len(FEED) >= 10 and len(SCENARIOS) >= 20
    scenario = (ROOT / "scenarios" / FEED_SCENARIO).read_bytes()
    files = {**RULES_FILES, "scenario.yaml": scenario, "feed.jsonl": FEED_TEXT, "scen/scenario.yaml": scenario}
    templates = [t for t, _ in SCENARIO_COMMANDS + RULES_COMMANDS + FEED_COMMANDS if "t.png" not in t]
    for template in templates:
        case = Case("unmutated", "none", "shipped input", _argv(template, "scenario.yaml", "kz-kg-2024/no-hostile-blocs"), files,
                    timeout=60)
        found = execute(server, case, base, ledger)
        assert not found, (case.argv, found)
    assert set(ledger.by_exit) <= {"0", "1"}, ledger.by_exit


def test_fuzz_scenarios(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """Damaged shipped scenarios never crash, hang or slip through any command that reads a scenario."""
    _fuzz(scenario_cases(), COUNTS["scenario"], fuzz)


def test_fuzz_rules(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """Damaged treaties and vocabulary never crash, hang or slip through lint or the commands that compile rules."""
    _fuzz(rules_cases(), COUNTS["rules"], fuzz)


def test_fuzz_feed(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """A damaged JSON Lines feed never crashes, hangs or slips through check --events."""
    _fuzz(feed_cases(), COUNTS["feed"], fuzz)


def test_fuzz_command_line(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """Bad option and argument values, special files among them, are refused with a located diagnostic and exit 2."""
    _fuzz(command_line_cases(), COUNTS["command line"], fuzz)


def test_special_files(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """FIFOs, devices, link loops, unreadable files, read limits and option conflicts are refused, never read or followed."""
    server, base, ledger = fuzz
    failures: dict[str, tuple[Case, str]] = {}
    for case in special_cases():
        for signature, detail in execute(server, case, base, ledger):
            failures.setdefault(signature, (case, detail))
    assert not failures, _report(failures)


def test_issue_classes(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """One input of every class issue 8 lists behaves: no crash or hang, located diagnostics, malformed input refused."""
    server, base, ledger = fuzz
    failures: dict[str, tuple[Case, str]] = {}
    for case in issue_cases():
        for signature, detail in execute(server, case, base, ledger):
            failures.setdefault(signature, (case, detail))
    assert not failures, _report(failures)


def test_real_entry_point(fuzz: tuple[ForkServer, Path, Ledger]) -> None:
    """`python -m servanda` itself behaves as the fork server's runs do on a handful of valid and damaged inputs."""
    server, base, ledger = fuzz
    seed = (ROOT / "scenarios" / FEED_SCENARIO).read_bytes()
    files: dict[str, Any] = {**RULES_FILES, "scenario.yaml": seed, "feed.jsonl": FEED_TEXT}
    nested = {**files, "scenario.yaml": seed.replace(b"as_of: 2026-12-31", b"as_of: " + b"[" * 500 + b"]" * 500)}
    bad_date = {**files, "scenario.yaml": seed.replace(b"as_of: 2026-12-31", b"as_of: 2026-02-30")}
    bad_feed = {**files, "feed.jsonl": FEED_TEXT + b'{"id": "z", "date": "2026-12-31", "kind": "join_bloc", "actor": ["KAZ"], "bloc": "b"}\n'}
    cases = [
        Case("real", "valid", "shipped seed", ["check", "scenario.yaml"], files, timeout=60),
        Case("real", "valid", "shipped seed with feed", ["check", "scenario.yaml", "--events", "feed.jsonl", "--format", "json"], files,
             timeout=60),
        Case("real", "deep nesting", "as_of nested 500 deep", ["check", "scenario.yaml"], nested, True, timeout=60),
        Case("real", "malformed date", "as_of 2026-02-30", ["timeline", "scenario.yaml"], bad_date, True, timeout=60),
        Case("real", "feed non-scalar", "actor ['KAZ']", ["check", "scenario.yaml", "--events", "feed.jsonl"], bad_feed, True, timeout=60),
        Case("real", "bad --fail-under", "test --fail-under nan", ["test", "scenario.yaml", "--fail-under", "nan"], files, True, timeout=60),
        Case("real", "FIFO", "FIFO as scenario", ["check", "fifo.yaml"], files, True, setup="fifo:fifo.yaml", timeout=60),
    ]
    failures: dict[str, tuple[Case, str]] = {}
    for case in cases:
        for signature, detail in execute(server, case, base, ledger, real=True):
            failures.setdefault(signature, (case, detail))
    assert not failures, _report(failures)
