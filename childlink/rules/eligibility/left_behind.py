"""policy §1.4 留守儿童 (000 §二.(一)): under 16, both parents working away from the hukou
county for 6 months or more, or one away and the other without capacity (§1.2 list)."""

from __future__ import annotations

import polars as pl

from childlink.rules.eligibility.rule import Rule, both, parents
from childlink.rules.eligibility.situations import UNSUPPORTED_SITUATIONS
from childlink.settings import PolicySettings


def left_behind_met(settings: PolicySettings) -> pl.Expr:
    away = both("working_away") | both("working_away", "no_capacity") | both("no_capacity", "working_away")
    # The child stays at the hukou place: a child living with a parent in another
    # county is not left behind (policy §3).
    stays = pl.col("residence_county").is_null() | (pl.col("residence_county") == pl.col("hukou_county"))
    rural = pl.col("rural") if settings.left_behind_rural_only else pl.lit(True)
    return (
        (pl.col("age") < settings.left_behind_max_age)
        & pl.col("local")
        & pl.col("f_known")
        & pl.col("m_known")
        & stays
        & rural
        & away
    )


LEFT_BEHIND = Rule(
    "left_behind", "left_behind_parents_away", "policy §1.4; 000 §二.(一)", left_behind_met,
    parents("working_away", *UNSUPPORTED_SITUATIONS),
)
