"""Scoring: match weights, probabilities, the hard safety rules and the three bands.

Match weight = log2 prior odds + Σ log2(m/u) of each comparison's level
(null levels add 0). The exact-name level is term-frequency adjusted: its u is
the share of mentions carrying that name, so 张伟 = 张伟 counts for less.

Safety rules override the model (a pair they stop is never linked, whatever
its probability, and is not queued for review either):

* ``different_ids`` — both mentions hold valid ID numbers (check character
  right, number not foreign to the record) and the numbers differ: twins and
  siblings share everything else;
* ``one_record_per_person`` — two primary mentions without ID numbers in the
  same file of a source holding one record per person at a time, with
  different record keys;
* ``birth_order`` — two newborn placeholders of different birth order
  ('之长子' / '之次子').

A mention giving only name, age and place (an emergency list without ID
numbers) that fits two people — two birth dates or ID numbers, the second
fitting almost as well as the first — is not linked to either: its linked
pairs go to review (``hold_ambiguous``; two 张伟 of one township of an age
are a reviewer's call).

Deterministic links: the same valid ID number and compatible names (any name
level but 'else', or a name missing); or a parent / guardian with the same name
(characters or pinyin) on two records of the same child, or with the same other parent.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from matching.estimate import ModelParameters

LINKED, REVIEW, NOT_LINKED = "linked", "review", "not_linked"
DETERMINISTIC, PROBABILISTIC, DECISION = "deterministic", "probabilistic", "review_decision"
# Bits by which a name-and-age-only mention's best candidate must beat the next person.
AMBIGUITY_MARGIN = 4.0
SAFETY_COLUMNS = ("id_strong", "source_file", "one_to_one", "record_key", "placeholder", "id", "fingerprint")


def weight_columns(vectors: pl.DataFrame, params: ModelParameters) -> pl.DataFrame:
    """``w_<comparison>`` (log2 Bayes factor of the pair's level) for every comparison."""
    cols = []
    for comp, weights, m, u in zip(params.comparisons, params.weights(), params.m, params.u, strict=True):
        g = vectors[f"gamma_{comp.name}"].to_numpy().astype(np.int64)
        w = np.where(g >= 0, weights[np.clip(g, 0, None)], 0.0)
        if comp.tf_column and comp.tf_column in params.tf:
            tf = params.tf[comp.tf_column]
            key = comp.tf_column
            tf_l = vectors.select(pl.col(f"{key}_l").alias(key)).join(tf, on=key, how="left", maintain_order="left")
            tf_r = vectors.select(pl.col(f"{key}_r").alias(key)).join(tf, on=key, how="left", maintain_order="left")
            share = np.fmax(tf_l[f"tf_{key}"].to_numpy(), tf_r[f"tf_{key}"].to_numpy())
            share = np.nan_to_num(share, nan=float(u[0]))  # a value missing from the table: the average u
            adjusted = np.log2(np.maximum(m[0], 1e-4) / np.maximum(share, 1e-9))
            w = np.where(g == 0, adjusted, w)
        cols.append(pl.Series(f"w_{comp.name}", w, dtype=pl.Float64))
    return vectors.with_columns(cols)


def score_pairs(vectors: pl.DataFrame, params: ModelParameters) -> pl.DataFrame:
    """Adds ``w_*``, ``match_weight`` and ``match_probability``."""
    scored = weight_columns(vectors, params)
    prior_weight = float(np.log2(params.prior / (1 - params.prior)))
    total = pl.sum_horizontal([pl.col(f"w_{c.name}") for c in params.comparisons]) + prior_weight
    return scored.with_columns(total.alias("match_weight")).with_columns(
        (1.0 / (1.0 + (2.0 ** (-pl.col("match_weight").clip(-1000, 1000))))).alias("match_probability")
    )


def safety_reason() -> pl.Expr:
    """The safety rule that stops a pair, or null (needs the SAFETY_COLUMNS on both sides)."""
    ids_differ = (pl.col("id_strong_l") != pl.col("id_strong_r")).fill_null(False)
    # Between records with ID numbers the ID rule decides (a record key holding a
    # mistyped number differs without being another person's record).
    no_ids = pl.col("id_l").is_null() & pl.col("id_r").is_null()
    one_to_one = (
        (pl.col("source_file_l") == pl.col("source_file_r")) & pl.col("one_to_one_l") & pl.col("one_to_one_r")
        & (pl.col("record_key_l") != pl.col("record_key_r")) & no_ids
    ).fill_null(False)
    birth_order = (pl.col("placeholder_l") != pl.col("placeholder_r")).fill_null(False)
    return (
        pl.when(ids_differ).then(pl.lit("different_ids"))
        .when(one_to_one).then(pl.lit("one_record_per_person"))
        .when(birth_order).then(pl.lit("birth_order"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


def classify(scored: pl.DataFrame, *, upper: float, lower: float, name_else_level: int = 4) -> pl.DataFrame:
    """Adds ``blocked_by``, ``method`` and ``band`` (linked | review | not_linked)."""
    name_gamma = pl.col("gamma_name")
    names_compatible = (name_gamma < name_else_level) | (name_gamma == -1)
    same_id = (pl.col("id_strong_l") == pl.col("id_strong_r")).fill_null(False)
    # A parent or guardian named identically (or by the same pinyin) on two records of
    # the same child: one person (a mother and a grandmother sharing a name is not a case
    # worth a reviewer's time).
    # Likewise a parent named alike with the same other parent (ID number, or entity in
    # the second pass): two fathers of one mother's children sharing a name is not a case either.
    alike = name_gamma.is_in([0, 1])
    same_child_same_name = pl.lit(False)
    for column in ("context_id", "partner_id"):
        if f"{column}_l" in scored.columns:
            same_child_same_name = same_child_same_name | (
                (pl.col(f"{column}_l") == pl.col(f"{column}_r")) & alike).fill_null(False)
    deterministic = (same_id & names_compatible) | same_child_same_name
    out = scored.with_columns(safety_reason().alias("blocked_by")).with_columns(
        pl.when(deterministic & pl.col("blocked_by").is_null()).then(pl.lit(DETERMINISTIC))
        .otherwise(pl.lit(PROBABILISTIC)).alias("method")
    )
    out = out.with_columns(
        pl.when(pl.col("method") == DETERMINISTIC).then(1.0).otherwise(pl.col("match_probability"))
        .alias("match_probability")
    )
    p = pl.col("match_probability")
    return out.with_columns(
        pl.when(pl.col("blocked_by").is_not_null()).then(pl.lit(NOT_LINKED))
        .when(p >= upper).then(pl.lit(LINKED))
        .when(p >= lower).then(pl.lit(REVIEW))
        .otherwise(pl.lit(NOT_LINKED)).alias("band")
    )


def apply_decisions(pairs: pl.DataFrame, decisions: pl.DataFrame | None) -> pl.DataFrame:
    """Review decisions win over the model: 'linked' → linked, 'not_linked' → not linked.

    ``decisions`` has ``fingerprint_l, fingerprint_r, decision``; a decision
    applies to a pair whichever way round its fingerprints are.
    """
    if decisions is None or decisions.height == 0:
        return pairs
    d = decisions.select("fingerprint_l", "fingerprint_r", "decision")
    both = pl.concat([d, d.select(pl.col("fingerprint_r").alias("fingerprint_l"),
                                  pl.col("fingerprint_l").alias("fingerprint_r"), "decision")]).unique(
        ["fingerprint_l", "fingerprint_r"], keep="last")
    out = pairs.join(both, on=["fingerprint_l", "fingerprint_r"], how="left", maintain_order="left")
    linked = pl.col("decision") == "linked"
    unlinked = pl.col("decision") == "not_linked"
    return out.with_columns(
        pl.when(linked).then(pl.lit(LINKED)).when(unlinked).then(pl.lit(NOT_LINKED))
        .otherwise(pl.col("band")).alias("band"),
        pl.when(pl.col("decision").is_not_null()).then(pl.lit(DECISION)).otherwise(pl.col("method")).alias("method"),
        pl.when(linked).then(1.0).when(unlinked).then(0.0).otherwise(pl.col("match_probability"))
        .alias("match_probability"),
    )


def hold_ambiguous(pairs: pl.DataFrame, *, lower: float, column: str = "age_born_by",
                   margin: float = AMBIGUITY_MARGIN) -> pl.DataFrame:
    """Linked probabilistic pairs of a ``column``-only mention that fits several people → review.

    A mention holding ``column`` (an age) and no valid ID number meets its candidates
    on name, age and place only. Candidates at or above ``lower`` are grouped into
    people (birth date and valid ID number); when the second-best person's match
    weight comes within ``margin`` bits of the best one's, which one it is cannot be
    told and none of the mention's pairs is linked.
    """
    if f"{column}_l" not in pairs.columns or pairs.height == 0:
        return pairs
    fits = pairs.filter((pl.col("match_probability") >= lower) & pl.col("blocked_by").is_null()
                        & (pl.col("method") == PROBABILISTIC))
    ends = [fits.filter(pl.col(f"{column}_{this}").is_not_null() & pl.col(f"id_strong_{this}").is_null())
            .select(pl.col(f"idx_{this}").alias("idx"), pl.col(f"dob_{other}").alias("dob"),
                    pl.col(f"id_strong_{other}").alias("id"), "match_weight")
            for this, other in (("l", "r"), ("r", "l"))]
    candidates = pl.concat(ends).drop_nulls("dob")
    # A person is a birth date and a valid ID number (twins share the date); a candidate
    # without a number is the person of its date who has one, if any.
    with_id = pl.col("id").drop_nulls().first().over("idx", "dob")
    candidates = candidates.with_columns(pl.coalesce(pl.col("id"), with_id).alias("id"))
    per_person = (candidates.group_by("idx", "dob", "id").agg(pl.col("match_weight").max())
                  .sort("match_weight", descending=True))
    ranked = per_person.group_by("idx", maintain_order=True).agg(pl.col("match_weight").head(2).alias("top"))
    second, best = pl.col("top").list.get(1, null_on_oob=True), pl.col("top").list.get(0)
    ambiguous = ranked.filter((second >= best - margin).fill_null(False))["idx"].implode()
    held = ((pl.col("idx_l").is_in(ambiguous) | pl.col("idx_r").is_in(ambiguous))
            & (pl.col("band") == LINKED) & (pl.col("method") == PROBABILISTIC))
    return pairs.with_columns(pl.when(held).then(pl.lit(REVIEW)).otherwise(pl.col("band")).alias("band"))
