"""Accuracy of the flags against ground truth: precision and recall per flag type.

A raised flag counts as true when the truth has the same flag for the same
child (by normalised ID number) and, for flags about a category, the same
category. The two orphan sub-kinds are compared as one category: which one
applies turns on where the child lives (an institution record), not on the
evidence the comparison weighs.
"""

from __future__ import annotations

import polars as pl

from childlink.flag_types import FLAG_CODES

# Flags about the child alone; the others are about a category as well.
CHILD_ONLY_FLAGS = ("emergency", "dropout_risk")
ORPHAN_LABELS = {"机构集中养育孤儿": "孤儿", "社会散居孤儿": "孤儿"}
SCORE_SCHEMA = {
    "flag": pl.Utf8,
    "true_positives": pl.Int64,
    "raised": pl.Int64,
    "expected": pl.Int64,
    "precision": pl.Float64,
    "recall": pl.Float64,
}


def _keys(frame: pl.DataFrame, id_column: str) -> pl.DataFrame:
    return frame.select(
        pl.col("flag").cast(pl.Utf8),
        pl.col(id_column).cast(pl.Utf8).str.to_uppercase().alias("id_number"),
        pl.when(pl.col("flag").is_in(CHILD_ONLY_FLAGS))
        .then(pl.lit(""))
        .otherwise(pl.col("category").cast(pl.Utf8).fill_null("").replace(ORPHAN_LABELS))
        .alias("category"),
    ).unique()


def flag_scores(raised: pl.DataFrame, truth: pl.DataFrame, *, raised_id: str = "child_id_number",
                truth_id: str = "id_number") -> pl.DataFrame:
    """Per flag type: true positives, flags raised, flags expected, precision and recall.

    ``raised``: the run's flags (``flag, <raised_id>, category``, as in flags.csv);
    ``truth``: the expected flags (``flag, <truth_id>, category``). Every flag
    type appears, with precision (recall) 1.0 when nothing was raised
    (expected) and nothing was missed.
    """
    got, want = _keys(raised, raised_id), _keys(truth, truth_id)
    keys = ["flag", "id_number", "category"]
    hits = got.join(want, on=keys, how="semi").group_by("flag").len("true_positives")
    counts = (
        pl.DataFrame({"flag": list(FLAG_CODES)})
        .join(hits, on="flag", how="left")
        .join(got.group_by("flag").len("raised"), on="flag", how="left")
        .join(want.group_by("flag").len("expected"), on="flag", how="left")
        .with_columns(pl.col("true_positives", "raised", "expected").fill_null(0).cast(pl.Int64))
    )
    return counts.with_columns(
        pl.when(pl.col("raised") > 0).then(pl.col("true_positives") / pl.col("raised")).otherwise(1.0).alias("precision"),
        pl.when(pl.col("expected") > 0).then(pl.col("true_positives") / pl.col("expected")).otherwise(1.0).alias("recall"),
    ).select([pl.col(c).cast(t) for c, t in SCORE_SCHEMA.items()])
