"""Unit tests of the strict YAML loader and of validation messages."""

from __future__ import annotations

import pytest

from servanda.errors import DiagnosticError
from servanda.language import parse_yaml
from servanda.language import Treaty
from servanda.language import validate


def codes(text: str) -> list[str]:
    with pytest.raises(DiagnosticError) as info:
        parse_yaml(text, "x.yaml")
    return [f"{d.line}:{d.col}:{d.code}" for d in info.value.diagnostics]


def test_positions_are_kept() -> None:
    """Every key and item keeps its 1-based line and column."""
    doc = parse_yaml("a:\n  b: [1, 2]\n  c: x\n", "x.yaml")
    assert doc.where(("a", "c")) == (3, 3)
    assert doc.where(("a", "b", 1)) == (2, 10)
    assert doc.where(("a", "missing")) == (1, 1)


def test_dates_stay_text_and_only_true_false_are_booleans() -> None:
    """Dates are left to pydantic; 'yes' and 'no' stay strings, so NO (Norway) is not False."""
    doc = parse_yaml("d: 2024-02-30\nyes_: yes\nno_: NO\nt: true\n", "x.yaml")
    assert doc.data == {"d": "2024-02-30", "yes_": "yes", "no_": "NO", "t": True}


def test_duplicate_keys_are_refused() -> None:
    """A repeated key is a diagnostic at the second occurrence."""
    assert codes("a: 1\nb: 2\na: 3\n") == ["3:1:SV005"]


def test_alias_bomb_is_refused() -> None:
    """Aliases that expand past the node limit are stopped with SV006."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    assert "SV006" in {c.split(":")[2] for c in codes("\n".join(lines) + "\n")}


def test_tags_are_refused() -> None:
    """Python object tags never reach a constructor."""
    assert codes("a: !!python/object/apply:os.system [ls]\n") == ["1:4:SV007"]


def test_validation_errors_are_located_with_hints() -> None:
    """A misspelt key gets 'did you mean', an impossible date SV104, both at their lines."""
    text = "treaty: t\ntitles: {en: T}\nkind: bilateral\nparties: [KAZ, KGZ]\nsigned: 2024-02-30\nin_forse: null\n"
    with pytest.raises(DiagnosticError) as info:
        validate(parse_yaml(text, "t.yaml"), Treaty)
    rendered = [d.render() for d in info.value.diagnostics]
    assert "t.yaml:5:1: SV104: signed: input should be a valid date or datetime, day value is outside expected range (dates are written YYYY-MM-DD)" in rendered
    assert any(r.startswith("t.yaml:6:1: SV101: unknown key 'in_forse' (did you mean 'in_force'?)") for r in rendered)
