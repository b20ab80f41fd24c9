"""Example tests of the durable_rules backend's lifetimes: rulesets and sessions are freed, never leaked."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import servanda
from servanda.engine import _backend as backend_module
from servanda.engine import Backend, Runtime, live_rulesets
from servanda.errors import EngineLimitError, ServandaError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


def test_no_ruleset_outlives_its_rules() -> None:
    """Loading the rules and the seed scenario (whose variants build rulesets of their own) ten times leaves no ruleset behind."""
    gc.collect()
    before = live_rulesets()
    for _ in range(10):
        rules = servanda.load_rules(ROOT / "rules")
        scenario = servanda.load_scenario(SEED, rules)
        assert live_rulesets() > before  # the rules and the variants that amend or switch off clauses hold some
        servanda.evaluate_cases(rules, scenario)
        del rules, scenario
    gc.collect()
    assert live_rulesets() == before


def test_a_dropped_runtime_frees_its_session(real_rules: servanda.RuleSet) -> None:
    """A runtime that is never closed still frees its engine session when it is dropped."""
    scenario = servanda.load_scenario(SEED, real_rules)
    opened = real_rules.backend.open_sessions
    runtime = Runtime(real_rules.compiled, real_rules.backend, scenario.context)
    assert real_rules.backend.open_sessions == opened + 1
    del runtime
    gc.collect()
    assert real_rules.backend.open_sessions == opened


def test_a_session_is_freed_before_its_rulesets_even_in_a_cycle(real_rules: servanda.RuleSet,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """When the collector finds runtimes, their backends and sessions in reference cycles, each session's state goes first."""
    calls: list[tuple[str, int]] = []
    engine = backend_module._engine
    monkeypatch.setattr(engine, "delete_state", lambda handle, sid: calls.append(("state", handle)))
    monkeypatch.setattr(engine, "delete_ruleset", lambda handle: calls.append(("ruleset", handle)))
    context = servanda.load_scenario(SEED, real_rules).context
    handles: list[tuple[int, ...]] = []
    for _ in range(5):
        backend = Backend(real_rules.compiled)
        runtime = Runtime(real_rules.compiled, backend, context)
        runtime.cycle = runtime  # type: ignore[attr-defined]
        handles.append(backend.handles)
        del backend, runtime
    gc.collect()
    for mine in handles:
        seen = [call for call in calls if call[1] in mine]  # the collector may free other dropped backends too
        assert seen == [("state", h) for h in mine] + [("ruleset", h) for h in mine]


def test_a_closed_session_takes_no_more_facts(real_rules: servanda.RuleSet) -> None:
    """The engine would quietly open new state under a closed session's id, never freed: the session refuses instead."""
    session = real_rules.backend.session()
    session.close()
    with pytest.raises(RuntimeError, match="closed"):
        session.assert_fact({"id": "x", "t": "f", "k": "bloc_membership"})


def test_closing_a_session_twice_is_harmless(real_rules: servanda.RuleSet) -> None:
    """close() frees the session once; a second close() and the session's later drop do nothing more."""
    opened = real_rules.backend.open_sessions
    session = real_rules.backend.session()
    session.close()
    session.close()
    assert session.closed
    del session
    gc.collect()
    assert real_rules.backend.open_sessions == opened


def test_open_sessions_are_bounded(real_rules: servanda.RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound, opening a session is a ServandaError that says what to do, not the engine's MemoryError."""
    monkeypatch.setattr(backend_module, "MAX_SESSIONS", real_rules.backend.open_sessions + 2)
    kept = [real_rules.backend.session(), real_rules.backend.session()]
    with pytest.raises(EngineLimitError, match="close finished runtimes") as caught:
        real_rules.backend.session()
    assert isinstance(caught.value, ServandaError)
    kept.pop().close()
    kept.append(real_rules.backend.session())  # a freed place can be taken again
    for session in kept:
        session.close()


def test_the_bound_is_below_what_the_engine_refuses(tmp_path: Path) -> None:
    """MAX_SESSIONS sessions really open on one ruleset (the engine refuses its 1,025th), and the next is EngineLimitError."""
    from support import HOSTILE_BLOC, make_rules

    rules = make_rules(tmp_path, HOSTILE_BLOC)
    sessions = [rules.backend.session() for _ in range(backend_module.MAX_SESSIONS)]
    try:
        with pytest.raises(EngineLimitError):
            rules.backend.session()
    finally:
        for session in sessions:
            session.close()
    assert rules.backend.open_sessions == 0
