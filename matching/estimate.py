"""Estimating the Fellegi–Sunter parameters without labels.

* **u** (how often non-matches agree at each level) from random pairs of
  mentions, which are almost all non-matches (Splink's
  ``estimate_u_using_random_sampling``);
* **m** (how often matches agree) by expectation maximisation with u fixed,
  in *training sessions*, one per blocking rule: pairs blocked on a column
  say nothing about that column's m, so a session leaves the comparisons on
  its own columns alone and each m comes from the sessions that may estimate it;
* **λ**, the prior that two random mentions match, from the posterior over the
  candidate pairs (pairs outside the blocks count as non-matches).

EM runs on the distinct comparison vectors with their counts, so its cost does
not grow with the number of pairs. (recordlinkage's ``ECMClassifier`` fits a
similar model, but only on binary agreement vectors; multi-level comparisons
need the categorical version below.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from matching.comparisons import Comparison, comparison_vectors, pair_frame

SMOOTHING = 1.0  # Laplace smoothing of level counts (no level ever has u = 0)
M_FLOOR = 1e-4


@dataclass
class ModelParameters:
    """m and u per comparison level, the prior λ and the term-frequency tables."""

    comparisons: tuple[Comparison, ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    tf: dict[str, pl.DataFrame] = field(default_factory=dict)
    em_iterations: int = 0

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per comparison level (the match weight of a level).

        Disagreement ('else', the last level) never counts *for* a match: when the
        random sample never saw it (tiny u), its raw weight would be a large positive.
        """
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log2(np.maximum(m, M_FLOOR) / u)
            w[-1] = min(w[-1], 0.0)
            out.append(w)
        return out

    def table(self) -> pl.DataFrame:
        """One row per comparison level: m, u and match weight (what the model learnt)."""
        rows = []
        for c, m, u, w in zip(self.comparisons, self.m, self.u, self.weights(), strict=True):
            for i, label in enumerate(c.labels):
                rows.append({"comparison": c.name, "level": i, "label": label, "m": float(m[i]), "u": float(u[i]),
                             "match_weight": float(w[i])})
        return pl.DataFrame(rows)


def gamma_matrix(frame: pl.DataFrame, comparisons: Sequence[Comparison]) -> np.ndarray:
    return np.column_stack([frame[f"gamma_{c.name}"].to_numpy() for c in comparisons]).astype(np.int8)


def _level_distribution(gammas: np.ndarray, n_levels: int) -> np.ndarray:
    valid = gammas[gammas >= 0]
    counts = np.bincount(valid, minlength=n_levels).astype(float) + SMOOTHING
    return counts / counts.sum()


def estimate_u(features: pl.DataFrame, comparisons: Sequence[Comparison], *, max_pairs: int = 300_000,
               seed: int = 42) -> list[np.ndarray]:
    """u per level from ``max_pairs`` random pairs of distinct mentions."""
    n = features.height
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, max_pairs)
    right = rng.integers(0, n, max_pairs)
    keep = left != right
    pairs = pl.DataFrame({"idx_l": left[keep], "idx_r": right[keep]}, schema={"idx_l": pl.Int64, "idx_r": pl.Int64})
    columns = [col for c in comparisons for col in c.columns]
    vectors = comparison_vectors(pair_frame(features, pairs, columns), comparisons)
    g = gamma_matrix(vectors, comparisons)
    u = [_level_distribution(g[:, j], len(c.levels)) for j, c in enumerate(comparisons)]
    for j, c in enumerate(comparisons):
        if c.needs_either:
            u[j] = _u_needing(features, c, max_pairs=max_pairs, rng=rng)
    return u


