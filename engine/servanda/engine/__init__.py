"""The engine layer: evaluating compiled rules over a world and a timeline.

Who is bound to whom and when (the context), days and the world's history, the live
world, the durable_rules backend (the only importer of durable_rules), findings, and
the two evaluators, each with one role: the **runtime** finds (its findings are
servanda's answer) and the **explainer** explains (it lists every way a rule
concluded, for the workbench); tests hold them to the same findings. Loading a
rules folder or a scenario from disk into something ready to evaluate lives here too.
"""

from ._backend import Backend, EngineMatch, live_rulesets
from ._context import Context, PairWindow, build_context, overlay_context, treaty_window
from ._explainer import Emission, answers, emissions, explainer_findings, rule_emissions, timeline_of
from ._findings import Finding, apply_exceptions, conclude, fact_json, merge, render
from ._history import (Fact, Stretch, absence_deadline, absence_due, day_effects, duration_due, duration_start, in_window,
                       world_history)
from ._evaluate import Result, evaluate
from ._loading import LoadedScenario, LoadedVariant, RuleSet, apply_overlay, load_rules, load_scenario
from ._matching import MISSING, Bindings, Fields, all_hold, holds, resolve
from ._runtime import Runtime

__all__ = [
    "Backend",
    "Bindings",
    "Context",
    "Emission",
    "EngineMatch",
    "Fact",
    "Fields",
    "Finding",
    "LoadedScenario",
    "LoadedVariant",
    "MISSING",
    "PairWindow",
    "Result",
    "RuleSet",
    "Runtime",
    "Stretch",
    "absence_deadline",
    "absence_due",
    "all_hold",
    "answers",
    "apply_exceptions",
    "apply_overlay",
    "build_context",
    "conclude",
    "day_effects",
    "duration_due",
    "duration_start",
    "emissions",
    "evaluate",
    "explainer_findings",
    "fact_json",
    "holds",
    "in_window",
    "live_rulesets",
    "load_rules",
    "load_scenario",
    "merge",
    "overlay_context",
    "render",
    "resolve",
    "rule_emissions",
    "timeline_of",
    "treaty_window",
    "world_history",
]
