"""Static reasoning over compiled patterns: contradictions the rule language cannot spell in one `where`, and implication.

A `where` mapping holds one condition per field, so several of these contradictions
only arise in compiled patterns built directly (as here) or joined across patterns.
"""

from __future__ import annotations

from typing import Any, Mapping

import pytest

from servanda.workbench import Analysis, implied
from servanda.language import Cond, Pattern, Ref
from servanda.language import FieldSpec

FIELDS = {"who": FieldSpec(type="state"), "n": FieldSpec(type="integer"), "tag": FieldSpec(type="id"),
          "maybe": FieldSpec(type="state", required=False), "kind": FieldSpec(type="text", values=("a", "b"))}
MEMBERS = frozenset({"KAZ", "KGZ"})


def _specs(pattern: Pattern) -> Mapping[str, FieldSpec]:
    return FIELDS


def _pattern(alias: str, *conds: tuple[str, str, Any]) -> Pattern:
    return Pattern(alias, "event", "k", tuple(Cond(f, op, v, False) for f, op, v in conds))


def _problems(*patterns: Pattern) -> list[str]:
    """Why each impossible group of conditions cannot hold."""
    return [reason for _, _, reason in Analysis(patterns, _specs, MEMBERS).problems()]


@pytest.mark.parametrize(("patterns", "reason"), [
    ([_pattern("a", ("tag", "eq", "x"), ("tag", "eq", "y"))], "no value is left"),
    ([_pattern("a", ("tag", "eq", "x"), ("tag", "not_in", ("x", "z")))], "no value is left"),
    ([_pattern("a", ("tag", "in", ("x", "y")), ("tag", "in", ("z",)))], "no value is left"),
    ([_pattern("a", ("n", "gt", 5), ("n", "lt", 3))], "no number or date lies in that range"),
    ([_pattern("a", ("n", "gt", 3), ("n", "lte", 3))], "no number or date lies in that range"),
    ([_pattern("a", ("who", "eq", Ref("bound")), ("who", "eq", Ref("protected")))], "$bound and $protected are always different states"),
    ([_pattern("a", ("who", "eq", Ref("bound")), ("who", "in", ("UZB",)))], "no party of the treaty (KAZ, KGZ) is left"),
    ([_pattern("a", ("tag", "eq", "x")), _pattern("b", ("tag", "eq", Ref("a", "tag")), ("tag", "eq", "y"))], "no value is left"),
    ([_pattern("a", ("who", "eq", Ref("bound"))), _pattern("b", ("who", "eq", Ref("a", "who")), ("who", "ne", Ref("a", "who")))],
     "b.who cannot both equal and differ from a.who"),
    ([_pattern("a", ("kind", "ne", "a"), ("kind", "ne", "b"))], "no value is left (a.kind takes only a, b)"),
], ids=["two-constants", "eq-and-not-in", "disjoint-in-sets", "empty-range", "open-bound-meets-closed", "both-roles",
        "role-outside-members", "constants-joined-across-patterns", "equal-and-different", "closed-set-excluded"])
def test_contradictions_are_found(patterns: list[Pattern], reason: str) -> None:
    """Conditions that no value can meet together are reported once, with the reason."""
    assert _problems(*patterns) == [reason]


@pytest.mark.parametrize("patterns", [
    [_pattern("a", ("tag", "eq", "x"), ("tag", "not_in", ("y",)))],
    [_pattern("a", ("n", "gte", 3), ("n", "lte", 3))],
    [_pattern("a", ("who", "eq", Ref("bound")), ("who", "in", ("KAZ", "UZB")))],
    [_pattern("a", ("maybe", "exists", False), ("maybe", "ne", "KAZ"))],
    [_pattern("a", ("who", "eq", Ref("bound"))), _pattern("b", ("who", "ne", Ref("a", "who")))],
], ids=["eq-outside-not-in", "closed-range", "role-among-members", "absent-optional", "different-from-other"])
def test_satisfiable_conditions_are_not_reported(patterns: list[Pattern]) -> None:
    """Conditions some value meets are left alone."""
    assert _problems(*patterns) == []


@pytest.mark.parametrize(("given", "cond", "expected"), [
    (("tag", "eq", "x"), ("tag", "in", ("x", "y")), True),
    (("tag", "eq", "x"), ("tag", "in", ("y",)), False),
    (("n", "gt", 5), ("n", "gt", 3), True),
    (("n", "gt", 5), ("n", "gt", 6), False),
    (("tag", "not_in", ("x", "y")), ("tag", "ne", "x"), True),
    (("kind", "ne", "a"), ("kind", "eq", "b"), True),
    (("who", "eq", "KAZ"), ("who", "exists", True), True),
    (("maybe", "ne", "KAZ"), ("maybe", "exists", True), False),
    (("maybe", "ne", "KAZ"), ("maybe", "eq", "KGZ"), False),
], ids=["eq-in", "eq-not-in-set", "tighter-bound", "looser-bound", "not-in-ne", "closed-set-left", "required-exists",
        "optional-may-be-absent", "optional-positive"])
def test_implication(given: tuple[str, str, Any], cond: tuple[str, str, Any], expected: bool) -> None:
    """A condition is implied only when every match the pattern allows already meets it."""
    analysis = Analysis([_pattern("a", given)], _specs, MEMBERS)
    field, op, value = cond
    assert implied(Cond(field, op, value, False), ("a", field), analysis) is expected
