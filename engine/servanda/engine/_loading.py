"""Load a rules folder and scenarios from disk, and evaluate a scenario end to end."""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..diagnostics import Diagnostic
from ..errors import DiagnosticError
from ..language import (CompiledRules, Document, Event, Expectations, Overlay, Scenario, compile_rules, compile_scenario,
                        compile_vocabulary, load_yaml, overlay_from_variant, overlay_rules, overlay_scenario)
from ._backend import Backend
from ._context import Context, build_context, overlay_context
from ._findings import Finding
from ._runtime import Runtime


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
    variants: tuple["LoadedVariant", ...] = ()
    variant_name: str | None = None  # set on a variant's own scenario

    @property
    def label(self) -> str:
        """``scenario`` for a baseline, ``scenario[variant]`` for a variant's own scenario."""
        name = self.model.scenario
        return name if self.variant_name is None else f"{name}[{self.variant_name}]"

    def variant(self, name: str) -> "LoadedVariant":
        """The variant called ``name``; KeyError when there is none."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)


@dataclass(frozen=True)
class LoadedVariant:
    """A variant applied: its own scenario (and its own rules when it switches off or amends clauses)."""

    name: str
    description: str
    overlay: Overlay
    scenario: LoadedScenario
    rules: RuleSet | None  # None: the baseline's rules


@dataclass(frozen=True)
class Result:
    """What one evaluation produced."""

    scenario: LoadedScenario
    findings: tuple[Finding, ...]
    variant: str | None = None  # None: the scenario's baseline
    rules: CompiledRules | None = None  # the rules it ran under (a variant's own when it switches off or amends some)

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes of the context it ran in (treaties not evaluated, what a variant changes)."""
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
    """Validate a scenario file, and each of its variants, against the compiled rules."""
    doc = load_yaml(path)
    model, events = compile_scenario(doc, rules.compiled)
    context = build_context(rules.compiled, model.world, model.assume)
    baseline = LoadedScenario(str(path), model, events, context, doc)
    variants: list[LoadedVariant] = []
    problems: list[Diagnostic] = []
    names: set[str] = set()
    for i, variant in enumerate(model.variants):
        if variant.name in names:
            problems.append(doc.diag(("variants", i, "name"), "SV209", f"variant name '{variant.name}' is used twice"))
        names.add(variant.name)
        try:
            overlay = overlay_from_variant(doc, i, variant, model, events, rules.compiled, rules.documents)
            variant_rules, scenario = apply_overlay(rules, baseline, overlay)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
            continue
        own_rules = variant_rules if overlay.changes_rules else None
        described = scenario.model.model_copy(update={"description": variant.description or scenario.model.description})
        scenario = dataclasses.replace(scenario, model=described, variant_name=variant.name)
        variants.append(LoadedVariant(variant.name, variant.description, overlay, scenario, own_rules))
    if problems:
        raise DiagnosticError(problems)
    return dataclasses.replace(baseline, variants=tuple(variants))


def apply_overlay(rules: RuleSet, baseline: LoadedScenario, overlay: Overlay) -> tuple[RuleSet, LoadedScenario]:
    """The rules and scenario an overlay describes; the baseline is left as it was."""
    if overlay.changes_rules:
        compiled = overlay_rules(rules.compiled, rules.documents, overlay)
        rules = RuleSet(rules.path, compiled, Backend(compiled), rules.documents)
    model, events = overlay_scenario(baseline.model, baseline.events, overlay)
    context = overlay_context(rules.compiled, baseline.context, model, overlay)
    return rules, LoadedScenario(baseline.path, model, events, context, baseline.document)


def evaluate(rules: RuleSet, scenario: LoadedScenario, feed: Iterable[Event] = (), variant: str | None = None) -> Result:
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
    return Result(scenario, tuple(findings), variant, rules.compiled)
