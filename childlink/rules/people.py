"""One row per person (entity): the best identifiers, hukou place, rural marker and residence.

Rule for conflicting values: the hukou population register wins, then the
child register, the birth certificate, the school roll and the other sources
in turn; an ID number is taken from the rows whose check digit is right first,
and the most frequent one among them. The birth date comes from a source that
states it, else from the ID number (policy preamble).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from childlink.rules.intervals import active_at
from childlink.schema import exchange

PEOPLE_SCHEMA = {
    "entity_id": pl.Utf8,
    "id_number": pl.Utf8,
    "name": pl.Utf8,
    "birth_date": pl.Date,
    "sex": pl.Utf8,
    "hukou_division": pl.Utf8,
    "hukou_county": pl.Utf8,
    "hukou_township": pl.Utf8,
    "hukou_nature": pl.Utf8,
    "rural": pl.Boolean,
    "residence_county": pl.Utf8,
    "residence_since": pl.Date,
    "in_institution": pl.Boolean,
}
SOURCE_PRIORITY = {"hukou_population": 0, "child_register": 1, "birth_certificate": 2, "student_roll": 3}
ID_FORMAT = r"^[1-9]\d{16}[0-9X]$"
# Where a source states the person's hukou place (field of the primary role's row).
HUKOU_FIELD = {"hukou_population": "division"}


INSTITUTION_WORDS = "福利院|儿童福利|救助保护|未成年人保护中心"


def _institution_household() -> pl.Expr:
    """A collective hukou household at a children's welfare institution (the child lives there)."""
    return (pl.col("household_type") == "collective") & pl.col("address").str.contains(INSTITUTION_WORDS).fill_null(False)


def _mentions(linked: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    parts = []
    for source, frame in linked.items():
        spec = exchange().source(source)
        for index, (role, attrs) in enumerate(spec.persons.items()):
            entity = f"{role}_entity_id"
            if entity not in frame.columns:
                continue
            hukou = HUKOU_FIELD.get(source, "hukou_division") if index == 0 else None
            if hukou is not None and hukou not in frame.columns:
                hukou = None

            def col(attr: str, dtype: pl.DataType) -> pl.Expr:
                name = attrs.get(attr)
                return (pl.col(name) if name and name in frame.columns else pl.lit(None)).cast(dtype).alias(attr)

            id_field = attrs.get("id_number")
            check = (pl.col(f"{id_field}_check_ok") if id_field and f"{id_field}_check_ok" in frame.columns
                     else pl.lit(None)).cast(pl.Boolean).alias("check_ok")
            is_hukou = source == "hukou_population"
            parts.append(
                frame.filter(pl.col(entity).is_not_null()).select(
                    pl.col(entity).alias("entity_id"),
                    pl.lit(SOURCE_PRIORITY.get(source, 5), dtype=pl.Int64).alias("priority"),
                    col("id_number", pl.Utf8()), check, col("name", pl.Utf8()), col("sex", pl.Utf8()),
                    col("birth_date", pl.Date()),
                    (pl.col(hukou) if hukou else pl.lit(None)).cast(pl.Utf8).alias("hukou_division"),
                    (pl.col(f"{hukou}_county") if hukou else pl.lit(None)).cast(pl.Utf8).alias("hukou_county"),
                    (pl.col(f"{hukou}_urban_rural") if hukou else pl.lit(None)).cast(pl.Utf8).alias("urban_rural"),
                    (pl.col("hukou_nature") if is_hukou and index == 0 else pl.lit(None)).cast(pl.Utf8).alias("hukou_nature"),
                    # exchange child_register in_institution; guardian relation institution anywhere.
                    (pl.col("in_institution") if source == "child_register" and index == 0 else pl.lit(None))
                    .cast(pl.Boolean).alias("in_institution"),
                    (pl.col("guardian_relation") == "institution" if index == 0 and "guardian_relation" in frame.columns
                     else pl.lit(None)).cast(pl.Boolean).alias("institution_guardian"),
                    (_institution_household() if is_hukou and index == 0 else pl.lit(None)).cast(pl.Boolean)
                    .alias("institution_household"),
                    pl.col("extract_date"),
                )
            )
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="vertical_relaxed")