def _u_needing(features: pl.DataFrame, comparison: Comparison, *, max_pairs: int,
               rng: np.random.Generator) -> np.ndarray:
    """u of a comparison made only where a side holds its ``needs_either`` columns (an age).

    Such mentions are too rare for uniform random pairs: each sampled pair takes one
    of them and any other mention.
    """
    holds = pl.all_horizontal([pl.col(c).is_not_null() for c in comparison.needs_either])
    pool = features.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("i"), holds.alias("h")).filter("h")["i"]
    n = features.height
    if pool.len() == 0 or n < 2:
        return np.full(len(comparison.levels), 1 / len(comparison.levels))
    left = rng.choice(pool.to_numpy(), max_pairs)
    right = rng.integers(0, n, max_pairs)
    keep = left != right
    pairs = pl.DataFrame({"idx_l": left[keep], "idx_r": right[keep]}, schema={"idx_l": pl.Int64, "idx_r": pl.Int64})
    vectors = comparison_vectors(pair_frame(features, pairs, comparison.columns), [comparison])
    return _level_distribution(gamma_matrix(vectors, [comparison])[:, 0], len(comparison.levels))


def unique_rows(gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(gammas, axis=0, return_counts=True)`` for a matrix of few distinct levels per column.

    Each row is packed into one int64 (mixed radix over each column's sorted levels), so the sort
    is over integers instead of row records: the same rows in the same order, several times faster.
    """
    codes = np.zeros(len(gammas), dtype=np.int64)
    radix = 1
    for j in range(gammas.shape[1]):
        levels, rank = np.unique(gammas[:, j], return_inverse=True)
        radix *= len(levels)
        if radix >= 2**62:  # too many distinct levels to pack: the general (slower) way
            return np.unique(gammas, axis=0, return_counts=True)
        codes = codes * len(levels) + rank.reshape(-1)
    _, first, counts = np.unique(codes, return_index=True, return_counts=True)
    return gammas[first], counts


def expectation_maximisation(gammas: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], *, prior: float = 0.5,
                             estimate: Sequence[bool] | None = None, max_iterations: int = 25,
                             tolerance: float = 1e-4) -> tuple[list[np.ndarray], float, int]:
    """EM for m and λ with u fixed, on a matrix of comparison vectors (rows = pairs, -1 = null).

    ``estimate[j]`` false keeps comparison j's m as given (and leaves it out of
    the likelihood, as in a training session blocked on its column).
    Returns (m, λ, iterations).
    """
    k = gammas.shape[1]
    estimate = list(estimate) if estimate is not None else [True] * k
    patterns, counts = unique_rows(gammas)
    counts = counts.astype(float)
    m = [x.copy() for x in m]
    lam = prior
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for j in range(k):
            if not estimate[j]:
                continue
            g = patterns[:, j]
            ok = g >= 0
            log_m[ok] += np.log(np.maximum(m[j][g[ok]], M_FLOOR))
            log_u[ok] += np.log(u[j][g[ok]])
        a = np.log(lam) + log_m
        b = np.log1p(-lam) + log_u
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        weighted = post * counts
        new_lam = float(np.clip(weighted.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        change = abs(new_lam - lam)
        new_m = []
        for j in range(k):
            if not estimate[j]:
                new_m.append(m[j])
                continue
            g = patterns[:, j]
            ok = g >= 0
            levels = np.bincount(g[ok], weights=weighted[ok], minlength=len(m[j])) + 1e-6
            levels = levels / levels.sum()
            change = max(change, float(np.abs(levels - m[j]).max()))
            new_m.append(levels)
        m, lam = new_m, new_lam
        if change < tolerance:
            break
    return m, lam, iterations


def term_frequencies(features: pl.DataFrame, column: str) -> pl.DataFrame:
    """Share of mentions holding each value of ``column`` (``tf_<column>``)."""
    values = features[column].drop_nulls()
    total = max(len(values), 1)
    return values.value_counts(name="n").select(pl.col(column), (pl.col("n") / total).alias(f"tf_{column}"))


def global_prior(pair_log_bf: np.ndarray, n_mentions: int, *, start: float, iterations: int = 20) -> float:
    """λ over all pairs: candidate pairs' posteriors summed, every other pair a non-match."""
    total_pairs = max(n_mentions * (n_mentions - 1) / 2, 1.0)
    lam = start
    for _ in range(iterations):
        logit = np.log2(lam / (1 - lam)) + pair_log_bf
        post = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
        lam = float(np.clip(post.sum() / total_pairs, 1e-12, 0.5))
    return lam
