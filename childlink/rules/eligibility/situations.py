"""Each person's situations at the as-of date, one row per supporting fact.

The definitions of policy §1 are built from these: a parent's severe
disability, serious illness, restriction of liberty, lost contact, revoked
guardianship, deportation, work away from the county; a child's own
disability, illness, HIV; the household's poverty assistance. Every row keeps
the fact it rests on (source_file, row, dates, link probability), so the
categories carry their evidence.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.rules.intervals import active_at, chain_spells, months_after
from childlink.settings import PolicySettings

SITUATION_SCHEMA = {
    "entity_id": pl.Utf8,
    "situation": pl.Utf8,
    "counterpart_entity_id": pl.Utf8,
    "kind": pl.Utf8,
    "source": pl.Utf8,
    "source_file": pl.Utf8,
    "row": pl.Int64,
    "start": pl.Date,
    "end": pl.Date,
    "link_probability": pl.Float64,
}
# §1.2 situations (民发〔2019〕62号 as reflected in 000 §二).
UNSUPPORTED_SITUATIONS = (
    "severe_disability", "serious_illness", "restricted_6m", "lost_contact_6m", "guardianship_revoked", "deported",
)
# §1.3.3: "in prison/custody or compulsory rehab" — no minimum term (the seed sets none).
GUARDIANSHIP_MEASURES = ("serving_sentence", "detention", "compulsory_rehab")
SITUATIONS = (
    "dead", "declared_missing", *UNSUPPORTED_SITUATIONS, "restricted_any", "family_disability", "child_disability",
    "hiv", "poverty", "working_away", "adopted", "moved_away", "resident_here",
)


def _attr(name: str) -> pl.Expr:
    return pl.col("attributes").struct.field(name)


def _rows(facts: pl.DataFrame, situation: str, counterpart: pl.Expr | None = None) -> pl.DataFrame:
    return facts.select(
        "entity_id",
        pl.lit(situation).alias("situation"),
        (counterpart if counterpart is not None else pl.lit(None, dtype=pl.Utf8)).alias("counterpart_entity_id"),
        "kind", "source", "source_file", "row", "start", "end", "link_probability",
    )


def grade_table(table: dict[str, list[str]]) -> pl.Expr:
    """A disability (category, grade) table of the settings as one expression ('*' = any category)."""
    expr = pl.lit(False)
    for category, grades in table.items():
        in_grade = _attr("grade").is_in(grades)
        expr = expr | (in_grade if category == "*" else (_attr("category") == category) & in_grade)
    return expr


def valid_certificate(as_of: date) -> pl.Expr:
    """exchange disability notes: issued on or before the date, not cancelled on or before it,
    valid_until blank or after it."""
    return active_at(as_of) & (pl.col("planned_end").is_null() | (pl.col("planned_end") > as_of))


def _restricted_6m(facts: pl.DataFrame, as_of: date, months: int) -> pl.DataFrame:
    """policy §1.2: restricted for at least ``months`` — the chain of touching or overlapping
    custody, prison and rehab spells has lasted that long at the as-of date, or the
    planned end of a current spell is that far from the chain's start (life = open)."""
    spells = facts.filter((pl.col("kind") == "restricted") & pl.col("start").is_not_null() & (pl.col("start") <= as_of))
    if spells.is_empty():
        return pl.DataFrame(schema=SITUATION_SCHEMA)
    chained = chain_spells(spells, max_gap_days=1)
    current = chained.filter(pl.col("chain_end").is_null() | (pl.col("chain_end") > as_of))
    threshold = months_after("chain_start", months)
    held = current.group_by(["entity_id", "chain"]).agg(
        (threshold.first() <= as_of).alias("_long"),
        (pl.col("planned_end").filter(active_at(as_of)).max() >= threshold.first()).fill_null(False).alias("_planned"),
    ).filter(pl.col("_long") | pl.col("_planned"))
    return _rows(current.join(held.select("entity_id", "chain"), on=["entity_id", "chain"], how="inner"), "restricted_6m")


