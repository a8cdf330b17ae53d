"""``childlink demo``: the main job on the bundled synthetic county.

Generates the synthetic county (deterministic from the seed) unless it is
already there, then runs the quarterly comparison on the embedded default
store (a SQLite file) and says where the results are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from childlink.cli.app import app, console, user_errors
from childlink.cli.compare import print_outcome
from childlink.cli.ingest import IntakeProgress
from childlink.settings import load_settings

DEMO_AS_OF = date(2026, 9, 30)


@app.command(
    "demo",
    help=(
        "在内置合成县数据上运行季度比对（SQLite，无需服务器）。\n\n"
        "Run the quarterly comparison on the bundled synthetic county (SQLite, no server)."
    ),
)
def demo(
    folder: Path = typer.Option(Path("demo"), "--folder", help="工作目录 / working folder"),
    people: int = typer.Option(3000, "--people", min=200, help="合成县人口数 / people in the synthetic county"),
    seed: int = typer.Option(1, "--seed", help="随机种子 / random seed"),
) -> None:
    from childlink.pipeline import run_comparison
    from childlink.synth import generate_county

    with user_errors():
        folder = folder.resolve()
        extracts = folder / "extracts"
        out = folder / "out"
        settings = load_settings(database_url=f"sqlite:///{folder / 'childlink.db'}")
        settings = settings.with_overrides(store={"data_dir": str(folder / "childlink-data")})
        if not (extracts / "truth").is_dir():
            console.print(f"生成合成县数据 / generating the synthetic county ({people} people, seed {seed}) → {extracts}")
            generate_county(extracts, people=people, seed=seed, as_of=DEMO_AS_OF, county=settings.county.code)
        sensitive = extracts / "sensitive"
        console.print(f"季度比对 / quarterly comparison as of {DEMO_AS_OF} → {out}")
        with IntakeProgress() as progress:
            outcome = run_comparison(
                extracts, out, settings=settings, as_of=DEMO_AS_OF, county=settings.county.code,
                sensitive_dir=sensitive if sensitive.is_dir() else None, progress=progress,
            )
    print_outcome("季度比对 / Quarterly comparison", outcome)
