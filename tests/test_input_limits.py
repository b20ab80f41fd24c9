"""Inputs at and past the reader's limits: nesting depth, thousands of problems in one file, control characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from servanda import DiagnosticError, load_rules
from servanda.language import MAX_DEPTH, parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def _codes(text: str) -> list[tuple[int, int, str]]:
    try:
        parse_yaml(text, "x.yaml")
    except DiagnosticError as exc:
        return [(d.line, d.col, d.code) for d in exc.diagnostics]
    return []


@pytest.mark.parametrize("open_, close", [("[", "]"), ("{a: ", "}")])
def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused(open_: str, close: str) -> None:
    """MAX_DEPTH nested collections parse; one more is SV009 at the column of the collection too deep."""
    assert _codes("x: " + open_ * (MAX_DEPTH - 1) + close * (MAX_DEPTH - 1)) == []
    deeper = "x: " + open_ * MAX_DEPTH + close * MAX_DEPTH
    assert _codes(deeper) == [(1, 4 + len(open_) * (MAX_DEPTH - 1), "SV009")]


def test_block_nesting_past_the_limit_is_refused_where_it_happens() -> None:
    """Indented mappings nested past the limit are SV009 on the line of the first one too deep."""
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "v\n"
    [(line, _, code)] = _codes(text)
    assert (line, code) == (MAX_DEPTH + 1, "SV009")


def test_control_characters_are_located_and_escaped_ones_refused_in_text() -> None:
    """A raw control character is SV004 at its own line and column; an escaped one in a value or key is SV103 there."""
    assert _codes("a: 1\nb: x\x1by\n") == [(2, 5, "SV004")]
    assert _codes('a: 1\nb: "x\\ty"\nc: "x\\0y"\n"d\\e": 2\n') == [(3, 4, "SV103"), (4, 1, "SV103")]


def test_thousands_of_unknown_keys_are_each_reported(tmp_path: Path) -> None:
    """A treaty with 5,000 unknown keys gets 5,000 located SV101s (the validator's cost grows with them, not their square)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "vocabulary.yaml").write_bytes((ROOT / "rules" / "vocabulary.yaml").read_bytes())
    source = ROOT / "rules" / "kz-kg-2003-allied-relations" / "treaty.yaml"
    (rules / "pact").mkdir()
    lines = source.read_text(encoding="utf-8").splitlines()
    (rules / "pact" / "treaty.yaml").write_text("\n".join(lines + [f"zz{i}: 1" for i in range(5000)]) + "\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load_rules(rules)
    found = [(d.line, d.code) for d in caught.value.diagnostics]
    assert found == [(len(lines) + 1 + i, "SV101") for i in range(5000)]


def test_a_diagnostic_is_one_line_whatever_its_path_and_message_hold() -> None:
    """Line breaks (newline, U+2028, U+2029) and control characters in a path, message or hint are shown as escapes."""
    from servanda import Diagnostic

    rendered = Diagnostic("a\nb.yaml", 3, 4, "SV202", "no field '\u2029x\x1b'", "did you mean 'x'?\r").render()
    assert rendered == "a\\x0ab.yaml:3:4: SV202: no field '\\u2029x\\x1b' (did you mean 'x'?\\x0d)"
    assert len(rendered.splitlines()) == 1


@pytest.mark.parametrize("brk", ["\r", "\x85", "\u2028", "\u2029"])
def test_lines_are_counted_by_newline_whatever_else_yaml_breaks_lines_at(brk: str) -> None:
    """A lone CR, NEL, U+2028 or U+2029 breaks a line for YAML but not for editors: diagnostics count newlines only."""
    text = f"a: 1\nb: x{brk}y\nc: [1\nd: 2\n"
    [(line, _, code)] = _codes(text)
    assert code == "SV004" and line <= text.count("\n")
    document = parse_yaml(f"a: 1\nb: [x,{brk} y]\nc: 2\n", "x.yaml")
    assert document.where(("c",)) == (3, 1)
