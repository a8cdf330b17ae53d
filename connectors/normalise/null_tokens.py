"""Null tokens (exchange.yaml conventions.null_tokens), applied before every type."""

from __future__ import annotations

import unicodedata
from functools import cache

import polars as pl

from childlink.schema import exchange

# Longer cells cannot be a token, even with surrounding spaces.
_MAX_TOKEN_BYTES = 16
# A variant of a token differs from it by whitespace, Latin case or width.
_VARIANT_CHARS = r"[\sA-Z]|[^\x00-\x7F\u4E00-\u9FFF]"


@cache
def _lowered_tokens() -> frozenset[str]:
    return frozenset(token.lower() for token in exchange().null_tokens)


def is_null_token(text: str | None, *, keep: tuple[str, ...] = ()) -> bool:
    """True when a single cell means 'no value' (NFKC, trimmed, Latin case-insensitive)."""
    if text is None:
        return True
    key = unicodedata.normalize("NFKC", text).strip().lower()
    return key in _lowered_tokens() and key not in {k.lower() for k in keep}


def blank_to_null(series: pl.Series, *, keep: tuple[str, ...] = ()) -> pl.Series:
    """Cells that are a null token after NFKC and trimming become null.

    ``keep`` lists tokens that are values in this column (未知 for sex, 无 for
    code lists that contain it and for booleans).
    """
    series = series.cast(pl.Utf8)
    kept = {k.lower() for k in keep}
    exact = sorted({t for t in exchange().null_tokens if t.lower() not in kept} | (_lowered_tokens() - kept))
    hits = series.is_in(exact)
    # Variants (spaces, case, full width) only among short cells with such
    # characters; each distinct one is checked once.
    short = series.filter(((series.str.len_bytes() <= _MAX_TOKEN_BYTES) & ~hits).fill_null(False)).unique()
    candidates = short.filter(short.str.contains(_VARIANT_CHARS)).to_list()
    variants = [v for v in candidates if is_null_token(v, keep=keep)]
    if variants:
        hits = hits | series.is_in(variants)
    if not hits.any():
        return series
    return pl.select(pl.when(hits).then(None).otherwise(series).alias(series.name)).to_series()

