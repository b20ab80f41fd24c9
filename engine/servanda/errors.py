"""servanda's exceptions: one tree, so that callers can catch what servanda raises on purpose.

::

    ServandaError              anything servanda raises on purpose
     ├── DiagnosticError       input a user can fix; carries every located diagnostic found
     │                         (the command line prints them and exits with status 2)
     └── EngineLimitError      a limit of the matching engine was reached (too many open sessions)

Unexpected exceptions (a ``KeyError`` inside the engine, a crash of the matcher) are
bugs: they are never turned into these, so that they show.
"""

from __future__ import annotations

from typing import Iterable

from .diagnostics import Diagnostic

__all__ = ["DiagnosticError", "EngineLimitError", "ServandaError"]


class ServandaError(Exception):
    """The base of every exception servanda raises on purpose."""


class DiagnosticError(ServandaError):
    """Input has problems; ``diagnostics`` holds all of them, sorted by location."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(set(diagnostics)))
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class EngineLimitError(ServandaError):
    """The matching engine cannot take more: too many sessions are open on one rule set."""
