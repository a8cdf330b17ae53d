"""``childlink link``: resolve every person mention in the store to a stable entity.

A thin layer over :func:`childlink.pipeline.run_linkage` (links.csv,
review_queue.csv); the linkage itself is ``matching.Linker``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from childlink import pipeline
from childlink.cli.app import app, console, user_errors
from childlink.settings import load_settings


@app.command(
    "link",
    help=(
        "记录关联：把库中各部门数据里的每个人关联到唯一的人员编号，生成待人工确认的疑似匹配。\n\n"
        "Record linkage: every person in the stored extracts gets a stable entity id; "
        "uncertain pairs go to the review queue."
    ),
)
def link(
    out: Path = typer.Option(..., "--out", help="结果文件夹 / output folder (links.csv, review_queue.csv)"),
    county: str | None = typer.Option(None, "--county", help="县级区划代码 / county code (6 digits)"),
    db: str | None = typer.Option(None, "--db", help="数据库地址 / database URL (default: settings, or CHILDLINK_DATABASE_URL)"),
    settings_file: Path | None = typer.Option(None, "--settings", help="县级设置文件 / county settings file (TOML)"),
) -> None:
    with user_errors():
        settings = load_settings(settings_file, database_url=db)
        if county:
            settings = settings.with_overrides(county={"code": county})
        outcome = pipeline.run_linkage(out, settings=settings, county=county)
    console.print(f"记录关联 / Record linkage（运行 {outcome.run_id}）")
    for key, value in (outcome.summary or {}).items():
        if key != "timings":
            console.print(f"  {key}: {value}")
    console.print(f"[bold green]完成 / Done.[/] 结果在 / results in: {outcome.out_dir}")
    for name, path in sorted(outcome.files.items()):
        console.print(f"  {name:<20} {path}")
