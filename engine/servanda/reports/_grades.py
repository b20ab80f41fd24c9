"""How grades are shown: one table of labels and one of colours, for every renderer and the terminal."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import Grade


@dataclass(frozen=True)
class GradeLabel:
    """A grade's names: ``short`` in capitals for a finding's line, ``words`` in running text."""

    short: str
    words: str


@dataclass(frozen=True)
class GradeColour:
    """A grade's colour: a terminal colour name (applied only by the command line) and an image colour."""

    terminal: str
    image: str


GRADE_LABEL: dict[Grade, GradeLabel] = {
    Grade.VIOLATION: GradeLabel("VIOLATION", "violation"),
    Grade.POTENTIAL_VIOLATION: GradeLabel("POTENTIAL", "potential violation"),
    Grade.INDICATOR: GradeLabel("INDICATOR", "indicator"),
}

GRADE_COLOUR: dict[Grade, GradeColour] = {
    Grade.VIOLATION: GradeColour("red", "#d62728"),
    Grade.POTENTIAL_VIOLATION: GradeColour("yellow", "#ff9f1c"),
    Grade.INDICATOR: GradeColour("cyan", "#1f9bd1"),
}

GRAVEST_FIRST: tuple[Grade, ...] = tuple(sorted(Grade, reverse=True))
