"""Blocking: which pairs are compared, each once, and which pairs of two valid IDs are left out."""

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.blocking import block_on, candidate_pairs, rule_names, rule_pairs


def _features(keys: list[str | None], ids: list[str | None], primary: list[bool] | None = None) -> pl.DataFrame:
    n = len(keys)
    return pl.DataFrame({"idx": list(range(n)), "key": keys, "id_strong": ids,
                         "primary": primary or [True] * n},
                        schema={"idx": pl.Int64, "key": pl.Utf8, "id_strong": pl.Utf8, "primary": pl.Boolean})


def _pair_set(pairs: pl.DataFrame) -> set[tuple[int, int]]:
    return set(pairs.select("idx_l", "idx_r").iter_rows())


def _brute_force(features: pl.DataFrame) -> set[tuple[int, int]]:
    """Every pair sharing a key, with one mention per (key, valid ID) as the rule keeps them."""
    kept: dict[tuple[str, str | None], int] = {}
    rows = []
    for idx, key, id_strong in features.select("idx", "key", "id_strong").iter_rows():
        if key is None:
            continue
        if id_strong is not None:
            if (key, id_strong) in kept:
                continue
            kept[(key, id_strong)] = idx
        rows.append((idx, key))
    return {(min(a, b), max(a, b)) for (a, ka), (b, kb) in itertools.combinations(rows, 2) if ka == kb}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["X", "Y", "Z", None])),
                min_size=0, max_size=40))
def test_a_rule_pairs_every_two_mentions_sharing_its_key_once(rows):
    features = _features([k for k, _ in rows], [i for _, i in rows])
    pairs = rule_pairs(features, block_on("key"))
    assert pairs.filter(pl.col("idx_l") >= pl.col("idx_r")).is_empty()
    assert pairs.height == pairs.unique(["idx_l", "idx_r"]).height
    assert _pair_set(pairs) == _brute_force(features)


def test_thinning_keeps_every_pair_with_a_blank_id_and_a_deterministic_share_of_the_rest():
    n = 3000
    # one block; every fourth mention without a valid ID number
    features = _features(["k"] * n, [None if i % 4 == 0 else f"ID{i}" for i in range(n)])
    rule = block_on("key", max_block_size=0)
    full = rule_pairs(features, rule)
    thinned = rule_pairs(features, rule, keep_distinct_ids_one_in=20)
    assert thinned.equals(rule_pairs(features, rule, keep_distinct_ids_one_in=20))
    assert _pair_set(thinned) <= _pair_set(full)
    blank_end = full.filter((pl.col("idx_l") % 4 == 0) | (pl.col("idx_r") % 4 == 0))
    assert _pair_set(blank_end) <= _pair_set(thinned)
    two_ids = full.height - blank_end.height
    kept_of_two_ids = thinned.height - blank_end.height
    assert two_ids / 40 < kept_of_two_ids < two_ids / 10  # about 1 in 20
    assert thinned.height == thinned.unique(["idx_l", "idx_r"]).height


def test_star_rule_pairs_each_mention_with_its_blocks_representative_a_primary_first():
    features = _features(["k", "k", "k", "j"], ["ID1"] * 3 + ["ID2"], primary=[False, True, False, True])
    pairs = rule_pairs(features, block_on("key", star=True, max_block_size=0))
    assert _pair_set(pairs) == {(0, 1), (1, 2)}


def test_blocks_over_the_size_limit_are_skipped():
    features = _features(["big"] * 5 + ["small"] * 2, [None] * 7)
    assert _pair_set(rule_pairs(features, block_on("key", max_block_size=4))) == {(5, 6)}


def test_the_union_names_the_first_rule_that_found_a_pair():
    features = _features(["k", "k", "j"], [None, None, None]).with_columns(pl.Series("other", ["x", "x", "x"]))
    rules = (block_on("key"), block_on("other"))
    pairs = candidate_pairs(features, rules)
    assert pairs.schema["blocking_rule"] == rule_names(rules)
    found = {(a, b): r for a, b, r in pairs.select("idx_l", "idx_r", pl.col("blocking_rule").cast(pl.Utf8)).iter_rows()}
    assert found == {(0, 1): "key", (0, 2): "other", (1, 2): "other"}


@pytest.mark.parametrize("keep", [1, 20])
def test_no_rules_no_pairs(keep):
    assert candidate_pairs(_features(["k", "k"], [None, None]), (), keep_distinct_ids_one_in=keep).is_empty()
