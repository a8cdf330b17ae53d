"""Evidence lists: the rows a flag rests on, as JSON for officers and as a hash for cases.

Every evidence item names the source file and row (exchange.yaml row
numbering) with its dates and the link probability the match relied on
(policy §2.1, last paragraph). The hash changes when, and only when, the set
of rows or their dates change, so a closed case is raised again only on new
evidence (policy §2.3).
"""

from __future__ import annotations

import hashlib

import polars as pl

EVIDENCE_ITEM = pl.Struct({
    "source": pl.Utf8, "source_file": pl.Utf8, "row": pl.Int64, "start": pl.Date, "end": pl.Date,
    "kind": pl.Utf8, "role": pl.Utf8, "situation": pl.Utf8, "link_probability": pl.Float64,
})
EVIDENCE_LIST = pl.List(EVIDENCE_ITEM)


def conform_items(expr: pl.Expr) -> pl.Expr:
    """Cast a list of evidence structs to EVIDENCE_LIST (missing fields must be added before)."""
    return expr.cast(EVIDENCE_LIST)


def evidence_json(column: str = "evidence") -> pl.Expr:
    """The evidence list as a JSON array text (dates as ISO text)."""
    items = pl.col(column).list.eval(pl.element().struct.json_encode()).list.join(",")
    return pl.concat_str([pl.lit("["), items.fill_null(""), pl.lit("]")])


def _digest(keys: pl.Series) -> pl.Series:
    return pl.Series([hashlib.sha256((k or "").encode("utf-8")).hexdigest() for k in keys.to_list()], dtype=pl.Utf8)


def evidence_hash(column: str = "evidence") -> pl.Expr:
    """SHA-256 of the sorted (source_file, row, start, end) keys of the evidence rows."""
    key = pl.concat_str(
        [pl.element().struct.field("source_file").fill_null(""), pl.element().struct.field("row").cast(pl.Utf8).fill_null(""),
         pl.element().struct.field("start").cast(pl.Utf8).fill_null(""), pl.element().struct.field("end").cast(pl.Utf8).fill_null("")],
        separator="#",
    )
    joined = pl.col(column).list.eval(key).list.sort().list.join("|")
    return joined.map_batches(_digest, return_dtype=pl.Utf8)


def concat_evidence(*columns: str) -> pl.Expr:
    """Several evidence lists as one (nulls count as empty)."""
    return pl.concat_list([pl.col(c).fill_null(pl.lit([], dtype=EVIDENCE_LIST)) for c in columns])
