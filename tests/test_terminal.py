"""Colour happens at a terminal only, in the command line: renderers give plain text with marked spans."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import servanda
from servanda.cli._terminal import painted, wants_colour
from servanda.core import Grade
from servanda.reports import Mark, Span, Styled, findings_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_colour_only_for_a_terminal_and_never_with_no_color() -> None:
    """A terminal gets colour; a pipe, NO_COLOR (any value) or a dumb terminal does not."""
    assert wants_colour(_Terminal(), {})
    assert not wants_colour(io.StringIO(), {})
    assert not wants_colour(_Terminal(), {"NO_COLOR": "1"})
    assert not wants_colour(_Terminal(), {"TERM": "dumb"})


def test_renderers_mark_and_the_terminal_paints(real_rules: servanda.RuleSet) -> None:
    """A finding's grade is a marked span; str() is plain, painting puts the grade's colour codes around it alone."""
    result = servanda.evaluate(real_rules, servanda.load_scenario(SEED, real_rules))
    text = findings_text(result)
    grades = [p for line in text.lines if not isinstance(line, str) for p in line if isinstance(p, Span) and p.mark is Grade.VIOLATION]
    assert [g.text.strip() for g in grades] == ["VIOLATION", "VIOLATION"]
    assert "\x1b[" not in str(text)
    colour = painted(text)
    assert "\x1b[31m\x1b[1mVIOLATION " in colour and colour.replace("\x1b[31m", "").replace("\x1b[1m", "").replace("\x1b[0m", "") == str(text)


def test_a_marked_lead_keeps_its_place_when_wrapped() -> None:
    """Wrapping counts the columns people see: a marked tick starts the first line and the width holds."""
    from servanda.reports._styled import wrap

    lines = wrap("x " * 80, 4, width=40, lead=Span("✓", Mark.GOOD))
    assert lines[0][1] == Span("✓", Mark.GOOD)
    assert all(len(str(Styled((line,)))) <= 40 for line in lines)


@pytest.mark.slow  # a pseudo-terminal and a fresh interpreter
def test_check_in_a_pseudo_terminal_is_coloured_unless_no_color() -> None:
    """Run in a real pseudo-terminal, check colours its grades; with NO_COLOR set it prints the plain text."""
    import pty

    def run(extra: dict[str, str]) -> bytes:
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"} | extra
        main, child = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "servanda", "check", str(SEED)], cwd=ROOT, stdout=child,
                                   stderr=subprocess.DEVNULL, env=env)
        os.close(child)
        out = b""
        while True:  # read while it runs: a pseudo-terminal holds only a few kB
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert process.wait(timeout=60) == 1
        return out

    assert b"\x1b[31m" in run({})
    assert b"\x1b[" not in run({"NO_COLOR": "1"})
