"""The match review queue and reviewers' decisions.

Pairs between the lower and upper thresholds go to a person. Each queue entry
shows both records, every comparison's level and weight, and the total. A
decision is keyed by the two mentions' fingerprints (source, role, record key
and identifying fields, hashed), not by batch ids, so it survives re-ingestion
and wins over the model in every later run (``scoring.apply_decisions``).
"""

from __future__ import annotations

import polars as pl

from matching.comparisons import NULL_LEVEL
from matching.estimate import ModelParameters
from matching.scoring import REVIEW, weight_columns

RECORD_FIELDS = ("mention_id", "fingerprint", "source", "source_file", "row", "role", "id_number", "name_raw",
                 "birth_date", "sex", "division", "mother_name")
DECISION_SCHEMA = {"fingerprint_l": pl.Utf8, "fingerprint_r": pl.Utf8, "decision": pl.Utf8}
DECISIONS = ("linked", "not_linked")


def review_queue(pairs: pl.DataFrame, mentions: pl.DataFrame, params: ModelParameters) -> pl.DataFrame:
    """One row per pair in the review band, most probable first.

    Columns: both records' fields (``<field>_l``/``<field>_r``), ``level_<comparison>``
    and ``weight_<comparison>`` for every comparison, ``match_weight``, ``match_probability``.
    """
    queue = weight_columns(pairs.filter(pl.col("band") == REVIEW), params)
    fields = [f for f in RECORD_FIELDS if f in mentions.columns]
    indexed = mentions.with_row_index("idx").with_columns(pl.col("idx").cast(pl.Int64)).select("idx", *fields)
    left = indexed.rename({f: f"{f}_l" for f in fields} | {"idx": "idx_l"})
    right = indexed.rename({f: f"{f}_r" for f in fields} | {"idx": "idx_r"})
    base = queue.select("idx_l", "idx_r", *[f"gamma_{c.name}" for c in params.comparisons],
                        *[f"w_{c.name}" for c in params.comparisons], "match_weight", "match_probability")
    base = base.join(left, on="idx_l", how="left").join(right, on="idx_r", how="left")
    levels = []
    for comp in params.comparisons:
        codes = list(range(len(comp.labels))) + [NULL_LEVEL]
        labels = list(comp.labels) + ["missing"]
        levels.append(pl.col(f"gamma_{comp.name}").cast(pl.Int64)
                      .replace_strict(codes, labels, return_dtype=pl.Utf8).alias(f"level_{comp.name}"))
        levels.append(pl.col(f"w_{comp.name}").round(3).alias(f"weight_{comp.name}"))
    ordered = [f"{f}_{s}" for f in fields for s in ("l", "r")]
    return base.with_columns(levels).select(
        *ordered, *[c for comp in params.comparisons for c in (f"level_{comp.name}", f"weight_{comp.name}")],
        "match_weight", "match_probability",
    ).sort("match_probability", descending=True)


def decisions_from_queue(queue: pl.DataFrame, decisions: list[str]) -> pl.DataFrame:
    """A decisions frame for the queue's rows, in order ('linked' or 'not_linked' each)."""
    bad = [d for d in decisions if d not in DECISIONS]
    if bad:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}: {bad[0]}")
    return pl.DataFrame({
        "fingerprint_l": queue["fingerprint_l"][: len(decisions)],
        "fingerprint_r": queue["fingerprint_r"][: len(decisions)],
        "decision": decisions,
    }, schema=DECISION_SCHEMA)
