"""A pytest plugin: scenario files in a project's ``scenarios`` folders become test items.

Registered through the ``pytest11`` entry point, so a project that installs servanda gets
its scenarios tested by plain ``pytest``. A YAML file inside a folder named ``scenarios``
(``servanda_scenario_dirs``) whose top-level mapping has a ``scenario:`` key is collected;
the baseline and every variant are one item each, evaluated when the item runs, that fails
when its findings differ from what it expects. The rules folder (``servanda_rules``, or
``--servanda-rules``) is compiled once per session. Input problems are failing items
that report their located diagnostics, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..diagnostics import Diagnostic
from ..engine import LoadedScenario, RuleSet, evaluate, load_rules, load_scenario
from ..errors import DiagnosticError
from ..language import load_yaml
from ..workbench import compare, evaluate_variant


if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

Compiled = RuleSet | tuple[Diagnostic, ...]  # a rules folder compiled, or what is wrong with it
_COMPILED = pytest.StashKey[dict[Path, Compiled]]()
# The names pytest registers this module under: the pytest11 entry point's (pyproject.toml), and the
# module's own when -p, a conftest's pytest_plugins or PYTEST_PLUGINS names it.
_NAMES = ("servanda", __name__)


class ScenarioFailure(Exception):
    """A scenario item's failure, carrying the report to show instead of a traceback."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


def pytest_plugin_registered(plugin: object, plugin_name: str, manager: pytest.PytestPluginManager) -> None:
    """Once this module is registered under one of its names, block the other, so that it is never registered twice."""
    # pytest refuses one module under two names with a ValueError before any test runs, which is what
    # the installed entry point plus ``-p servanda.testing.plugin`` (or pytest_plugins) would do.
    if plugin is sys.modules[__name__]:
        for name in _NAMES:
            if name != plugin_name:
                manager.set_blocked(name)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The rules folder and the scenario folder names, in the ini file or on the command line."""
    parser.addoption("--servanda-rules", dest="servanda_rules", metavar="DIR", default=None,
                     help="servanda rules folder for scenario files (default: the servanda_rules ini option).")
    parser.addini("servanda_rules", "servanda rules folder, relative to the rootdir.", default="rules")
    parser.addini("servanda_scenario_dirs", "Names of the folders whose YAML files may be servanda scenarios.",
                  type="args", default=["scenarios"])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    """Collect a ``.yaml`` file inside a scenario folder when it is a scenario (or unreadable as YAML)."""
    if file_path.suffix != ".yaml" or not _in_scenario_folder(file_path, parent.config):
        return None
    try:
        data = load_yaml(file_path).data
    except DiagnosticError:
        # Broken YAML in a scenario folder is most likely a broken scenario: report it rather than skip it.
        return ScenarioFile.from_parent(parent, path=file_path, scenario_id=file_path.stem)
    if not isinstance(data, dict) or "scenario" not in data:
        return None
    name = data["scenario"]
    return ScenarioFile.from_parent(parent, path=file_path, scenario_id=name if isinstance(name, str) else file_path.stem)


def _in_scenario_folder(path: Path, config: pytest.Config) -> bool:
    """Whether a folder of ``path`` below the rootdir has one of the names in ``servanda_scenario_dirs``."""
    names = set(config.getini("servanda_scenario_dirs"))
    try:
        folders = path.relative_to(config.rootpath).parts[:-1]
    except ValueError:
        folders = path.parts[:-1]
    return any(folder in names for folder in folders)


def _rules_folder(config: pytest.Config) -> Path:
    """The rules folder: ``--servanda-rules`` from where pytest was started, else ``servanda_rules`` from the rootdir."""
    option = config.getoption("servanda_rules")
    if option:
        return (config.invocation_params.dir / str(option)).resolve()
    return (config.rootpath / str(config.getini("servanda_rules"))).resolve()


def _shown(path: Path, config: pytest.Config) -> Path:
    """``path`` relative to the folder pytest was started in when it lies inside it, for shorter reports."""
    try:
        return path.relative_to(config.invocation_params.dir)
    except ValueError:
        return path


def compiled_rules(config: pytest.Config) -> Compiled:
    """The session's rules folder compiled (once per folder), or its diagnostics."""
    cache = config.stash.setdefault(_COMPILED, {})
    folder = _rules_folder(config)
    if folder not in cache:
        try:
            cache[folder] = load_rules(_shown(folder, config))
        except DiagnosticError as exc:
            cache[folder] = exc.diagnostics
    return cache[folder]


