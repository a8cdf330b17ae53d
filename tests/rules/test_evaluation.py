import polars as pl
import pytest

from childlink.flag_types import FLAG_CODES
from childlink.rules.evaluation import flag_scores

A, B, C = "220183201001010011", "220183201101010021", "22018320120101003X"


def _flags(rows):
    return pl.DataFrame(rows, schema=["flag", "child_id_number", "category"], orient="row")


def _truth(rows):
    return pl.DataFrame(rows, schema=["flag", "id_number", "category"], orient="row")


def test_scores_count_hits_misses_and_false_alarms_per_flag():
    raised = _flags([
        ("suspected_eligible", A, "事实无人抚养儿童"),
        ("suspected_eligible", B, "留守儿童"),  # wrong category: a false alarm and a miss
        ("should_exit", C, "留守儿童"),
    ])
    truth = _truth([
        ("suspected_eligible", A, "事实无人抚养儿童"),
        ("suspected_eligible", B, "监护困境儿童"),
        ("should_exit", C, "留守儿童"),
        ("dropout_risk", A, None),
    ])
    scores = {r["flag"]: r for r in flag_scores(raised, truth).iter_rows(named=True)}
    assert set(scores) == set(FLAG_CODES)
    assert scores["suspected_eligible"] == {"flag": "suspected_eligible", "true_positives": 1, "raised": 2,
                                            "expected": 2, "precision": 0.5, "recall": 0.5}
    assert scores["should_exit"]["precision"] == scores["should_exit"]["recall"] == 1.0
    assert scores["dropout_risk"]["recall"] == 0.0 and scores["dropout_risk"]["precision"] == 1.0
    assert scores["emergency"]["raised"] == scores["emergency"]["expected"] == 0


def test_child_only_flags_ignore_category_and_orphan_kinds_fold():
    raised = _flags([("emergency", A, "留守儿童"), ("suspected_eligible", B, "机构集中养育孤儿")])
    truth = _truth([("emergency", A, None), ("suspected_eligible", B, "社会散居孤儿")])
    scores = {r["flag"]: r for r in flag_scores(raised, truth).iter_rows(named=True)}
    assert scores["emergency"]["true_positives"] == 1
    assert scores["suspected_eligible"]["true_positives"] == 1


@pytest.mark.parametrize("case", ["x", "X"])
def test_ids_compare_after_upper_casing(case):
    raised = _flags([("dropout_risk", C[:-1] + case, None)])
    truth = _truth([("dropout_risk", C, None)])
    assert flag_scores(raised, truth).filter(pl.col("flag") == "dropout_risk")["true_positives"][0] == 1
