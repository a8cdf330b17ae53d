"""What a normaliser returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass
class Normalised:
    """Normalised values, derived Series by suffix ('_birth_date', ...) and per-row rules.

    ``rule`` is Utf8 and null where the cell raised nothing; it holds a rule
    name of exchange.yaml quarantine_rules otherwise.
    """

    value: pl.Series
    rule: pl.Series
    derived: dict[str, pl.Series] = field(default_factory=dict)
    extra: dict[str, pl.Series] = field(default_factory=dict)  # helper Series for later stages


def no_rules(length: int) -> pl.Series:
    """A rule Series with nothing raised."""
    return pl.Series("rule", [None] * length, dtype=pl.Utf8)


def map_unique(series: pl.Series, function, dtype: pl.DataType) -> pl.Series:
    """Apply a per-string Python function to the distinct values only and map back.

    ``function`` gets a non-null str and returns a value of ``dtype`` or None.
    """
    series = series.cast(pl.Utf8)
    uniques = series.drop_nulls().unique()
    if uniques.len() == 0:
        return pl.Series(series.name, [None] * series.len(), dtype=dtype)
    results = pl.Series([function(v) for v in uniques.to_list()], dtype=dtype)
    return series.replace_strict(uniques, results, default=None, return_dtype=dtype)
