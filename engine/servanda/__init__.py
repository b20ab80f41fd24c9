"""servanda: treaty clauses as declarative rules, events checked against them.

The public API, for notebooks and other programs::

    from pathlib import Path
    import servanda

    rules = servanda.load_rules(Path("rules"))
    scenario = servanda.load_scenario(Path("scenarios/seed-kg-joins-hostile-bloc.yaml"), rules)
    findings = servanda.evaluate(rules, scenario).findings
    changes = servanda.diff_variants(rules, scenario, ["joins-in-june"])

Errors in user input raise ``DiagnosticError``, whose ``diagnostics`` are located
``Diagnostic`` records. The README's "Python API" section walks through the rest.
"""

from .diagnostics import Diagnostic
from .core import Grade, Roles
from .engine import Finding, LoadedScenario, LoadedVariant, Result, RuleSet, apply_overlay, evaluate, load_rules, load_scenario
from .errors import DiagnosticError, EngineLimitError, ServandaError
from .language import Event, FeedReader, Overlay
from .reports import render_timeline, save_timeline, timeline_text
from .workbench import (Change, Counterfactual, Coverage, Diff, Explanation, Timeline, WhyNot, build_timeline,
                        counterfactuals, coverage, diff_variants, evaluate_cases, evaluate_variant, explain_finding, lint,
                        select_variant, why_not)

__all__ = [
    "Change",
    "Counterfactual",
    "Coverage",
    "Diagnostic",
    "DiagnosticError",
    "Diff",
    "EngineLimitError",
    "Event",
    "Explanation",
    "FeedReader",
    "Finding",
    "Grade",
    "LoadedScenario",
    "LoadedVariant",
    "Overlay",
    "Result",
    "Roles",
    "RuleSet",
    "ServandaError",
    "Timeline",
    "WhyNot",
    "apply_overlay",
    "build_timeline",
    "counterfactuals",
    "coverage",
    "diff_variants",
    "evaluate",
    "evaluate_cases",
    "evaluate_variant",
    "explain_finding",
    "lint",
    "load_rules",
    "load_scenario",
    "render_timeline",
    "save_timeline",
    "select_variant",
    "timeline_text",
    "why_not",
]
