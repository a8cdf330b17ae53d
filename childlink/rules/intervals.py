"""Time arithmetic on fact intervals: "at the as-of date", month thresholds, chains of spells.

policy.md, preamble: a situation holds at the as-of date when it started on or
before it and has no end or ends after it. Months are calendar months
(2026-01-31 plus one month is 2026-02-28), as polars' ``offset_by`` counts them.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

# An open end (no end date, a life sentence) compares after every real date.
OPEN_END = date(9999, 12, 31)


def active_at(as_of: date, *, start: str = "start", end: str = "end") -> pl.Expr:
    """Policy preamble: started on or before ``as_of`` and not ended on or before it.

    A blank start counts as "since before the data begin" (e.g. a disability
    certificate without an issue date is still a certificate).
    """
    return (pl.col(start).is_null() | (pl.col(start) <= as_of)) & (pl.col(end).is_null() | (pl.col(end) > as_of))


def months_after(column: str | pl.Expr, months: int) -> pl.Expr:
    """The date ``months`` calendar months after a date column (clamped to the month's end)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.offset_by(f"{int(months)}mo")


def age_at(birth: str | pl.Expr, on: date) -> pl.Expr:
    """Whole years of age at ``on`` (policy preamble)."""
    b = pl.col(birth) if isinstance(birth, str) else birth
    before_birthday = (b.dt.month() > on.month) | ((b.dt.month() == on.month) & (b.dt.day() > on.day))
    return (pl.lit(on.year) - b.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int32)


def school_year_start(as_of: date) -> date:
    """The 1 September on or before ``as_of`` (policy §2.1: school age counts on that day)."""
    year = as_of.year if (as_of.month, as_of.day) >= (9, 1) else as_of.year - 1
    return date(year, 9, 1)


def chain_spells(spells: pl.DataFrame, *, max_gap_days: int = 1, by: str = "entity_id") -> pl.DataFrame:
    """Number the chains of spells per person: spells that touch or overlap form one chain.

    ``spells`` needs ``by, start, end`` (end null = still going on). A spell
    starting no more than ``max_gap_days`` after the latest end so far joins
    the chain (1 = the next day touches; policy §1.2 chains custody, prison and
    rehab; §1.4 bridges work gaps shorter than the gap setting). Returns the
    frame sorted, with ``chain`` (Int64, unique per person) and
    ``chain_start`` / ``chain_end`` (null end = still open).
    """
    if spells.is_empty():
        return spells.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("chain"),
            pl.lit(None, dtype=pl.Date).alias("chain_start"),
            pl.lit(None, dtype=pl.Date).alias("chain_end"),
        )
    open_end = pl.col("end").fill_null(OPEN_END)
    frame = (
        spells.filter(pl.col("start").is_not_null())
        .sort([by, "start"])
        .with_columns(open_end.cum_max().over(by).alias("_reach"))
        .with_columns(pl.col("_reach").shift(1).over(by).alias("_prev_reach"))
        .with_columns(
            (
                pl.col("_prev_reach").is_null()
                | ((pl.col("start") - pl.col("_prev_reach")).dt.total_days() > max_gap_days)
            )
            .cast(pl.Int64)
            .alias("_new")
        )
        .with_columns(pl.col("_new").cum_sum().over(by).alias("chain"))
    )
    bounds = frame.group_by([by, "chain"]).agg(
        pl.col("start").min().alias("chain_start"),
        pl.col("_reach").max().alias("chain_end"),
    )
    return (
        frame.drop("_reach", "_prev_reach", "_new")
        .join(bounds, on=[by, "chain"], how="left")
        .with_columns(pl.when(pl.col("chain_end") == OPEN_END).then(None).otherwise(pl.col("chain_end")).alias("chain_end"))
    )


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TERM_PART = re.compile(r"([0-9零〇一二两三四五六七八九十]+)\s*(年|个月|月)")
LIFE_TERMS = ("无期", "死刑")


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
        return value + (_CN_DIGITS.get(units, 0) if units else 0)
    digits = [_CN_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    value = 0
    for d in digits:
        value = value * 10 + d  # type: ignore[operator]
    return value


def term_months(term: str | None) -> int | None:
    """Months of a sentence written as text (exchange prison.sentence_term).

    '有期徒刑三年六个月' -> 42, '有期徒刑2年' -> 24, '拘役五个月' -> 5; life
    imprisonment and suspended death sentences ('无期徒刑', '死刑缓期二年执行')
    -> -1 (no planned end); unreadable -> None.
    """
    if not term:
        return None
    if any(word in term for word in LIFE_TERMS):
        return -1
    total, found = 0, False
    for number, unit in _TERM_PART.findall(term):
        value = _number(number)
        if value is None:
            continue
        found = True
        total += value * 12 if unit == "年" else value
    return total if found else None


def planned_end_from_term(start: str, term: str) -> pl.Expr:
    """Planned end of a prison spell from its sentence text (open end for life sentences).

    The text is parsed once per distinct value, then mapped, so the cost does
    not grow with the number of prisoners.
    """

    def months_of(series: pl.Series) -> pl.Series:
        uniques = series.unique().to_list()
        table = {u: term_months(u) for u in uniques if u is not None}
        return series.replace_strict(table, default=None, return_dtype=pl.Int64)

    months = pl.col(term).map_batches(months_of, return_dtype=pl.Int64)
    shifted = pl.col(start).dt.offset_by(pl.concat_str([months.cast(pl.Utf8), pl.lit("mo")]))
    return pl.when(months == -1).then(pl.lit(OPEN_END)).when(months.is_not_null()).then(shifted).otherwise(None)