def _working_away(facts: pl.DataFrame, as_of: date, settings: PolicySettings) -> pl.DataFrame:
    """policy §1.4: working away from the hukou county (facts of kind working_away)
    continuously for ``work_away_min_months``; gaps shorter than
    ``work_away_max_gap_days`` do not break the spell (occasional home visits)."""
    spells = facts.filter((pl.col("kind") == "working_away") & pl.col("start").is_not_null() & (pl.col("start") <= as_of))
    if spells.is_empty():
        return pl.DataFrame(schema=SITUATION_SCHEMA)
    chained = chain_spells(spells, max_gap_days=settings.work_away_max_gap_days - 1)
    current = chained.filter(
        (pl.col("chain_end").is_null() | (pl.col("chain_end") > as_of))
        & (months_after("chain_start", settings.work_away_min_months) <= as_of)
    )
    return _rows(current, "working_away")


def person_situations(facts: pl.DataFrame, *, as_of: date, settings: PolicySettings, county: str) -> pl.DataFrame:
    """Long frame (SITUATION_SCHEMA): each situation a person is in at the as-of date, with its facts."""
    kind = pl.col("kind")
    on = active_at(as_of)
    started = pl.col("start").is_null() | (pl.col("start") <= as_of)
    listed = settings.poverty_assistance_types
    parts = [
        # §1.1 dead: a death record, or a court declaration not revoked.
        _rows(facts.filter((kind == "dead") & started), "dead"),
        _rows(facts.filter((kind == "declared_dead") & on), "dead"),
        _rows(facts.filter((kind == "declared_missing") & on), "declared_missing"),
        # §1.2 / §1.4 severe disability (setting severe_disability).
        _rows(facts.filter((kind == "disability") & valid_certificate(as_of) & grade_table(settings.severe_disability)),
              "severe_disability"),
        # §1.3.1 parents' disability (setting family_difficulty_disability).
        _rows(facts.filter((kind == "disability") & valid_certificate(as_of)
                           & grade_table(settings.family_difficulty_disability)), "family_disability"),
        # §1.3.2 the child's certificate at or above child_disability_min_grade.
        _rows(facts.filter((kind == "disability") & valid_certificate(as_of)
                           & (_attr("grade").cast(pl.Int32, strict=False) <= settings.child_disability_min_grade)),
              "child_disability"),
        _rows(facts.filter((kind == "serious_illness") & on), "serious_illness"),
        _rows(facts.filter((kind == "hiv") & started), "hiv"),
        _restricted_6m(facts, as_of, settings.restriction_min_months),
        _rows(facts.filter((kind == "restricted") & on & _attr("measure").is_in(GUARDIANSHIP_MEASURES)), "restricted_any"),
        _rows(facts.filter((kind == "lost_contact") & on
                           & (months_after("start", settings.lost_contact_min_months) <= as_of)), "lost_contact_6m"),
        _rows(facts.filter((kind == "guardianship_revoked") & on), "guardianship_revoked",
              _attr("counterpart_entity_id")),
        _rows(facts.filter((kind == "deported") & on), "deported"),
        _rows(facts.filter((kind == "assistance") & on & _attr("category").is_in(listed)), "poverty"),
        _working_away(facts, as_of, settings),
        _rows(facts.filter((kind == "adopted") & on), "adopted"),
        _rows(facts.filter((kind == "hukou_cancelled") & started), "moved_away"),
        _rows(facts.filter((kind == "residence") & (_attr("county") == county) & started
                           & (pl.col("planned_end").is_null() | (pl.col("planned_end") > as_of))), "resident_here"),
    ]
    return pl.concat([p.select(list(SITUATION_SCHEMA)) for p in parts], how="vertical_relaxed")


def situation_flags(situations: pl.DataFrame) -> pl.DataFrame:
    """One row per person, a boolean column per situation (guardianship kept per child separately)."""
    return situations.group_by("entity_id").agg(
        [(pl.col("situation") == s).any().alias(s) for s in SITUATIONS if s != "guardianship_revoked"]
    )


def revoked_pairs(situations: pl.DataFrame) -> pl.DataFrame:
    """(parent, child) pairs whose guardianship is revoked at the as-of date (§1.2)."""
    return (
        situations.filter((pl.col("situation") == "guardianship_revoked") & pl.col("counterpart_entity_id").is_not_null())
        .select(pl.col("entity_id").alias("parent_entity_id"), pl.col("counterpart_entity_id").alias("child_entity_id"))
        .unique()
    )
