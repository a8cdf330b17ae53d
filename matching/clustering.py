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

Everything the union-find carries is integer-coded (ID numbers, files and
record keys as dense codes, 'not linked' decisions as token numbers), held in
flat int arrays, with a slot or token map only for the few components that
have one: at millions of mentions, Python strings, tuples and a dict per
mention would cost more memory than the features themselves.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

import numpy as np
import polars as pl

NO_ID = -1
"""ID code of a mention without a valid ID number."""

_EDGE_CHUNK = 1 << 18
"""Edges turned into Python ints at a time: bounds the transient Python lists."""


class ConstrainedUnionFind:
    """Union-find whose components carry the facts the constraints check.

    ``ids[i]`` is mention i's ID code (``NO_ID`` when it has no valid ID number);
    ``slots`` maps a one-record-per-person mention to ``{file code: record key code}``;
    ``tokens`` maps a mention to its 'not linked' tokens: decision k puts ``2k`` on one
    side and ``2k + 1`` on the other, so two components are kept apart when one holds
    a token whose complement (``t ^ 1``) the other holds.
    Both dicts are taken over, not copied, and from then on keyed by root: only
    components that hold a slot or a token have an entry.
    """

    def __init__(self, ids: np.ndarray | Iterable[int], slots: dict[int, dict[int, int | None]] | None = None,
                 tokens: dict[int, set[int]] | None = None) -> None:
        # array('q') rather than list: 8 bytes a mention, not a pointer plus an int object.
        self.id = array("q", np.asarray(ids, dtype=np.int64).tobytes())
        n = len(self.id)
        self.parent = array("q", np.arange(n, dtype=np.int64).tobytes())
        self.size = array("q", [1]) * n
        self.slots: dict[int, dict[int, int | None]] = slots if slots is not None else {}
        self.tokens: dict[int, set[int]] = tokens if tokens is not None else {}
        self.refused = 0

    def find(self, x: int) -> int:
        """The root of x's component; the path walked is pointed straight at it."""
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def _conflict(self, a: int, b: int) -> bool:
        """Whether joining roots a and b would break a constraint."""
        ida, idb = self.id[a], self.id[b]
        if ida != NO_ID and idb != NO_ID and ida != idb:
            return True
        slots = self.slots
        if slots and not (ida != NO_ID and ida == idb):  # the same ID number outranks record keys
            sa, sb = slots.get(a), slots.get(b)
            if sa and sb:
                small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
                for file, key in small.items():
                    other = large.get(file)
                    if other is not None and other != key:
                        return True
        tokens = self.tokens
        if tokens:
            ta, tb = tokens.get(a), tokens.get(b)
            if ta and tb:
                for t in ta:
                    if t ^ 1 in tb:
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
        size = self.size
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        size[ra] += size[rb]
        if self.id[ra] == NO_ID:
            self.id[ra] = self.id[rb]
        # On a forced (or same-ID) union the absorbed root's record key wins for a shared file.
        _move(self.slots, rb, ra)
        _move(self.tokens, rb, ra)
        return True

    def roots(self) -> np.ndarray:
        """Every mention's root, by pointer jumping in numpy (a Python ``find`` per mention is slow)."""
        parent = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand


def _codes(column: pl.Expr) -> pl.Expr:
    """Dense int codes of a column, nulls included as a value of their own (code 0)."""
    return column.rank("dense").fill_null(0).cast(pl.Int64)


def _pairs(frame: pl.DataFrame, order: np.ndarray | None = None) -> Iterator[tuple[int, int]]:
    """``(idx_l, idx_r)`` rows (in ``order`` if given) as Python ints, a chunk at a time."""
    left, right = frame["idx_l"].to_numpy(), frame["idx_r"].to_numpy()
    for start in range(0, frame.height, _EDGE_CHUNK):
        rows = slice(start, start + _EDGE_CHUNK) if order is None else order[start:start + _EDGE_CHUNK]
        yield from zip(left[rows].tolist(), right[rows].tolist(), strict=True)


def _move(by_root: dict, old: int, new: int) -> None:
    """Hand ``old`` root's entry (a slot map or a token set) over to ``new``, merging with its own."""
    if old in by_root:
        moved = by_root.pop(old)
        if new in by_root:
            by_root[new].update(moved)
        else:
            by_root[new] = moved


def cluster_mentions(features: pl.DataFrame, edges: pl.DataFrame, cannot_link: pl.DataFrame | None = None,
                     must_link: pl.DataFrame | None = None) -> tuple[pl.DataFrame, int]:
    """Entities from linked edges (``idx_l, idx_r, match_probability``).

    ``features`` needs ``idx, id_strong, one_to_one, source_file, record_key`` (idx = row position).
    ``cannot_link`` (``idx_l, idx_r``) are pairs a reviewer said are different people,
    ``must_link`` pairs a reviewer said are the same person (joined first, unchecked).
    Returns (``idx, cluster`` with cluster = the smallest idx of the entity, unions refused).
    """
    n = features.height
    ids = features.select((_codes(pl.col("id_strong")) - 1).alias("code"))["code"].to_numpy()  # null → NO_ID
    # A one-record-per-person mention without an ID number occupies a slot (file, record key).
    # A null record key is kept as None, as it always was: a lookup cannot tell it from 'no record
    # of this file', so it conflicts only from the smaller side of a union.
    slotted = (features.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("i"), "source_file", "record_key",
                               (pl.col("one_to_one") & pl.col("id").is_null()).fill_null(False).alias("slotted"))
               .filter("slotted")
               .select("i", _codes(pl.col("source_file")), pl.col("record_key").rank("dense")))
    slots = {i: {file: key} for i, file, key in slotted.iter_rows()}
    tokens: dict[int, set[int]] = {}
    if cannot_link is not None:
        for k, (a, b) in enumerate(_pairs(cannot_link)):
            tokens.setdefault(a, set()).add(2 * k)
            tokens.setdefault(b, set()).add(2 * k + 1)
    uf = ConstrainedUnionFind(ids, slots, tokens)
    del ids, slotted
    if must_link is not None:
        for a, b in _pairs(must_link):
            uf.union(a, b, force=True)
    # Most probable first, ties in input order: sorting row numbers, not the edges, saves a copy.
    order = edges.select(pl.int_range(pl.len(), dtype=pl.UInt32)
                         .sort_by("match_probability", descending=True, maintain_order=True))
    for a, b in _pairs(edges, order.to_series().to_numpy()):
        uf.union(a, b)
    del order
    roots = uf.roots()
    idx = np.arange(n, dtype=np.int64)
    smallest = np.full(n, n, dtype=np.int64)  # per root, the smallest idx of its component
    np.minimum.at(smallest, roots, idx)
    return pl.DataFrame({"idx": idx, "cluster": smallest[roots]}), uf.refused
