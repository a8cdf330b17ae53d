"""Constrained clustering: a chain of links never joins what the safety rules keep apart."""

import polars as pl

from matching.clustering import cluster_mentions


def _features(rows: list[dict]) -> pl.DataFrame:
    """Mentions 0..n-1; a row sets ``id`` (valid, so also ``id_strong``) or a one-record-per-person ``slot``."""
    return pl.DataFrame({
        "idx": list(range(len(rows))),
        "id": [r.get("id") for r in rows],
        "id_strong": [r.get("id") for r in rows],
        "one_to_one": ["slot" in r for r in rows],
        "source_file": [r.get("slot", ("other.csv", None))[0] for r in rows],
        "record_key": [r.get("slot", (None, f"other#{i}"))[1] for i, r in enumerate(rows)],
    }, schema={"idx": pl.Int64, "id": pl.String, "id_strong": pl.String, "one_to_one": pl.Boolean,
               "source_file": pl.String, "record_key": pl.String})


def _edges(*edges: tuple[int, int, float]) -> pl.DataFrame:
    return pl.DataFrame({"idx_l": [e[0] for e in edges], "idx_r": [e[1] for e in edges],
                         "match_probability": [e[2] for e in edges]},
                        schema={"idx_l": pl.Int64, "idx_r": pl.Int64, "match_probability": pl.Float64})


def _pairs(*pairs: tuple[int, int]) -> pl.DataFrame:
    return pl.DataFrame({"idx_l": [p[0] for p in pairs], "idx_r": [p[1] for p in pairs]},
                        schema={"idx_l": pl.Int64, "idx_r": pl.Int64})


def _clusters(features, edges, cannot_link=None, must_link=None) -> tuple[list[int], int]:
    frame, refused = cluster_mentions(features, edges, cannot_link, must_link)
    assert frame.columns == ["idx", "cluster"]
    assert frame["idx"].to_list() == list(range(features.height))
    return frame["cluster"].to_list(), refused


def test_chain_never_joins_two_different_id_numbers():
    # A (ID1) – B (no ID) – C (ID2): B may join one of them, never both; the stronger link wins.
    features = _features([{"id": "ID1"}, {}, {"id": "ID2"}])
    assert _clusters(features, _edges((0, 1, 0.8), (1, 2, 0.9))) == ([0, 1, 1], 1)
    assert _clusters(features, _edges((1, 2, 0.8), (0, 1, 0.9))) == ([0, 0, 2], 1)
    # equal probabilities: input order decides
    assert _clusters(features, _edges((1, 2, 0.9), (0, 1, 0.9))) == ([0, 1, 1], 1)


def test_same_id_number_joins_and_cluster_is_the_smallest_idx():
    features = _features([{}, {"id": "ID1"}, {}, {"id": "ID1"}, {}])
    assert _clusters(features, _edges((3, 4, 0.9), (1, 3, 1.0), (4, 2, 0.7))) == ([0, 1, 1, 1, 1], 0)


def test_two_records_of_a_one_record_per_person_file_stay_apart():
    reg_a, reg_b = {"slot": ("reg.csv", "k1")}, {"slot": ("reg.csv", "k2")}
    # k1 – (no ID, other file) – k2
    features = _features([reg_a, {}, reg_b])
    assert _clusters(features, _edges((0, 1, 0.9), (1, 2, 0.8))) == ([0, 0, 2], 1)
    # two mentions of the same record join; another file's record does not conflict
    features = _features([reg_a, {"slot": ("reg.csv", "k1")}, {"slot": ("roll.csv", "k2")}])
    assert _clusters(features, _edges((0, 1, 0.9), (1, 2, 0.8))) == ([0, 0, 0], 0)


def test_record_keys_give_way_when_the_id_numbers_agree():
    # k1 with a record holding ID1, k2 with another holding ID1: the same person after all.
    features = _features([{"slot": ("reg.csv", "k1")}, {"id": "ID1"}, {"slot": ("reg.csv", "k2")}, {"id": "ID1"}])
    assert _clusters(features, _edges((0, 1, 0.9), (2, 3, 0.9), (1, 3, 0.8))) == ([0, 0, 0, 0], 0)
    # without the ID numbers the same links are refused
    features = _features([{"slot": ("reg.csv", "k1")}, {}, {"slot": ("reg.csv", "k2")}, {}])
    assert _clusters(features, _edges((0, 1, 0.9), (2, 3, 0.9), (1, 3, 0.8))) == ([0, 0, 2, 2], 1)


def test_reviewers_not_linked_holds_through_a_chain():
    features = _features([{}, {}, {}])
    edges = _edges((0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.7))
    assert _clusters(features, edges, cannot_link=_pairs((0, 2))) == ([0, 0, 2], 2)
    assert _clusters(features, edges, cannot_link=_pairs()) == ([0, 0, 0], 0)


def test_reviewers_linked_is_forced_first_and_then_constrains():
    # must-link joins two different ID numbers (a reviewer's call); it is applied before any edge,
    # so a later edge to a third ID number is refused against the merged component.
    features = _features([{"id": "ID1"}, {"id": "ID2"}, {}, {"id": "ID3"}])
    clusters, refused = _clusters(features, _edges((1, 2, 0.9), (2, 3, 0.8)), must_link=_pairs((0, 1)))
    assert (clusters, refused) == ([0, 0, 0, 3], 1)
    # a must-link a reviewer also marked not linked still joins; other edges then respect the token
    features = _features([{}, {}, {}])
    clusters, refused = _clusters(features, _edges((1, 2, 0.9)), cannot_link=_pairs((0, 2)), must_link=_pairs((0, 1)))
    assert (clusters, refused) == ([0, 0, 2], 1)


def test_no_mentions_no_edges():
    assert _clusters(_features([]), _edges()) == ([], 0)
    assert _clusters(_features([{}, {}]), _edges()) == ([0, 1], 0)
