"""Text whose spans say what they are, never how they look: renderers mark, the terminal colours.

A renderer returns ``Styled`` lines; ``str()`` of it is the plain text (what files,
pipes and tests get). Only the command line, writing to a terminal, turns marks into
colour (``cli._terminal``), and a renderer never knows whether it will.

Whatever a renderer puts in, a ``Styled`` text holds no control character (each is shown as its
escape, ``\\x1b``) and no line or span longer than ``LINE_LIMIT``: no input can send an escape
sequence to a terminal, and none can make a line unboundedly long.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable, Sequence, Union

from ..core import Grade
from ._safe import LINE_LIMIT, TEXT_LIMIT, clip


class Mark(StrEnum):
    """What a marked span is. A span may also be marked with a ``Grade``: the grade it names."""

    HEADING = "heading"  # a title or the name of a part
    GOOD = "good"  # a condition that held, a rule that fired
    BAD = "bad"  # a condition that failed
    FAILED = "failed"  # a test that failed
    ADDED = "added"  # a finding a variant adds
    REMOVED = "removed"  # a finding a variant removes
    CHANGED = "changed"  # a finding a variant changes


@dataclass(frozen=True)
class Span:
    """A piece of a line and what it is."""

    text: str
    mark: Mark | Grade


Part = Union[str, Span]
Line = Union[str, tuple[Part, ...]]  # a plain line, or its parts in order


def plain_line(line: Line) -> str:
    """A line's text without its marks."""
    return line if isinstance(line, str) else "".join(p if isinstance(p, str) else p.text for p in line)


@dataclass(frozen=True)
class Styled:
    """Lines of text with marked spans; ``str()`` gives the plain text."""

    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(_safe(line) for line in self.lines))

    def __str__(self) -> str:
        return "\n".join(plain_line(line) for line in self.lines)

    @staticmethod
    def join(parts: Iterable[Styled], blank_lines: int = 1) -> Styled:
        """Several texts, one after the other, ``blank_lines`` empty lines between them."""
        lines: list[Line] = []
        for n, part in enumerate(parts):
            if n:
                lines.extend([""] * blank_lines)
            lines.extend(part.lines)
        return Styled(tuple(lines))


def _safe(line: Line) -> Line:
    """A line with its control characters made visible and each part cut to ``LINE_LIMIT`` characters."""
    if isinstance(line, str):
        return clip(line, LINE_LIMIT)
    return tuple(clip(p, LINE_LIMIT) if isinstance(p, str) else Span(clip(p.text, LINE_LIMIT), p.mark) for p in line)


def wrap(text: str, indent: int, width: int = 100, lead: Span | None = None) -> list[Line]:
    """``text`` wrapped to ``width`` columns at ``indent``, continuation lines indented two more.

    ``lead``, a short marked word, starts the first line (before ``text``), and keeps its mark. A ``text``
    longer than ``TEXT_LIMIT`` is cut there first, and says so.
    """
    text = clip(text, TEXT_LIMIT)
    whole = f"{lead.text} {text}" if lead is not None else text
    lines: list[Line] = list(textwrap.wrap(whole, width=width, initial_indent=" " * indent,
                                           subsequent_indent=" " * (indent + 2), break_on_hyphens=False) or [""])
    if lead is not None:
        first = str(lines[0])
        lines[0] = (" " * indent, lead, first[indent + len(lead.text):])
    return lines


def marked(lines: Sequence[Line], mark: Mark | Grade) -> list[Line]:
    """Plain lines marked whole (their indentation left plain)."""
    out: list[Line] = []
    for line in lines:
        text = plain_line(line)
        body = text.lstrip(" ")
        out.append((text[:len(text) - len(body)], Span(body, mark)) if body else text)
    return out
