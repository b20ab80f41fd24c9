"""Text made safe to show: control characters made visible, long text cut short with a note saying so.

Every renderer that writes text for people (terminal text, Markdown, pictures) passes the text it
did not write itself through here, so that no input can drive a terminal (an ESC sequence), break a
file's format (a NUL in an SVG is not XML) or make a report or a drawing unboundedly large. JSON is
not shown through here: it stays complete, and its writer escapes what JSON must.

A control character (C0 but tab and newline, DEL, C1), a lone surrogate or a non-character that XML
refuses is shown as its Python escape (``\\x1b``, ``\\ud800``), the same in every renderer.
"""

from __future__ import annotations

import re

from ..diagnostics import escaped

PICTURE_LIMIT = 200  # characters of one text in a drawing: a label, a lane's name, the title
TEXT_LIMIT = 4_000  # characters of one text in a report or terminal text: a title, a note, an explanation
QUOTE_LIMIT = 8_000  # characters of a clause quoted in full
LINE_LIMIT = 8_000  # characters of one line of terminal text, whatever it holds

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with every control character shown as its escape (``\\x00``, ``\\x1b``); tab and newline kept."""
    return escaped(text, _UNSAFE)


def clip(text: str, limit: int = TEXT_LIMIT, one_line: bool = False) -> str:
    """``text`` made visible and cut to ``limit`` characters as shown, ending ``… (truncated, N characters)`` if cut.

    An escape counts as the characters it shows (``\\x00`` is four), and is never cut in two. ``one_line``
    also joins lines and runs of blanks into single spaces (as a label or a table cell needs). The count
    in the note is the length of the whole text, before it was cut.
    """
    cut = text[:limit]
    shown = visible(cut)
    if len(shown) > limit:  # escapes made it longer: keep the characters whose shown forms fit
        size = 0
        for n, character in enumerate(cut):
            size += len(visible(character))
            if size > limit:
                cut = cut[:n]
                break
        shown = visible(cut)
    if one_line:
        shown = " ".join(shown.split())
    return shown if len(cut) == len(text) else f"{shown}… (truncated, {len(text):,} characters)"


def clip_lines(text: str, limit: int = LINE_LIMIT) -> str:
    """Every line of ``text`` made visible and cut to ``limit`` characters (the last safeguard of terminal text)."""
    return "\n".join(clip(line, limit) for line in text.split("\n"))
