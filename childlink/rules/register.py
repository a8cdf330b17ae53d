"""The register (child_register): who is on it, in which category, on what basis.

exchange child_register notes: should-exit leads come only from active rows; a
row with an exit_date on or before the extract date is exited whatever its
status says; when the status column is absent every row is active.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

REGISTER_SCHEMA = {
    "entity_id": pl.Utf8,
    "category": pl.Utf8,
    "sub_category": pl.Utf8,
    "basis": pl.Utf8,
    "father_status": pl.Utf8,
    "mother_status": pl.Utf8,
    "registered_on": pl.Date,
    "township": pl.Utf8,
    "in_institution": pl.Boolean,
    "source_file": pl.Utf8,
    "row": pl.Int64,
    "link_probability": pl.Float64,
}


def active_register(linked: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """One active register entry per child (the latest registered when several)."""
    frame = linked.get("child_register")
    if frame is None:
        return pl.DataFrame(schema=REGISTER_SCHEMA)
    active = frame.filter(
        pl.col("child_entity_id").is_not_null()
        & pl.col("category").is_not_null()  # a required field: a row without it says nothing
        & (pl.col("status").is_null() | (pl.col("status") == "active"))
        & (pl.col("exit_date").is_null() | (pl.col("exit_date") > pl.col("extract_date")))
    )
    return (
        active.sort(["child_entity_id", "registered_on", "row"], descending=[False, True, True], nulls_last=True)
        .group_by("child_entity_id", maintain_order=True)
        .first()
        .select(
            pl.col("child_entity_id").alias("entity_id"), "category", "sub_category", "basis", "father_status",
            "mother_status", "registered_on", pl.col("township_division").alias("township"), "in_institution",
            "source_file", "row", pl.col("child_link_p").alias("link_probability"),
        )
        .select([pl.col(c).cast(t) for c, t in REGISTER_SCHEMA.items()])
    )
