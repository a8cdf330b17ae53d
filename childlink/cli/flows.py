"""``childlink flows serve``: run the scheduled jobs without a work pool or worker.

Serves the deployments of prefect.yaml (same flows, parameters and
schedules) in this process; needs a Prefect server (PREFECT_API_URL) to
record and trigger the runs. See docs/prefect.md for the worker setup.
"""

from __future__ import annotations

from pathlib import Path

import typer

from childlink.cli.app import app, console, user_errors

flows_app = typer.Typer(
    help="定时任务（Prefect）/ Scheduled jobs (Prefect flows).",
    no_args_is_help=True,
)
app.add_typer(flows_app, name="flows")


@flows_app.command(
    "list",
    help="列出 prefect.yaml 中的定时任务 / List the deployments and schedules of prefect.yaml.",
)
def list_deployments(
    prefect_yaml: Path = typer.Option(Path("prefect.yaml"), "--prefect-yaml", help="部署文件 / deployment file"),
) -> None:
    from flows.deployments import load_deployment_specs

    with user_errors():
        specs = load_deployment_specs(prefect_yaml)
    for spec in specs:
        schedules = "; ".join(f"{cron} ({tz})" for cron, tz in spec.schedules) or "—"
        console.print(f"[bold]{spec.name}[/]  {spec.entrypoint}  {schedules}")


@flows_app.command(
    "serve",
    help=(
        "在本进程中按计划运行全部任务（无需工作池）。\n\n"
        "Serve every deployment of prefect.yaml on its schedule in this process (no work pool needed)."
    ),
)
def serve(
    prefect_yaml: Path = typer.Option(Path("prefect.yaml"), "--prefect-yaml", help="部署文件 / deployment file"),
    db: str | None = typer.Option(None, "--db", help="数据库地址 / database URL passed to every flow"),
    settings_file: Path | None = typer.Option(None, "--settings", help="县级设置文件 / county settings file (TOML)"),
) -> None:
    from flows.deployments import load_deployment_specs, serve_deployments

    with user_errors():
        specs = load_deployment_specs(prefect_yaml)
        overrides = {"database_url": db, "settings_file": str(settings_file.resolve()) if settings_file else None}
    console.print(f"serving {len(specs)} deployments from {prefect_yaml} (Ctrl+C to stop)")
    serve_deployments(specs, overrides=overrides)
