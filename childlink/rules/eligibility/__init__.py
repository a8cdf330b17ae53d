"""Eligibility: every definition of policy §1 evaluated for every child at the as-of date.

``evaluate_eligibility`` returns one row per child with the categories met
(child_category codes, in precedence order), the primary category (§1.7) and
the §1.6 focus marker, plus one row per met category with its rule, clause
and evidence rows (source_file, row, dates, link probability).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from childlink.rules.eligibility.difficulty import FAMILY_DIFFICULTY, GUARDIANSHIP_DIFFICULTY, OWN_DIFFICULTY
from childlink.rules.eligibility.flow import flow_rule
from childlink.rules.eligibility.focus import rural_single_parent
from childlink.rules.eligibility.left_behind import LEFT_BEHIND
from childlink.rules.eligibility.orphan import ORPHAN
from childlink.rules.eligibility.rule import Rule
from childlink.rules.eligibility.situations import (
    SITUATIONS,
    UNSUPPORTED_SITUATIONS,
    person_situations,
    revoked_pairs,
    situation_flags,
)
from childlink.rules.eligibility.unsupported import DE_FACTO_UNSUPPORTED
from childlink.rules.facts import Facts
from childlink.rules.intervals import age_at
from childlink.rules.relations import legal_parents
from childlink.settings import PolicySettings

ORPHAN_CODES = ("social_orphan", "institution_orphan")
EVIDENCE_FIELDS = ("source", "source_file", "row", "start", "end", "kind", "role", "situation", "link_probability")
MET_SCHEMA = {
    "entity_id": pl.Utf8,
    "category": pl.Utf8,
    "rule": pl.Utf8,
    "clause": pl.Utf8,
    "evidence": pl.List(pl.Struct({
        "source": pl.Utf8, "source_file": pl.Utf8, "row": pl.Int64, "start": pl.Date, "end": pl.Date,
        "kind": pl.Utf8, "role": pl.Utf8, "situation": pl.Utf8, "link_probability": pl.Float64,
    })),
    "link_probability": pl.Float64,
}


@dataclass
class Eligibility:
    """``children``: one row per child (entity_id, age, in_county, father/mother, categories,
    primary_category, rural_single_parent, ...); ``met``: one row per (child, category);
    ``situations``: every person's situations with their facts."""

    children: pl.DataFrame
    met: pl.DataFrame
    situations: pl.DataFrame


def rules(as_of: date) -> tuple[Rule, ...]:
    """The category rules, one per clause of policy §1."""
    return (ORPHAN, DE_FACTO_UNSUPPORTED, GUARDIANSHIP_DIFFICULTY, OWN_DIFFICULTY, FAMILY_DIFFICULTY, LEFT_BEHIND,
            flow_rule(as_of))


def precedence_rank(settings: PolicySettings) -> dict[str, int]:
    """§1.7 order of child_category codes ('orphan' stands for both orphan codes)."""
    order: list[str] = []
    for group in settings.category_precedence:
        order.extend(ORPHAN_CODES if group == "orphan" else (group,))
    return {code: i for i, code in enumerate(order)}


def _prefixed(flags: pl.DataFrame, prefix: str, key: str) -> pl.DataFrame:
    return flags.rename({c: (key if c == "entity_id" else f"{prefix}_{c}") for c in flags.columns})


def _residence_since_birth(children: pl.DataFrame, people: pl.DataFrame, county: str) -> pl.DataFrame:
    """§1.5: a child born while a parent already lived in this county has lived here since birth
    (003 §二.(一): children found through their parents' residence records)."""
    since = []
    for p in ("father", "mother"):
        parent = people.select(pl.col("entity_id").alias(f"{p}_entity_id"), pl.col("residence_county").alias(f"_{p}_rc"),
                               pl.col("residence_since").alias(f"_{p}_rs"))
        children = children.join(parent, on=f"{p}_entity_id", how="left")
        since.append(pl.when((pl.col(f"_{p}_rc") == county) & (pl.col(f"_{p}_rs") <= pl.col("birth_date")))
                     .then(pl.col("birth_date")))
    here = pl.col("residence_county") == county
    return children.with_columns(
        pl.when(here).then(pl.min_horizontal("residence_since", *since)).otherwise(pl.col("residence_since"))
        .alias("residence_since")
    ).drop("_father_rc", "_father_rs", "_mother_rc", "_mother_rs")


