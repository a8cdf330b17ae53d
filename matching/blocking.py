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
    ``star``: pair each mention with its block's representative only (enough
    for a block that will be one entity anyway, e.g. one valid ID number).
    """

    keys: tuple[str, ...]
    max_block_size: int = 2_000
    star: bool = False

    @property
    def name(self) -> str:
        return "+".join(self.keys)


def block_on(*keys: str, max_block_size: int = 2_000, star: bool = False) -> BlockingRule:
    return BlockingRule(tuple(keys), max_block_size, star)


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    block_on("id_strong", star=True, max_block_size=0),
    block_on("id", star=True, max_block_size=0),
    block_on("id14"),
    block_on("dob", "nm_surname_py"),
    block_on("mo_id", "dob"),
    block_on("mo_name_py", "dob"),
    block_on("nm_given_py", "dob"),
    block_on("nm_name_py", "div9"),
    block_on("nm_name_py", "birth_year"),
    block_on("nm_name_py", "household"),
    block_on("nm_name_py", "context_id"),
    block_on("nm_name_py", "partner_id"),
    block_on("nm_name_py", "record"),
)


def rule_pairs(features: pl.DataFrame, rule: BlockingRule) -> pl.DataFrame:
    """Pairs (idx_l < idx_r) of one rule.

    Mentions holding the same valid ID number are one entity whatever else
    they say (scoring makes that link deterministic), so within a block only one
    of them, the representative, is paired with the others: a person named on
    forty rows costs forty pairs, not 780.
    """
    keys = list(rule.keys)
    keyed = features.select(*dict.fromkeys(["idx", "id_strong", "primary", *keys])).drop_nulls(keys)
    if rule.max_block_size:
        keyed = keyed.filter(pl.len().over(keys) <= rule.max_block_size)
    keyed = keyed.filter(pl.len().over(keys) > 1)
    # representative per (block, ID): a primary mention first (it carries birth date and sex)
    keyed = keyed.sort(["primary", "idx"], descending=[True, False])
    if rule.star:
        rep = keyed.group_by(keys, maintain_order=True).agg(pl.col("idx").first().alias("rep"))
        pairs = keyed.join(rep, on=keys).filter(pl.col("idx") != pl.col("rep"))
        return pairs.select(pl.min_horizontal("idx", "rep").alias("idx_l"), pl.max_horizontal("idx", "rep").alias("idx_r"),
                            pl.lit(rule.name).alias("blocking_rule"))
    if "id_strong" not in keys:
        first_of_id = pl.int_range(pl.len()).over([*keys, "id_strong"]) == 0
        keyed = keyed.filter(pl.col("id_strong").is_null() | first_of_id)
    keyed = keyed.select("idx", *keys)
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
