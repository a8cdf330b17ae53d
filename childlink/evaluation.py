"""Accuracy against ground truth: linkage (pairwise) and flags (per type).

Ground truth is a folder such as a synthetic county's ``truth/``:
``mentions.csv`` (``source_file, row, role, person_id`` for every person a
data row names), optionally ``persons.csv`` (twins) and ``flags.csv``
(``flag, id_number, category``). Any labelled data in that shape can be
scored, e.g. a sample the bureau has checked by hand.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from childlink.settings import Settings

LINKAGE_JSON = "linkage_evaluation.json"
FLAGS_CSV = "flag_evaluation.csv"
PR_CURVE_PNG = "pr_curve.png"
PR_CURVE_CSV = "pr_curve.csv"


@dataclass
class EvaluationReport:
    linkage: dict[str, Any]
    flags: pl.DataFrame | None
    files: dict[str, Path]


def _accepted_batches(extracts: Path, settings: Settings, as_of: date | None) -> list[tuple[int, str, str, pl.DataFrame]]:
    from connectors import discover_extracts, read_extract
    from expectations import validate_extract

    batches = []
    for number, found in enumerate(discover_extracts(extracts), start=1):
        if found.source is None or found.rejection is not None:
            continue
        extract = read_extract(found.path, found.source, manifest_entry=found.manifest_entry, as_of=as_of)
        batches.append((number, extract.source, found.path.name, validate_extract(extract, settings).accepted))
    return batches


def evaluate_linkage(extracts: Path, truth_dir: Path, out_dir: Path, *, settings: Settings,
                     as_of: date | None = None) -> dict[str, Any]:
    """Link the extracts in memory and score the entities against ``truth_dir/mentions.csv``.

    Returns pairwise precision, recall and F1 (from cluster contingency counts),
    twins merged, the review queue (size and share of linked records) and
    writes ``linkage_evaluation.json`` and the precision–recall curve over the
    threshold (``pr_curve.png``, ``pr_curve.csv``) into ``out_dir``.
    """
    from matching import evaluation
    from matching.linker import Linker
    from matching.mentions import person_mentions

    mentions = person_mentions(_accepted_batches(extracts, settings, as_of))
    started = time.perf_counter()
    result = Linker(settings.linkage).link(mentions, county=settings.county.code)
    seconds = time.perf_counter() - started

    key = pl.concat_str(["source_file", pl.col("row").cast(pl.Utf8), "role"], separator=":").alias("key")
    truth = pl.read_csv(truth_dir / "mentions.csv", infer_schema_length=0).select(key, "person_id")
    predicted = mentions.select("mention_id", key).join(result.assignments, on="mention_id")
    scores = evaluation.pairwise_scores(predicted, truth)
    persons_file = truth_dir / "persons.csv"
    twins = (
        evaluation.twins_merged(predicted, truth, pl.read_csv(persons_file, infer_schema_length=0))
        if persons_file.is_file() else None
    )
    linked = result.assignments.filter(pl.col("method") != "singleton").height
    curve = evaluation.precision_recall_curve(
        result.pairs_with("mention_id").select("mention_id_l", "mention_id_r", "match_probability"),
        predicted.select("mention_id", "key").join(truth, on="key").select("mention_id", "person_id"),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluation.plot_precision_recall(curve, out_dir / PR_CURVE_PNG)
    curve.write_csv(out_dir / PR_CURVE_CSV)  # the same curve as numbers, to read a threshold off
    report = scores.as_dict() | {
        "mentions": mentions.height,
        "entities": result.assignments["entity_id"].n_unique(),
        "twins_merged": twins,
        "review_queue": result.review_queue.height,
        "review_share": round(evaluation.review_share(result.review_queue, linked), 5),
        "upper_threshold": settings.linkage.upper_threshold,
        "lower_threshold": settings.linkage.lower_threshold,
        "link_seconds": round(seconds, 2),
    }
    (out_dir / LINKAGE_JSON).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def evaluate_flags(extracts: Path, truth_dir: Path, out_dir: Path, *, settings: Settings, as_of: date,
                   county: str | None = None, sensitive_dir: Path | None = None) -> pl.DataFrame:
    """Run the quarterly comparison on the extracts (in a temporary store) and score its flags.

    Writes ``flag_evaluation.csv`` (per flag type: true positives, raised,
    expected, precision, recall) and the run's own files under
    ``out_dir/comparison``; returns the scores.
    """
    from childlink.pipeline import run_comparison
    from childlink.rules.evaluation import flag_scores

    with tempfile.TemporaryDirectory(prefix="childlink-eval-") as work:
        scratch = settings.with_overrides(
            store={"database_url": f"sqlite:///{Path(work) / 'store.db'}", "data_dir": str(Path(work) / "data")}
        )
        outcome = run_comparison(extracts, out_dir / "comparison", settings=scratch, as_of=as_of, county=county,
                                 sensitive_dir=sensitive_dir)
    raised = pl.read_csv(outcome.files["flags.csv"], infer_schema_length=0)
    truth = pl.read_csv(truth_dir / "flags.csv", infer_schema_length=0)
    scores = flag_scores(raised, truth)
    scores.write_csv(out_dir / FLAGS_CSV)
    return scores
