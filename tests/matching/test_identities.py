import polars as pl

from matching.identities import assign_stable_ids, entity_id


def _clusters(groups: dict[int, list[str]]) -> pl.DataFrame:
    return pl.DataFrame([{"mention_id": m, "cluster": c} for c, ms in groups.items() for m in ms])


def test_new_entities_get_county_ids():
    a, lineage = assign_stable_ids(_clusters({0: ["a", "b"], 2: ["c"]}), None, county="220183", next_counter=7)
    ids = dict(zip(a["mention_id"], a["entity_id"]))
    assert ids["a"] == ids["b"] == "220183-P00000007"
    assert ids["c"] == "220183-P00000008"
    assert lineage.height == 0


def test_ids_survive_a_second_run_with_a_merge_and_a_split():
    first, _ = assign_stable_ids(_clusters({0: ["a", "b"], 2: ["c"], 3: ["d", "e", "f"]}), None,
                                 county="220183", next_counter=1)
    previous = first.select("mention_id", "entity_id")
    old = dict(zip(first["mention_id"], first["entity_id"]))
    # second run: a, b and c merge; d, e stay together and f splits off; g is new
    second, lineage = assign_stable_ids(_clusters({0: ["a", "b", "c"], 3: ["d", "e"], 5: ["f"], 6: ["g"]}),
                                        previous, county="220183", next_counter=4)
    new = dict(zip(second["mention_id"], second["entity_id"]))
    assert new["a"] == new["b"] == new["c"] == old["a"]  # the majority id survives the merge
    assert new["d"] == new["e"] == old["d"]  # the larger part keeps the id
    assert new["f"] not in old.values() and new["g"] not in old.values()
    rows = {(r["old_entity_id"], r["new_entity_id"], r["change"]) for r in lineage.iter_rows(named=True)}
    assert (old["c"], old["a"], "merge") in rows
    assert (old["d"], new["f"], "split") in rows
    assert len(rows) == 2


def test_unchanged_run_keeps_every_id():
    clusters = _clusters({0: ["a", "b"], 2: ["c"]})
    first, _ = assign_stable_ids(clusters, None, county="220183", next_counter=1)
    second, lineage = assign_stable_ids(clusters, first.select("mention_id", "entity_id"), county="220183",
                                        next_counter=3)
    assert first["entity_id"].to_list() == second["entity_id"].to_list()
    assert lineage.height == 0
    assert entity_id("220183", 12) == "220183-P00000012"
