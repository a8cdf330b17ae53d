"""policy §2.5 (002 task 10): school-age orphans and de facto unsupported children for the
education bureau, before each semester (setting semester_list_dates)."""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.rules.eligibility import Eligibility
from childlink.rules.intervals import age_at
from childlink.schema import exchange
from childlink.settings import PolicySettings

LIST_CATEGORIES = ("social_orphan", "institution_orphan", "de_facto_unsupported")
LIST_COLUMNS = ("entity_id", "id_number", "name", "sex", "birth_date", "category", "category_label", "age_on_sept_1",
                "hukou_division", "residence_county")


def _school_year_september(as_of: date) -> date:
    """The 1 September of the school year the list prepares: this year's for the summer list
    (sent in August), the current school year's for the winter list (sent in February)."""
    return date(as_of.year if as_of.month >= 6 else as_of.year - 1, 9, 1)


def school_age_orphans_and_unsupported(
    eligibility: Eligibility, people: pl.DataFrame, *, as_of: date, settings: PolicySettings
) -> pl.DataFrame:
    """Children whose categories include an orphan or de facto unsupported category and who
    are of compulsory-education age (school_age_min..max on 1 September)."""
    labels = {v.code: v.label for v in exchange().code_list("child_category").values}
    september = _school_year_september(as_of)
    listed = eligibility.met.filter(pl.col("category").is_in(LIST_CATEGORIES)).select("entity_id", "category")
    # One line per child: the orphan category before de facto unsupported (§1.7).
    listed = listed.sort(["entity_id", pl.col("category") == "de_facto_unsupported"]).unique("entity_id", keep="first")
    return (
        listed.join(people, on="entity_id", how="inner")
        .with_columns(age_at("birth_date", september).alias("age_on_sept_1"),
                      pl.col("category").replace_strict(labels, default=None).alias("category_label"))
        .filter(pl.col("age_on_sept_1").is_between(settings.school_age_min, settings.school_age_max))
        .select(list(LIST_COLUMNS))
        .sort(["hukou_division", "id_number"], nulls_last=True)
    )
