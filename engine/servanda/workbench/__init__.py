"""The workbench layer: what analysts ask of an evaluation.

A scenario's cases (baseline and variants) and their diffs, expectations checked,
findings explained as evidence chains, why a clause did not fire, counterfactuals
confirmed by re-evaluation, timelines as data, rule coverage, and lint's static checks.
Everything here returns plain data; the reports layer renders it.
"""

from ._cases import Refused, diff_variants, evaluate_cases, evaluate_paths, evaluate_variant, refused, select_variant
from ._counterfactual import Counterfactual, Evidence, cleared, counterfactuals, every_counterfactual, evidence_of, minimal_removals
from ._coverage import Coverage, RuleCoverage, coverage
from ._diff import Change, Diff, diff_findings
from ._evidence import CondCheck, Item, PatternCheck, shown_value
from ._expect import Mismatch, compare
from ._explain import Chain, Explanation, RulePart, explain_finding, why_not
from ._feasibility import Analysis, implied
from ._lint import LINT_CODES, lint
from ._timeline import Interval, Timeline, build_timeline
from ._whynot import Verdict, WhyNot, search_clause

__all__ = [
    "Analysis",
    "Chain",
    "Change",
    "CondCheck",
    "Counterfactual",
    "Coverage",
    "Diff",
    "Evidence",
    "Explanation",
    "Interval",
    "Item",
    "LINT_CODES",
    "Mismatch",
    "PatternCheck",
    "Refused",
    "RuleCoverage",
    "RulePart",
    "Timeline",
    "Verdict",
    "WhyNot",
    "build_timeline",
    "cleared",
    "compare",
    "counterfactuals",
    "coverage",
    "diff_findings",
    "diff_variants",
    "evaluate_cases",
    "evaluate_paths",
    "evaluate_variant",
    "every_counterfactual",
    "evidence_of",
    "explain_finding",
    "implied",
    "lint",
    "minimal_removals",
    "refused",
    "search_clause",
    "select_variant",
    "shown_value",
    "why_not",
]
