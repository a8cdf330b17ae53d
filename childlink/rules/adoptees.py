"""An adopted child known under two names: the records of the new name joined to the old.

exchange adoption notes: "The child's name usually changes after adoption; link
on id_number first, then on name or name_after." Where linkage kept the records
under the new name apart from the adoption row's child, the comparison would see
two children with one ID number: an unregistered orphan beside the registered
one, and a registered child missing from the school roll. Stated rule
(``adoptee_same_id``): an entity whose ID number is the adopted child's and
whose name is the adoption row's name or name_after is that child.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

ALIAS_SCHEMA = {"entity_id": pl.Utf8, "kept": pl.Utf8}


def adoptee_aliases(linked: Mapping[str, pl.DataFrame], people: pl.DataFrame) -> pl.DataFrame:
    """``entity_id -> kept``: entities that are an adopted child under its old or new name."""
    adoption = linked.get("adoption")
    needed = {"child_entity_id", "id_number", "name", "name_after"}
    if adoption is None or not needed <= set(adoption.columns):
        return pl.DataFrame(schema=ALIAS_SCHEMA)
    children = (
        adoption.filter(pl.col("child_entity_id").is_not_null() & pl.col("id_number").is_not_null())
        .select(pl.col("child_entity_id").alias("kept"), pl.col("id_number").str.to_uppercase(),
                pl.concat_list(pl.col("name"), pl.col("name_after")).alias("_names"))
        .explode("_names")
        .filter(pl.col("_names").is_not_null())
        .unique()
    )
    return (
        people.select("entity_id", pl.col("id_number").str.to_uppercase(), "name")
        .join(children, left_on=["id_number", "name"], right_on=["id_number", "_names"], how="inner")
        .filter(pl.col("entity_id") != pl.col("kept"))
        .sort(["entity_id", "kept"])
        .unique("entity_id", keep="first", maintain_order=True)
        .select(list(ALIAS_SCHEMA))
    )


def merge_aliases(people: pl.DataFrame, relations: pl.DataFrame, facts: pl.DataFrame, register: pl.DataFrame,
                  aliases: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """People, relations, facts and register with each alias replaced by the entity it is.

    The kept entity's own values win; a value it lacks comes from its aliases
    (e.g. the residence seen under the new name)."""
    if aliases.is_empty():
        return people, relations, facts, register
    mapping = dict(aliases.iter_rows())

    def to_kept(column: str | pl.Expr) -> pl.Expr:
        expr = pl.col(column) if isinstance(column, str) else column
        return expr.replace(mapping)

    order = people.select("entity_id").with_row_index("_order")
    merged = (
        people.with_columns((pl.col("entity_id").is_in(list(mapping))).alias("_alias"), to_kept("entity_id"))
        .sort(["entity_id", "_alias"])
        .group_by("entity_id", maintain_order=True)
        .agg([pl.col(c).drop_nulls().first() for c in people.columns if c != "entity_id"])
    )
    people = order.join(merged, on="entity_id", how="inner").sort("_order").select(people.columns)
    relations = relations.with_columns(to_kept("child_entity_id"), to_kept("parent_entity_id"))
    counterpart = pl.col("attributes").struct.field("counterpart_entity_id")
    facts = facts.with_columns(to_kept("entity_id"),
                               pl.col("attributes").struct.with_fields(to_kept(counterpart).alias("counterpart_entity_id")))
    register = (
        register.with_columns(to_kept("entity_id"))
        .sort(["entity_id", "registered_on", "row"], descending=[False, True, True], nulls_last=True)
        .unique("entity_id", keep="first", maintain_order=True)
    )
    return people, relations, facts, register
