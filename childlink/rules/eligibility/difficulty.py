"""policy §1.3 困境儿童 (000 §二.(二)): family, own and guardianship difficulty."""

from __future__ import annotations

import polars as pl

from childlink.rules.eligibility.rule import Rule, both, one_gone_other, parents
from childlink.settings import PolicySettings


def family_difficulty_met(settings: PolicySettings) -> pl.Expr:
    """§1.3.1: both parents severely disabled (family_difficulty_disability) or seriously ill,
    one gone and the other so, or a household on poverty assistance (poverty_assistance_types)."""
    return (pl.col("age") < settings.difficulty_max_age) & (
        both("family_capacity") | one_gone_other("family_capacity") | pl.col("c_poverty")
    )


def own_difficulty_met(settings: PolicySettings) -> pl.Expr:
    """§1.3.2: the child's own certified disability (child_disability_min_grade), serious
    illness (serious_illness_list) or HIV infection."""
    return (pl.col("age") < settings.difficulty_max_age) & (
        pl.col("c_child_disability") | pl.col("c_serious_illness") | pl.col("c_hiv")
    )


def guardianship_difficulty_met(settings: PolicySettings) -> pl.Expr:
    """§1.3.3: orphans; both parents in prison/custody or compulsory rehab; one gone and the
    other so held — with no minimum term (a 5-month term with the other parent dead is
    监护困境, not 事实无人抚养); guardianship revoked by a court."""
    return (pl.col("age") < settings.difficulty_max_age) & (
        pl.col("is_orphan")
        | both("held")
        | one_gone_other("held")
        | pl.col("f_revoked")
        | pl.col("m_revoked")
    )


FAMILY_DIFFICULTY = Rule(
    "family_difficulty", "family_parents_disabled_ill_or_poor", "policy §1.3.1; 000 §二.(二).1", family_difficulty_met,
    (*parents("dead", "declared_missing", "family_disability", "serious_illness"), ("c", "poverty")),
)
OWN_DIFFICULTY = Rule(
    "own_difficulty", "own_disability_illness_or_hiv", "policy §1.3.2; 000 §二.(二).2", own_difficulty_met,
    (("c", "child_disability"), ("c", "serious_illness"), ("c", "hiv")),
)
GUARDIANSHIP_DIFFICULTY = Rule(
    "guardianship_difficulty", "guardianship_parents_held_or_revoked", "policy §1.3.3; 000 §二.(二).3",
    guardianship_difficulty_met, parents("dead", "declared_missing", "restricted_any", "guardianship_revoked"),
)
