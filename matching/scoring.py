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
  ('之长子' / '之次子');
* ``same_row_relatives`` — two roles of one row of which each is the row's
  person or one of that person's parents, children or adopters (a child and
  its father named alike on a child-health row are two people; a guardian or
  household head may be the person or a parent, so those roles are not held apart).

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
# One byte a pair for the labels every pair carries.
BANDS = pl.Enum([LINKED, REVIEW, NOT_LINKED])
METHODS = pl.Enum([DETERMINISTIC, PROBABILISTIC, DECISION])
SAFETY_RULES = pl.Enum(["different_ids", "one_record_per_person", "birth_order", "same_row_relatives"])
# Bits by which a name-and-age-only mention's best candidate must beat the next person.
AMBIGUITY_MARGIN = 4.0
SAFETY_COLUMNS = ("id_strong", "source_file", "one_to_one", "record_key", "placeholder", "id", "record", "role",
                  "primary")
# Roles of exchange.yaml ``persons`` that name someone other than the row's person and
# other than each other: parents, adopters, and a judgment's child.
RELATIVE_ROLES = ("mother", "father", "adopter1", "adopter2", "child")
# What ``classify`` reads of both records besides the safety rules: kept per pair as ``PAIR_FACTS``.
CONTEXT_COLUMNS = ("context_id", "partner_id")
PAIR_FACT_COLUMNS = SAFETY_COLUMNS + CONTEXT_COLUMNS


def _same(column: str) -> pl.Expr:
    return (pl.col(f"{column}_l") == pl.col(f"{column}_r")).fill_null(False)


def pair_facts() -> dict[str, pl.Expr]:
    """What the bands need of both records, computed while their columns are side by side.

    Kept per pair instead of the records' columns (``blocked_by`` the safety rule that
    stops the pair, ``same_id`` the same valid ID number, ``same_context`` / ``same_partner``
    named for the same child / with the same other parent), so the scored pairs hold a
    few bytes a pair rather than every compared column twice.
    """
    return {"blocked_by": safety_reason(), "same_id": _same("id_strong"),
            **{f"same_{c.removesuffix('_id')}": _same(c) for c in CONTEXT_COLUMNS}}


def tf_share_column(tf_column: str) -> str:
    """The pair column holding the larger term frequency of ``tf_column``'s two values."""
    return f"tf_share_{tf_column}"


def tf_share(tf_column: str) -> pl.Expr:
    """The larger of the two records' term frequencies (``tf_<column>`` on the mentions)."""
    return pl.max_horizontal(f"tf_{tf_column}_l", f"tf_{tf_column}_r").alias(tf_share_column(tf_column))


