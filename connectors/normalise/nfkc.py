"""Unicode NFKC over a column, applied only where it can change something.

Printable ASCII and the basic CJK Unified Ideographs block are stable under
NFKC, and nearly every cell of a department extract is made of them, so the
(comparatively slow) normalisation runs on the other cells only.
"""

from __future__ import annotations

import polars as pl

_STABLE = r"^[\x20-\x7E\u4E00-\u9FFF]*$"


def nfkc(series: pl.Series) -> pl.Series:
    """The Series with NFKC applied to every non-null value."""
    series = series.cast(pl.Utf8)
    unstable = ~series.str.contains(_STABLE).fill_null(True)
    if not unstable.any():
        return series
    return series.clone().scatter(unstable.arg_true(), series.filter(unstable).str.normalize("NFKC"))
