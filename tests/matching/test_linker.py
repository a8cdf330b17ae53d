import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.evaluation import pairwise_scores
from matching.linker import Linker
from matching.review import decisions_from_queue

from matching_helpers import synthetic_mentions, synthetic_people

PEOPLE = synthetic_people(400)
MENTIONS, TRUTH = synthetic_mentions(PEOPLE)
RESULT = Linker().link(MENTIONS, county="220183")


def test_links_the_synthetic_people():
    s = pairwise_scores(RESULT.assignments.rename({"mention_id": "key"}), TRUTH.rename({"mention_id": "key"}))
    assert s.precision == 1.0
    assert s.recall > 0.97


def test_every_mention_gets_one_entity():
    a = RESULT.assignments
    assert a.height == MENTIONS.height
    assert a["mention_id"].n_unique() == a.height
    assert a["entity_id"].str.contains(r"^220183-P\d{8}$").all()


def test_weights_rise_with_agreement():
    table = RESULT.parameters.table()
    for comp in ("name", "birth_date", "sex", "id_number"):  # the ones this data set exercises
        w = table.filter(pl.col("comparison") == comp).sort("level")["match_weight"].to_list()
        assert w[0] > w[-1], comp  # the strongest agreement outweighs 'else'


@settings(max_examples=25, deadline=None)
@given(st.integers(0, MENTIONS.height - 1), st.integers(0, MENTIONS.height - 1))
def test_scores_are_symmetric(i, j):
    if i == j:
        return
    linker = Linker()
    linker.parameters = RESULT.parameters
    from matching.standardise import mention_features

    features = mention_features(MENTIONS)
    both = pl.DataFrame({"idx_l": [i, j], "idx_r": [j, i]}, schema={"idx_l": pl.Int64, "idx_r": pl.Int64})
    scored = linker.inference.predict(linker.inference.compare(features, both), RESULT.parameters, features)
    w = scored["match_weight"].to_numpy()
    assert np.isclose(w[0], w[1])


def test_explanation_of_a_linked_pair_adds_up():
    pair = RESULT.pairs_with("mention_id").filter(pl.col("band") == "linked").row(0, named=True)
    table = RESULT.waterfall(pair["mention_id_l"], pair["mention_id_r"])
    assert np.isclose(table["cumulative"][-1], pair["match_weight"])
    text = RESULT.explain(pair["mention_id_l"], pair["mention_id_r"])
    assert "match probability" in text and "name" in text
    reversed_order = RESULT.waterfall(pair["mention_id_r"], pair["mention_id_l"])
    assert np.isclose(reversed_order["cumulative"][-1], pair["match_weight"])


def test_explaining_a_pair_never_compared_says_so():
    with pytest.raises(KeyError, match="No compared pair"):
        RESULT.explain("no:such:mention", MENTIONS["mention_id"][0])


def test_decisions_override_the_model_and_survive_new_batch_ids():
    linked = RESULT.pairs_with("mention_id").filter(pl.col("band") == "linked").head(1)
    a, b = linked["mention_id_l"][0], linked["mention_id_r"][0]
    fp = dict(zip(MENTIONS["mention_id"], MENTIONS["fingerprint"]))
    decisions = pl.DataFrame({"fingerprint_l": [fp[a]], "fingerprint_r": [fp[b]], "decision": ["not_linked"]})
    # the same data re-ingested under another batch id: mention ids change, fingerprints do not
    again = MENTIONS.with_columns(pl.col("mention_id").str.replace(r"^1:", "2:"), pl.lit(2).cast(pl.Int64).alias("batch_id"))
    result = Linker().link(again, decisions=decisions, county="220183")
    ent = dict(zip(result.assignments["mention_id"], result.assignments["entity_id"]))
    assert ent["2" + a[1:]] != ent["2" + b[1:]]

    # and 'linked' joins two mentions the model keeps apart
    apart = RESULT.assignments.unique("entity_id").head(2)["mention_id"].to_list()
    decisions = pl.DataFrame({"fingerprint_l": [fp[apart[0]]], "fingerprint_r": [fp[apart[1]]], "decision": ["linked"]})
    result = Linker().link(MENTIONS, decisions=decisions, county="220183")
    ent = dict(zip(result.assignments["mention_id"], result.assignments["entity_id"]))
    assert ent[apart[0]] == ent[apart[1]]
    decided = result.pairs_with("mention_id").filter(pl.col("mention_id_l").is_in(apart) & pl.col("mention_id_r").is_in(apart))
    assert decided["method"].to_list() == ["review_decision"]
    assert decided["band"].to_list() == ["linked"]


def test_review_queue_entries_carry_both_records_and_every_comparison():
    queue = RESULT.review_queue
    for comp in RESULT.parameters.comparisons:
        assert f"level_{comp.name}" in queue.columns and f"weight_{comp.name}" in queue.columns
    assert {"name_raw_l", "name_raw_r", "fingerprint_l", "fingerprint_r", "match_probability"} <= set(queue.columns)
    if queue.height:
        d = decisions_from_queue(queue, ["linked"])
        assert d.height == 1


def test_incremental_run_keeps_entity_ids():
    previous = RESULT.assignments.select("mention_id", "entity_id")
    more = MENTIONS.head(20).with_columns(
        pl.col("mention_id").str.replace(r"^1:", "3:"), pl.lit(3).cast(pl.Int64).alias("batch_id"),
        (pl.col("fingerprint") + "-new").alias("fingerprint"), pl.lit("roll2.csv").alias("source_file"))
    result = Linker().link(pl.concat([MENTIONS, more]), previous=previous, county="220183",
                           next_counter=RESULT.next_counter)
    old = dict(zip(previous["mention_id"], previous["entity_id"]))
    new = dict(zip(result.assignments["mention_id"], result.assignments["entity_id"]))
    kept = sum(old[m] == new[m] for m in old)
    assert kept / len(old) > 0.99
    # the new mentions joined existing entities
    for m in more["mention_id"]:
        assert new[m] == new["1" + m[1:]]
