"""Load a rules folder and scenarios from disk, and evaluate a scenario end to end."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .backend import Backend
from .compiler import compile_rules, compile_vocabulary
from .context import Context, build_context
from .diagnostics import Diagnostic, DiagnosticError
from .events import Event
from .findings import Finding
from .ir import CompiledRules
from .loader import Document, load_yaml
from .runtime import Runtime
from .scenario import compile_scenario
from .model import Expectations, Scenario


@dataclass(frozen=True)
class RuleSet:
    """A compiled rules folder with its backend, ready to evaluate many timelines."""

    path: str
    compiled: CompiledRules
    backend: Backend
    documents: tuple[Document, ...] = ()  # the treaty files, for locating what static checks find


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario: its model, sorted events and evaluation context."""

    path: str
    model: Scenario
    events: tuple[Event, ...]
    context: Context
    document: Document


@dataclass(frozen=True)
class Result:
    """What one evaluation produced."""

    scenario: LoadedScenario
    findings: tuple[Finding, ...]
    variant: str | None = None  # None: the scenario's baseline

    @property
    def notes(self) -> tuple[str, ...]:
        return self.scenario.context.notes

    @property
    def label(self) -> str:
        """``scenario`` for the baseline, ``scenario[variant]`` for a variant."""
        name = self.scenario.model.scenario
        return name if self.variant is None else f"{name}[{self.variant}]"

    @property
    def expect(self) -> Expectations | None:
        """The expectations that apply to this result (the baseline's or the variant's own)."""
        return self.scenario.model.expect


def load_rules(folder: Path) -> RuleSet:
    """Compile ``folder/vocabulary.yaml`` and every ``folder/*/treaty.yaml``."""
    vocab_path = folder / "vocabulary.yaml"
    if not folder.is_dir():
        raise DiagnosticError([Diagnostic(str(folder), 1, 1, "SV001", "expected a rules folder", "pass --rules DIR")])
    if not vocab_path.is_file():
        raise DiagnosticError([Diagnostic(str(vocab_path), 1, 1, "SV001", "the rules folder has no vocabulary.yaml")])
    problems: list[Diagnostic] = []
    vocab = None
    try:
        vocab = compile_vocabulary(load_yaml(vocab_path))
    except DiagnosticError as exc:
        problems.extend(exc.diagnostics)
    docs: list[Document] = []
    for path in sorted(folder.glob("*/treaty.yaml")):
        try:
            docs.append(load_yaml(path))
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
    if not docs and not problems:
        problems.append(Diagnostic(str(folder), 1, 1, "SV213", "the rules folder has no */treaty.yaml"))
    if vocab is not None:
        try:
            compiled = compile_rules(vocab, docs)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise DiagnosticError(problems)
    return RuleSet(str(folder), compiled, Backend(compiled), tuple(docs))


def load_scenario(path: Path, rules: RuleSet) -> LoadedScenario:
    """Validate a scenario file against the compiled rules."""
    doc = load_yaml(path)
    model, events = compile_scenario(doc, rules.compiled)
    context = build_context(rules.compiled, model.world, model.assume)
    return LoadedScenario(str(path), model, events, context, doc)


def evaluate(rules: RuleSet, scenario: LoadedScenario, feed: Iterable[Event] = ()) -> Result:
    """Run the scenario's timeline, merged with an optional date-ordered feed, through a fresh runtime.

    Feed events after the scenario's ``as_of`` are read (so bad lines are still reported) but not evaluated.
    """
    runtime = Runtime(rules.compiled, rules.backend, scenario.context)
    as_of = scenario.model.as_of.toordinal()
    merged = heapq.merge(scenario.events, feed, key=lambda e: e.day)
    try:
        runtime.feed(e for e in merged if e.day <= as_of)
        findings = runtime.finish(as_of)
    finally:
        runtime.close()
    return Result(scenario, tuple(findings))


def evaluate_cases(rules: RuleSet, scenario: LoadedScenario) -> list[Result]:
    """The baseline's result, then one result per variant, in the order the scenario declares them."""
    return [evaluate(rules, scenario)]


def scenario_paths(paths: list[Path]) -> list[Path]:
    """Expand folders into their *.yaml files, sorted."""
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out
