"""Sources that disagree: the stated rule that decides, and the disagreement kept visible.

Rules (policy §2.1 asks that flags rest on evidence an officer can check, so
the overruled rows are listed, never dropped silently):

* ``death_beats_hukou_status``: a death record (death, court, prison, school,
  emergency) beats a hukou row still showing status normal; the hukou
  register is often cancelled late.
* ``revocation_ends_declaration``: a court's revoke_death / revoke_missing
  judgment ends a declaration, including one the hukou register shows as
  宣告死亡注销.
* ``later_status_wins``: for the student roll, a child's later status ends the
  earlier one (one record per person at a time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

CONFLICT_SCHEMA = {
    "entity_id": pl.Utf8,
    "topic": pl.Utf8,
    "kept": pl.Utf8,
    "overruled": pl.Utf8,
    "rule": pl.Utf8,
    "evidence": pl.Utf8,
}
STUDENT_KINDS = ("enrolled", "dropped_out", "suspended", "left_school")


def _where(frame: pl.DataFrame, prefix: str = "") -> pl.Expr:
    return pl.concat_str([pl.col(f"{prefix}source_file").fill_null("?"), pl.lit("#"),
                          pl.col(f"{prefix}row").cast(pl.Utf8)])


def _death_vs_hukou(facts: pl.DataFrame, hukou: pl.DataFrame | None) -> pl.DataFrame:
    if hukou is None:
        return pl.DataFrame(schema=CONFLICT_SCHEMA)
    normal = hukou.filter(
        pl.col("person_entity_id").is_not_null() & (pl.col("status").is_null() | (pl.col("status") == "normal"))
    ).select(pl.col("person_entity_id").alias("entity_id"), pl.col("source_file").alias("h_source_file"),
             pl.col("row").alias("h_row"))
    dead = facts.filter(pl.col("kind") == "dead").group_by("entity_id").agg(pl.col("source_file").first(),
                                                                            pl.col("row").first())
    both = dead.join(normal, on="entity_id", how="inner")
    return both.select(
        "entity_id", pl.lit("vital_status").alias("topic"), pl.lit("dead").alias("kept"),
        pl.lit("hukou status normal").alias("overruled"), pl.lit("death_beats_hukou_status").alias("rule"),
        pl.concat_str([_where(both), pl.lit(" vs "), _where(both, "h_")]).alias("evidence"),
    )


def _revocations(facts: pl.DataFrame, court: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hukou 宣告死亡注销 rows ended by a later revoke_death judgment of the same person."""
    if court is None:
        return facts, pl.DataFrame(schema=CONFLICT_SCHEMA)
    revoked = court.filter((pl.col("judgment_type") == "revoke_death") & pl.col("subject_entity_id").is_not_null()).select(
        pl.col("subject_entity_id").alias("entity_id"),
        pl.coalesce("effective_date", "judgment_date").alias("_revoked"),
    )
    facts = facts.with_row_index("_i")
    target = facts.filter((pl.col("kind") == "declared_dead") & (pl.col("source") == "hukou_population"))
    ends = (
        target.select("_i", "entity_id", "start", "source_file", "row")
        .join(revoked, on="entity_id", how="inner")
        .filter(pl.col("_revoked") >= pl.col("start").fill_null(date(1900, 1, 1)))
        .group_by("_i")
        .agg(pl.col("_revoked").min(), pl.col("entity_id").first(), pl.col("source_file").first(), pl.col("row").first())
    )
    conflicts = ends.select(
        "entity_id", pl.lit("declared_dead").alias("topic"), pl.lit("revoked by court").alias("kept"),
        pl.lit("hukou status declared_dead").alias("overruled"), pl.lit("revocation_ends_declaration").alias("rule"),
        _where(ends).alias("evidence"),
    )
    facts = facts.join(ends.select("_i", "_revoked"), on="_i", how="left").with_columns(
        pl.coalesce("end", "_revoked").alias("end")
    ).drop("_i", "_revoked")
    return facts, conflicts


def _student_sequence(facts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A later student status ends the earlier one (later evidence wins)."""
    is_school = pl.col("kind").is_in(STUDENT_KINDS)
    school = facts.filter(is_school).sort(["entity_id", "start"], nulls_last=False)
    school = school.with_columns(pl.col("start").shift(-1).over("entity_id").alias("_next"),
                                 pl.col("kind").shift(-1).over("entity_id").alias("_next_kind"))
    conflicts = school.filter(pl.col("_next_kind").is_not_null() & (pl.col("_next_kind") != pl.col("kind"))).select(
        "entity_id", pl.lit("student_status").alias("topic"), pl.col("_next_kind").alias("kept"),
        pl.col("kind").alias("overruled"), pl.lit("later_status_wins").alias("rule"), _where(school).alias("evidence"),
    )
    school = school.with_columns(
        pl.when(pl.col("_next").is_not_null() & pl.col("end").is_null()).then(pl.col("_next")).otherwise(pl.col("end"))
        .alias("end")
    ).drop("_next", "_next_kind")
    return pl.concat([facts.filter(~is_school), school], how="vertical_relaxed"), conflicts


def resolve_conflicts(
    facts: pl.DataFrame, linked: Mapping[str, pl.DataFrame], *, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the conflict rules; returns the adjusted facts and the ``conflicts`` frame."""
    found = [_death_vs_hukou(facts, linked.get("hukou_population"))]
    facts, revoked = _revocations(facts, linked.get("court_judgment"))
    facts, school = _student_sequence(facts)
    found += [revoked, school]
    return facts, pl.concat([f.select(list(CONFLICT_SCHEMA)) for f in found], how="vertical_relaxed")
