"""The linkage job's tables: links.csv and review_queue.csv.

links.csv says which entity each source row belongs to; review_queue.csv lays
out each pair between the thresholds so a person can decide it: both records'
fields side by side, each comparison's level and weight, and the total.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from childlink.reports.labels import LINKS_COLUMNS

PAIR_ID_COLUMNS = ("left_mention_id", "right_mention_id")
PAIR_SIDES = ("left_", "right_")


def build_links_table(links: pl.DataFrame) -> pl.DataFrame:
    """Exactly ``source_file,row,entity_id,match_probability``, sorted by file and row."""
    missing = [c for c in LINKS_COLUMNS if c not in links.columns]
    if missing:
        raise ValueError(f"关联结果缺少列 / links frame lacks columns: {', '.join(missing)}")
    return links.select(
        pl.col("source_file").cast(pl.Utf8),
        pl.col("row").cast(pl.Int64),
        pl.col("entity_id").cast(pl.Utf8),
        pl.col("match_probability").cast(pl.Float64),
    ).sort(["source_file", "row", "entity_id"])


def build_review_queue(items: pl.DataFrame) -> pl.DataFrame:
    """One row per pair: ids, ``left_<f>``/``right_<f>`` side by side, then per comparison
    ``<name>_level`` and ``<name>_weight``, then ``total_weight`` and ``match_probability``.

    Comparisons come from a ``comparison`` column (JSON text, dict or struct:
    ``{name: {"level": ..., "weight": ...}}``, as the store keeps them) or from
    columns already named ``<name>_level``/``<name>_weight``. ``total_weight``
    is taken when given (it may include the prior), else the sum of weights.
    Pairs are ordered by match probability, highest first.
    """
    for column in (*PAIR_ID_COLUMNS, "match_probability"):
        if column not in items.columns:
            raise ValueError(f"复核队列缺少列 / review items lack column: {column}")
    frame = _expand_comparisons(items) if "comparison" in items.columns else items
    names = [c[: -len("_level")] for c in frame.columns if c.endswith("_level") and f"{c[:-6]}_weight" in frame.columns]
    if "total_weight" not in frame.columns:
        total = pl.sum_horizontal([pl.col(f"{n}_weight").cast(pl.Float64) for n in names]) if names else pl.lit(None)
        frame = frame.with_columns(total.cast(pl.Float64).alias("total_weight"))
    fields = [c[len("left_") :] for c in frame.columns if c.startswith("left_") and f"right_{c[5:]}" in frame.columns]
    fields = [f for f in fields if f != "mention_id"]
    ordered = [*PAIR_ID_COLUMNS]
    for f in fields:
        ordered += [f"left_{f}", f"right_{f}"]
    for n in names:
        ordered += [f"{n}_level", f"{n}_weight"]
    ordered += ["total_weight", "match_probability"]
    return frame.select(ordered).sort("match_probability", descending=True, nulls_last=True)


def _expand_comparisons(items: pl.DataFrame) -> pl.DataFrame:
    parsed = [_as_dict(value) for value in items.get_column("comparison").to_list()]
    names: list[str] = []
    for doc in parsed:
        names += [n for n in doc if n not in names]
    columns: dict[str, list[Any]] = {}
    for n in names:
        columns[f"{n}_level"] = [_part(doc.get(n), "level") for doc in parsed]
        columns[f"{n}_weight"] = [_part(doc.get(n), "weight") for doc in parsed]
    expanded = pl.DataFrame(columns, schema={c: (pl.Float64 if c.endswith("_weight") else pl.Utf8) for c in columns})
    return pl.concat([items.drop("comparison"), expanded], how="horizontal")


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def _part(entry: Any, key: str) -> Any:
    if entry is None:
        return None
    value = entry.get(key) if isinstance(entry, dict) else None
    if key == "level":
        return None if value is None else str(value)
    return None if value is None else float(value)
