"""Ticks for an axis that counts days (``date.toordinal()``): round days, months or years, labelled as dates.

Our own, because matplotlib's date axis cannot reach 0001-01-01 or 9999-12-31 with any padding;
ticks are only ever put on real days, so a view that runs past either end of the calendar is fine.
"""

from __future__ import annotations

import datetime as dt

_FIRST, _LAST = dt.date.min.toordinal(), dt.date.max.toordinal()
_MOST = 9  # ticks at most on one axis (11 inches wide)
# (unit, step): days, months or years between ticks, in the order tried (finest first).
_STEPS = [("day", n) for n in (1, 2, 7, 14)] + [("month", n) for n in (1, 2, 3, 6)] + \
         [("year", n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)]
_LENGTH = {"day": 1.0, "month": 30.44, "year": 365.25}


def day_ticks(low: float, high: float) -> tuple[list[int], list[str]]:
    """Tick positions (day numbers) between ``low`` and ``high`` and their labels, at most ``_MOST`` of them."""
    first, last = max(_FIRST, int(low) + 1 if low > int(low) else int(low)), min(_LAST, int(high))
    if first > last:
        return [], []
    for unit, step in _STEPS:
        if (last - first) / (_LENGTH[unit] * step) < _MOST:
            break
    days = _days(first, last, unit, step)
    return days, [_label(dt.date.fromordinal(d), unit) for d in days]


def _days(first: int, last: int, unit: str, step: int) -> list[int]:
    """The round days from ``first`` to ``last``: every ``step`` days, first days of months, or New Year's days."""
    if unit == "day":
        return list(range(first, last + 1, step))
    start = dt.date.fromordinal(first)
    # Months since year 0, so that steps fall on the same months (or years) whatever the view.
    if unit == "month":
        index, stride = start.year * 12 + start.month - 1, step
        index += -index % step
    else:  # a year is twelve months, starting in January
        index, stride = (start.year + (-start.year % step)) * 12, step * 12
    out: list[int] = []
    while index // 12 <= dt.MAXYEAR:
        year, month = divmod(index, 12)
        day = dt.date(year, month + 1, 1).toordinal()
        if day > last:
            break
        if day >= first:
            out.append(day)
        index += stride
    return out


def _label(day: dt.date, unit: str) -> str:
    """A tick's label: the whole date for day steps, year and month for month steps, the year for year steps."""
    if unit == "day":
        return day.isoformat()
    return f"{day.year:04d}-{day.month:02d}" if unit == "month" else f"{day.year:04d}"
