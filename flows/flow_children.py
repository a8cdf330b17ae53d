"""Half-yearly flow-children flow (policy §2.4): ledger, §1.5 screen, checks.

Scheduled on 10 January and 10 July at 03:00 Asia/Shanghai (prefect.yaml);
the as-of date defaults to the last day of the previous half-year.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from prefect import flow

from childlink.pipeline import JobOutcome
from flows import tasks
from flows.command_line import parse_job_arguments, run_from_command_line
from flows.periods import end_of_previous_half_year, resolve_as_of

JOB = "flow-children"


@flow(name=JOB, log_prints=True)
def flow_children(
    extracts_dir: Path,
    out_dir: Path,
    as_of: date | None = None,
    county: str | None = None,
    settings_file: Path | None = None,
    database_url: str | None = None,
    refresh_cache: bool = False,
) -> JobOutcome:
    """流动儿童半年比对 / Half-yearly flow-children comparison."""
    as_of = resolve_as_of(as_of, end_of_previous_half_year)
    settings = tasks.job_settings(settings_file, database_url, county)
    run = tasks.flow_children.with_options(refresh_cache=refresh_cache or None)
    outcome = run(Path(extracts_dir), Path(out_dir), settings, as_of, county)
    tasks.publish_run_summary(outcome, JOB)
    return outcome


if __name__ == "__main__":
    arguments = parse_job_arguments(
        sys.argv[1:], prog="python -m flows.flow_children", description=flow_children.__doc__,
        as_of_help="default: last day of the previous half-year, Asia/Shanghai",
    )
    sys.exit(run_from_command_line(flow_children, arguments))
