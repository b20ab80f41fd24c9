"""What every command shares: exit codes, the --rules option, and printing diagnostics then exiting."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, NoReturn, ParamSpec, Sequence, TypeVar

import click

from ..diagnostics import Diagnostic
from ..engine import LoadedScenario, RuleSet, load_rules, load_scenario
from ..errors import DiagnosticError
from ..reports import diagnostics_json, diagnostics_text

EXIT_CLEAN, EXIT_FOUND, EXIT_INPUT = 0, 1, 2  # nothing found; findings, warnings or mismatches; input errors
P = ParamSpec("P")
T = TypeVar("T")

RULES = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=Path("rules"),
                     show_default=True, help="Rules folder (vocabulary.yaml and one folder per treaty).")


class Percent(click.ParamType):  # type: ignore[type-arg]
    """A percentage: a finite number from 0 to 100 (``nan`` and ``inf`` are refused, unlike click's FloatRange)."""

    name = "percent"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not 0 <= number <= 100:  # false for nan as well
            self.fail(f"{value!r} is not a percentage from 0 to 100", param, ctx)
        return number


def fail(diagnostics: Sequence[Diagnostic], as_json: bool = False) -> NoReturn:
    """Print diagnostics on standard error, sorted, as text or JSON, and exit with status 2."""
    ordered = tuple(sorted(set(diagnostics)))
    click.echo(diagnostics_json(ordered) if as_json else diagnostics_text(ordered), err=True)
    sys.exit(EXIT_INPUT)


def or_exit(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """What ``call`` returns, or its diagnostics printed and exit 2."""
    try:
        return call(*args, **kwargs)
    except DiagnosticError as exc:
        fail(exc.diagnostics)


def rules_or_exit(folder: Path) -> RuleSet:
    """The compiled rules folder, or its diagnostics printed and exit 2."""
    return or_exit(load_rules, folder)


def scenario_or_exit(path: Path, rules: RuleSet) -> LoadedScenario:
    """One scenario file loaded, or its diagnostics printed and exit 2."""
    return or_exit(load_scenario, path, rules)
