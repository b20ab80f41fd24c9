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

from .counterfactual import Counterfactual, counterfactuals
from .coverage import Coverage, coverage
from .diagnostics import Diagnostic, DiagnosticError
from .diff import Change, Diff
from .events import Event
from .explain import Explanation, WhyNot, explain_finding, why_not
from .feed import FeedReader
from .findings import Finding
from .lint import lint
from .project import (LoadedScenario, LoadedVariant, Result, RuleSet, apply_overlay, diff_variants, evaluate, evaluate_cases,
                      evaluate_variant, load_rules, load_scenario, select_variant)
from .timeline import Timeline, build_timeline
from .timeline_plot import render_timeline, save_timeline
from .timeline_render import timeline_text
from .variants import Overlay

__all__ = [
    "Change",
    "Counterfactual",
    "Coverage",
    "Diagnostic",
    "DiagnosticError",
    "Diff",
    "Event",
    "Explanation",
    "FeedReader",
    "Finding",
    "LoadedScenario",
    "LoadedVariant",
    "Overlay",
    "Result",
    "RuleSet",
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
