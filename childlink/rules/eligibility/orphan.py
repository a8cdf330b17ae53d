"""policy §1.1 孤儿: both parents dead (death record or court declaration), or birth parents
not found (§2.2: both unknown in every source, and in an institution)."""

from __future__ import annotations

import polars as pl

from childlink.rules.eligibility.rule import Rule, both, parents
from childlink.settings import PolicySettings


def orphan_met(settings: PolicySettings) -> pl.Expr:
    both_dead = both("dead")
    # §2.2: an unknown parent never makes a child eligible by itself, except both
    # unknown for a child in an institution (查找不到生父母); an adopted child has parents.
    not_found = ~pl.col("f_known") & ~pl.col("m_known") & pl.col("in_institution") & ~pl.col("adopted")
    met = both_dead | not_found
    if settings.missing_counts_as_dead_for_orphan:
        # §1.1 "参照孤儿保障的对象": both parents dead or declared missing.
        met = met | (pl.col("f_gone") & pl.col("m_gone"))
    return (pl.col("age") < settings.orphan_max_age) & met


ORPHAN = Rule("orphan", "orphan_parents_dead_or_not_found", "policy §1.1; §2.2", orphan_met,
              parents("dead", "declared_missing"))
