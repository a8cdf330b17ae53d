"""Stable entity ids across runs, with lineage.

A cluster inherits the previous entity id held by most of its members (ties:
the smaller id), each previous id going to at most one cluster (the one
holding most of its members). So

* a previous entity now spread over several clusters is a **split**: the
  cluster with most of its members keeps the id, the others get new ids and a
  lineage row ``old → new, split``;
* a cluster holding members of several previous entities is a **merge**: it
  keeps one id, and every other old id gets ``old → kept, merge``.

New entities get ``<county>-P<8-digit counter>``.
"""

from __future__ import annotations

import polars as pl

LINEAGE_SCHEMA = {"old_entity_id": pl.Utf8, "new_entity_id": pl.Utf8, "change": pl.Utf8}


def entity_id(county: str, counter: int) -> str:
    return f"{county}-P{counter:08d}"


def assign_stable_ids(clusters: pl.DataFrame, previous: pl.DataFrame | None, *, county: str,
                      next_counter: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Entity ids for ``clusters`` (``mention_id, cluster``) given ``previous`` (``mention_id, entity_id``).

    Returns (assignments ``mention_id, cluster, entity_id``, lineage ``old_entity_id, new_entity_id, change``).
    Mentions are matched to the previous run by ``mention_id``, or by ``fingerprint``
    when both frames carry one (re-ingested data get new batch ids).
    """
    key = "fingerprint" if previous is not None and "fingerprint" in clusters.columns \
        and "fingerprint" in previous.columns else "mention_id"
    cluster_ids = clusters.select("cluster").unique().sort("cluster")["cluster"].to_list()
    chosen: dict[int, str] = {}
    if previous is not None and previous.height:
        prev = previous.select(key, "entity_id").unique(key, keep="first")
        votes = (
            clusters.select(key, "cluster").join(prev, on=key, how="inner")
            .group_by("cluster", "entity_id").len()
            .sort(["len", "entity_id", "cluster"], descending=[True, False, False])
        )
        taken: set[str] = set()
        for cluster, old, _n in votes.iter_rows():
            if cluster in chosen or old in taken:
                continue
            chosen[cluster] = old
            taken.add(old)
    else:
        votes = pl.DataFrame(schema={"cluster": pl.Int64, "entity_id": pl.Utf8, "len": pl.UInt32})
    counter = next_counter
    for cluster in cluster_ids:
        if cluster not in chosen:
            chosen[cluster] = entity_id(county, counter)
            counter += 1
    mapping = pl.DataFrame({"cluster": list(chosen), "entity_id": list(chosen.values())},
                           schema={"cluster": clusters.schema["cluster"], "entity_id": pl.Utf8})
    assignments = clusters.join(mapping, on="cluster", how="left", maintain_order="left")

    lineage_rows = []
    for cluster, old, _n in votes.iter_rows():
        new = chosen[cluster]
        if new == old:
            continue
        # Members of ``old`` sit here under another id: if ``old`` lives on in another
        # cluster, this part split off from it; otherwise ``old`` merged into ``new``.
        change = "split" if old in set(chosen.values()) else "merge"
        lineage_rows.append({"old_entity_id": old, "new_entity_id": new, "change": change})
    lineage = pl.DataFrame(lineage_rows, schema=LINEAGE_SCHEMA).unique(maintain_order=True)
    return assignments, lineage
