"""Evaluating a linkage against ground truth, without enumerating pairs.

Pairwise counts come from the contingency table of (predicted entity, true
person): a cell holding n mentions contributes C(n, 2) true-positive pairs;
predicted pairs are Σ C(size, 2) over predicted entities and true pairs
Σ C(size, 2) over persons. Linear in the number of mentions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl


def _pairs(sizes: pl.Expr) -> pl.Expr:
    return (sizes * (sizes - 1) // 2).sum()


@dataclass(frozen=True)
class PairwiseScores:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self) | {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def pairwise_scores(predicted: pl.DataFrame, truth: pl.DataFrame, *, key: str = "key",
                    entity: str = "entity_id", person: str = "person_id") -> PairwiseScores:
    """Pairwise precision / recall / F1 of ``predicted`` (key → entity) against ``truth`` (key → person).

    Only keys present in both frames count.
    """
    joined = predicted.select(key, entity).join(truth.select(key, person), on=key, how="inner")
    tp = joined.group_by(entity, person).len().select(_pairs(pl.col("len").cast(pl.Int64))).item()
    pp = joined.group_by(entity).len().select(_pairs(pl.col("len").cast(pl.Int64))).item()
    tt = joined.group_by(person).len().select(_pairs(pl.col("len").cast(pl.Int64))).item()
    return PairwiseScores(int(tp or 0), int(pp or 0), int(tt or 0))


def twins_merged(predicted: pl.DataFrame, truth: pl.DataFrame, persons: pl.DataFrame, *, key: str = "key",
                 entity: str = "entity_id", person: str = "person_id", twin_group: str = "twin_group") -> int:
    """Predicted entities holding mentions of two different persons of the same twin group."""
    joined = (predicted.select(key, entity).join(truth.select(key, person), on=key)
              .join(persons.select(person, twin_group).filter(pl.col(twin_group).is_not_null()), on=person))
    per_entity = joined.group_by(entity, twin_group).agg(pl.col(person).n_unique().alias("persons"))
    return int(per_entity.filter(pl.col("persons") > 1).height)


def review_share(review_queue: pl.DataFrame, linked_records: int) -> float:
    """Review-queue entries per linked record (target ≤ 1%)."""
    return review_queue.height / linked_records if linked_records else 0.0


def precision_recall_curve(pairs: pl.DataFrame, truth: pl.DataFrame, *, thresholds: np.ndarray | None = None,
                           key: str = "mention_id", person: str = "person_id") -> pl.DataFrame:
    """Pairwise precision and recall of the *scored pairs* as the match threshold moves.

    ``pairs`` needs ``mention_id_l, mention_id_r, match_probability``. The
    threshold only acts on the pairs blocking proposed, so ``recall`` is taken
    among the true pairs in that candidate set (what choosing a threshold can
    change); ``candidate_recall`` is the share of all true pairs the blocking
    proposed (clustering recovers many of the others through shared entities).
    """
    thresholds = thresholds if thresholds is not None else np.linspace(0.0, 1.0, 101)
    t = truth.select(key, person)
    labelled = (pairs.select("mention_id_l", "mention_id_r", "match_probability")
                .join(t.rename({key: "mention_id_l", person: "p_l"}), on="mention_id_l")
                .join(t.rename({key: "mention_id_r", person: "p_r"}), on="mention_id_r")
                .with_columns((pl.col("p_l") == pl.col("p_r")).alias("match")))
    true_pairs = t.group_by(person).len().select(_pairs(pl.col("len").cast(pl.Int64))).item() or 0
    prob = labelled["match_probability"].to_numpy()
    match = labelled["match"].to_numpy()
    candidates = int(match.sum())
    rows = []
    for th in thresholds:
        sel = prob >= th
        tp = int((sel & match).sum())
        n = int(sel.sum())
        rows.append({"threshold": float(th), "precision": tp / n if n else 1.0,
                     "recall": tp / candidates if candidates else 1.0, "predicted_pairs": n,
                     "candidate_recall": candidates / true_pairs if true_pairs else 1.0})
    return pl.DataFrame(rows)


def plot_precision_recall(curve: pl.DataFrame, path: Path | str) -> Path:
    """Write the precision-recall curve as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=120)
    ax.plot(curve["recall"], curve["precision"], marker=".", linewidth=1)
    # Label a few thresholds so a reader can pick one off the curve.
    for row in curve.filter(pl.col("threshold").is_in([0.5, 0.8, 0.9, 0.95, 0.99])).iter_rows(named=True):
        ax.annotate(f"{row['threshold']:.2f}", (row["recall"], row["precision"]), fontsize=7,
                    textcoords="offset points", xytext=(4, -10))
    ax.set_xlabel("recall among candidate pairs")
    ax.set_ylabel("precision")
    ax.set_title("pairwise precision-recall over the match threshold")
    ax.grid(True, alpha=0.3)
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
