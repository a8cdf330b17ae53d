"""The flags export table and its township summary (policy §2.1, §2.3).

Pure builders: a flags frame (one row per flag, as the rules and cases stages
produce it) in, the tables the writers put into flags.csv / flags.xlsx out.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from childlink.flag_types import FLAG_CODES, FLAG_TYPES
from childlink.reports.labels import (
    FLAG_EXPORT_COLUMNS,
    SUMMARY_TOWNSHIP_HEADER,
    TOTAL_LABEL,
    UNKNOWN_TOWNSHIP,
)

# Columns a flags frame must have; the export adds nothing the rules did not say.
REQUIRED_FLAG_COLUMNS: tuple[str, ...] = (
    "flag",
    "entity_id",
    "child_id_number",
    "child_name",
    "category",
    "reason",
    "rule",
    "clause",
    "evidence",
    "link_probability",
    "township",
    "case_id",
    "case_status",
)

_EXPORT_TYPES: dict[str, pl.DataType] = {
    column: (pl.Float64 if column == "link_probability" else pl.Utf8) for column in FLAG_EXPORT_COLUMNS
}


def build_flags_table(flags: pl.DataFrame) -> pl.DataFrame:
    """The export table: the columns of flags.csv in order, one row per flag.

    ID numbers stay text (a trailing X and leading digits must survive);
    evidence becomes compact JSON text; rows are ordered by flag type (the
    order of :data:`FLAG_TYPES`), township, then ID number, so two runs on the
    same data give the same file. An unknown flag code raises ValueError.
    """
    missing = [c for c in REQUIRED_FLAG_COLUMNS if c not in flags.columns]
    if missing:
        raise ValueError(f"线索表缺少列 / flags frame lacks columns: {', '.join(missing)}")
    unknown = sorted(set(flags.get_column("flag").drop_nulls().cast(pl.Utf8).to_list()) - set(FLAG_CODES))
    if unknown or flags.get_column("flag").null_count():
        raise ValueError(
            f"未知线索类型 / unknown flag types: {', '.join(unknown) or 'null'}; allowed: {', '.join(FLAG_CODES)}"
        )
    table = flags.with_columns(
        pl.col("evidence").map_elements(_compact_json, return_dtype=pl.Utf8, skip_nulls=False),
    ).select(
        [pl.col(c).cast(dtype) for c, dtype in _EXPORT_TYPES.items()]
    )
    order = {code: i for i, code in enumerate(FLAG_CODES)}
    return (
        table.with_columns(pl.col("flag").replace_strict(order, return_dtype=pl.Int32).alias("_order"))
        .sort(["_order", "township", "child_id_number", "case_id"], nulls_last=True)
        .drop("_order")
    )


def evidence_text(evidence: str | None) -> str:
    """Evidence JSON as lines an officer reads: ``death.csv 第12行 2026-03-01至2026-03-01``."""
    items = _parse_evidence(evidence)
    lines = []
    for item in items:
        where = f"{item.get('source_file', '')} 第{item['row']}行" if item.get("row") is not None else str(
            item.get("source_file", "")
        )
        start, end = item.get("start"), item.get("end")
        if start or end:
            where += f" {start or '…'}至{end or '今'}"
        lines.append(where.strip())
    return "\n".join(lines)


def township_summary(table: pl.DataFrame) -> pl.DataFrame:
    """Counts by township × flag type, with a total column and a total row.

    Columns: the township header, one column per flag type (Chinese label, all
    six even when zero), 合计. Townships are sorted; unnamed ones last.
    """
    labels = {code: FLAG_TYPES[code].label for code in FLAG_CODES}
    counts = (
        table.select(
            pl.col("township").fill_null(UNKNOWN_TOWNSHIP).alias(SUMMARY_TOWNSHIP_HEADER),
            pl.col("flag"),
        )
        .group_by(SUMMARY_TOWNSHIP_HEADER, "flag")
        .len()
    )
    townships = sorted(
        counts.get_column(SUMMARY_TOWNSHIP_HEADER).unique().to_list(), key=lambda t: (t == UNKNOWN_TOWNSHIP, t)
    )
    rows: list[dict[str, Any]] = []
    lookup = {(r[SUMMARY_TOWNSHIP_HEADER], r["flag"]): r["len"] for r in counts.iter_rows(named=True)}
    for township in [*townships, TOTAL_LABEL]:
        row: dict[str, Any] = {SUMMARY_TOWNSHIP_HEADER: township}
        for code, label in labels.items():
            if township == TOTAL_LABEL:
                row[label] = sum(r[label] for r in rows)
            else:
                row[label] = lookup.get((township, code), 0)
        row[TOTAL_LABEL] = sum(row[label] for label in labels.values())
        rows.append(row)
    schema = {SUMMARY_TOWNSHIP_HEADER: pl.Utf8} | {label: pl.Int64 for label in labels.values()} | {TOTAL_LABEL: pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def flag_counts(table: pl.DataFrame) -> dict[str, int]:
    """Number of flags per flag code, every code present (zero when none)."""
    counted = dict(table.group_by("flag").len().iter_rows()) if table.height else {}
    return {code: int(counted.get(code, 0)) for code in FLAG_CODES}


def _parse_evidence(evidence: Any) -> list[dict[str, Any]]:
    if evidence is None or evidence == "":
        return []
    if isinstance(evidence, pl.Series):  # a List(Struct) column arrives as a Series per row
        evidence = evidence.to_list()
    value = json.loads(evidence) if isinstance(evidence, str) else evidence
    if isinstance(value, dict):
        value = [value]
    return [dict(item) for item in value]


def _compact_json(evidence: Any) -> str | None:
    # Keys keep the rules' order; Chinese stays readable (not \u escapes).
    if evidence is None:
        return None
    items = _parse_evidence(evidence)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"), default=str)
