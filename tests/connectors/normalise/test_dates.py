from datetime import date

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from connectors.normalise.dates import normalise_date

AS_OF = date(2026, 9, 30)


def run(values, **kwargs):
    return normalise_date(pl.Series("d", values, dtype=pl.Utf8), extract_date=AS_OF, **kwargs)


@pytest.mark.parametrize(
    ("raw", "value", "precision", "rule"),
    [
        ("2026-09-03", date(2026, 9, 3), "day", None),
        ("2026-9-3", date(2026, 9, 3), "day", None),
        ("2026/9/3", date(2026, 9, 3), "day", None),
        ("2026.09.03", date(2026, 9, 3), "day", None),
        ("20260903", date(2026, 9, 3), "day", None),
        ("2026年9月3日", date(2026, 9, 3), "day", None),
        ("2026年09月03号", date(2026, 9, 3), "day", None),
        ("2026年9月3", date(2026, 9, 3), "day", None),
        ("２０２６－０９－０３", date(2026, 9, 3), "day", None),
        ("2026-09-03 14:05:00", date(2026, 9, 3), "day", None),
        ("2026/09/03T14:05", date(2026, 9, 3), "day", None),
        ("2026.9.3 14:05:00.250", date(2026, 9, 3), "day", None),
        ("46268", date(2026, 9, 3), "day", None),
        ("46268.75", date(2026, 9, 3), "day", None),
        ("61", date(1900, 3, 1), "day", None),
        ("59", date(1900, 2, 28), "day", None),
        ("60", None, None, "date_unparseable"),
        ("2026-09", date(2026, 9, 1), "month", "date_partial"),
        ("2026/9", date(2026, 9, 1), "month", "date_partial"),
        ("2026.09", date(2026, 9, 1), "month", "date_partial"),
        ("202609", date(2026, 9, 1), "month", "date_partial"),
        ("2026年9月", date(2026, 9, 1), "month", "date_partial"),
        ("2026年", date(2026, 1, 1), "year", "date_partial"),
        ("2026", date(2026, 1, 1), "year", "date_partial"),
        ("30/09/2026", None, None, "date_unparseable"),
        ("09/30/2026", None, None, "date_unparseable"),
        ("26-9-3", None, None, "date_unparseable"),
        ("Sep 3, 2026", None, None, "date_unparseable"),
        ("2026-02-30", None, None, "date_unparseable"),
        ("长期", None, None, "date_unparseable"),
        ("2026-10-01", None, None, "date_implausible"),
        ("1899-12-31", None, None, "date_implausible"),
        ("0000-00-00", None, None, None),
        (None, None, None, None),
    ],
)
def test_cases(raw, value, precision, rule):
    result = run([raw])
    assert result.value.to_list() == [value]
    assert result.derived["_precision"].to_list() == [precision]
    assert result.rule.to_list() == [rule]


def test_future_allowed_columns_take_open_ends_and_later_dates():
    result = run(["长期", "永久有效", "2090-01-01", "2101-01-01"], future_allowed=True)
    assert result.value.to_list() == [None, None, date(2090, 1, 1), None]
    assert result.derived["_precision"].to_list() == ["open", "open", "day", None]
    assert result.rule.to_list() == [None, None, None, "date_implausible"]


def test_1904_serials():
    assert run(["0", "1"], date1904=True).value.to_list() == [date(1904, 1, 1), date(1904, 1, 2)]


days = st.dates(min_value=date(1900, 1, 1), max_value=AS_OF)


@settings(deadline=None)
@given(days, st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d 12:30:00"]))
def test_dates_round_trip(day, fmt):
    result = run([day.strftime(fmt)])
    assert result.value.to_list() == [day]
    iso = result.value.dt.strftime("%Y-%m-%d").to_list()
    assert run(iso).value.to_list() == [day]


@settings(deadline=None)
@given(days)
def test_excel_serials_round_trip(day):
    serial = (day - date(1899, 12, 30)).days
    if serial <= 60:
        serial -= 1  # Excel's fictitious 1900-02-29 shifts early serials by one
    assume(not 1900 <= serial <= 2100)  # bare years win over serials (1905-03-14 … 1905-09-01)
    assert run([str(serial)]).value.to_list() == [day]


def test_integers_between_1900_and_2100_are_years_not_serials():
    assert run(["1918"]).value.to_list() == [date(1918, 1, 1)]
    assert run(["1918"]).derived["_precision"].to_list() == ["year"]
