"""The list of school-age orphans and de facto unsupported children (policy §2.5).

It goes to another department (the education bureau), so it carries only the
columns 002 task 10 names and policy §4 allows: no HIV status, no basis, no
parents' situations — whatever else the input frame holds is dropped here.
"""

from __future__ import annotations

import polars as pl

from childlink.reports.labels import SCHOOL_LIST_COLUMNS
from childlink.schema import exchange

# Child categories the list is for (child_category codes), 002 task 10.
SCHOOL_LIST_CATEGORIES: tuple[str, ...] = ("social_orphan", "institution_orphan", "de_facto_unsupported")


def build_school_list(children: pl.DataFrame) -> pl.DataFrame:
    """The list's rows: only :data:`SCHOOL_LIST_COLUMNS`, labels in Chinese.

    ``children`` has at least ``child_id_number``, ``child_name`` and
    ``category`` (a child_category code or its Chinese label); the other list
    columns are taken when present and left empty otherwise. ``sex`` may be a
    code ('1'/'2') or a label. Rows of any other category are dropped, so a
    child in, say, own difficulty because of HIV cannot reach the list.
    """
    for required in ("child_id_number", "child_name", "category"):
        if required not in children.columns:
            raise ValueError(f"学龄儿童名单缺少列 / school list input lacks column: {required}")
    categories = exchange().code_list("child_category")
    sexes = exchange().code_list("sex")
    category_labels = {code: categories.label_of(code) for code in categories.codes}
    allowed = set(SCHOOL_LIST_CATEGORIES) | {category_labels[c] for c in SCHOOL_LIST_CATEGORIES}
    present = [pl.col(c).cast(pl.Utf8) if c != "birth_date" else pl.col(c) for c in SCHOOL_LIST_COLUMNS if c in children.columns]
    absent = [pl.lit(None, dtype=pl.Utf8).alias(c) for c in SCHOOL_LIST_COLUMNS if c not in children.columns]
    frame = children.select(*present, *absent).filter(pl.col("category").is_in(sorted(allowed)))
    return frame.with_columns(
        pl.col("category").replace(category_labels),
        pl.col("sex").replace({code: sexes.label_of(code) for code in sexes.codes}),
        pl.col("birth_date").cast(pl.Utf8),
    ).select(SCHOOL_LIST_COLUMNS).sort(["township", "village", "child_id_number"], nulls_last=True)
