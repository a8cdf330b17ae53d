import json

import polars as pl
import pytest

from childlink.store import StoreError
from childlink.store.repository import (
    add_review_items,
    load_audit_log,
    load_review_decisions,
    load_review_items,
    save_review_decision,
    start_run,
)


def _items():
    return pl.DataFrame(
        {
            "left_mention_id": ["1:1:person", "1:2:person"],
            "right_mention_id": ["2:5:child", "2:6:child"],
            "left_key": ["k-a", "k-c"],
            "right_key": ["k-b", "k-d"],
            "match_probability": [0.7, 0.9],
            "comparison": [
                json.dumps({"name": {"level": "jaro_winkler_0.9", "weight": 3.2}}),
                json.dumps({"birth_date": {"level": "exact", "weight": 5.1}}),
            ],
        }
    )


def test_review_items_round_trip_and_are_superseded_by_the_next_run(store, run_id):
    assert add_review_items(store, run_id=run_id, items=_items()) == 2
    items = load_review_items(store, run_id=run_id)
    assert items["match_probability"].to_list() == [0.9, 0.7]
    assert json.loads(items["comparison"][0]) == {"birth_date": {"level": "exact", "weight": 5.1}}
    assert items["status"].unique().to_list() == ["open"]

    later = start_run(store, kind="link", county="220183")
    add_review_items(store, run_id=later, items=_items().head(1))
    assert load_review_items(store)["run_id"].to_list() == [later]
    assert load_review_items(store, run_id=run_id, status="superseded").height == 2


def test_decisions_round_trip_newest_per_pair_wins(store, run_id):
    add_review_items(store, run_id=run_id, items=_items())
    item_id = int(load_review_items(store).filter(pl.col("left_key") == "k-a")["id"][0])
    save_review_decision(store, left_key="k-b", right_key="k-a", decision="linked", decided_by="zhang", review_item_id=item_id)
    save_review_decision(store, left_key="k-a", right_key="k-b", decision="not_linked", decided_by="li", note="不同人")
    save_review_decision(store, left_key="k-c", right_key="k-d", decision="linked", decided_by="zhang")

    decisions = load_review_decisions(store)
    assert decisions.select("left_key", "right_key", "decision", "decided_by", "note").rows() == [
        ("k-a", "k-b", "not_linked", "li", "不同人"),
        ("k-c", "k-d", "linked", "zhang", None),
    ]
    assert decisions["decided_at"].null_count() == 0
    history = load_review_decisions(store, include_history=True)
    assert history.height == 3 and history["review_item_id"].to_list() == [item_id, None, None]
    assert load_review_items(store, status="decided")["id"].to_list() == [item_id]
    audit = load_audit_log(store, action="decide")
    assert audit["actor"].to_list() == ["zhang", "li", "zhang"]
    assert audit["target"][0] == "review_pair:k-a|k-b"


def test_decisions_are_checked(store):
    with pytest.raises(ValueError, match="decision must be one of"):
        save_review_decision(store, left_key="a", right_key="b", decision="maybe", decided_by="zhang")
    with pytest.raises(ValueError, match="two different"):
        save_review_decision(store, left_key="a", right_key="a", decision="linked", decided_by="zhang")
    with pytest.raises(StoreError, match="no such review item: 42"):
        save_review_decision(store, left_key="a", right_key="b", decision="linked", decided_by="zhang", review_item_id=42)
    assert load_review_decisions(store).is_empty()
    assert load_audit_log(store).is_empty()


def test_another_countys_queue_is_not_superseded(store, run_id):
    add_review_items(store, run_id=run_id, items=_items())
    elsewhere = start_run(store, kind="link", county="220381")
    add_review_items(store, run_id=elsewhere, items=_items().head(1))
    assert load_review_items(store, run_id=run_id)["status"].to_list() == ["open", "open"]
