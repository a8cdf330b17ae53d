"""policy §1.6 农村单亲家庭儿童: a focus marker, not a register category (000 §二, last paragraph)."""

from __future__ import annotations

import polars as pl


def rural_single_parent() -> pl.Expr:
    """Rural hukou here, and one parent dead, declared dead or missing while the other is
    not; or only one parent known (absent from the household register) and alive."""
    known = pl.col("f_known").cast(pl.Int8) + pl.col("m_known").cast(pl.Int8)
    gone = (pl.col("f_known") & pl.col("f_gone")).cast(pl.Int8) + (pl.col("m_known") & pl.col("m_gone")).cast(pl.Int8)
    return (
        pl.col("rural")
        & pl.col("local")
        & ~pl.col("adopted")
        & (((known == 2) & (gone == 1)) | ((known == 1) & (gone == 0)))
    )


FOCUS_COLUMNS = ("entity_id", "id_number", "name", "birth_date", "hukou_division", "categories", "primary_category")


def rural_single_parent_list(children: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """§1.6 as its own list: the children carrying the focus marker, with their categories."""
    marked = children.filter(pl.col("rural_single_parent")).select("entity_id", "categories", "primary_category")
    return marked.join(people, on="entity_id", how="left").select(list(FOCUS_COLUMNS)).sort("hukou_division", "id_number")
