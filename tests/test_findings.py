"""Explanation templates: how values are written into a finding's explanation."""

from __future__ import annotations

from servanda.engine import render


def test_booleans_read_as_the_rules_write_them() -> None:
    """A boolean field fills a placeholder as true/false, the way YAML and JSON write it, not Python's True."""
    assert render("notified: {ban.notified}", {"ban.notified": True}) == "notified: true"
    assert render("notified: {ban.notified}", {"ban.notified": False}) == "notified: false"


def test_an_absent_value_says_so() -> None:
    """A placeholder whose value is absent reads '(not given)'; zero is a value and is written."""
    assert render("{a} and {b}", {"b": 0}) == "(not given) and 0"