def build_people(linked: Mapping[str, pl.DataFrame], facts: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The people frame (PEOPLE_SCHEMA), one row per entity mentioned anywhere."""
    mentions = _mentions(linked)
    if mentions.is_empty():
        return pl.DataFrame(schema=PEOPLE_SCHEMA)
    valid_id = pl.col("id_number").str.contains(ID_FORMAT).fill_null(False)
    ids = (
        mentions.filter(valid_id)
        .group_by(["entity_id", "id_number"])
        .agg(pl.col("check_ok").fill_null(True).any().alias("_ok"), pl.len().alias("_n"), pl.col("priority").min())
        .sort(["entity_id", "_ok", "_n", "priority", "id_number"], descending=[False, True, True, False, False])
        .group_by("entity_id", maintain_order=True)
        .first()
        .select("entity_id", "id_number")
    )
    ordered = mentions.sort(["entity_id", "priority", "extract_date"], descending=[False, False, True])
    best = ordered.group_by("entity_id", maintain_order=True).agg(
        pl.col("name").drop_nulls().first(),
        pl.col("sex").filter(pl.col("sex").is_in(["1", "2"])).first(),
        pl.col("birth_date").drop_nulls().first(),
        pl.col("hukou_division").drop_nulls().first(),
        pl.col("hukou_county").drop_nulls().first(),
        pl.col("urban_rural").drop_nulls().first(),
        pl.col("hukou_nature").drop_nulls().first(),
        pl.col("in_institution").drop_nulls().first(),
        pl.col("institution_guardian").fill_null(False).any(),
        pl.col("institution_household").drop_nulls().first(),
    )
    people = best.join(ids, on="entity_id", how="left")
    id_birth = pl.col("id_number").str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    id_sex = pl.when(pl.col("id_number").str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1).then(pl.lit("1")).otherwise(pl.lit("2"))
    people = people.with_columns(
        pl.coalesce(pl.col("birth_date"), id_birth).alias("birth_date"),
        pl.coalesce(pl.col("sex"), pl.when(pl.col("id_number").is_not_null()).then(id_sex)).alias("sex"),
        # §1.4 rural: hukou nature 农业, or (居民 / blank) a village code of urban-rural class 2xx.
        (
            (pl.col("hukou_nature") == "agricultural")
            | ((pl.col("hukou_nature").is_null() | (pl.col("hukou_nature") == "resident"))
               & pl.col("urban_rural").str.starts_with("2").fill_null(False))
        ).alias("rural"),
        (pl.col("in_institution").fill_null(False) | pl.col("institution_guardian")
         | pl.col("institution_household").fill_null(False)).alias("in_institution"),
        pl.when(pl.col("hukou_division").str.len_chars() >= 9).then(pl.col("hukou_division").str.slice(0, 9))
        .alias("hukou_township"),
    )
    residence = (
        facts.filter((pl.col("kind") == "residence") & active_at(as_of, end="planned_end") & pl.col("end").is_null())
        .select("entity_id", pl.col("attributes").struct.field("county").alias("residence_county"), "start")
        .filter(pl.col("residence_county").is_not_null())
        .group_by(["entity_id", "residence_county"])
        .agg(pl.col("start").min().alias("residence_since"), pl.col("start").max().alias("_latest"), pl.len().alias("_n"))
        # The most recent place wins; among equals, the one most sources confirm.
        .sort(["entity_id", "_latest", "_n"], descending=[False, True, True], nulls_last=True)
        .group_by("entity_id", maintain_order=True)
        .first()
        .select("entity_id", "residence_county", "residence_since")
    )
    people = people.join(residence, on="entity_id", how="left")
    return people.select([pl.col(c).cast(t) for c, t in PEOPLE_SCHEMA.items()])
