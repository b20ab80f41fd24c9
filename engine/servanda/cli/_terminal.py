"""Colour, at a terminal only: the one place where what a span is (a heading, a grade) becomes how it looks."""

from __future__ import annotations

import os
import sys
from typing import IO, Any, Mapping

import click

from ..core import Grade
from ..reports import GRADE_COLOUR, Mark, Part, Styled

_STYLE: dict[Mark | Grade, dict[str, Any]] = {
    Mark.HEADING: {"bold": True},
    Mark.GOOD: {"fg": "green"},
    Mark.BAD: {"fg": "red"},
    Mark.FAILED: {"fg": "red", "bold": True},
    Mark.ADDED: {"fg": "red", "bold": True},
    Mark.REMOVED: {"fg": "green", "bold": True},
    Mark.CHANGED: {"fg": "yellow", "bold": True},
    **{grade: {"fg": colour.terminal, "bold": True} for grade, colour in GRADE_COLOUR.items()},
}


def wants_colour(stream: IO[str], environ: Mapping[str, str]) -> bool:
    """Colour only for a terminal, and never when ``NO_COLOR`` is set to anything (https://no-color.org)."""
    return bool(stream.isatty()) and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def painted(text: Styled) -> str:
    """The text with every marked span in its terminal colours."""
    return "\n".join(line if isinstance(line, str) else "".join(_paint(part) for part in line) for line in text.lines)


def _paint(part: Part) -> str:
    """One part of a line: plain text as it is, a marked span in its colours."""
    return part if isinstance(part, str) else click.style(part.text, **_STYLE[part.mark])


def echo(text: Styled | str, err: bool = False) -> None:
    """Print ``text`` on standard output (or error), in colour when that is a terminal that wants it."""
    stream = sys.stderr if err else sys.stdout
    if isinstance(text, Styled):
        text = painted(text) if wants_colour(stream, os.environ) else str(text)
    click.echo(text, err=err)