def with_term_frequencies(features: pl.DataFrame, tf: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """``tf_<column>`` (share of mentions holding the value) on every mention, for ``tf_share``."""
    for column, table in tf.items():
        features = features.drop(f"tf_{column}", strict=False).join(table, on=column, how="left",
                                                                    maintain_order="left")
    return features


def _weights(vectors: pl.DataFrame, params: ModelParameters):  # noqa: ANN202 - yields (name, array)
    for comp, weights, m, u in zip(params.comparisons, params.weights(), params.m, params.u, strict=True):
        g = vectors[f"gamma_{comp.name}"].to_numpy().astype(np.int64)
        w = np.where(g >= 0, weights[np.clip(g, 0, None)], 0.0)
        if comp.tf_column:
            share = vectors[tf_share_column(comp.tf_column)].cast(pl.Float64).to_numpy()
            share = np.nan_to_num(share, nan=float(u[0]))  # a value missing from the table: the average u
            adjusted = np.log2(np.maximum(m[0], 1e-4) / np.maximum(share, 1e-9))
            w = np.where(g == 0, adjusted, w)
        yield comp.name, w


def weight_columns(vectors: pl.DataFrame, params: ModelParameters) -> pl.DataFrame:
    """``w_<comparison>`` (log2 Bayes factor of the pair's level) for every comparison."""
    return vectors.with_columns([pl.Series(f"w_{name}", w, dtype=pl.Float64) for name, w in _weights(vectors, params)])


def log_bayes_factors(vectors: pl.DataFrame, params: ModelParameters) -> np.ndarray:
    """Σ of the comparisons' weights per pair, without holding a column per comparison."""
    total = np.zeros(vectors.height)
    for _, w in _weights(vectors, params):
        total += w
    return total


def score_pairs(vectors: pl.DataFrame, params: ModelParameters) -> pl.DataFrame:
    """Adds ``match_weight`` and ``match_probability`` (``weight_columns`` gives the parts)."""
    prior_weight = float(np.log2(params.prior / (1 - params.prior)))
    weight = pl.Series("match_weight", log_bayes_factors(vectors, params) + prior_weight, dtype=pl.Float64)
    return vectors.with_columns(weight).with_columns(
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
    person_or_relative = [pl.col(f"primary_{w}") | pl.col(f"role_{w}").is_in(RELATIVE_ROLES) for w in ("l", "r")]
    relatives = ((pl.col("record_l") == pl.col("record_r")) & (pl.col("role_l") != pl.col("role_r"))
                 & person_or_relative[0] & person_or_relative[1]).fill_null(False)
    return (
        pl.when(ids_differ).then(pl.lit("different_ids"))
        .when(one_to_one).then(pl.lit("one_record_per_person"))
        .when(birth_order).then(pl.lit("birth_order"))
        .when(relatives).then(pl.lit("same_row_relatives"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    ).cast(SAFETY_RULES)


def classify(scored: pl.DataFrame, *, upper: float, lower: float, name_else_level: int = 4) -> pl.DataFrame:
    """Sets ``method`` and ``band`` (linked | review | not_linked) from the pair facts and the probability."""
    name_gamma = pl.col("gamma_name")
    names_compatible = (name_gamma < name_else_level) | (name_gamma == -1)
    # A parent or guardian named identically (or by the same pinyin) on two records of
    # the same child: one person (a mother and a grandmother sharing a name is not a case
    # worth a reviewer's time).
    # Likewise a parent named alike with the same other parent (ID number, or entity in
    # the second pass): two fathers of one mother's children sharing a name is not a case either.
    alike = name_gamma.is_in([0, 1])
    same_child_same_name = (pl.col("same_context") | pl.col("same_partner")) & alike
    deterministic = (pl.col("same_id") & names_compatible) | same_child_same_name
    method = (pl.when(deterministic & pl.col("blocked_by").is_null()).then(pl.lit(DETERMINISTIC))
              .otherwise(pl.lit(PROBABILISTIC)).cast(METHODS))
    out = scored.with_columns(method.alias("method")).with_columns(
        pl.when(pl.col("method") == DETERMINISTIC).then(1.0).otherwise(pl.col("match_probability"))
        .alias("match_probability")
    )
    p = pl.col("match_probability")
    return out.with_columns(
        pl.when(pl.col("blocked_by").is_not_null()).then(pl.lit(NOT_LINKED))
        .when(p >= upper).then(pl.lit(LINKED))
        .when(p >= lower).then(pl.lit(REVIEW))
        .otherwise(pl.lit(NOT_LINKED)).cast(BANDS).alias("band")
    )


def decided_pairs(decisions: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    """Reviewers' decisions as mention pairs ``idx_l < idx_r, decision`` (a fingerprint may name several)."""
    fp = features.select("idx", "fingerprint")
    return (decisions.select("fingerprint_l", "fingerprint_r", "decision")
            .join(fp.rename({"idx": "a", "fingerprint": "fingerprint_l"}), on="fingerprint_l")
            .join(fp.rename({"idx": "b", "fingerprint": "fingerprint_r"}), on="fingerprint_r")
            .filter(pl.col("a") != pl.col("b"))
            .select(pl.min_horizontal("a", "b").alias("idx_l"), pl.max_horizontal("a", "b").alias("idx_r"), "decision")
            .unique(["idx_l", "idx_r"], keep="last", maintain_order=True))


def apply_decisions(pairs: pl.DataFrame, decisions: pl.DataFrame | None, features: pl.DataFrame) -> pl.DataFrame:
    """Review decisions win over the model: 'linked' → linked, 'not_linked' → not linked.

    ``decisions`` has ``fingerprint_l, fingerprint_r, decision``; a decision
    applies to a pair whichever way round its fingerprints are.
    """
    if decisions is None or decisions.height == 0:
        return pairs
    out = pairs.join(decided_pairs(decisions, features), on=["idx_l", "idx_r"], how="left", maintain_order="left")
    linked = pl.col("decision") == "linked"
    unlinked = pl.col("decision") == "not_linked"
    return out.with_columns(
        pl.when(linked).then(pl.lit(LINKED)).when(unlinked).then(pl.lit(NOT_LINKED))
        .otherwise(pl.col("band")).cast(BANDS).alias("band"),
        pl.when(pl.col("decision").is_not_null()).then(pl.lit(DECISION)).otherwise(pl.col("method"))
        .cast(METHODS).alias("method"),
        pl.when(linked).then(1.0).when(unlinked).then(0.0).otherwise(pl.col("match_probability"))
        .alias("match_probability"),
    ).drop("decision")


def hold_ambiguous(pairs: pl.DataFrame, features: pl.DataFrame, *, lower: float, column: str = "age_born_by",
                   margin: float = AMBIGUITY_MARGIN) -> pl.DataFrame:
    """Linked probabilistic pairs of a ``column``-only mention that fits several people → review.

    A mention holding ``column`` (an age) and no valid ID number meets its candidates
    on name, age and place only. Candidates at or above ``lower`` are grouped into
    people (birth date and valid ID number); when the second-best person's match
    weight comes within ``margin`` bits of the best one's, which one it is cannot be
    told and none of the mention's pairs is linked.
    """
    if column not in features.columns or pairs.height == 0:
        return pairs
    age_only = features.filter(pl.col(column).is_not_null() & pl.col("id_strong").is_null())["idx"].implode()
    fits = pairs.filter((pl.col("match_probability") >= lower) & pl.col("blocked_by").is_null()
                        & (pl.col("method") == PROBABILISTIC)
                        & (pl.col("idx_l").is_in(age_only) | pl.col("idx_r").is_in(age_only)))
    person = features.select("idx", "dob", pl.col("id_strong").alias("id"))
    ends = [fits.filter(pl.col(f"idx_{this}").is_in(age_only))
            .select(pl.col(f"idx_{this}").alias("idx"), pl.col(f"idx_{other}").alias("candidate"), "match_weight")
            .join(person.rename({"idx": "candidate"}), on="candidate").drop("candidate")
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
    return pairs.with_columns(pl.when(held).then(pl.lit(REVIEW)).otherwise(pl.col("band")).cast(BANDS).alias("band"))
