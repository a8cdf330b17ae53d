"""The ``Linker`` facade: mentions in, entities out.

    linker = Linker(settings.linkage)
    result = linker.link(mentions, previous=last_run, decisions=decisions, county="220183")

Facets as in Splink: ``linker.training`` (u by random sampling, m by EM in
sessions, λ), ``linker.inference`` (blocking, comparing, scoring, the bands)
and ``linker.clustering`` (constrained components, stable ids); ``link`` runs
them in order. Every stage is a pure function of frames in the stage modules;
this class only holds the configuration and the learnt parameters.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from childlink.settings import LinkageSettings
from matching import blocking, clustering, estimate, explain, identities, review, scoring
from matching.blocking import BlockingRule, block_on
from matching.comparisons import Comparison, compare_pairs, default_comparisons, pair_frame
from matching.estimate import ModelParameters
from matching.standardise import mention_features

ASSIGNMENT_SCHEMA = {"mention_id": pl.Utf8, "entity_id": pl.Utf8, "match_probability": pl.Float64,
                     "method": pl.Utf8, "flag": pl.Utf8}
SINGLETON = "singleton"
FOREIGN_ID_FLAG = "id_number_of_another_person"
REVIEW_DECISION_RULE = "review_decision"  # the blocking_rule of a pair compared because a reviewer decided it


@dataclass(frozen=True)
class TrainingSession:
    """EM on the pairs agreeing on ``rule``'s keys, estimating only ``estimates`` (comparison names)."""

    rule: BlockingRule
    estimates: tuple[str, ...]

    @property
    def agreement(self) -> str:
        """The pair column telling whether a pair agrees on every key of the rule."""
        return f"agree_on_{self.rule.name}"

    def agrees(self) -> pl.Expr:
        return pl.all_horizontal([(pl.col(f"{k}_l") == pl.col(f"{k}_r")).fill_null(False) for k in self.rule.keys])


# Birth date is estimated on pairs blocked on the ID number although the number holds a birth
# date: records give their own birth date (typed apart from the number), and pairs blocked on
# a name are mostly namesakes in a large county, on which EM mistakes 'same birth year' for a match.
DEFAULT_SESSIONS = (
    TrainingSession(block_on("id"), ("name", "birth_date", "division", "mother", "household", "context", "partner",
                                     "same_record")),
    TrainingSession(block_on("dob", "nm_surname_py"), ("id_number", "sex", "division", "mother", "household")),
)


