"""姓名 (exchange.yaml conventions.types.name).

Names repeat, so the pipeline runs over the distinct cells and is joined
back. Traditional→simplified conversion (OpenCC t2s) runs once over the
distinct values joined into one text, far faster than one call per name.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from opencc import OpenCC

from childlink.schema import exchange
from connectors.normalise.nfkc import nfkc
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised

MIDDLE_DOT = "\u00b7"
# Minority-name separators of the spec after NFKC ('．' → '.', '･' → '・').
_SEPARATORS = r"[\u00b7.\u2022\u30fb\uff65\u2027\uff0e\u2014]+"
_MAX_NAME_LENGTH = 40  # exchange.yaml types.name.normalised_pattern
_PLACEHOLDER_CHILD = r"^(.{1,8})之[长次三四五]?([子女])$"


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(series: pl.Series) -> pl.Series:
    """OpenCC t2s applied to the distinct non-null values, mapped back."""
    uniques = series.drop_nulls().unique()
    if uniques.len() == 0:
        return series
    values = uniques.to_list()
    # Values never contain line breaks after whitespace removal, so one
    # conversion of the joined text converts every value.
    converted = _t2s().convert("\n".join(values)).split("\n")
    if len(converted) != len(values):  # conversion must keep the line structure
        converted = [_t2s().convert(v) for v in values]
    mapping = dict(zip(values, converted, strict=True))
    return series.replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def fold_separators_expr(expr: pl.Expr) -> pl.Expr:
    """Separators folded to one U+00B7, none at either end; Latin upper-cased."""
    return (
        expr.str.replace_all(_SEPARATORS, MIDDLE_DOT)
        .str.strip_chars(MIDDLE_DOT)
        .str.to_uppercase()
    )


def _normalise_distinct(values: pl.Series) -> pl.DataFrame:
    """key, value, rule, placeholder sex and mother for distinct non-null cells."""
    patterns = exchange().type_specs["name"]["placeholders"]["patterns"]
    placeholder = "|".join(f"(?:{p})" for p in patterns)
    # NFKC after whitespace removal can compose what the first pass split
    # (a spacing accent becomes space + combining mark), so clean twice.
    cleaned = nfkc(nfkc(values).str.replace_all(r"\s", "")).str.replace_all(r"\s", "")
    simplified = to_simplified(cleaned)
    folded = pl.select(fold_separators_expr(pl.lit(simplified))).to_series()
    folded = pl.select(fold_separators_expr(pl.lit(nfkc(folded)))).to_series()
    return (
        pl.DataFrame({"key": values, "v": folded})
        .with_columns(v=pl.when(pl.col("v") != "").then(pl.col("v")))
        .with_columns(
            placeholder=pl.col("v").str.contains(placeholder).fill_null(False),
            child=pl.col("v").str.extract_groups(_PLACEHOLDER_CHILD),
        )
        .select(
            "key",
            value=pl.when(pl.col("placeholder")).then(None).otherwise(pl.col("v")),
            rule=pl.when(pl.col("placeholder"))
            .then(pl.lit("name_placeholder"))
            .when(pl.col("v").str.contains(r"\d") | (pl.col("v").str.len_chars() > _MAX_NAME_LENGTH))
            .then(pl.lit("name_format")),
            placeholder_sex=pl.col("child").struct.field("2").replace_strict({"子": "1", "女": "2"}, default=None),
            placeholder_mother=pl.col("child").struct.field("1"),
        )
    )


def normalise_name(series: pl.Series) -> Normalised:
    """Normalise a name column (each distinct cell once).

    Rules: name_placeholder (value null), name_format (digits or longer than
    40 characters; value kept).
    ``extra``: '_placeholder_sex' ('1' for …之子, '2' for …之女) and
    '_placeholder_mother' (the part before 之, e.g. '周某某之女' → '周某某').
    """
    raw = blank_to_null(series)
    distinct = _normalise_distinct(raw.drop_nulls().unique())
    out = pl.DataFrame({"key": raw}).join(distinct, on="key", how="left", maintain_order="left")
    return Normalised(
        value=out["value"].alias(series.name),
        rule=out["rule"],
        extra={"_placeholder_sex": out["placeholder_sex"], "_placeholder_mother": out["placeholder_mother"]},
    )
