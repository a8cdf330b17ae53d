"""Default as-of dates of the scheduled jobs, in the bureau's time zone.

A run scheduled for 03:00 on 5 January in Asia/Shanghai is still 4 January
in UTC; the reporting period must follow the bureau's calendar, so "today"
is always taken in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def bureau_today(now: datetime | None = None) -> date:
    """Today's date in Asia/Shanghai (``now`` must be timezone-aware when given)."""
    moment = now or datetime.now(tz=BUREAU_TZ)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware / 时间须带时区")
    return moment.astimezone(BUREAU_TZ).date()


def end_of_previous_quarter(today: date) -> date:
    """The last day of the quarter before the one ``today`` is in (policy §2.1)."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, first_month, 1) - timedelta(days=1)


def end_of_previous_half_year(today: date) -> date:
    """The last day of the half-year before the one ``today`` is in (policy §2.4)."""
    first_month = 1 if today.month <= 6 else 7
    return date(today.year, first_month, 1) - timedelta(days=1)


def same_day(today: date) -> date:
    """The run date itself (the semester lists of policy §2.5 are as of their sending date)."""
    return today


def resolve_as_of(
    value: date | str | None, default: Callable[[date], date], *, now: datetime | None = None
) -> date:
    """The as-of date a flow uses: the given one (date or ``YYYY-MM-DD``), else ``default(bureau_today())``."""
    if value is None or value == "":
        return default(bureau_today(now))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"基准日格式应为 YYYY-MM-DD / as-of date must be YYYY-MM-DD, got {value!r}") from None
