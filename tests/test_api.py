"""The public API stays curated: a sorted ``__all__`` of names that exist."""

from __future__ import annotations

import servanda


def test_all_is_sorted_and_complete() -> None:
    """``__all__`` is sorted, and every name in it is importable from the package."""
    assert servanda.__all__ == sorted(servanda.__all__)
    for name in servanda.__all__:
        assert hasattr(servanda, name)


def test_public_names_are_the_documented_ones() -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    assert servanda.__all__ == [
        "Diagnostic", "DiagnosticError", "Event", "FeedReader", "Finding", "LoadedScenario",
        "Result", "RuleSet", "evaluate", "load_rules", "load_scenario",
    ]


def test_diagnostic_codes_are_documented_in_the_readme() -> None:
    """Every diagnostic code the engine can emit has a line in the README's table."""
    from pathlib import Path

    from servanda.diagnostics import CODES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| {code} |" in readme, code
