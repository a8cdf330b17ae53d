"""``childlink synth``: generate a synthetic county (extracts and ground truth)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from childlink.cli.app import UserError, app, console, user_errors


@app.command(
    "synth",
    help=(
        "生成合成县数据（各部门数据文件及真值），用于演示、测试和性能评估。\n\n"
        "Generate a synthetic county: department extract files with realistic noise, plus ground truth "
        "in truth/ (for the demo, tests and benchmarks)."
    ),
)
def synth(
    out: Path = typer.Option(..., "--out", help="输出目录 / output folder"),
    people: int = typer.Option(3000, "--people", min=50, help="人口数 / number of people"),
    seed: int = typer.Option(1, "--seed", help="随机种子（相同种子生成相同文件）/ random seed (same seed, same files)"),
    as_of: str = typer.Option("2026-09-30", "--as-of", help="比对基准日 YYYY-MM-DD / as-of date"),
    county: str = typer.Option("220183", "--county", help="县级区划代码 / county code (6 digits)"),
    layout: str = typer.Option("mixed", "--layout",
                               help="mixed：CSV/XLSX混合、含标题行和备注；csv：全部为UTF-8 CSV（性能测试）/ "
                                    "mixed CSV+XLSX with titles and notes, or plain UTF-8 CSV (benchmarks)"),
    noise: float = typer.Option(1.0, "--noise", min=0.0, help="噪声强度 / noise level (0 = clean)"),
) -> None:
    from childlink.synth import generate_county

    with user_errors():
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise UserError(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {as_of}") from None
        if not (len(county) == 6 and county.isdigit()):
            raise UserError(f"县级区划代码应为6位数字 / county code must be 6 digits: {county}")
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("构建合成县 / building the county", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=f"写入 / writing {stage}", completed=done, total=total)

            report = generate_county(out, people=people, seed=seed, as_of=day, county=county, noise=noise,
                                     layout=layout, progress=progress)
        table = Table(title=f"合成县 / synthetic county {county} · {people} people · seed {seed}")
        table.add_column("文件 / file")
        table.add_column("行数 / rows", justify="right")
        for name, rows in report.rows.items():
            table.add_row(name, f"{rows:,}")
        console.print(table)
        console.print(f"真值 / truth: {out / 'truth'}   用时 / time: {report.seconds:.1f}s")
