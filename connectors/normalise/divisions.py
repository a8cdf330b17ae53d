"""行政区划 (exchange.yaml conventions.types.division).

Codes are checked against the division reference where it covers the area;
names and addresses resolve by longest prefix over full and short names.
Each distinct cell is resolved once.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from childlink.divisions import PROVINCE_PREFIXES, DivisionTable, division_table, level_of_code
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import Normalised

_LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}


def resolve_division(text: str, table: DivisionTable) -> str | None:
    """The code a cell denotes (6, 9 or 12 digits), or None when unrecognised."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    value = re.sub(r"^(\d+)\.0+$", r"\1", value)
    if value.isdigit():
        if len(value) not in (6, 9, 12) or value[:2] not in PROVINCE_PREFIXES:
            return None
        lookup = value[:9] if len(value) == 12 and value[9:] == "000" and value[6:9] != "000" else value
        if lookup[6:] and set(lookup[6:]) == {"0"}:
            lookup = lookup[:6]  # a county written with 9 or 12 digits
        if table.by_code and table.covers(lookup) and table.get(lookup) is None:
            return None
        return value
    found = table.resolve_name(value)
    return found.code if found else None


def division_facts(code: str, table: DivisionTable) -> tuple[str | None, str | None, str, str | None]:
    """(_county, _township, _level, _urban_rural) of a resolved code."""
    level = level_of_code(code)
    rank = _LEVEL_RANK[level]
    county = code[:6] if rank >= _LEVEL_RANK["county"] else None
    township = code[:9] if rank >= _LEVEL_RANK["township"] else None
    urban_rural = None
    if level == "village":
        entry = table.get(code)
        urban_rural = entry.urban_rural if entry else None
    return county, township, level, urban_rural


def normalise_division(series: pl.Series, table: DivisionTable | None = None) -> Normalised:
    """Normalise a division column (code, name or address) to a code.

    Rule: division_invalid (value null). Derived: _county, _township, _level,
    _urban_rural.
    """
    table = table or division_table()
    raw = blank_to_null(series)
    uniques = raw.drop_nulls().unique().to_list()
    rows = []
    for text in uniques:
        code = resolve_division(text, table)
        facts = division_facts(code, table) if code else (None, None, None, None)
        rows.append((text, code, *facts))
    mapping = pl.DataFrame(
        rows,
        schema={
            "key": pl.Utf8,
            "value": pl.Utf8,
            "_county": pl.Utf8,
            "_township": pl.Utf8,
            "_level": pl.Utf8,
            "_urban_rural": pl.Utf8,
        },
        orient="row",
    )
    out = pl.DataFrame({"key": raw}).join(mapping, on="key", how="left", maintain_order="left")
    rule = pl.select(
        pl.when(out["key"].is_not_null() & out["value"].is_null()).then(pl.lit("division_invalid"))
    ).to_series()
    return Normalised(
        value=out["value"].alias(series.name),
        rule=rule,
        derived={k: out[k] for k in ("_county", "_township", "_level", "_urban_rural")},
    )
