"""Which three-letter codes are states: ISO 3166 codes, user-assigned codes, and those a rules folder or scenario lists.

A code is known when it is a current ISO 3166-1 alpha-3 code, a former one (ISO 3166-3),
in one of ISO 3166-1's user-assigned ranges (AAA–AAZ, QMA–QZZ, XAA–XZZ, ZZA–ZZZ, e.g.
XKX for Kosovo), or listed by a treaty's parties or members or by a scenario's
``world.states``. The ISO codes come from ``iso3166.txt`` beside this module, a table
generated from pycountry (its header says how to regenerate it).
"""

from __future__ import annotations

import re
import string
from importlib import resources
from typing import Iterable

from ..diagnostics import did_you_mean

STATE_FORM = re.compile(r"[A-Z]{3}", re.ASCII)


def _table() -> dict[str, str]:
    """code -> status ("current" or "former") as the checked-in table lists them."""
    text = resources.files(__package__).joinpath("iso3166.txt").read_text(encoding="utf-8")
    rows = (line.split() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {code: status for code, status in rows}


def _user_assigned() -> frozenset[str]:
    """The codes ISO 3166-1 leaves to users: AAA–AAZ, QMA–QZZ, XAA–XZZ, ZZA–ZZZ."""
    letters = string.ascii_uppercase
    codes = {"AA" + c for c in letters} | {"ZZ" + c for c in letters}
    codes |= {"Q" + b + c for b in letters[letters.index("M"):] for c in letters}
    codes |= {"X" + b + c for b in letters for c in letters}
    return frozenset(codes)


_TABLE = _table()
ISO_CURRENT = frozenset(code for code, status in _TABLE.items() if status == "current")
ISO_FORMER = frozenset(code for code, status in _TABLE.items() if status == "former")
USER_ASSIGNED = _user_assigned()
STANDARD_STATES = ISO_CURRENT | ISO_FORMER | USER_ASSIGNED
"""Every code that is a state whatever the rules folder or scenario says."""


def known_states(*listed: Iterable[str]) -> frozenset[str]:
    """The standard codes and every code ``listed`` (treaty parties and members, ``world.states``)."""
    out = STANDARD_STATES
    for codes in listed:
        out = out.union(codes)
    return out


def unknown_state(code: str, known: frozenset[str]) -> tuple[str, str]:
    """(message, hint) for a well-formed ``code`` that is not in ``known``; the hint names a close known code if any.

    Close means one letter off or the same letters in another order; codes declared beyond the standard
    ones come first (they are the likeliest meant), then current ISO codes.
    """
    for pool in (known - STANDARD_STATES, known - USER_ASSIGNED - ISO_FORMER):
        near = [c for c in pool if sum(a != b for a, b in zip(c, code)) == 1 or sorted(c) == sorted(code)]
        if near:
            return f"unknown state code '{code}'", did_you_mean(code, near) or f"did you mean '{min(near)}'?"
    return f"unknown state code '{code}'", ("a state is an ISO 3166-1 alpha-3 code (current or former), a user-assigned "
                                            "code such as XKX, or one listed in the scenario's world.states or a treaty's parties")
