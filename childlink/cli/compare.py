"""``childlink compare``, ``childlink flow-children``, ``childlink school-list``.

Thin commands over :mod:`childlink.pipeline` (the same job functions the
scheduled flows call): options in, one job function call, then a table of
flag counts and the list of files written.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import typer
from rich.table import Table

from childlink import pipeline
from childlink.cli.ingest import IntakeProgress
from childlink.cli.app import UserError, app, console, user_errors
from childlink.reports.run_summary import flag_count_rows, summary_totals
from childlink.settings import Settings, load_settings

_DB_HELP = "数据库地址 / database URL (default: settings, or CHILDLINK_DATABASE_URL)"
_SETTINGS_HELP = "县级设置文件 / county settings file (TOML)"
_AS_OF_HELP = "比对基准日 / as-of date (YYYY-MM-DD)"


@app.command(
    "compare",
    help=(
        "季度数据比对：导入、关联、资格判定、生成线索与报表。\n\n"
        "Quarterly comparison (policy §2.1): intake, linkage, eligibility, flags, cases and reports."
    ),
)
def compare(
    extracts: Path = typer.Option(..., "--extracts", help="部门数据文件夹 / folder of extract files"),
    as_of: datetime = typer.Option(..., "--as-of", formats=["%Y-%m-%d"], help=_AS_OF_HELP),
    county: str = typer.Option(..., "--county", help="县级区划代码 / county code (6 digits)"),
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder (flags.csv, flags.xlsx, run_summary.json)"),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    settings_file: Path | None = typer.Option(None, "--settings", help=_SETTINGS_HELP),
    sensitive: Path | None = typer.Option(
        None, "--sensitive", help="敏感数据文件夹（HIV等，需授权）/ access-controlled folder of sensitive sources (hiv)"
    ),
) -> None:
    with user_errors():
        _require_folder(extracts)
        if sensitive is not None:
            _require_folder(sensitive)
        settings = _settings(settings_file, db, county)
        with IntakeProgress() as progress:
            outcome = pipeline.run_comparison(
                extracts, out, settings=settings, as_of=as_of.date(), county=county, sensitive_dir=sensitive,
                progress=progress,
            )
    print_outcome("季度比对 / Quarterly comparison", outcome)


@app.command(
    "flow-children",
    help=(
        "流动儿童半年比对：建立台账、按定义筛查、核查孤儿和事实无人抚养儿童。\n\n"
        "Half-yearly flow-children comparison (policy §2.4): ledger, §1.5 screen, checks."
    ),
)
def flow_children(
    extracts: Path = typer.Option(..., "--extracts", help="部门数据文件夹 / folder of extract files"),
    as_of: datetime = typer.Option(..., "--as-of", formats=["%Y-%m-%d"], help=_AS_OF_HELP),
    county: str = typer.Option(..., "--county", help="县级区划代码 / county code (6 digits)"),
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder"),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    settings_file: Path | None = typer.Option(None, "--settings", help=_SETTINGS_HELP),
) -> None:
    with user_errors():
        _require_folder(extracts)
        settings = _settings(settings_file, db, county)
        outcome = pipeline.run_flow_children(extracts, out, settings=settings, as_of=as_of.date(), county=county)
    print_outcome("流动儿童比对 / Flow children", outcome)


@app.command(
    "school-list",
    help=(
        "生成送教育部门的学龄孤儿和事实无人抚养儿童名单（不含HIV等敏感信息）。\n\n"
        "School-age orphans and de facto unsupported children for the education bureau (policy §2.5)."
    ),
)
def school_list(
    as_of: datetime = typer.Option(..., "--as-of", formats=["%Y-%m-%d"], help=_AS_OF_HELP),
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder"),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    county: str | None = typer.Option(None, "--county", help="县级区划代码 / county code (default: settings)"),
    settings_file: Path | None = typer.Option(None, "--settings", help=_SETTINGS_HELP),
) -> None:
    with user_errors():
        settings = _settings(settings_file, db, county)
        outcome = pipeline.run_school_list(out, settings=settings, as_of=as_of.date(), county=county)
    print_outcome("学龄儿童名单 / School list", outcome)


def _require_folder(extracts: Path) -> None:
    if not extracts.is_dir():
        raise UserError(f"数据文件夹不存在 / extracts folder not found: {extracts}")


def _settings(settings_file: Path | None, db: str | None, county: str | None) -> Settings:
    settings = load_settings(settings_file, database_url=db)
    # An invalid code raises a pydantic ValidationError (a ValueError): a clean message.
    return settings.with_overrides(county={"code": county}) if county else settings


def print_outcome(title: str, outcome: pipeline.JobOutcome) -> None:
    summary: Mapping[str, Any] = outcome.summary or {}
    if isinstance(summary.get("flags"), Mapping) and summary["flags"]:
        table = Table(title=f"{title}（运行 {outcome.run_id}）")
        table.add_column("线索类型 / flag", justify="left")
        table.add_column("代码 / code", justify="left")
        table.add_column("数量 / count", justify="right")
        rows = flag_count_rows(summary)
        for row in rows[:-1]:
            table.add_row(row["线索类型"], row["flag"], str(row["count"]))
        table.add_section()
        table.add_row("[bold]合计 / total[/]", "", f"[bold]{rows[-1]['count']}[/]")
        console.print(table)
    else:
        console.print(f"{title}（运行 {outcome.run_id}）")
    for key, value in summary_totals(summary).items():
        console.print(f"  {key}: {value}")
    console.print(f"[bold green]完成 / Done.[/] 结果在 / results in: {outcome.out_dir}")
    for name, path in sorted(outcome.files.items()):
        console.print(f"  {name:<20} {path}")
