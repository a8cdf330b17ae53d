from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from flows.periods import (
    bureau_today,
    end_of_previous_half_year,
    end_of_previous_quarter,
    resolve_as_of,
    same_day,
)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 5), date(2025, 12, 31)),
        (date(2026, 3, 31), date(2025, 12, 31)),
        (date(2026, 4, 1), date(2026, 3, 31)),
        (date(2026, 7, 5), date(2026, 6, 30)),
        (date(2026, 10, 5), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 9, 30)),
    ],
)
def test_end_of_previous_quarter(today, expected):
    assert end_of_previous_quarter(today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 10), date(2025, 12, 31)),
        (date(2026, 6, 30), date(2025, 12, 31)),
        (date(2026, 7, 10), date(2026, 6, 30)),
        (date(2026, 12, 31), date(2026, 6, 30)),
    ],
)
def test_end_of_previous_half_year(today, expected):
    assert end_of_previous_half_year(today) == expected


def test_today_is_taken_in_shanghai():
    # 03:00 on 5 January in Shanghai is still 4 January in UTC.
    run_time = datetime(2027, 1, 4, 19, 0, tzinfo=timezone.utc)
    assert bureau_today(run_time) == date(2027, 1, 5)
    # 4 January 2027 UTC alone would give the same quarter; 1 April 00:30 Shanghai would not.
    april_first = datetime(2027, 3, 31, 16, 30, tzinfo=timezone.utc)
    assert resolve_as_of(None, end_of_previous_quarter, now=april_first) == date(2027, 3, 31)
    assert resolve_as_of(None, end_of_previous_half_year, now=run_time) == date(2026, 12, 31)
    with pytest.raises(ValueError):
        bureau_today(datetime(2027, 1, 1))


def test_given_as_of_wins_and_is_parsed():
    assert resolve_as_of("2026-09-30", end_of_previous_quarter) == date(2026, 9, 30)
    assert resolve_as_of(date(2026, 6, 30), same_day) == date(2026, 6, 30)
    assert resolve_as_of(datetime(2026, 6, 30, 8), same_day) == date(2026, 6, 30)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        resolve_as_of("30/09/2026", same_day)
