"""``childlink ingest``: load and validate a folder of department extracts.

A thin layer over :func:`childlink.intake.ingest_folder`: progress bars over
files (and over the rows of long files), then a table per file, the totals
and where the results are. Rejected files are results, not errors: the
command exits 0 whenever it ran, 2 on a user error (missing folder, bad
option, unusable database URL).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from childlink.cli.app import UserError, app, console, user_errors
from childlink.settings import load_settings

STATUS_ZH = {"accepted": "[green]已导入[/]", "rejected": "[red]已拒收[/]", "skipped": "[yellow]已跳过[/]"}


@app.command(
    "ingest",
    help="导入部门数据并校验 / Load and validate department extracts.",
)
def ingest(
    extracts: Path = typer.Option(..., "--extracts", help="部门数据文件夹 / folder of extract files"),
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder (intake.csv, quarantine.csv, validation/)"),
    db: str | None = typer.Option(
        None, "--db", help="数据库地址 / database URL (default: settings, or CHILDLINK_DATABASE_URL)"
    ),
    settings_file: Path | None = typer.Option(None, "--settings", help="县级设置文件 / county settings file (TOML)"),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="比对基准日 / as-of date (YYYY-MM-DD)"
    ),
) -> None:
    with user_errors():
        if not extracts.is_dir():
            raise UserError(f"数据文件夹不存在 / extracts folder not found: {extracts}")
        settings = load_settings(settings_file, database_url=db)
        store = _open_store(settings)
        from childlink.intake import ingest_folder

        try:
            with IntakeProgress() as progress:
                result = ingest_folder(
                    extracts,
                    out,
                    settings=settings,
                    store=store,
                    as_of=as_of.date() if as_of else None,
                    progress=progress,
                )
        finally:
            store.close()
    _print_results(result)


def _open_store(settings):
    from childlink.store import StoreError, store_from_settings

    try:
        return store_from_settings(settings)
    except StoreError as exc:
        raise UserError(f"无法打开数据库 / cannot open the store: {exc}") from exc


class IntakeProgress:
    """Rich bars driven by ingest_folder's progress events."""

    def __init__(self) -> None:
        self._bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._files: Any = None
        self._rows: Any = None

    def __enter__(self) -> IntakeProgress:
        self._bars.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._bars.__exit__(*exc)

    def __call__(self, event: str, **details: Any) -> None:
        bars = self._bars
        if event == "files":
            self._files = bars.add_task("文件 / files", total=details["total"])
        elif event == "file":
            if self._rows is not None:
                bars.remove_task(self._rows)
            self._rows = bars.add_task(f"  {details['name']}", total=None)
        elif event == "rows" and self._rows is not None:
            bars.update(self._rows, total=details["total"])
        elif event == "advance" and self._rows is not None:
            bars.advance(self._rows, details["rows"])
        elif event == "done":
            if self._rows is not None:
                bars.remove_task(self._rows)
                self._rows = None
            bars.advance(self._files)


def _print_results(result) -> None:
    table = Table(title=f"导入结果 / Intake results（运行 {result.run_id}）")
    table.add_column("文件 / file", no_wrap=True)
    table.add_column("状态 / status", no_wrap=True)
    for header in ("读取 / read", "通过 / accepted", "隔离 / quarantined"):
        table.add_column(header, justify="right")
    for r in result.files:
        table.add_row(
            r.source_file,
            STATUS_ZH.get(r.status, r.status),
            str(r.rows_read),
            str(r.rows_accepted),
            str(r.rows_quarantined),
        )
    console.print(table)
    # Messages under the table: they are long sentences and would be folded to pieces in a column.
    for r in result.files:
        if r.message:
            console.print(f"• {r.source_file}：{r.message}", soft_wrap=True, highlight=False)
    s = result.summary
    check = "[green]✓[/]" if s["reconciled"] else "[red]✗[/]"
    console.print(
        f"合计 / totals: {s['files']} 个文件（导入 {s['accepted']}，拒收 {s['rejected']}，跳过 {s['skipped']}）；"
        f"读取 {s['rows_read']} 行 = 通过 {s['rows_accepted']} + 隔离 {s['rows_quarantined']} {check}",
        soft_wrap=True,
    )
    console.print(f"结果 / results: {result.intake_csv}", soft_wrap=True, highlight=False)
    console.print(f"  隔离明细 / quarantine: {result.quarantine_csv}", soft_wrap=True, highlight=False)
    console.print(f"  校验报告 / validation reports: {result.validation_dir}", soft_wrap=True, highlight=False)
