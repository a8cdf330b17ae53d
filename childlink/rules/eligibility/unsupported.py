"""policy §1.2 事实无人抚养儿童 (民发〔2019〕62号; 000 §二): not an orphan, and (a) both parents
each in a §1.2 situation, or (b) one parent dead or declared missing and the other in one."""

from __future__ import annotations

import polars as pl

from childlink.rules.eligibility.rule import Rule, both, one_gone_other, parents
from childlink.rules.eligibility.situations import UNSUPPORTED_SITUATIONS
from childlink.settings import PolicySettings


def unsupported_met(settings: PolicySettings) -> pl.Expr:
    return (
        (pl.col("age") < settings.unsupported_max_age)
        & ~pl.col("is_orphan")
        & (both("no_capacity") | one_gone_other("no_capacity"))
    )


DE_FACTO_UNSUPPORTED = Rule(
    "de_facto_unsupported", "unsupported_parents_situations", "policy §1.2(a)(b); 000 §二.(二).3", unsupported_met,
    parents("dead", "declared_missing", *UNSUPPORTED_SITUATIONS),
)
