"""Calendar arithmetic shared by the world model and the truth evaluator.

Months are calendar months (policy.md "6 months or more"): 2026-01-31 plus one
month is 2026-02-28, the last day the month has.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier if negative), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_on(birth: date, on: date) -> int:
    """Whole years of age at ``on`` (policy.md: age in whole years at the as-of date)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def born_by(on: date, years: int) -> int:
    """Ordinal of the latest birth date at which someone is at least ``years`` old on ``on``.

    Comparing ordinals against it replaces per-person age arithmetic in loops over millions.
    """
    try:
        return on.replace(year=on.year - years).toordinal()
    except ValueError:  # 29 February in a non-leap year: turning ``years`` happens on 1 March
        return date(on.year - years, 2, 28).toordinal()


def held_months(start: date, end: date, months: int) -> bool:
    """True when the span from ``start`` to ``end`` lasts at least ``months`` calendar months."""
    return add_months(start, months) <= end


def school_year_start(as_of: date) -> date:
    """The 1 September on or before ``as_of`` (policy §2.1 school age is counted on that day)."""
    year = as_of.year if (as_of.month, as_of.day) >= (9, 1) else as_of.year - 1
    return date(year, 9, 1)


def days(n: int) -> timedelta:
    return timedelta(days=n)
