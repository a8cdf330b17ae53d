"""Clustering: linked pairs → entities, never breaking the safety constraints.

Plain connected components would let a chain of links (A–B, B–C) join two
people the pair rules kept apart (A and C twins with different ID numbers).
So components are built by a union-find that checks, before every union,
that the two components

* do not hold different valid ID numbers,
* do not hold different records (record keys) without ID numbers of the same
  one-record-per-person file,
* are not separated by a reviewer's 'not linked' decision,

taking the most probable edges first so a weak link cannot pre-empt a strong one.
"""

from __future__ import annotations

import numpy as np
import polars as pl


class ConstrainedUnionFind:
    """Union-find whose components carry the facts the constraints check."""

    def __init__(self, ids: list[str | None], slots: list[tuple[str, str] | None],
                 tokens: dict[int, set[str]] | None = None) -> None:
        n = len(ids)
        self.parent = list(range(n))
        self.size = [1] * n
        self.id = list(ids)
        self.slots: list[dict[str, str] | None] = [{s[0]: s[1]} if s else None for s in slots]
        self.tokens: dict[int, set[str]] = {k: set(v) for k, v in (tokens or {}).items()}
        self.refused = 0

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def _conflict(self, a: int, b: int) -> bool:
        ida, idb = self.id[a], self.id[b]
        if ida is not None and idb is not None and ida != idb:
            return True
        sa, sb = self.slots[a], self.slots[b]
        if sa and sb and not (ida is not None and ida == idb):
            small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
            for file, key in small.items():
                other = large.get(file)
                if other is not None and other != key:
                    return True
        ta, tb = self.tokens.get(a), self.tokens.get(b)
        if ta and tb:
            for t in ta:
                if _complement(t) in tb:
                    return True
        return False

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        """Join the components of a and b; False (and nothing changes) when a constraint forbids it.

        ``force`` skips the checks: a reviewer's 'linked' is not an automatic merge.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and self._conflict(ra, rb):
            self.refused += 1
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if self.id[ra] is None:
            self.id[ra] = self.id[rb]
        if self.slots[rb]:
            merged = self.slots[ra] or {}
            merged.update(self.slots[rb])
            self.slots[ra] = merged
        if rb in self.tokens:
            self.tokens.setdefault(ra, set()).update(self.tokens.pop(rb))
        return True


def _complement(token: str) -> str:
    return token[:-1] + ("R" if token.endswith("L") else "L")


def cluster_mentions(features: pl.DataFrame, edges: pl.DataFrame, cannot_link: pl.DataFrame | None = None,
                     must_link: pl.DataFrame | None = None) -> tuple[pl.DataFrame, int]:
    """Entities from linked edges (``idx_l, idx_r, match_probability``).

    ``features`` needs ``idx, id_strong, one_to_one, source_file, record_key``.
    ``cannot_link`` (``idx_l, idx_r``) are pairs a reviewer said are different people,
    ``must_link`` pairs a reviewer said are the same person (joined first, unchecked).
    Returns (``idx, cluster`` with cluster = the smallest idx of the entity, unions refused).
    """
    ids = features["id_strong"].to_list()
    slot_frame = features.select(
        pl.when(pl.col("one_to_one") & pl.col("id").is_null())
        .then(pl.struct(pl.col("source_file"), pl.col("record_key"))).alias("slot")
    )["slot"].to_list()
    slots = [(s["source_file"], s["record_key"]) if s else None for s in slot_frame]
    tokens: dict[int, set[str]] = {}
    if cannot_link is not None:
        for k, (a, b) in enumerate(cannot_link.select("idx_l", "idx_r").iter_rows()):
            tokens.setdefault(a, set()).add(f"{k}:L")
            tokens.setdefault(b, set()).add(f"{k}:R")
    uf = ConstrainedUnionFind(ids, slots, tokens)
    if must_link is not None:
        for a, b in must_link.select("idx_l", "idx_r").iter_rows():
            uf.union(a, b, force=True)
    ordered = edges.sort("match_probability", descending=True, maintain_order=True)
    for a, b in zip(ordered["idx_l"].to_list(), ordered["idx_r"].to_list(), strict=True):
        uf.union(a, b)
    roots = np.array([uf.find(i) for i in range(len(ids))], dtype=np.int64)
    frame = pl.DataFrame({"idx": np.arange(len(ids), dtype=np.int64), "root": roots})
    frame = frame.with_columns(pl.col("idx").min().over("root").alias("cluster")).drop("root")
    return frame, uf.refused
