"""Load a rules folder and scenarios from disk, and evaluate a scenario end to end."""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..diagnostics import Diagnostic, did_you_mean, one_of
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
    vocabulary_document: Document | None = None  # the vocabulary file, likewise


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
        rules = dataclasses.replace(rules, compiled=compiled, backend=Backend(compiled))
    model, events = overlay_scenario(baseline.model, baseline.events, overlay)
    context = overlay_context(rules.compiled, baseline.context, model, overlay)
    return rules, LoadedScenario(baseline.path, model, events, context, baseline.document)


def evaluate(rules: RuleSet, scenario: LoadedScenario, feed: Iterable[Event] = (), variant: str | None = None) -> Result:
    """Run the scenario's timeline, merged with an optional date-ordered feed, through a fresh runtime.

    Feed events after the scenario's ``as_of`` are read (so bad lines are still reported) but not evaluated.
    A feed event dated before the one that came before it (SV210), or of a kind the vocabulary lacks (SV201),
    is a DiagnosticError located by its position in the feed.
    """
    runtime = Runtime(rules.compiled, rules.backend, scenario.context)
    as_of = scenario.model.as_of.toordinal()
    merged = heapq.merge(scenario.events, _in_date_order(feed, rules.compiled), key=lambda e: e.day)
    try:
        runtime.feed(e for e in merged if e.day <= as_of)
        findings = runtime.finish(as_of)
    finally:
        runtime.close()
    return Result(scenario, tuple(findings), variant, rules.compiled)


def _in_date_order(feed: Iterable[Event], rules: CompiledRules) -> Iterator[Event]:
    """The feed's events, checked to come in date order and to be of known kinds; located by position (1 for the first)."""
    last: Event | None = None
    for position, event in enumerate(feed, start=1):
        problem = None
        if last is not None and event.day < last.day:
            problem = Diagnostic("<events>", position, 1, "SV210", f"event '{event.id}' ({event.date}) is earlier than "
                                 f"the event before it ('{last.id}', {last.date})", "pass the events sorted by date")
        elif event.kind not in rules.vocabulary.kinds:
            problem = Diagnostic("<events>", position, 1, "SV201", f"event '{event.id}' has unknown kind '{event.kind}'",
                                 "build events with parse_event or FeedReader, which check them against the vocabulary")
        if problem is not None:
            raise DiagnosticError([problem])
        last = event
        yield event
