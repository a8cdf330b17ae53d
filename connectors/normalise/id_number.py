"""居民身份证号码 (exchange.yaml conventions.types.id_number).

Vectorised over the column. Cells already in the normalised form (nearly
all of them) skip cleaning; the others are cleaned one distinct value at a
time, including the 15→18 upgrade through python-stdnum. The format,
calendar and ISO 7064 MOD 11-2 checks are polars expressions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import polars as pl
from stdnum.cn import ric

from childlink.schema import exchange
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised, map_unique

_CLEAN = r"^[0-9]{17}[0-9X]$"  # ASCII only: the regex engine's \d also matches full-width digits
_SCIENTIFIC = re.compile(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$")
_NOISE = re.compile(r"[\s\"'`“”‘’]")
PRECISION_LOST = "\x00sci"  # marker of a cleaned cell that was in scientific notation


def upgrade_15(value: str) -> str:
    """15-digit legacy number → 18 digits ('19' inserted after the division, check digit computed)."""
    body = value[:6] + "19" + value[6:]
    # stdnum's calc_check_digit ignores the last character of its argument.
    return body + ric.calc_check_digit(body + "0")


def clean_id_text(text: str) -> str:
    """One cell cleaned: whitespace, quotes, apostrophe and '.0' removed, NFKC, x → X, 15 → 18."""
    value = _NOISE.sub("", unicodedata.normalize("NFKC", text))
    if _SCIENTIFIC.match(value):
        return PRECISION_LOST
    value = re.sub(r"\.0+$", "", value)
    value = re.sub(r"[x×]$", "X", value)
    if re.fullmatch(r"\d{15}", value):
        return upgrade_15(value)
    return value


def check_digits(first17: pl.Series) -> pl.Series:
    """The MOD 11-2 check character of each 17-digit string (null when not 17 digits).

    The weights are 2^k mod 11 and 13 ≡ 2 (mod 11), so the weighted sum is
    congruent to the digits read as one base-13 number (python-stdnum uses
    the same identity); 13^17 still fits in Int64.
    """
    digits = first17.str.contains(r"^\d{17}$").fill_null(False)
    base13 = pl.select(pl.when(digits).then(first17.str.to_integer(base=13, strict=False))).to_series()
    index = (1 + 9 * (base13 % 11)) % 11  # (1 - 2 * sum) mod 11 without negative operands
    mapping = {i: ("X" if i == 10 else str(i)) for i in range(11)}
    return index.replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def normalise_id_number(series: pl.Series, *, extract_date: date) -> Normalised:
    """Normalise an ID-number column.

    Rules: id_precision_lost (scientific notation, value null), id_number_format
    (pattern or calendar date, value null), id_check_digit (value kept).
    Derived: _birth_date, _sex, _division, _check_ok, _upgraded_from_15.
    """
    spec = exchange().type_specs["id_number"]
    raw = blank_to_null(series)
    dirty = raw.is_not_null() & ~raw.str.contains(_CLEAN).fill_null(True)
    cleaned = raw
    if dirty.any():
        fixed = map_unique(raw.filter(dirty), clean_id_text, pl.Utf8)
        cleaned = raw.clone().scatter(dirty.arg_true(), fixed)
    upgraded = dirty & raw.str.contains(r"^\D*\d{15}\D*$").fill_null(False) & cleaned.str.len_chars().eq(18)
    frame = pl.DataFrame({"v": cleaned, "upgraded": upgraded, "check": check_digits(cleaned.str.slice(0, 17))})
    birth = pl.col("v").str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    out = (
        frame.with_columns(
            sci=pl.col("v") == PRECISION_LOST,
            birth=birth,
            fmt_ok=pl.col("v").str.contains(spec["valid_format"]).fill_null(False),
        )
        .with_columns(
            ok=pl.col("fmt_ok") & pl.col("birth").is_not_null() & (pl.col("birth") <= pl.lit(extract_date)),
        )
        .with_columns(
            check_ok=pl.when(pl.col("ok")).then(pl.col("check") == pl.col("v").str.slice(17, 1)),
        )
        .select(
            value=pl.when(pl.col("ok")).then(pl.col("v")),
            rule=pl.when(pl.col("v").is_null())
            .then(None)
            .when(pl.col("sci"))
            .then(pl.lit("id_precision_lost"))
            .when(~pl.col("ok"))
            .then(pl.lit("id_number_format"))
            .when(~pl.col("check_ok"))
            .then(pl.lit("id_check_digit")),
            birth_date=pl.when(pl.col("ok")).then(pl.col("birth")),
            sex=pl.when(pl.col("ok")).then(
                pl.when(pl.col("v").str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
                .then(pl.lit("1"))
                .otherwise(pl.lit("2"))
            ),
            division=pl.when(pl.col("ok")).then(pl.col("v").str.slice(0, 6)),
            check_ok=pl.col("check_ok"),
            upgraded=pl.when(pl.col("ok")).then(pl.col("upgraded")),
        )
    )
    return Normalised(
        value=out["value"].alias(series.name),
        rule=out["rule"],
        derived={
            "_birth_date": out["birth_date"],
            "_sex": out["sex"],
            "_division": out["division"],
            "_check_ok": out["check_ok"],
            "_upgraded_from_15": out["upgraded"],
        },
    )
