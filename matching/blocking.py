"""Blocking: which pairs of mentions are compared at all.

A pair is a candidate when it agrees exactly on the keys of at least one
rule. Rules are unioned, so each only has to catch what the others miss:
an ID typo keeps the first 14 characters (division + birth date); a missing
or foreign ID leaves birth date + surname; a newborn without a name or ID
is caught through the mother; a wrong birth date through the given name and
birth year. Pairs are generated with polars self-joins, never in Python.

(recordlinkage's ``Index().block`` does the same with pandas merges; a polars
join on a million rows is several times faster and keeps memory flat.)
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

PAIR_SCHEMA = {"idx_l": pl.Int64, "idx_r": pl.Int64, "blocking_rule": pl.Utf8}


@dataclass(frozen=True)
class BlockingRule:
    """Mentions that agree exactly on every key column (none null) are compared.

    ``max_block_size`` skips blocks larger than that (a key shared by thousands
    of mentions carries no identifying power and would explode the pair count).
    """

    keys: tuple[str, ...]
    max_block_size: int = 2_000

    @property
    def name(self) -> str:
        return "+".join(self.keys)


def block_on(*keys: str, max_block_size: int = 2_000) -> BlockingRule:
    return BlockingRule(tuple(keys), max_block_size)


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    block_on("id"),
    block_on("id14"),
    block_on("dob", "nm_surname_py"),
    block_on("mo_id", "dob"),
    block_on("mo_name_py", "dob"),
    block_on("nm_given_py", "birth_year"),
    block_on("nm_name_py", "div6"),
    block_on("nm_name_py", "birth_year"),
    block_on("nm_name_py", "household"),
    block_on("nm_name_py", "context_id"),
    block_on("nm_name_py", "partner_id"),
)


def rule_pairs(features: pl.DataFrame, rule: BlockingRule) -> pl.DataFrame:
    """Pairs (idx_l < idx_r) of one rule."""
    keyed = features.select("idx", *rule.keys).drop_nulls(list(rule.keys))
    if rule.max_block_size:
        keyed = keyed.filter(pl.len().over(list(rule.keys)) <= rule.max_block_size)
    keyed = keyed.filter(pl.len().over(list(rule.keys)) > 1)
    right = keyed.rename({"idx": "idx_r"})
    pairs = keyed.rename({"idx": "idx_l"}).join(right, on=list(rule.keys), how="inner")
    return pairs.filter(pl.col("idx_l") < pl.col("idx_r")).select(
        "idx_l", "idx_r", pl.lit(rule.name).alias("blocking_rule")
    )


def candidate_pairs(features: pl.DataFrame, rules: tuple[BlockingRule, ...] = DEFAULT_RULES) -> pl.DataFrame:
    """The union of every rule's pairs, each pair once, with the first rule that produced it."""
    parts = [rule_pairs(features, rule) for rule in rules]
    if not parts:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return pl.concat(parts).unique(["idx_l", "idx_r"], keep="first", maintain_order=True)


def count_comparisons(features: pl.DataFrame, rules: tuple[BlockingRule, ...] = DEFAULT_RULES) -> pl.DataFrame:
    """Pairs each rule would generate on its own (before the union): for choosing rules."""
    rows = []
    for rule in rules:
        sizes = features.drop_nulls(list(rule.keys)).group_by(list(rule.keys)).len()
        if rule.max_block_size:
            sizes = sizes.filter(pl.col("len") <= rule.max_block_size)
        rows.append({"blocking_rule": rule.name, "pairs": int((sizes["len"] * (sizes["len"] - 1) // 2).sum())})
    return pl.DataFrame(rows)