def with_entity_context(features: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """``context_id`` / ``partner_id`` of parent and guardian mentions replaced by first-pass entities.

    ``context_id`` becomes the entity of the row's primary mention (the child), ``partner_id``
    the entity of the other parent named on the row; where the row has none, the ID stays.
    """
    cl = features.select("idx", "record", "role", "primary").join(clusters, on="idx")
    primary = cl.filter(pl.col("primary")).select("record", ("E" + pl.col("cluster").cast(pl.Utf8)).alias("ctx"))
    parents = cl.filter(pl.col("role").is_in(["mother", "father"])).select(
        "record", pl.when(pl.col("role") == "mother").then(pl.lit("father")).otherwise(pl.lit("mother")).alias("role"),
        ("E" + pl.col("cluster").cast(pl.Utf8)).alias("ptn"))
    out = (features.join(primary.unique("record"), on="record", how="left")
           .join(parents.unique(["record", "role"]), on=["record", "role"], how="left"))
    return out.with_columns(
        pl.when(~pl.col("primary") & pl.col("ctx").is_not_null()).then(pl.col("ctx"))
        .otherwise(pl.col("context_id")).alias("context_id"),
        pl.coalesce(pl.col("ptn"), pl.col("partner_id")).alias("partner_id"),
    ).drop("ctx", "ptn").sort("idx")


@dataclass
class LinkResult:
    """What ``Linker.link`` found.

    ``pairs`` are the compared pairs by position (``idx_l, idx_r``: rows of
    ``features``) with their gammas, pair facts, match weight, probability, method and
    band; ``pairs_with`` adds the records' own columns where they are wanted.
    """

    assignments: pl.DataFrame  # mention_id, entity_id, match_probability, method, flag
    review_queue: pl.DataFrame
    pairs: pl.DataFrame
    lineage: pl.DataFrame
    parameters: ModelParameters
    next_counter: int
    features: pl.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    refused_unions: int = 0

    def pairs_with(self, *columns: str, pairs: pl.DataFrame | None = None) -> pl.DataFrame:
        """``pairs`` (all by default) with ``<column>_l`` / ``<column>_r`` of both mentions."""
        return pair_frame(self.features, self.pairs if pairs is None else pairs, columns)

    def _pair(self, mention_id_l: str, mention_id_r: str) -> dict:
        """One compared pair (either order) with its weights and the values the waterfall shows."""
        where = dict(self.features.filter(pl.col("mention_id").is_in([mention_id_l, mention_id_r]))
                     .select("mention_id", "idx").iter_rows())
        hit = self.pairs.clear()
        if mention_id_l in where and mention_id_r in where:
            a, b = sorted((where[mention_id_l], where[mention_id_r]))
            hit = self.pairs.filter((pl.col("idx_l") == a) & (pl.col("idx_r") == b))
        if hit.height == 0:
            raise KeyError(f"No compared pair: {mention_id_l} / {mention_id_r}")
        shown = [c.null_columns[0] for c in self.parameters.comparisons if c.null_columns]
        weighted = scoring.weight_columns(hit, self.parameters)
        return self.pairs_with("mention_id", *shown, pairs=weighted).row(0, named=True)

    def explain(self, mention_id_l: str, mention_id_r: str) -> str:
        """The waterfall of a compared pair as text (either order)."""
        return explain.render_text(self._pair(mention_id_l, mention_id_r), self.parameters)

    def waterfall(self, mention_id_l: str, mention_id_r: str) -> pl.DataFrame:
        return explain.waterfall(self._pair(mention_id_l, mention_id_r), self.parameters)


class _Training:
    def __init__(self, linker: Linker) -> None:
        self._linker = linker
        self.sessions_log: list[dict] = []

    def estimate_u(self, features: pl.DataFrame) -> list[np.ndarray]:
        lk = self._linker
        return estimate.estimate_u(features, lk.comparisons, max_pairs=lk.u_sample_pairs, seed=lk.seed)

    def estimate_m(self, vectors: pl.DataFrame, u: list[np.ndarray]) -> tuple[list[np.ndarray], int]:
        """m per comparison: the mean over the training sessions allowed to estimate it."""
        lk = self._linker
        comps = lk.comparisons
        names = [c.name for c in comps]
        start = [np.asarray(c.m_start if c.m_start else np.full(len(c.levels), 1 / len(c.levels))) for c in comps]
        estimates: dict[str, list[np.ndarray]] = {n: [] for n in names}
        iterations = 0
        # Only the gamma columns and the sessions' agreements: filtering every column copies them all.
        narrow = vectors.select(*dict.fromkeys(s.agreement for s in lk.sessions), *[f"gamma_{c.name}" for c in comps])
        for session in lk.sessions:
            subset = narrow.filter(pl.col(session.agreement))
            if subset.height < 50:
                continue
            if subset.height > lk.em_max_pairs:
                subset = subset.sample(lk.em_max_pairs, seed=lk.seed)
            gammas = estimate.gamma_matrix(subset, comps)
            # A comparison this session barely observes is left to the other sessions.
            observed = (gammas >= 0).sum(axis=0) >= lk.em_min_observed
            mask = [n in session.estimates and bool(observed[j]) for j, n in enumerate(names)]
            m, lam, it = estimate.expectation_maximisation(
                gammas, start, u, prior=0.5, estimate=mask,
                max_iterations=lk.settings.em_max_iterations, tolerance=lk.settings.em_tolerance)
            iterations += it
            self.sessions_log.append({"session": session.rule.name, "pairs": subset.height, "lambda": lam,
                                      "estimated": [n for j, n in enumerate(names) if mask[j]]})
            for j, n in enumerate(names):
                # Keep an estimate only where full agreement outweighs disagreement: a session
                # without enough matches converges on some other split of the pairs.
                if mask[j] and m[j][0] / u[j][0] > 1.0 > m[j][-1] / u[j][-1]:
                    estimates[n].append(m[j])
        m_final = [np.mean(estimates[n], axis=0) if estimates[n] else start[j] for j, n in enumerate(names)]
        return m_final, iterations

    def term_frequencies(self, features: pl.DataFrame) -> dict[str, pl.DataFrame]:
        """The term-frequency table of every comparison that adjusts for it."""
        return {c.tf_column: estimate.term_frequencies(features, c.tf_column)
                for c in self._linker.comparisons if c.tf_column}

    def train(self, features: pl.DataFrame, vectors: pl.DataFrame,
              tf: dict[str, pl.DataFrame] | None = None) -> ModelParameters:
        """u, m and λ from the mentions and their compared candidate pairs (``tf`` as ``compare`` used)."""
        lk = self._linker
        u = self.estimate_u(features)
        m, iterations = self.estimate_m(vectors, u)
        tf = self.term_frequencies(features) if tf is None else tf
        params = ModelParameters(lk.comparisons, m, u, lk.settings.prior_match_probability, tf, iterations)
        # λ over all pairs from the candidate pairs' Bayes factors.
        log_bf = scoring.log_bayes_factors(vectors, params)
        params.prior = estimate.global_prior(log_bf, features.height, start=lk.settings.prior_match_probability)
        return params


class _Inference:
    def __init__(self, linker: Linker) -> None:
        self._linker = linker

    def candidate_pairs(self, features: pl.DataFrame, decisions: pl.DataFrame | None = None) -> pl.DataFrame:
        lk = self._linker
        rule_dtype = blocking.rule_names(lk.blocking_rules, REVIEW_DECISION_RULE)
        pairs = blocking.candidate_pairs(features, lk.blocking_rules, rule_dtype=rule_dtype,
                                         keep_distinct_ids_one_in=lk.keep_distinct_id_pairs_one_in)
        if decisions is not None and decisions.height:
            # A reviewer's pair is compared even when no blocking rule finds it.
            extra = scoring.decided_pairs(decisions, features).select(
                "idx_l", "idx_r", pl.lit(REVIEW_DECISION_RULE, dtype=rule_dtype).alias("blocking_rule"))
            pairs = pl.concat([pairs, extra]).unique(["idx_l", "idx_r"], keep="first", maintain_order=True)
        return pairs

    def compare(self, features: pl.DataFrame, pairs: pl.DataFrame,
                tf: dict[str, pl.DataFrame] | None = None) -> pl.DataFrame:
        """Gammas and pair facts of ``pairs`` (``tf``: term-frequency tables; the model's by default)."""
        lk = self._linker
        if tf is None:
            tf = lk.parameters.tf if lk.parameters is not None else lk.training.term_frequencies(features)
        features = scoring.with_term_frequencies(features, tf)
        facts = scoring.pair_facts() | {s.agreement: s.agrees() for s in lk.sessions}
        facts |= {scoring.tf_share_column(column): scoring.tf_share(column) for column in tf}
        columns = [*scoring.PAIR_FACT_COLUMNS, *[k for s in lk.sessions for k in s.rule.keys],
                   *[f"tf_{column}" for column in tf]]
        return compare_pairs(features, pairs, lk.comparisons, columns=columns, facts=facts)

    def predict(self, vectors: pl.DataFrame, params: ModelParameters, features: pl.DataFrame,
                decisions: pl.DataFrame | None = None) -> pl.DataFrame:
        s = self._linker.settings
        scored = scoring.score_pairs(vectors, params)
        name_comp = next((c for c in params.comparisons if c.name == "name"), None)
        else_level = len(name_comp.levels) - 1 if name_comp else 4
        banded = scoring.classify(scored, upper=s.upper_threshold, lower=s.lower_threshold, name_else_level=else_level)
        banded = scoring.hold_ambiguous(banded, features, lower=s.lower_threshold)
        return scoring.apply_decisions(banded, decisions, features)


class _Clustering:
    def __init__(self, linker: Linker) -> None:
        self._linker = linker

    def cluster(self, features: pl.DataFrame, pairs: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        edges = pairs.filter(pl.col("band") == scoring.LINKED).select("idx_l", "idx_r", "match_probability")
        decided = pairs.filter(pl.col("method") == scoring.DECISION)
        cannot = decided.filter(pl.col("band") == scoring.NOT_LINKED).select("idx_l", "idx_r")
        must = decided.filter(pl.col("band") == scoring.LINKED).select("idx_l", "idx_r")
        return clustering.cluster_mentions(features, edges, cannot, must)


class Linker:
    """Record linkage for person mentions (Fellegi–Sunter with EM, safety rules, stable ids)."""

    def __init__(self, settings: LinkageSettings | None = None, *, comparisons: Sequence[Comparison] | None = None,
                 blocking_rules: Sequence[BlockingRule] | None = None,
                 sessions: Sequence[TrainingSession] | None = None, u_sample_pairs: int = 300_000,
                 em_max_pairs: int = 500_000, em_min_observed: int = 30, context_pass: bool = True,
                 seed: int = 42, keep_distinct_id_pairs_one_in: int = 20) -> None:
        self.settings = settings or LinkageSettings()
        self.comparisons = tuple(comparisons or default_comparisons())
        self.blocking_rules = tuple(blocking_rules or blocking.DEFAULT_RULES)
        self.sessions = tuple(sessions or DEFAULT_SESSIONS)
        self.u_sample_pairs = u_sample_pairs
        self.em_max_pairs = em_max_pairs
        self.em_min_observed = em_min_observed
        self.context_pass = context_pass
        self.seed = seed
        # Pairs of two different valid ID numbers are never linked: about 1 in N is made (for EM), the rest never are.
        self.keep_distinct_id_pairs_one_in = keep_distinct_id_pairs_one_in
        self.parameters: ModelParameters | None = None
        self.training = _Training(self)
        self.inference = _Inference(self)
        self.clustering = _Clustering(self)

    def link(self, mentions: pl.DataFrame, *, previous: pl.DataFrame | None = None,
             decisions: pl.DataFrame | None = None, county: str, next_counter: int = 1,
             train: bool = True) -> LinkResult:
        """Resolve every mention to an entity.

        ``previous``: the last run's ``mention_id, entity_id`` (plus ``fingerprint``
        to follow re-ingested records); ``decisions``: reviewers'
        ``fingerprint_l, fingerprint_r, decision``. With ``train=False`` the
        parameters of an earlier ``link`` (or ``self.parameters``) are reused.
        """
        timings: dict[str, float] = {}
        tick = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal tick
            now = time.perf_counter()
            timings[stage] = now - tick
            tick = now

        features = mention_features(mentions)
        lap("standardise")
        scored, clusters, refused = self._pass(features, decisions, train, lap)
        if self.context_pass:
            del scored  # the first pass's pairs: freed before the second pass builds its own
            # Second pass: a parent named only on a newborn's record meets the same parent on
            # the child's other records through the child's *entity* (the newborn has no ID).
            features = with_entity_context(features, clusters)
            scored, clusters, refused = self._pass(features, decisions, False, lap, suffix="_2")
        cluster_frame = features.select("idx", "mention_id", "fingerprint").join(clusters, on="idx")
        assignments, lineage = identities.assign_stable_ids(cluster_frame, previous, county=county,
                                                            next_counter=next_counter)
        used = assignments["entity_id"].str.extract(r"-P(\d{8})$", 1).cast(pl.Int64).max()
        new_counter = max(next_counter, (used or 0) + 1)
        assignments = self._mention_evidence(assignments, scored, features)
        queue = review.review_queue(scored, mentions, self.parameters)
        lap("identities")
        return LinkResult(assignments, queue, scored, lineage, self.parameters, new_counter, features, timings,
                          refused)

    def _pass(self, features: pl.DataFrame, decisions: pl.DataFrame | None, train: bool, lap,  # noqa: ANN001
              suffix: str = "") -> tuple[pl.DataFrame, pl.DataFrame, int]:
        pairs = self.inference.candidate_pairs(features, decisions)
        lap("blocking" + suffix)
        training = train or self.parameters is None
        tf = self.training.term_frequencies(features) if training else self.parameters.tf
        vectors = self.inference.compare(features, pairs, tf)
        lap("compare" + suffix)
        if training:
            self.parameters = self.training.train(features, vectors, tf)
            lap("train" + suffix)
        scored = self.inference.predict(vectors, self.parameters, features, decisions)
        lap("score" + suffix)
        clusters, refused = self.clustering.cluster(features, scored)
        lap("cluster" + suffix)
        return scored, clusters, refused

    @staticmethod
    def _mention_evidence(assignments: pl.DataFrame, scored: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
        """Per mention: the best linked edge inside its entity (probability and method), and flags."""
        linked = scored.filter(pl.col("band") == scoring.LINKED).select("idx_l", "idx_r", "match_probability", "method")
        cluster_of = assignments.select("idx", "cluster")
        # only edges whose ends share the final cluster (refused unions do not count)
        both = linked.join(cluster_of.rename({"idx": "idx_l", "cluster": "c_l"}), on="idx_l") \
            .join(cluster_of.rename({"idx": "idx_r", "cluster": "c_r"}), on="idx_r") \
            .filter(pl.col("c_l") == pl.col("c_r"))
        ends = pl.concat([both.select(pl.col("idx_l").alias("idx"), "match_probability", "method"),
                          both.select(pl.col("idx_r").alias("idx"), "match_probability", "method")])
        best = ends.sort("match_probability", descending=True).unique("idx", keep="first")
        out = assignments.join(best, on="idx", how="left").join(features.select("idx", "id_foreign"), on="idx")
        return out.sort("idx").select(
            "mention_id", "entity_id",
            pl.col("match_probability").fill_null(1.0),
            pl.col("method").cast(pl.Utf8).fill_null(SINGLETON),
            pl.when(pl.col("id_foreign")).then(pl.lit(FOREIGN_ID_FLAG)).alias("flag"),
        )
