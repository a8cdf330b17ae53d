"""What a category rule is: a clause, a condition over the child frame, and the situations it rests on.

The child frame (built in ``childlink.rules.eligibility``) has one row per
child with ``age``, ``in_county``, ``local``, ``in_institution``,
``adopted``, ``rural``, ``f_known`` / ``m_known`` and a boolean per
situation and role: ``c_<situation>`` (the child), ``f_<situation>`` (the
father), ``m_<situation>`` (the mother), plus ``f_revoked`` / ``m_revoked``
(guardianship of this child revoked). Derived helpers: ``f_gone`` (dead or
declared missing) and ``f_no_capacity`` (alive and in a §1.2 situation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from childlink.settings import PolicySettings


@dataclass(frozen=True)
class Rule:
    category: str  # child_category code ('orphan' = social_orphan / institution_orphan)
    name: str  # the rule's name, as shown with a flag
    clause: str  # the policy clause it implements
    met: Callable[[PolicySettings], pl.Expr]
    evidence: tuple[tuple[str, str], ...]  # (role c|f|m, situation) pairs that support it


def both(situation_f: str, situation_m: str | None = None) -> pl.Expr:
    """Father in one situation and mother in another (the same by default)."""
    return pl.col(f"f_{situation_f}") & pl.col(f"m_{situation_m or situation_f}")


def one_gone_other(situation: str) -> pl.Expr:
    """One parent dead or declared missing and the other in ``situation``."""
    return (pl.col("f_gone") & pl.col(f"m_{situation}")) | (pl.col("m_gone") & pl.col(f"f_{situation}"))


def parents(*situations: str) -> tuple[tuple[str, str], ...]:
    return tuple((role, s) for s in situations for role in ("f", "m"))
