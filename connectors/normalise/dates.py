"""日期 (exchange.yaml conventions.types.date).

Dates repeat heavily within a column, so each distinct cell is parsed once in
Python and the result joined back.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import cache

import polars as pl

from childlink.schema import exchange
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised

EARLIEST = date(1900, 1, 1)
LATEST_FUTURE = date(2100, 12, 31)
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1900_EARLY = date(1899, 12, 31)
_EPOCH_1904 = date(1904, 1, 1)

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY_PATTERNS = (
    re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})\.(\d{{1,2}})\.(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})(\d{{2}})(\d{{2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})[日号]?{_TIME}$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)
_YEAR_PATTERN = re.compile(r"^(\d{4})年?$")
_SERIAL = re.compile(r"^(\d{1,5})(?:\.\d+)?$")

DAY, MONTH, YEAR, OPEN = "day", "month", "year", "open"

Parsed = tuple[date | None, str | None, str | None]  # (date, precision, rule)


@cache
def open_end_tokens() -> frozenset[str]:
    return frozenset(exchange().type_specs["date"]["open_end_tokens"]["values"])


def _serial_date(n: int, *, date1904: bool) -> date | None:
    if date1904:
        return _EPOCH_1904 + timedelta(days=n)
    if n >= 61:
        return _EPOCH_1900 + timedelta(days=n)
    if 1 <= n <= 59:
        return _EPOCH_1900_EARLY + timedelta(days=n)
    return None  # 0 and 60 (the non-existent 1900-02-29)


def parse_date_text(text: str, *, future_allowed: bool = False, date1904: bool = False) -> Parsed:
    """Parse one non-null cell: (date, precision, rule before the range check).

    rule is date_unparseable (date None) or date_partial (month/year precision).
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if value in open_end_tokens():
        return (None, OPEN, None) if future_allowed else (None, None, "date_unparseable")
    try:
        for pattern in _DAY_PATTERNS:
            match = pattern.match(value)
            if match:
                return date(int(match[1]), int(match[2]), int(match[3])), DAY, None
        year_match = _YEAR_PATTERN.match(value)
        if year_match and 1900 <= int(year_match[1]) <= 2100:
            return date(int(year_match[1]), 1, 1), YEAR, "date_partial"
        # 'YYYY.MM' before the serial rule: 2026.09 is September, not a decimal serial.
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(value)
            if match:
                return date(int(match[1]), int(match[2]), 1), MONTH, "date_partial"
        serial = _SERIAL.match(value)
        if serial:
            found = _serial_date(int(serial[1]), date1904=date1904)
            return (found, DAY, None) if found else (None, None, "date_unparseable")
    except ValueError:
        pass  # an impossible day or month
    return None, None, "date_unparseable"


def normalise_date(
    series: pl.Series, *, extract_date: date, future_allowed: bool = False, date1904: bool = False
) -> Normalised:
    """Normalise a date column to pl.Date.

    Rules: date_unparseable / date_implausible (value null), date_partial (kept,
    first day of the month or year). Derived: _precision (day|month|year|open).
    """
    raw = blank_to_null(series)
    latest = LATEST_FUTURE if future_allowed else extract_date
    uniques = raw.drop_nulls().unique().to_list()
    dates, precisions, rules = [], [], []
    for text in uniques:
        found, precision, rule = parse_date_text(text, future_allowed=future_allowed, date1904=date1904)
        if found is not None and not (EARLIEST <= found <= latest):
            found, precision, rule = None, None, "date_implausible"
        dates.append(found)
        precisions.append(precision)
        rules.append(rule)
    mapping = pl.DataFrame(
        {"key": uniques, "value": dates, "precision": precisions, "rule": rules},
        schema={"key": pl.Utf8, "value": pl.Date, "precision": pl.Utf8, "rule": pl.Utf8},
    )
    out = pl.DataFrame({"key": raw}).join(mapping, on="key", how="left", maintain_order="left")
    return Normalised(
        value=out["value"].alias(series.name),
        rule=out["rule"],
        derived={"_precision": out["precision"]},
    )
