"""The typed words every layer speaks: a finding's grade, the two roles of a treaty pair, days.

A ``Grade`` is ordered by gravity (``Grade.VIOLATION > Grade.INDICATOR``) and is a string,
so it reads and serialises as the rules write it. ``Roles`` names the party a treaty binds
and the party it protects. A ``Day`` is a proleptic Gregorian ordinal (``date.toordinal()``):
the engine counts windows, deadlines and durations in whole days.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

__all__ = ["ROLE_NAMES", "Day", "Grade", "Roles", "iso", "iso_or_none"]

Day = int


class Grade(StrEnum):
    """How grave a finding is: a violation, a potential violation (an analyst must assess it) or an indicator (an early warning)."""

    VIOLATION = "violation"
    POTENTIAL_VIOLATION = "potential_violation"
    INDICATOR = "indicator"

    @property
    def severity(self) -> int:
        """3 for a violation, 2 for a potential violation, 1 for an indicator."""
        return _SEVERITY[self.value]

    def __lt__(self, other: object) -> bool:
        return self.severity < other.severity if isinstance(other, Grade) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.severity <= other.severity if isinstance(other, Grade) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.severity > other.severity if isinstance(other, Grade) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.severity >= other.severity if isinstance(other, Grade) else NotImplemented


_SEVERITY = {"violation": 3, "potential_violation": 2, "indicator": 1}


class Roles(NamedTuple):
    """A treaty pair: the state a clause binds and the state it protects (always two different states)."""

    bound: str
    protected: str

    def of(self, role: str) -> str:
        """The state in ``role`` (``"bound"`` or ``"protected"``), as a rule's ``$bound``/``$protected`` names it."""
        if role == "bound":
            return self.bound
        if role == "protected":
            return self.protected
        raise ValueError(f"no role {role!r}: roles are {', '.join(ROLE_NAMES)}")


ROLE_NAMES: tuple[str, ...] = Roles._fields


def iso(day: Day) -> str:
    """A day as YYYY-MM-DD."""
    return dt.date.fromordinal(day).isoformat()


def iso_or_none(day: Day | None) -> str | None:
    """A day as YYYY-MM-DD, or None for a day not known."""
    return None if day is None else iso(day)
