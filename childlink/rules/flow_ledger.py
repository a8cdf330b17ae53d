"""policy §2.4 (003 §二.(一)): the half-yearly flow-children ledger — base lists, then the §1.5 screen.

The base lists are children registered on residence permits (公安), migrant
pupils (教育, 随迁子女), 0–6 health records (卫健) and children vaccinated here
(疾控), plus children of parents on this county's residence permits. Each is
screened with §1.5; those who fail are kept with the reason.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.rules.eligibility import Eligibility
from childlink.rules.facts import Facts
from childlink.rules.intervals import age_at, months_after
from childlink.settings import PolicySettings

BASE_LISTS = {"residence_permit": "居住证", "student_roll": "随迁子女学籍", "child_health": "0-6岁儿童健康档案",
              "vaccination": "预防接种", "parent_permit": "父母居住证"}
LEDGER_COLUMNS = ("entity_id", "id_number", "name", "birth_date", "age", "hukou_county", "residence_since",
                  "base_lists", "passes", "reason", "reason_zh")


def flow_ledger(facts: Facts, eligibility: Eligibility, *, as_of: date, settings: PolicySettings,
                county: str) -> pl.DataFrame:
    """One row per child on a base list, with whether §1.5 holds and why not (LEDGER_COLUMNS)."""
    here = facts.facts.filter((pl.col("kind") == "residence") & pl.col("source").is_in(list(BASE_LISTS))
                              & (pl.col("attributes").struct.field("county") == county))
    own = here.select("entity_id", "source")
    parents = eligibility.children.select("entity_id", "father_entity_id", "mother_entity_id")
    permits = here.filter(pl.col("source") == "residence_permit").select(pl.col("entity_id").alias("_parent")).unique()
    via_parent = pl.concat([
        parents.join(permits, left_on=p, right_on="_parent", how="inner").select("entity_id")
        for p in ("father_entity_id", "mother_entity_id")
    ]).with_columns(pl.lit("parent_permit").alias("source"))
    lists = pl.concat([own, via_parent]).group_by("entity_id").agg(pl.col("source").unique().sort().alias("base_lists"))
    core = sorted({code for codes in settings.core_urban_districts.values() for code in codes})
    people = facts.people.select("entity_id", "id_number", "name", "birth_date", "hukou_county")
    since = eligibility.children.select("entity_id", "residence_since")
    frame = (
        lists.join(people, on="entity_id", how="left").join(since, on="entity_id", how="left")
        .with_columns(age_at("birth_date", as_of).alias("age"))
    )
    both_core = pl.col("hukou_county").is_in(core) & pl.lit(county in core) & (
        pl.col("hukou_county").str.slice(0, 4) == county[:4])
    reason = (
        pl.when(pl.col("age").is_null() | (pl.col("age") >= settings.flow_max_age)).then(pl.lit("age"))
        .when(pl.col("hukou_county").is_null()).then(pl.lit("hukou_unknown"))
        .when(pl.col("hukou_county") == county).then(pl.lit("local_hukou"))
        .when(both_core).then(pl.lit("core_urban"))
        .when(pl.col("residence_since").is_null()).then(pl.lit("arrival_unknown"))
        .when(months_after("residence_since", settings.flow_min_months) > as_of).then(pl.lit("under_6_months"))
    )
    reason_zh = {"age": "已满16周岁或出生日期不详", "hukou_unknown": "户籍地不详", "local_hukou": "本县户籍",
                 "core_urban": "同一城市中心城区之间流动", "arrival_unknown": "来本地居住日期不详，待入户核实",
                 "under_6_months": "在本县居住不满6个月"}
    return frame.with_columns(reason.alias("reason")).with_columns(
        pl.col("reason").is_null().alias("passes"),
        pl.col("reason").replace_strict(reason_zh, default=None).alias("reason_zh"),
    ).select(list(LEDGER_COLUMNS)).sort("passes", "hukou_county", "id_number", descending=[True, False, False])
