import polars as pl
import pytest

from childlink.store import StoreError
from childlink.store.repository import (
    allocate_entity_ids,
    entity_status,
    load_entity_assignments,
    load_lineage,
    record_batch,
    record_lineage,
    save_entity_assignments,
    start_run,
)

COUNTY = "220183"


@pytest.fixture
def batch_id(store, run_id):
    return record_batch(store, run_id=run_id, source_file="hukou.csv", source="hukou_population", checksum="c" * 64, status="accepted")


def test_assignments_insert_then_reassignment_updates(store, run_id, batch_id):
    first = pl.DataFrame(
        {
            "mention_id": [f"{batch_id}:1:person", f"{batch_id}:2:person", f"{batch_id}:2:mother"],
            "entity_id": ["220183-P0000000001", "220183-P0000000002", "220183-P0000000003"],
            "match_probability": [1.0, 0.98, None],
        }
    )
    assert save_entity_assignments(store, run_id=run_id, assignments=first) == 3
    loaded = load_entity_assignments(store)
    assert loaded["row"].to_list() == [1, 2, 2] and loaded["role"].to_list() == ["person", "mother", "person"]
    assert loaded["method"].to_list() == ["deterministic", "deterministic", "probabilistic"]

    second_run = start_run(store, kind="link", county=COUNTY)
    again = pl.DataFrame(
        {
            "mention_id": [f"{batch_id}:1:person", f"{batch_id}:2:person", f"{batch_id}:3:person"],
            "entity_id": ["220183-P0000000001", "220183-P0000000001", "220183-P0000000004"],
            "match_probability": [1.0, 0.96, 0.99],
            "method": ["deterministic", "review", "probabilistic"],
        }
    )
    save_entity_assignments(store, run_id=second_run, assignments=again)
    now = {r["mention_id"]: r for r in load_entity_assignments(store).iter_rows(named=True)}
    assert len(now) == 4
    assert now[f"{batch_id}:2:person"]["entity_id"] == "220183-P0000000001"
    assert now[f"{batch_id}:2:person"]["method"] == "review"
    assert now[f"{batch_id}:2:person"]["run_id"] == second_run
    # Unchanged assignments keep the run that made them.
    assert now[f"{batch_id}:1:person"]["run_id"] == run_id
    assert now[f"{batch_id}:2:mother"]["entity_id"] == "220183-P0000000003"
    assert load_entity_assignments(store, entity_ids=["220183-P0000000001"]).height == 2
    assert entity_status(store, entity_id="220183-P0000000004") == ("active", None)


@pytest.mark.slow
def test_bulk_assignment_of_200k_mentions(store, run_id, batch_id):
    n = 200_000
    frame = pl.DataFrame(
        {
            "mention_id": [f"{batch_id}:{i}:person" for i in range(1, n + 1)],
            "entity_id": [f"220183-P{i // 2:010d}" for i in range(1, n + 1)],
            "match_probability": [0.97] * n,
        }
    )
    assert save_entity_assignments(store, run_id=run_id, assignments=frame) == n
    # Re-assign every tenth mention; the rest is unchanged.
    moved = frame.with_columns(
        pl.when(pl.int_range(n) % 10 == 0).then(pl.lit("220183-P9999999999")).otherwise(pl.col("entity_id")).alias("entity_id")
    )
    save_entity_assignments(store, run_id=run_id, assignments=moved)
    loaded = load_entity_assignments(store, batch_ids=[batch_id])
    assert loaded.height == n
    assert (loaded["entity_id"] == "220183-P9999999999").sum() == n // 10
    assert loaded.sort("row")["entity_id"].equals(moved["entity_id"])


def _one(mention_id, entity_id="220183-P0000000001"):
    return pl.DataFrame({"mention_id": [mention_id], "entity_id": [entity_id]})


def test_assignment_frames_are_checked(store, run_id, batch_id):
    with pytest.raises(ValueError, match="missing column"):
        save_entity_assignments(store, run_id=run_id, assignments=pl.DataFrame({"mention_id": ["1:1:person"]}))
    with pytest.raises(ValueError, match="<batch_id>:<row>:<role>"):
        save_entity_assignments(store, run_id=run_id, assignments=_one("x"))
    with pytest.raises(ValueError, match="county code"):
        save_entity_assignments(store, run_id=run_id, assignments=_one(f"{batch_id}:1:p", "E1"))
    with pytest.raises(ValueError, match="county code"):
        save_entity_assignments(store, run_id=run_id, assignments=_one(f"{batch_id}:1:p", None))
    with pytest.raises(ValueError, match="assigned twice"):
        save_entity_assignments(store, run_id=run_id, assignments=pl.concat([_one(f"{batch_id}:1:p")] * 2))
    with pytest.raises(StoreError, match="batches that are not in the store: 999"):
        save_entity_assignments(store, run_id=run_id, assignments=_one("999:1:p"))
    assert load_entity_assignments(store).is_empty()
    assert save_entity_assignments(store, run_id=run_id, assignments=_one(f"{batch_id}:1:p").clear()) == 0
    with pytest.raises(StoreError, match="no such run"):
        save_entity_assignments(store, run_id="nope", assignments=_one(f"{batch_id}:1:p"))


def test_lineage_marks_merged_and_split_entities(store, run_id):
    changes = pl.DataFrame(
        {
            "old_entity_id": ["220183-P0000000001", "220183-P0000000002", "220183-P0000000002"],
            "new_entity_id": ["220183-P0000000003", "220183-P0000000004", "220183-P0000000005"],
            "change": ["merge", "split", "split"],
        }
    )
    assert record_lineage(store, run_id=run_id, changes=changes) == 3
    assert entity_status(store, entity_id="220183-P0000000001") == ("merged", "220183-P0000000003")
    assert entity_status(store, entity_id="220183-P0000000002") == ("split", None)
    assert entity_status(store, entity_id="220183-P0000000005") == ("active", None)
    lineage = load_lineage(store, run_id=run_id)
    assert lineage.select("old_entity_id", "new_entity_id", "change").equals(changes)
    assert lineage["at"].null_count() == 0
    with pytest.raises(ValueError, match="change must be one of"):
        record_lineage(store, run_id=run_id, changes=changes.with_columns(pl.lit("move").alias("change")))


def test_entity_ids_are_county_prefixed_and_never_reused(store):
    first = allocate_entity_ids(store, county=COUNTY, count=3)
    second = allocate_entity_ids(store, county=COUNTY, count=2)
    other = allocate_entity_ids(store, county="220381", count=1)
    assert first == ["220183-P0000000001", "220183-P0000000002", "220183-P0000000003"]
    assert second == ["220183-P0000000004", "220183-P0000000005"]
    assert other == ["220381-P0000000001"]
    with pytest.raises(ValueError, match="6-digit"):
        allocate_entity_ids(store, county="2201", count=1)


def _allocate_many(url: str, data_dir: str) -> list[str]:
    from childlink.store import open_store

    store = open_store(url, data_dir=data_dir)
    try:
        return [i for _ in range(20) for i in allocate_entity_ids(store, county=COUNTY, count=5)]
    finally:
        store.close()


def test_concurrent_allocations_never_share_an_id(store, store_url, tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_allocate_many, [store_url] * 3, [str(tmp_path / "data")] * 3))
    ids = [i for result in results for i in result]
    assert len(ids) == len(set(ids)) == 300
    assert sorted(ids) == [f"220183-P{n:010d}" for n in range(1, 301)]
