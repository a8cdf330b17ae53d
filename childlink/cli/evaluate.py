"""``childlink evaluate``: accuracy against ground truth (linkage and flags).

Thin over :mod:`childlink.evaluation`: links the extracts in memory and scores
the entities pairwise; then runs the quarterly comparison in a temporary store
and scores its flags per type. Nothing touches the bureau's own store.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from childlink.cli.app import UserError, app, console, user_errors
from childlink.settings import load_settings


@app.command(
    "evaluate",
    help=(
        "用真实答案评估质量：记录关联（成对精确率、召回率、F1、复核队列、PR曲线）和各类线索的精确率、召回率。\n\n"
        "Evaluate against ground truth: linkage (pairwise precision, recall, F1, review queue, PR curve) "
        "and precision and recall of every flag type."
    ),
)
def evaluate(
    truth: Path = typer.Option(..., "--truth", help="真实答案文件夹 / ground-truth folder (mentions.csv, flags.csv)"),
    extracts: Path | None = typer.Option(
        None, "--extracts", help="部门数据文件夹（默认为真实答案的上级文件夹）/ extracts folder (default: the truth folder's parent)"
    ),
    out: Path = typer.Option(Path("evaluation"), "--out", help="结果文件夹 / output folder"),
    as_of: datetime = typer.Option(
        datetime(2026, 9, 30), "--as-of", formats=["%Y-%m-%d"], help="比对基准日 / as-of date (YYYY-MM-DD)"
    ),
    settings_file: Path | None = typer.Option(None, "--settings", help="县级设置文件 / county settings file (TOML)"),
    linkage_only: bool = typer.Option(False, "--linkage-only", help="只评估记录关联 / score the linkage only"),
) -> None:
    from childlink.evaluation import evaluate_flags, evaluate_linkage

    with user_errors():
        extracts = extracts or truth.parent
        if not (truth / "mentions.csv").is_file():
            raise UserError(f"缺少真实答案文件 / ground truth not found: {truth / 'mentions.csv'}")
        if not extracts.is_dir():
            raise UserError(f"数据文件夹不存在 / extracts folder not found: {extracts}")
        settings = load_settings(settings_file)
        day: date = as_of.date()
        console.print("记录关联评估 / linkage evaluation …")
        linkage = evaluate_linkage(extracts, truth, out, settings=settings, as_of=day)
        _print_linkage(linkage)
        if not linkage_only and (truth / "flags.csv").is_file():
            console.print("线索评估（临时库中运行季度比对）/ flag evaluation (quarterly comparison in a temporary store) …")
            sensitive = extracts / "sensitive"
            scores = evaluate_flags(extracts, truth, out, settings=settings, as_of=day,
                                    sensitive_dir=sensitive if sensitive.is_dir() else None)
            _print_flags(scores)
    console.print(f"[bold green]完成 / Done.[/] 结果在 / results in: {out}")


def _print_linkage(report: dict) -> None:
    table = Table(title="记录关联 / linkage (pairwise)")
    for column in ("precision", "recall", "f1", "mentions", "twins_merged", "review_queue", "review_share"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{report[c]:.5f}" if isinstance(report[c], float) else str(report[c])
                    for c in ("precision", "recall", "f1", "mentions", "twins_merged", "review_queue", "review_share")))
    console.print(table)


def _print_flags(scores) -> None:  # noqa: ANN001
    table = Table(title="线索 / flags")
    for column in scores.columns:
        table.add_column(column, justify="right" if column != "flag" else "left")
    for row in scores.iter_rows():
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