def _diagnostics_report(heading: str, diagnostics: tuple[Diagnostic, ...]) -> str:
    return "\n".join([heading] + ["    " + d.render() for d in diagnostics])


class ScenarioFile(pytest.File):
    """A scenario file: one item per result, or one failing item when it cannot be evaluated."""

    def __init__(self, *, scenario_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario_id = scenario_id

    def collect(self) -> Iterator[pytest.Item]:
        """The baseline's item and one per variant; a failing item when the rules or the file have problems."""
        rules = compiled_rules(self.config)
        if not isinstance(rules, RuleSet):
            folder = _shown(_rules_folder(self.config), self.config)
            heading = f"the rules folder {folder} (servanda_rules or --servanda-rules) has problems:"
            yield ProblemItem.from_parent(self, name=self.scenario_id, report=_diagnostics_report(heading, rules))
            return
        shown = _shown(self.path, self.config)
        try:
            scenario = load_scenario(shown, rules)
        except DiagnosticError as exc:
            report = _diagnostics_report(f"{shown} cannot be evaluated:", exc.diagnostics)
            yield ProblemItem.from_parent(self, name=self.scenario_id, report=report)
            return
        # Collection only loads and checks the file; each case is evaluated when its item runs.
        for variant in [None] + [v.name for v in scenario.variants]:
            label = scenario.model.scenario if variant is None else f"{scenario.model.scenario}[{variant}]"
            yield CaseItem.from_parent(self, name=label, rules=rules, scenario=scenario, variant=variant)


class _ReportingItem(pytest.Item):
    """An item whose expected failures are shown as their report, without a traceback."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: TracebackStyle | None = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, ScenarioFailure):
            return excinfo.value.report
        return super().repr_failure(excinfo, style)  # an unexpected exception is a bug: show its traceback


class CaseItem(_ReportingItem):
    """The baseline or one variant of a scenario, checked against its expectations."""

    def __init__(self, *, rules: RuleSet, scenario: LoadedScenario, variant: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules, self.scenario, self.variant = rules, scenario, variant
        own = scenario if variant is None else scenario.variant(variant).scenario
        self.expect = own.model.expect
        if self.expect is None:
            # A skip mark (rather than pytest.skip in runtest) reports the scenario file as the skip's location.
            self.add_marker(pytest.mark.skip(reason=f"{self.name} states no expectations (add `expect:` to test it)"))

    def runtest(self) -> None:
        """Evaluate the case and fail with the mismatches, if any."""
        assert self.expect is not None  # items without expectations are skipped before they run
        result = (evaluate(self.rules, self.scenario) if self.variant is None
                  else evaluate_variant(self.rules, self.scenario, self.variant))
        mismatches = compare(self.expect, result.findings)
        if mismatches:
            lines = [f"{self.scenario.path}: {self.name}: the findings differ from the expectations"]
            lines.extend("    " + m.describe() for m in mismatches)
            raise ScenarioFailure("\n".join(lines))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, _line(self.scenario, self.variant), f"scenario {self.name}"


class ProblemItem(_ReportingItem):
    """A scenario file (or its rules) with input problems: fails with the located diagnostics."""

    def __init__(self, *, report: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.report = report

    def runtest(self) -> None:
        raise ScenarioFailure(self.report)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario file {self.name}"


def _line(scenario: LoadedScenario, variant: str | None) -> int:
    """The 0-based line where the scenario, or its variant, is declared."""
    document = scenario.document
    if variant is not None:
        index = [v.name for v in scenario.variants].index(variant)
        return document.where(("variants", index))[0] - 1
    return document.where(("scenario",))[0] - 1
