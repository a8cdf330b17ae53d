from itertools import combinations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.evaluation import pairwise_scores, plot_precision_recall, precision_recall_curve, twins_merged


def brute(pred: list[int], truth: list[int]) -> tuple[int, int, int]:
    tp = pp = tt = 0
    for i, j in combinations(range(len(pred)), 2):
        same_p, same_t = pred[i] == pred[j], truth[i] == truth[j]
        pp += same_p
        tt += same_t
        tp += same_p and same_t
    return tp, pp, tt


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=0, max_size=40))
def test_pairwise_counts_match_brute_force(rows):
    pred = [r[0] for r in rows]
    truth = [r[1] for r in rows]
    keys = [str(i) for i in range(len(rows))]
    s = pairwise_scores(pl.DataFrame({"key": keys, "entity_id": pred}, schema={"key": pl.Utf8, "entity_id": pl.Int64}),
                        pl.DataFrame({"key": keys, "person_id": truth}, schema={"key": pl.Utf8, "person_id": pl.Int64}))
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == brute(pred, truth)


def test_twins_merged_counts_entities_holding_two_twins():
    pred = pl.DataFrame({"key": ["a", "b", "c", "d"], "entity_id": ["E1", "E1", "E2", "E3"]})
    truth = pl.DataFrame({"key": ["a", "b", "c", "d"], "person_id": [1, 2, 3, 4]})
    persons = pl.DataFrame({"person_id": [1, 2, 3, 4], "twin_group": [9, 9, 8, 8]})
    assert twins_merged(pred, truth, persons) == 1


def test_precision_recall_curve_and_plot(tmp_path):
    pairs = pl.DataFrame({"mention_id_l": ["a", "a", "b"], "mention_id_r": ["b", "c", "c"],
                          "match_probability": [0.99, 0.4, 0.2]})
    truth = pl.DataFrame({"mention_id": ["a", "b", "c"], "person_id": [1, 1, 2]})
    curve = precision_recall_curve(pairs, truth, thresholds=np.array([0.0, 0.5, 1.0]))
    assert curve["precision"].to_list() == [1 / 3, 1.0, 1.0]
    assert curve["recall"].to_list() == [1.0, 1.0, 0.0]
    assert curve["candidate_recall"].to_list() == [1.0, 1.0, 1.0]
    # A true pair blocking never proposed lowers candidate recall, not the threshold's recall.
    more = pl.DataFrame({"mention_id": ["a", "b", "c", "d"], "person_id": [1, 1, 2, 1]})
    curve = precision_recall_curve(pairs, more, thresholds=np.array([0.5]))
    assert curve["recall"].to_list() == [1.0] and curve["candidate_recall"].to_list() == [1 / 3]
    path = plot_precision_recall(curve, tmp_path / "pr.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
