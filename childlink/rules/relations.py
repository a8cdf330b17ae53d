"""Who are a child's parents: relations from every source, and the legal parents at a date.

policy §2.2: parents are found through the child's hukou record (father /
mother ID fields, household relations), the birth certificate, the register
and the school roll's guardian. Adoption gives new legal parents from the
registration date (exchange adoption notes). A parent who cannot be
identified is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from childlink.rules.intervals import active_at
from childlink.schema import exchange

RELATION_SCHEMA = {
    "child_entity_id": pl.Utf8,
    "parent_entity_id": pl.Utf8,
    "relation": pl.Utf8,  # father | mother | guardian | parent (sex decides, see parent_role_by_sex)
    "kind": pl.Utf8,  # birth | adoptive | guardian
    "start": pl.Date,
    "end": pl.Date,
    "priority": pl.Int64,  # lower = more authoritative source for parentage
    "source": pl.Utf8,
    "source_file": pl.Utf8,
    "row": pl.Int64,
    "link_probability": pl.Float64,
}
# Parentage sources, most authoritative first (the rule for conflicting fathers/mothers).
PRIORITY = {"hukou_population": 0, "birth_certificate": 1, "child_register": 2, "adoption": 0, "household": 3,
            "residence_permit": 4, "child_health": 5}


def _edges(frame: pl.DataFrame, source: str, child: str, parent: str, relation: str, kind: str = "birth",
           *, start: pl.Expr | None = None, end: pl.Expr | None = None, when: pl.Expr | None = None,
           priority: int | None = None) -> pl.DataFrame:
    rows = frame.filter(pl.col(f"{child}_entity_id").is_not_null() & pl.col(f"{parent}_entity_id").is_not_null())
    if when is not None:
        rows = rows.filter(when)
    null_date = pl.lit(None, dtype=pl.Date)
    return rows.select(
        pl.col(f"{child}_entity_id").alias("child_entity_id"),
        pl.col(f"{parent}_entity_id").alias("parent_entity_id"),
        pl.lit(relation).alias("relation"),
        pl.lit(kind).alias("kind"),
        (start if start is not None else null_date).cast(pl.Date).alias("start"),
        (end if end is not None else null_date).cast(pl.Date).alias("end"),
        pl.lit(PRIORITY.get(source, 6) if priority is None else priority, dtype=pl.Int64).alias("priority"),
        pl.lit(source).alias("source"),
        pl.col("source_file"),
        pl.col("row"),
        pl.min_horizontal(pl.col(f"{child}_link_p"), pl.col(f"{parent}_link_p")).alias("link_probability"),
    )


def _household_edges(hukou: pl.DataFrame) -> list[pl.DataFrame]:
    """exchange hukou notes: rows sharing household_number with relation groups child and
    parent to the same head. The head (and the head's spouse) are the parents of
    the head's children; a row of group parent is a parent of the head."""
    groups = {v.code: v.extra.get("group") for v in exchange().code_list("household_relation").values}
    rows = hukou.filter(pl.col("household_number").is_not_null() & pl.col("person_entity_id").is_not_null()).select(
        "household_number", "person_entity_id", "person_link_p", "source_file", "row",
        pl.col("relation_to_head").replace_strict(groups, default=None, return_dtype=pl.Utf8).alias("group"),
    )
    if rows.is_empty():
        return []
    heads = rows.filter(pl.col("group").is_in(["head", "self"])).select(
        "household_number", pl.col("person_entity_id").alias("parent_entity_id"), pl.col("person_link_p").alias("_pp"))
    spouses = rows.filter(pl.col("group") == "spouse").select(
        "household_number", pl.col("person_entity_id").alias("parent_entity_id"), pl.col("person_link_p").alias("_pp"))
    children = rows.filter(pl.col("group") == "child")
    parents_of_head = rows.filter(pl.col("group") == "parent").select(
        "household_number", pl.col("person_entity_id").alias("parent_entity_id"), pl.col("person_link_p").alias("_pp"),
        "source_file", "row")
    out = []
    for parents in (heads, spouses):
        joined = children.join(parents, on="household_number", how="inner")
        out.append(joined.select(
            pl.col("person_entity_id").alias("child_entity_id"), "parent_entity_id",
            pl.lit("parent").alias("relation"), pl.lit("birth").alias("kind"),
            pl.lit(None, dtype=pl.Date).alias("start"), pl.lit(None, dtype=pl.Date).alias("end"),
            pl.lit(PRIORITY["household"], dtype=pl.Int64).alias("priority"), pl.lit("hukou_population").alias("source"),
            "source_file", "row",
            pl.min_horizontal("person_link_p", "_pp").alias("link_probability"),
        ))
    joined = parents_of_head.join(heads.rename({"parent_entity_id": "child_entity_id", "_pp": "_cp"}),
                                  on="household_number", how="inner")
    out.append(joined.select(
        "child_entity_id", "parent_entity_id", pl.lit("parent").alias("relation"), pl.lit("birth").alias("kind"),
        pl.lit(None, dtype=pl.Date).alias("start"), pl.lit(None, dtype=pl.Date).alias("end"),
        pl.lit(PRIORITY["household"], dtype=pl.Int64).alias("priority"), pl.lit("hukou_population").alias("source"),
        "source_file", "row", pl.min_horizontal("_pp", "_cp").alias("link_probability"),
    ))
    return out


def build_relations(linked: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every child -> parent/guardian edge the linked sources state (one row per source row)."""
    parts = [pl.DataFrame(schema=RELATION_SCHEMA)]
    if (f := linked.get("hukou_population")) is not None:
        parts += [_edges(f, "hukou_population", "person", "father", "father"),
                  _edges(f, "hukou_population", "person", "mother", "mother"),
                  _edges(f, "hukou_population", "person", "guardian", "guardian", "guardian")]
        parts += _household_edges(f)
    if (f := linked.get("birth_certificate")) is not None:
        parts += [_edges(f, "birth_certificate", "child", "father", "father"),
                  _edges(f, "birth_certificate", "child", "mother", "mother")]
    if (f := linked.get("child_register")) is not None:
        parts += [_edges(f, "child_register", "child", "father", "father"),
                  _edges(f, "child_register", "child", "mother", "mother"),
                  _edges(f, "child_register", "child", "guardian", "guardian", "guardian")]
    if (f := linked.get("adoption")) is not None:
        for adopter in ("adopter1", "adopter2"):
            parts.append(_edges(f, "adoption", "child", adopter, "parent", "adoptive",
                                start=pl.col("registration_date"), end=pl.col("dissolved_date")))
    if (f := linked.get("residence_permit")) is not None:
        parts.append(_edges(f, "residence_permit", "person", "holder", "parent",
                            when=pl.col("relation_to_holder") == "child"))
    if (f := linked.get("child_health")) is not None:
        # The health record names the mother and father (names only; linked where the linker could).
        parts += [_edges(f, "child_health", "child", "father", "father"),
                  _edges(f, "child_health", "child", "mother", "mother")]
    for source, roles in (("student_roll", ("guardian",)), ("child_health", ("guardian",)),
                          ("vaccination", ("guardian",)), ("inbound_push", ("guardian", "guardian2"))):
        if (f := linked.get(source)) is not None:
            parts += [_edges(f, source, "child", role, "guardian", "guardian") for role in roles]
    if (f := linked.get("court_judgment")) is not None:
        parts.append(_edges(f, "court_judgment", "child", "subject", "guardian", "guardian",
                            start=pl.coalesce(pl.col("effective_date"), pl.col("judgment_date")),
                            when=pl.col("judgment_type") == "appoint_guardian"))
    edges = pl.concat([p.select(list(RELATION_SCHEMA)) for p in parts], how="vertical_relaxed")
    return edges.filter(pl.col("child_entity_id") != pl.col("parent_entity_id"))


def parent_role_by_sex(relations: pl.DataFrame) -> pl.DataFrame:
    """Edges of relation 'parent' (household, adopters, permit holders) become father or mother by
    the parent's sex ('1' male, '2' female); a parent of unknown sex stays 'parent'."""
    return relations.with_columns(
        pl.when(pl.col("relation") != "parent").then(pl.col("relation"))
        .when(pl.col("sex") == "1").then(pl.lit("father"))
        .when(pl.col("sex") == "2").then(pl.lit("mother"))
        .otherwise(pl.lit("parent")).alias("relation")
    ).drop("sex")


def legal_parents(relations: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """One father and one mother per child at the as-of date, with the evidence rows used.

    Rule for conflicting sources: the most authoritative source wins (hukou ID
    fields, then birth certificate, register, household relations, residence
    permit), then the parent named by most rows. A child adopted at the as-of
    date has the adopters as parents and no birth parent counts.
    Returns ``child_entity_id, father_entity_id, mother_entity_id, adopted,
    father_link_p, mother_link_p, parent_evidence`` (list of structs).
    """
    parents = relations.filter(pl.col("relation").is_in(["father", "mother"]))
    adoptive = parents.filter((pl.col("kind") == "adoptive") & active_at(as_of))
    adopted_children = adoptive.select("child_entity_id").unique().with_columns(pl.lit(True).alias("adopted"))
    birth = parents.filter(pl.col("kind") == "birth").join(adopted_children, on="child_entity_id", how="anti")
    chosen = pl.concat([adoptive, birth], how="vertical_relaxed")
    ranked = (
        chosen.group_by(["child_entity_id", "relation", "parent_entity_id"])
        .agg(
            pl.col("priority").min(),
            pl.len().alias("_rows"),
            pl.col("link_probability").max(),
            pl.struct("source", "source_file", "row", "start", "end", "link_probability").alias("evidence"),
        )
        .sort(["child_entity_id", "relation", "priority", "_rows", "parent_entity_id"],
              descending=[False, False, False, True, False])
        .group_by(["child_entity_id", "relation"], maintain_order=True)
        .first()
    )
    father = ranked.filter(pl.col("relation") == "father").select(
        "child_entity_id", pl.col("parent_entity_id").alias("father_entity_id"),
        pl.col("link_probability").alias("father_link_p"), pl.col("evidence").alias("_fev"))
    mother = ranked.filter(pl.col("relation") == "mother").select(
        "child_entity_id", pl.col("parent_entity_id").alias("mother_entity_id"),
        pl.col("link_probability").alias("mother_link_p"), pl.col("evidence").alias("_mev"))
    out = father.join(mother, on="child_entity_id", how="full", coalesce=True)
    out = out.join(adopted_children, on="child_entity_id", how="full", coalesce=True)
    return out.with_columns(pl.col("adopted").fill_null(False))


def parent_conflicts(relations: pl.DataFrame) -> pl.DataFrame:
    """Children for whom sources name different fathers (or mothers): kept visible."""
    birth = relations.filter(pl.col("relation").is_in(["father", "mother"]) & (pl.col("kind") == "birth"))
    return (
        birth.group_by(["child_entity_id", "relation"])
        .agg(pl.col("parent_entity_id").unique().sort().alias("named"),
             pl.struct("source", "source_file", "row").alias("rows"))
        .filter(pl.col("named").list.len() > 1)
    )
