"""Run a flow from the command line, no server needed: ``python -m flows.<name> --help``.

Without ``PREFECT_API_URL`` Prefect starts a temporary local server for the
run (10–20 s); with it, the run is recorded on that server.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Sequence

from childlink.pipeline import JobOutcome


def parse_job_arguments(
    argv: Sequence[str] | None, *, prog: str, description: str, extracts: bool = True, as_of_help: str = "",
    sensitive: bool = False,
) -> dict[str, Any]:
    """The flows' common parameters as keyword arguments of the flow function."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    if extracts:
        parser.add_argument("--extracts", dest="extracts_dir", type=Path, required=True, help="部门数据文件夹 / extracts folder")
    if sensitive:
        parser.add_argument("--sensitive", dest="sensitive_dir", type=Path, default=None,
                            help="敏感数据文件夹（HIV，需授权）/ access-controlled folder of the hiv source")
    parser.add_argument("--out", dest="out_dir", type=Path, required=True, help="结果文件夹 / output folder")
    parser.add_argument("--as-of", dest="as_of", default=None, help=f"基准日 YYYY-MM-DD / as-of date ({as_of_help})")
    parser.add_argument("--county", default=None, help="县级区划代码 / county code (default: settings)")
    parser.add_argument("--settings", dest="settings_file", type=Path, default=None, help="县级设置文件 / settings file")
    parser.add_argument("--db", dest="database_url", default=None, help="数据库地址 / database URL")
    parser.add_argument(
        "--refresh-cache", dest="refresh_cache", action="store_true", help="忽略缓存重新运行 / ignore cached results"
    )
    return vars(parser.parse_args(argv))


def run_from_command_line(flow: Callable[..., JobOutcome], arguments: dict[str, Any]) -> int:
    """Run the flow with the parsed arguments and print where its files are."""
    outcome = flow(**arguments)
    print(f"run {outcome.run_id} → {outcome.out_dir}")
    for name, path in sorted(outcome.files.items()):
        print(f"  {name:<20} {path}")
    return 0
