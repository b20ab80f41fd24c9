"""The engine layer: evaluating compiled rules over a world and a timeline.

Who is bound to whom and when (the context), the live world, the durable_rules backend
(the only importer of durable_rules), the runtime that finds findings as events arrive,
and the explainer, a plain evaluator that lists every way a rule concluded so that the
workbench can explain findings. Loading a rules folder or a scenario from disk into
something ready to evaluate lives here too.
"""

from ._backend import Backend, Session, live_rulesets
from ._context import Context, InitialFact, PairWindow, build_context, overlay_context, treaty_window
from ._explainer import (Bindings, Emission, Stretch, answers, conclude, duration_start, emissions, evaluate_reference,
                         pair_live, world_history)
from ._findings import GRADE_ORDER, FactRef, Finding, apply_exceptions, iso, merge, render
from ._loading import LoadedScenario, LoadedVariant, Result, RuleSet, apply_overlay, evaluate, load_rules, load_scenario
from ._matching import MISSING, holds, resolve
from ._prefilter import Prefilter
from ._runtime import ROTATE_AFTER, Runtime

__all__ = [
    "GRADE_ORDER",
    "MISSING",
    "ROTATE_AFTER",
    "Backend",
    "Bindings",
    "Context",
    "Emission",
    "FactRef",
    "Finding",
    "InitialFact",
    "LoadedScenario",
    "LoadedVariant",
    "PairWindow",
    "Prefilter",
    "Result",
    "RuleSet",
    "Runtime",
    "Session",
    "Stretch",
    "answers",
    "apply_exceptions",
    "apply_overlay",
    "build_context",
    "conclude",
    "duration_start",
    "emissions",
    "evaluate",
    "evaluate_reference",
    "holds",
    "iso",
    "live_rulesets",
    "load_rules",
    "load_scenario",
    "merge",
    "overlay_context",
    "pair_live",
    "render",
    "resolve",
    "treaty_window",
    "world_history",
]
