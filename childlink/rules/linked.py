"""Accepted rows with the entity of each person they mention.

The rules receive, per source, the accepted rows of its batches (the Extract
frame contract of docs/architecture.md plus ``batch_id`` and ``source_file``)
and the linker's assignments ``mention_id, entity_id, match_probability``
(mention_id = '<batch_id>:<row>:<role>', roles from exchange.yaml
``persons``). This module puts them together: every role gets
``<role>_entity_id`` and ``<role>_link_p`` columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from childlink.schema import BOOLEAN, DATE, DIVISION, ID_NUMBER, INTEGER, exchange

# Source key -> the accepted frames of its batches.
Records = Mapping[str, Sequence[pl.DataFrame]]

ASSIGNMENT_COLUMNS = {"mention_id": pl.Utf8, "entity_id": pl.Utf8, "match_probability": pl.Float64}


def _dtype(type_name: str) -> pl.DataType:
    return {DATE: pl.Date(), BOOLEAN: pl.Boolean(), INTEGER: pl.Int64()}.get(type_name, pl.Utf8())


def conform(frame: pl.DataFrame, source: str, *, as_of: date) -> pl.DataFrame:
    """Give a source frame every field the rules read, with the contract's types.

    Missing fields become nulls; a division without its derived columns gets
    ``_county`` (6 digits, when not a city or province code), ``_level`` and
    ``_urban_rural`` null; ``extract_date`` defaults to the as-of date.
    """
    spec = exchange().source(source)
    adds: list[pl.Expr] = []
    have = set(frame.columns)
    for column in spec.columns:
        f = column.field
        if f not in have:
            adds.append(pl.lit(None, dtype=_dtype(column.type)).alias(f))
        if column.type == DIVISION:
            if f"{f}_county" not in have:
                code = pl.col(f) if f in have else pl.lit(None, dtype=pl.Utf8)
                county = code.str.slice(0, 6)
                adds.append(pl.when(county.str.ends_with("00")).then(None).otherwise(county).alias(f"{f}_county"))
            for derived in ("_level", "_urban_rural"):
                if f"{f}{derived}" not in have:
                    adds.append(pl.lit(None, dtype=pl.Utf8).alias(f"{f}{derived}"))
        if column.type == ID_NUMBER and f"{f}_check_ok" not in have:
            adds.append(pl.lit(None, dtype=pl.Boolean).alias(f"{f}_check_ok"))
    for name, dtype in (("batch_id", pl.Utf8), ("source_file", pl.Utf8)):
        if name not in have:
            adds.append(pl.lit(None, dtype=dtype).alias(name))
    if "extract_date" not in have:
        adds.append(pl.lit(as_of, dtype=pl.Date).alias("extract_date"))
    if source == "serious_illness" and "illness_code" not in have:
        adds.append(pl.lit(None, dtype=pl.Utf8).alias("illness_code"))
    frame = frame.with_columns(adds) if adds else frame
    return frame.with_columns(
        pl.col("row").cast(pl.Int64),
        pl.col("batch_id").cast(pl.Utf8),
        pl.col("source_file").cast(pl.Utf8),
        pl.col("extract_date").cast(pl.Date),
    )


def split_assignments(assignments: pl.DataFrame) -> pl.DataFrame:
    """``batch_id, row, role, entity_id, link_p`` from the linker's mention ids (parsed once)."""
    parts = pl.col("mention_id").cast(pl.Utf8).str.extract_groups(r"^(?<batch_id>.*):(?<row>\d+):(?<role>[^:]+)$")
    return (
        assignments.select(parts.alias("_m"), pl.col("entity_id").cast(pl.Utf8),
                           pl.col("match_probability").cast(pl.Float64).alias("link_p"))
        .unnest("_m")
        .with_columns(pl.col("row").cast(pl.Int64))
        .unique(["batch_id", "row", "role"], keep="first")
    )


def link_roles(frame: pl.DataFrame, source: str, links: pl.DataFrame) -> pl.DataFrame:
    """Add ``<role>_entity_id`` and ``<role>_link_p`` for every person role of the source.

    ``links`` is :func:`split_assignments` of the linker's output.
    """
    mine = links.filter(pl.col("batch_id").is_in(frame["batch_id"].unique().implode()))
    for role in exchange().source(source).persons:
        part = mine.filter(pl.col("role") == role).select(
            "batch_id", "row", pl.col("entity_id").alias(f"{role}_entity_id"), pl.col("link_p").alias(f"{role}_link_p"))
        frame = frame.join(part, on=["batch_id", "row"], how="left")
    return frame


def linked_sources(records: Records, assignments: pl.DataFrame, *, as_of: date) -> dict[str, pl.DataFrame]:
    """One frame per source: its batches stacked, conformed and linked."""
    out: dict[str, pl.DataFrame] = {}
    links = split_assignments(assignments)
    for source, frames in records.items():
        frames = [f for f in frames if f is not None and f.height]
        if not frames:
            continue
        stacked = pl.concat([conform(f, source, as_of=as_of) for f in frames], how="diagonal_relaxed")
        out[source] = link_roles(stacked, source, links)
    return out
