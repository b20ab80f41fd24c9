"""Load a rules folder and scenarios from disk into what an evaluation needs, and apply what-if overlays to them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..errors import DiagnosticError
from ..language import (STANDARD_STATES, CompiledRules, Document, Event, Overlay, Scenario, compile_rules, compile_scenario,
                        compile_vocabulary, is_folder, is_regular, known_states, load_yaml, overlay_from_variant, overlay_rules, overlay_scenario)
from ._backend import Backend
from ._context import Context, build_context, overlay_context


@dataclass(frozen=True)
class RuleSet:
    """A compiled rules folder with its backend, ready to evaluate many timelines."""

    path: str
    compiled: CompiledRules
    backend: Backend
    documents: tuple[Document, ...] = ()  # the treaty files, for locating what static checks find
    vocabulary_document: Document | None = None  # the vocabulary file, likewise

    @property
    def states(self) -> frozenset[str]:
        """The state codes events may name under these rules: ISO 3166 (current and former), user-assigned, and every party or member of a treaty."""
        return known_states(self.compiled.parties)


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
    states: frozenset[str] = STANDARD_STATES  # the codes its events may name: the rules' (RuleSet.states) and its world.states


    @property
    def label(self) -> str:
        """``scenario`` for a baseline, ``scenario[variant]`` for a variant's own scenario."""
        name = self.model.scenario
        return name if self.variant_name is None else f"{name}[{self.variant_name}]"

    def variant(self, name: str) -> "LoadedVariant":
        """The variant called ``name``; a DiagnosticError (SV222) when the scenario declares none."""
        self.check_variant_names([name])
        return next(v for v in self.variants if v.name == name)

    def check_variant_names(self, names: Sequence[str]) -> None:
        """SV222 for each name the scenario declares no variant for, located at its ``variants`` (else the file's start)."""
        known = [v.name for v in self.variants]
        unknown = [n for n in names if n not in known]
        if unknown:
            hint = one_of(known) if known else "it declares no variants"
            raise DiagnosticError([self.document.diag(("variants",), "SV222", f"the scenario has no variant '{n}'",
                                                      did_you_mean(n, known) or hint) for n in unknown])


@dataclass(frozen=True)
class LoadedVariant:
    """A variant applied: its own scenario (and its own rules when it switches off or amends clauses)."""

    name: str
    description: str
    overlay: Overlay
    scenario: LoadedScenario
    rules: RuleSet | None  # None: the baseline's rules


def load_rules(folder: Path) -> RuleSet:
    """Compile ``folder/vocabulary.yaml`` and every ``folder/*/treaty.yaml``."""
    vocab_path = folder / "vocabulary.yaml"
    if not is_folder(folder):
        raise DiagnosticError([Diagnostic(str(folder), 1, 1, "SV001", "expected a rules folder", "pass --rules DIR")])
    if not is_regular(vocab_path):
        raise DiagnosticError([Diagnostic(str(folder), 1, 1, "SV001", "the rules folder has no vocabulary.yaml",
                                          "a rules folder holds vocabulary.yaml and one folder per treaty")])
    problems: list[Diagnostic] = []
    vocab, vocab_doc = None, None
    try:
        vocab_doc = load_yaml(vocab_path)
        vocab = compile_vocabulary(vocab_doc)
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
    return RuleSet(str(folder), compiled, Backend(compiled), tuple(docs), vocab_doc)


def load_scenario(path: Path, rules: RuleSet) -> LoadedScenario:
    """Validate a scenario file, and each of its variants, against the compiled rules."""
    doc = load_yaml(path)
    model, events = compile_scenario(doc, rules.compiled)
    context = build_context(rules.compiled, model.world, model.assume)
    baseline = LoadedScenario(str(path), model, events, context, doc, states=known_states(rules.states, model.world.states))
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
        rules = dataclasses.replace(rules, compiled=compiled, backend=Backend(compiled))
    model, events = overlay_scenario(baseline.model, baseline.events, overlay)
    context = overlay_context(rules.compiled, baseline.context, model, overlay)
    states = known_states(rules.states, model.world.states)
    return rules, LoadedScenario(baseline.path, model, events, context, baseline.document, states=states)
