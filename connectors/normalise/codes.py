"""Code-list fields and 性别 (exchange.yaml conventions.types.code, .sex).

A cell matches a list value by code, label or alias after NFKC, whitespace
removal and Latin case folding; the stored value is always the code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import polars as pl

from childlink.schema import CodeList, exchange
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised, map_unique

SEX_LIST = "sex"


def code_key(text: str) -> str:
    """Matching key of a cell or list entry: NFKC, no whitespace, case-folded, no '.0'."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
    return re.sub(r"^(\d+)\.0+$", r"\1", key)


@cache
def _lookup(list_key: str) -> tuple[dict[str, str], int | None]:
    """(matching key → code, numeric code width or None) for a code list.

    Codes first, then labels, then aliases, so an alias never shadows a code;
    labels ending in 族 also match without it (汉 → 汉族).
    """
    code_list: CodeList = exchange().code_list(list_key)
    table: dict[str, str] = {}
    for value in code_list.values:
        table.setdefault(code_key(value.code), value.code)
    for value in code_list.values:
        table.setdefault(code_key(value.label), value.code)
    for value in code_list.values:
        for alias in value.aliases:
            table.setdefault(code_key(alias), value.code)
    for value in code_list.values:
        if value.label.endswith("族") and len(value.label) > 1:
            table.setdefault(code_key(value.label[:-1]), value.code)
    codes = code_list.codes
    width = len(codes[0]) if codes and all(c.isdigit() and len(c) == len(codes[0]) for c in codes) else None
    return table, width


def _keep_tokens(list_key: str) -> tuple[str, ...]:
    """Null tokens that are values of this list (未知 for sex, 无 where listed)."""
    table, _ = _lookup(list_key)
    keep = [t for t in exchange().null_tokens if t and code_key(t) in table]
    return tuple(keep)


def match_code(text: str, list_key: str) -> str | None:
    """The code a single cell denotes in a list, or None."""
    table, width = _lookup(list_key)
    key = code_key(text)
    found = table.get(key)
    if found is None and width is not None and key.isdigit() and len(key) < width:
        found = table.get(key.zfill(width))  # Excel dropped a leading zero
    return found


def normalise_code(series: pl.Series, list_key: str) -> Normalised:
    """Normalise a code column against ``list_key``.

    No match: value null and rule code_not_in_list (for an open list the raw
    text stays in ``<field>_raw``; validation treats the flag as info).
    """
    raw = blank_to_null(series, keep=_keep_tokens(list_key))
    value = map_unique(raw, lambda text: match_code(text, list_key), pl.Utf8)
    rule = pl.select(
        pl.when(raw.is_not_null() & value.is_null()).then(pl.lit("code_not_in_list"))
    ).to_series()
    return Normalised(value=value.alias(series.name), rule=rule)


def normalise_sex(series: pl.Series, id_sex: pl.Series | None = None) -> Normalised:
    """Normalise a sex column; blank cells take the sex of the row's ID number.

    Derived: _derived (True where the value came from the ID number).
    """
    result = normalise_code(series, SEX_LIST)
    blank = blank_to_null(series, keep=_keep_tokens(SEX_LIST)).is_null()
    if id_sex is None:
        derived = pl.Series([False] * series.len(), dtype=pl.Boolean)
        return Normalised(result.value, result.rule, {"_derived": derived})
    out = pl.DataFrame({"v": result.value, "blank": blank, "id": id_sex}).select(
        v=pl.when(pl.col("blank")).then(pl.col("id")).otherwise(pl.col("v")),
        derived=pl.col("blank") & pl.col("id").is_not_null(),
    )
    return Normalised(out["v"].alias(series.name), result.rule, {"_derived": out["derived"]})
