"""``childlink evaluate-linkage``: score a linkage against a synthetic county's ground truth.

Reads the synthetic folder's extracts (``connectors`` + validation), links
them with ``matching.Linker`` in memory (the store is not touched) and
compares the entities with ``truth/mentions.csv``: pairwise precision,
recall and F1, twins merged, review-queue share, and a precision-recall PNG.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import typer

from childlink.cli.app import UserError, app, console, user_errors
from childlink.settings import load_settings


@app.command(
    "evaluate-linkage",
    help=(
        "用合成县的真实答案评估记录关联质量（精确率、召回率、F1）。\n\n"
        "Evaluate record linkage on a synthetic county against its ground truth (truth/mentions.csv)."
    ),
)
def evaluate_linkage(
    extracts: Path = typer.Option(..., "--extracts", help="合成县文件夹 / synthetic county folder (with truth/)"),
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder (linkage_evaluation.json, pr_curve.png)"),
    settings_file: Path | None = typer.Option(None, "--settings", help="县级设置文件 / county settings file (TOML)"),
) -> None:
    with user_errors():
        truth_file = extracts / "truth" / "mentions.csv"
        if not truth_file.is_file():
            raise UserError(f"缺少真实答案文件 / ground truth not found: {truth_file}")
        settings = load_settings(settings_file)
        report = _evaluate(extracts, out, settings)
    for key, value in report.items():
        console.print(f"  {key}: {value}")
    console.print(f"[bold green]完成 / Done.[/] 结果在 / results in: {out}")


def _evaluate(folder: Path, out: Path, settings) -> dict:  # noqa: ANN001
    from connectors import discover_extracts, read_extract
    from expectations import validate_extract
    from matching import evaluation
    from matching.linker import Linker
    from matching.mentions import person_mentions

    batches = []
    for i, found in enumerate(discover_extracts(folder)):
        if found.source is None:
            continue
        extract = read_extract(found.path, found.source)
        batches.append((i + 1, extract.source, found.path.name, validate_extract(extract, settings).accepted))
    mentions = person_mentions(batches)
    started = time.perf_counter()
    result = Linker(settings.linkage).link(mentions, county=settings.county.code)
    seconds = time.perf_counter() - started

    def key(frame: pl.DataFrame) -> pl.Expr:
        return pl.concat_str(["source_file", pl.col("row").cast(pl.Utf8), "role"], separator=":").alias("key")

    truth = pl.read_csv(folder / "truth" / "mentions.csv")
    truth = truth.select(key(truth), "person_id")
    predicted = mentions.select("mention_id", key(mentions)).join(result.assignments, on="mention_id")
    scores = evaluation.pairwise_scores(predicted, truth)
    persons_file = folder / "truth" / "persons.csv"
    twins = evaluation.twins_merged(predicted, truth, pl.read_csv(persons_file)) if persons_file.is_file() else None
    linked = result.assignments.filter(pl.col("method") != "singleton").height
    curve = evaluation.precision_recall_curve(
        result.pairs.select("mention_id_l", "mention_id_r", "match_probability"),
        predicted.select(pl.col("mention_id"), pl.col("key")).join(truth, on="key").select("mention_id", "person_id"))
    out.mkdir(parents=True, exist_ok=True)
    evaluation.plot_precision_recall(curve, out / "pr_curve.png")
    report = scores.as_dict() | {
        "mentions": mentions.height, "twins_merged": twins, "review_queue": result.review_queue.height,
        "review_share": round(evaluation.review_share(result.review_queue, linked), 5),
        "link_seconds": round(seconds, 2),
    }
    (out / "linkage_evaluation.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report
