"""servanda: treaty clauses as declarative rules, events checked against them.

The public API, for notebooks and other programs::

    from pathlib import Path
    import servanda

    rules = servanda.load_rules(Path("rules"))
    scenario = servanda.load_scenario(Path("scenarios/seed-kg-joins-hostile-bloc.yaml"), rules)
    findings = servanda.evaluate(rules, scenario).findings
    summary = [(f.grade, f.party, f.protected, f.date) for f in findings]

Errors in user input raise ``DiagnosticError``, whose ``diagnostics`` are located
``Diagnostic`` records.
"""

from .diagnostics import Diagnostic, DiagnosticError
from .events import Event
from .feed import FeedReader
from .findings import Finding
from .project import LoadedScenario, Result, RuleSet, evaluate, load_rules, load_scenario

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "Event",
    "FeedReader",
    "Finding",
    "LoadedScenario",
    "Result",
    "RuleSet",
    "evaluate",
    "load_rules",
    "load_scenario",
]
