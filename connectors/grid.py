"""What the file readers hand to header detection: raw text cells.

A reader gives the first records of the sheet as lists of text cells (for
header detection) and a loader for the records from a given index on as a
polars frame of Utf8 columns ``c0 … c{n-1}``, one row per record, blank
records included (so that row numbers count them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

HEAD_RECORDS = 60  # enough for 20 non-empty rows with blank rows between


@dataclass
class Grid:
    head: list[list[str | None]]
    # (first data record index, column count, header record index) -> frame
    load_body: Callable[[int, int, int], pl.DataFrame]
    encoding: str | None = None
    sheet: str | None = None
    date1904: bool = False
    checksum: str | None = None  # sha256 of the file when the reader already hashed its bytes


def cell_columns(width: int) -> list[str]:
    """Names of the positional raw columns."""
    return [f"c{i}" for i in range(width)]


def rows_to_frame(rows: list[list[str | None]], width: int) -> pl.DataFrame:
    """Positional frame of ``width`` Utf8 columns from row lists (short rows padded)."""
    columns = cell_columns(width)
    padded = [(list(r[:width]) + [None] * (width - len(r))) if len(r) < width else list(r[:width]) for r in rows]
    return pl.DataFrame(padded, schema={c: pl.Utf8 for c in columns}, orient="row")
