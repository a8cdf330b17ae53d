"""文本, 整数, 是否 and 联系电话 (exchange.yaml conventions.types)."""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from childlink.schema import exchange
from connectors.normalise.nfkc import nfkc
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised, map_unique, no_rules

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_PHONE_SPLIT = re.compile(r"[/、,;，；]")
_PHONE_NOISE = re.compile(r"[\s\-()（）]")


def clean_text(series: pl.Series) -> pl.Series:
    """NFKC, trimmed, inner whitespace runs collapsed, numeric '.0' removed."""
    return (
        nfkc(series)
        .str.strip_chars()
        .str.replace_all(r"\s+", " ")
        .str.replace(r"^(\d+)\.0+$", "${1}")
    )


def normalise_text(series: pl.Series) -> Normalised:
    """Normalise a free-text column (never raises a rule)."""
    raw = blank_to_null(series)
    value = clean_text(raw)
    value = pl.select(pl.when(value != "").then(value)).to_series()
    return Normalised(value=value.alias(series.name), rule=no_rules(series.len()))


def normalise_integer(series: pl.Series, *, minimum: int | None = None, maximum: int | None = None) -> Normalised:
    """Normalise an integer column (units 年/岁/人/个 and '.0' dropped).

    Rule: integer_invalid (value null) for non-integers and values outside min/max.
    """
    raw = blank_to_null(series)
    text = nfkc(raw).str.replace_all(r"\s", "").str.replace(r"[年岁人个]$", "").str.replace(r"\.0+$", "")
    number = pl.select(
        pl.when(text.str.contains(r"^[+-]?\d{1,18}$")).then(text.cast(pl.Int64, strict=False))
    ).to_series()
    in_range = pl.lit(True)
    if minimum is not None:
        in_range = in_range & (pl.col("n") >= minimum)
    if maximum is not None:
        in_range = in_range & (pl.col("n") <= maximum)
    out = pl.DataFrame({"raw": raw, "n": number}).select(
        value=pl.when(in_range).then(pl.col("n")),
        rule=pl.when(pl.col("raw").is_not_null() & (pl.col("n").is_null() | ~in_range)).then(
            pl.lit("integer_invalid")
        ),
    )
    return Normalised(value=out["value"].alias(series.name), rule=out["rule"])


@cache
def _boolean_table() -> dict[str, bool]:
    spec = exchange().type_specs["boolean"]
    table = {str(v): True for v in spec["true_values"]}
    table.update({str(v): False for v in spec["false_values"]})
    return table


def normalise_boolean(series: pl.Series) -> Normalised:
    """Normalise a 是/否 column; 无 means false here. Rule: boolean_invalid (value null)."""
    table = _boolean_table()
    raw = blank_to_null(series, keep=tuple(k for k in table if k))
    key = nfkc(raw).str.replace_all(r"\s", "")
    value = key.replace_strict(table, default=None, return_dtype=pl.Boolean)
    rule = pl.select(pl.when(raw.is_not_null() & value.is_null()).then(pl.lit("boolean_invalid"))).to_series()
    return Normalised(value=value.alias(series.name), rule=rule)


def clean_phone(text: str) -> str | None:
    """The first valid number of a cell (+86/0086 and separators removed), or None."""
    for part in _PHONE_SPLIT.split(text):
        number = _PHONE_NOISE.sub("", part)
        number = re.sub(r"^(\+86|0086)", "", number)
        number = re.sub(r"\.0+$", "", number)
        if _MOBILE.match(number) or _LANDLINE.match(number):
            return number
    return None


def normalise_phone(series: pl.Series) -> Normalised:
    """Normalise a phone column. Rule: phone_format (value null)."""
    raw = blank_to_null(series)
    value = map_unique(nfkc(raw), clean_phone, pl.Utf8)
    rule = pl.select(pl.when(raw.is_not_null() & value.is_null()).then(pl.lit("phone_format"))).to_series()
    return Normalised(value=value.alias(series.name), rule=rule)
