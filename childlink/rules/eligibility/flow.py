"""policy §1.5 流动儿童 (003 §二.(一)): under 16, living in this county with hukou in another
county for 6 months or more; moves between core urban districts of one city excluded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from childlink.rules.eligibility.rule import Rule
from childlink.rules.intervals import months_after
from childlink.settings import PolicySettings


def flow_met_at(as_of: date) -> Callable[[PolicySettings], pl.Expr]:
    def flow_met(settings: PolicySettings) -> pl.Expr:
        core = sorted({code for codes in settings.core_urban_districts.values() for code in codes})
        here, home = pl.col("county"), pl.col("hukou_county")
        both_core = here.is_in(core) & home.is_in(core) & (here.str.slice(0, 4) == home.str.slice(0, 4))
        return (
            (pl.col("age") < settings.flow_max_age)
            & (pl.col("residence_county") == here)
            & home.is_not_null()
            & (home != here)
            & ~both_core
            & (months_after("residence_since", settings.flow_min_months) <= as_of).fill_null(False)
        )

    return flow_met


def flow_rule(as_of: date) -> Rule:
    return Rule("flow", "flow_across_county_6_months", "policy §1.5; 003 §二.(一)", flow_met_at(as_of),
                (("c", "resident_here"),))