def child_frame(facts: Facts, situations: pl.DataFrame, *, as_of: date, settings: PolicySettings,
                county: str) -> pl.DataFrame:
    """One row per person under 18 at the as-of date with everything the rules read."""
    oldest = max(settings.orphan_max_age, settings.unsupported_max_age, settings.difficulty_max_age,
                 settings.left_behind_max_age, settings.flow_max_age)
    people = facts.people.filter(pl.col("birth_date").is_not_null()).with_columns(age_at("birth_date", as_of).alias("age"))
    children = people.filter((pl.col("age") >= 0) & (pl.col("age") < oldest))
    children = children.join(legal_parents(facts.relations, as_of=as_of), left_on="entity_id",
                             right_on="child_entity_id", how="left")
    children = _residence_since_birth(children, facts.people, county)
    flags = situation_flags(situations)
    frame = (
        children.join(_prefixed(flags, "c", "entity_id"), on="entity_id", how="left")
        .join(_prefixed(flags, "f", "father_entity_id"), on="father_entity_id", how="left")
        .join(_prefixed(flags, "m", "mother_entity_id"), on="mother_entity_id", how="left")
    )
    pairs = revoked_pairs(situations).with_columns(pl.lit(True).alias("_r"))
    for p in ("father", "mother"):
        frame = frame.join(pairs.rename({"parent_entity_id": f"{p}_entity_id", "_r": f"{p[0]}_revoked"}),
                           left_on=[f"{p}_entity_id", "entity_id"], right_on=[f"{p}_entity_id", "child_entity_id"],
                           how="left")
    booleans = [f"{r}_{s}" for r in "cfm" for s in SITUATIONS if s != "guardianship_revoked"] + ["f_revoked", "m_revoked"]
    frame = frame.with_columns([pl.col(c).fill_null(False) for c in booleans])
    derived = []
    for r in "fm":
        s = lambda name, r=r: pl.col(f"{r}_{name}")  # noqa: E731
        situations_12 = [s(x) for x in UNSUPPORTED_SITUATIONS if x != "guardianship_revoked"] + [s("revoked")]
        derived += [
            pl.col(f"{'father' if r == 'f' else 'mother'}_entity_id").is_not_null().alias(f"{r}_known"),
            (s("dead") | s("declared_missing")).alias(f"{r}_gone"),
            # A dead parent is in no other situation (the death decides).
            (~s("dead") & pl.any_horizontal(situations_12)).alias(f"{r}_no_capacity"),
            (~s("dead") & (s("family_disability") | s("serious_illness"))).alias(f"{r}_family_capacity"),
            s("restricted_any").alias(f"{r}_held"),
            (~s("dead") & s("working_away")).alias(f"{r}_working_away"),
        ]
    local = (pl.col("hukou_county") == county).fill_null(False) & ~pl.col("c_moved_away")
    return frame.with_columns(derived).with_columns(
        pl.col("adopted").fill_null(False),
        local.alias("local"),
        (local | (pl.col("residence_county") == county).fill_null(False)).alias("in_county"),
        pl.lit(county).alias("county"),
        pl.col("rural").fill_null(False),
        pl.col("in_institution").fill_null(False),
    )


def _evidence(met: pl.DataFrame, frame: pl.DataFrame, situations: pl.DataFrame, all_rules: tuple[Rule, ...]) -> pl.DataFrame:
    pairs = pl.DataFrame(
        [(r.name, role, s) for r in all_rules for role, s in r.evidence], schema=["rule", "role", "situation"], orient="row"
    )
    roles = pl.concat([
        frame.select("entity_id", pl.lit("c").alias("role"), pl.col("entity_id").alias("person"), pl.lit(None, dtype=pl.Float64).alias("parent_p")),
        frame.select("entity_id", pl.lit("f").alias("role"), pl.col("father_entity_id").alias("person"), pl.col("father_link_p").alias("parent_p")),
        frame.select("entity_id", pl.lit("m").alias("role"), pl.col("mother_entity_id").alias("person"), pl.col("mother_link_p").alias("parent_p")),
    ]).filter(pl.col("person").is_not_null())
    rows = (
        met.select("entity_id", "category", "rule").join(pairs, on="rule", how="inner")
        .join(roles, on=["entity_id", "role"], how="inner")
        .join(situations.rename({"entity_id": "person"}), on=["person", "situation"], how="inner")
        .filter(pl.col("counterpart_entity_id").is_null() | (pl.col("counterpart_entity_id") == pl.col("entity_id")))
        .with_columns(pl.min_horizontal("link_probability", "parent_p").alias("link_probability"))
        .unique(["entity_id", "category", "source_file", "row", "situation", "role"], maintain_order=True)
    )
    grouped = rows.group_by(["entity_id", "category"]).agg(
        pl.struct(list(EVIDENCE_FIELDS)).alias("evidence"), pl.col("link_probability").min()
    )
    return met.join(grouped, on=["entity_id", "category"], how="left").with_columns(
        pl.col("evidence").fill_null(pl.lit([], dtype=MET_SCHEMA["evidence"]))
    )


def evaluate_eligibility(facts: Facts, *, as_of: date, settings: PolicySettings, county: str) -> Eligibility:
    """Every child's categories at the as-of date (policy §1), with the evidence behind each."""
    situations = person_situations(facts.facts, as_of=as_of, settings=settings, county=county)
    frame = child_frame(facts, situations, as_of=as_of, settings=settings, county=county)
    all_rules = rules(as_of)
    frame = frame.with_columns(ORPHAN.met(settings).alias("is_orphan"))
    frame = frame.with_columns([r.met(settings).fill_null(False).alias(f"met_{r.name}") for r in all_rules])
    eligible = pl.col("in_county") & ~pl.col("c_dead")
    parts = []
    for r in all_rules:
        code = (pl.when(pl.col("in_institution")).then(pl.lit("institution_orphan")).otherwise(pl.lit("social_orphan"))
                if r.category == "orphan" else pl.lit(r.category))
        parts.append(frame.filter(pl.col(f"met_{r.name}") & eligible).select(
            "entity_id", code.alias("category"), pl.lit(r.name).alias("rule"), pl.lit(r.clause).alias("clause")))
    met = pl.concat(parts)
    met = _evidence(met, frame, situations, all_rules).select(list(MET_SCHEMA))
    rank = precedence_rank(settings)
    ordered = (
        met.with_columns(pl.col("category").replace_strict(rank, default=99, return_dtype=pl.Int64).alias("_rank"))
        .sort(["entity_id", "_rank"])
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("category").alias("categories"))
    )
    children = frame.join(ordered, on="entity_id", how="left").with_columns(
        pl.col("categories").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
    ).with_columns(
        pl.col("categories").list.first().alias("primary_category"),
        (rural_single_parent() & eligible & (pl.col("age") < settings.orphan_max_age)).alias("rural_single_parent"),
    )
    return Eligibility(children=children, met=met, situations=situations)


__all__ = ["Eligibility", "MET_SCHEMA", "child_frame", "evaluate_eligibility", "precedence_rank", "rules"]
