"""The public API stays curated: a sorted ``__all__`` of names that exist."""

from __future__ import annotations

import pytest

from pathlib import Path

import servanda


def test_all_is_sorted_and_complete() -> None:
    """``__all__`` is sorted, and every name in it is importable from the package."""
    assert servanda.__all__ == sorted(servanda.__all__)
    for name in servanda.__all__:
        assert hasattr(servanda, name)


def test_public_names_are_the_documented_ones() -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    assert servanda.__all__ == [
        "Change", "Counterfactual", "Coverage", "Diagnostic", "DiagnosticError", "Diff", "EngineLimitError", "Event",
        "Explanation", "FeedReader", "Finding", "Grade", "LoadedScenario", "LoadedVariant", "Overlay", "Result", "Roles", "RuleSet", "ServandaError", "Timeline",
        "WhyNot", "apply_overlay", "build_timeline", "counterfactuals", "coverage", "diff_variants", "evaluate",
        "evaluate_cases", "evaluate_variant", "explain_finding", "lint", "load_rules", "load_scenario",
        "render_timeline", "save_timeline", "select_variant", "timeline_text", "why_not",
    ]


@pytest.mark.slow  # a fresh interpreter
def test_importing_the_package_does_not_load_matplotlib_or_pytest() -> None:
    """Drawing and the pytest plugin are loaded only when used, so `import servanda` stays light."""
    import subprocess
    import sys

    code = "import servanda, sys; print('matplotlib' in sys.modules, 'pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(Path(servanda.__file__).parent.parent)})
    assert done.stdout.split() == ["False", "False"]


def test_diagnostic_codes_are_documented_in_the_readme() -> None:
    """Every diagnostic code the engine can emit has a line in the README's table."""
    from pathlib import Path

    from servanda.diagnostics import CODES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| {code} |" in readme, code
