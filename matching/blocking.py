"""Blocking: which pairs of mentions are compared at all.

A pair is a candidate when it agrees exactly on the keys of at least one
rule. Rules are unioned, so each only has to catch what the others miss:
an ID typo keeps the first 14 characters (division + birth date); a missing
or foreign ID leaves birth date + surname; a newborn without a name or ID
is caught through the mother; a wrong birth date through the given name and
birth year. Pairs are generated with polars self-joins on an integer block
code, never in Python, one rule at a time.

Pairs of two different valid ID numbers are never linked (the safety rule),
yet on common names they are most of what a block proposes: with
``keep_distinct_ids_one_in`` > 1 only a hash-drawn share of them is made
at all (enough for EM to see non-matches sharing a block), so a county's
memory follows the records without valid IDs, not the square of its
commonest names.

(recordlinkage's ``Index().block`` does the same with pandas merges; a polars
join on a million rows is several times faster and keeps memory flat.)
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

PAIR_COLUMNS = {"idx_l": pl.Int64, "idx_r": pl.Int64}


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


def _block_codes(keyed: pl.DataFrame, keys: list[str]) -> pl.Series:
    """One integer per distinct key tuple: pairs are joined on it, not on the (string) keys."""
    blocks = keyed.select(keys).unique().with_row_index("block")
    return keyed.select(keys).join(blocks, on=keys, how="left", maintain_order="left")["block"]


def _pairs_within_blocks(keyed: pl.DataFrame, keep_distinct_ids_one_in: int) -> pl.DataFrame:
    """``idx_l < idx_r`` pairs of mentions sharing ``block``, most pairs of two valid IDs left out.

    Every pair with a mention without a valid ID number is kept. Of the pairs of two
    (different) valid ID numbers, which the safety rule never links, only those with an
    end drawn by a hash of its ``idx`` (1 in 2N mentions, so about 1 pair in N) are made
    at all: EM still sees what non-matches sharing a block look like, and the rest never
    costs memory. The draw depends on the mention alone, so every rule and run agrees.
    """
    if keep_distinct_ids_one_in <= 1:
        both = keyed.select("idx", "block").join(keyed.select(pl.col("idx").alias("other"), "block"), on="block")
        return both.filter(pl.col("idx") < pl.col("other")).select(pl.col("idx").alias("idx_l"),
                                                                    pl.col("other").alias("idx_r"))
    drawn = (pl.col("idx").hash(seed=7) % (2 * keep_distinct_ids_one_in)) == 0
    keyed = keyed.select("idx", "block", pl.col("id_strong").is_not_null().alias("ided"), drawn.alias("drawn"))
    other = keyed.select(pl.col("idx").alias("other"), "block", pl.col("ided").alias("other_ided"),
                         pl.col("drawn").alias("other_drawn"))
    blank = keyed.filter(~pl.col("ided")).join(other, on="block").filter(
        pl.col("other_ided") | (pl.col("idx") < pl.col("other")))  # two blank ends: once
    ided = keyed.filter(pl.col("ided") & pl.col("drawn")).join(other.filter(pl.col("other_ided")), on="block").filter(
        (pl.col("idx") != pl.col("other")) & (~pl.col("other_drawn") | (pl.col("idx") < pl.col("other"))))
    return pl.concat([blank.select("idx", "other"), ided.select("idx", "other")]).select(
        pl.min_horizontal("idx", "other").alias("idx_l"), pl.max_horizontal("idx", "other").alias("idx_r"))


def rule_pairs(features: pl.DataFrame, rule: BlockingRule, *, keep_distinct_ids_one_in: int = 1,
               rule_dtype: pl.DataType = pl.Utf8) -> pl.DataFrame:
    """Pairs (idx_l < idx_r) of one rule.

    Mentions holding the same valid ID number are one entity whatever else
    they say (scoring makes that link deterministic), so within a block only one
    of them, the representative, is paired with the others: a person named on
    forty rows costs forty pairs, not 780. ``keep_distinct_ids_one_in`` > 1 leaves
    out most pairs of two different valid ID numbers (see ``_pairs_within_blocks``).
    """
    keys = list(rule.keys)
    keyed = features.select(*dict.fromkeys(["idx", "id_strong", "primary", *keys])).drop_nulls(keys)
    if rule.max_block_size:
        keyed = keyed.filter(pl.len().over(keys) <= rule.max_block_size)
    keyed = keyed.filter(pl.len().over(keys) > 1)
    # representative per (block, ID): a primary mention first (it carries birth date and sex)
    keyed = keyed.sort(["primary", "idx"], descending=[True, False])
    label = pl.lit(rule.name, dtype=rule_dtype).alias("blocking_rule")
    if rule.star:
        rep = keyed.group_by(keys, maintain_order=True).agg(pl.col("idx").first().alias("rep"))
        pairs = keyed.join(rep, on=keys).filter(pl.col("idx") != pl.col("rep"))
        return pairs.select(pl.min_horizontal("idx", "rep").alias("idx_l"),
                            pl.max_horizontal("idx", "rep").alias("idx_r"), label)
    if "id_strong" not in keys:
        first_of_id = pl.int_range(pl.len()).over([*keys, "id_strong"]) == 0
        keyed = keyed.filter(pl.col("id_strong").is_null() | first_of_id)
    keyed = keyed.select("idx", "id_strong", _block_codes(keyed, keys))
    return _pairs_within_blocks(keyed, keep_distinct_ids_one_in).with_columns(label)


def rule_names(rules: tuple[BlockingRule, ...], *extra: str) -> pl.Enum:
    """The ``blocking_rule`` dtype: one byte a pair instead of the rule's name."""
    return pl.Enum(list(dict.fromkeys([r.name for r in rules] + list(extra))))


def candidate_pairs(features: pl.DataFrame, rules: tuple[BlockingRule, ...] = DEFAULT_RULES, *,
                    keep_distinct_ids_one_in: int = 1, rule_dtype: pl.DataType | None = None) -> pl.DataFrame:
    """The union of every rule's pairs, each pair once, with the first rule that produced it.

    Rules run one at a time and each rule's pairs are thinned as they are made, so the
    largest frame held is one rule's pairs of records without valid IDs, not every
    rule's pairs of everyone.
    """
    dtype = rule_dtype or rule_names(rules)
    parts = [rule_pairs(features, rule, keep_distinct_ids_one_in=keep_distinct_ids_one_in, rule_dtype=dtype)
             for rule in rules]
    if not parts:
        return pl.DataFrame(schema=PAIR_COLUMNS | {"blocking_rule": dtype})
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
