"""Nightly flow: load the day's extracts into the store, then link every record.

Scheduled at 02:00 Asia/Shanghai (prefect.yaml). Intake is cached by the
extract folder's checksums, so a night with no new files does not load them
again; linkage always runs, because review decisions change links.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from prefect import flow

from childlink.pipeline import JobOutcome
from flows import tasks
from flows.command_line import parse_job_arguments, run_from_command_line
from flows.periods import resolve_as_of, same_day

JOB = "intake-and-link"


@flow(name=JOB, log_prints=True)
def intake_and_link(
    extracts_dir: Path,
    out_dir: Path,
    as_of: date | None = None,
    county: str | None = None,
    settings_file: Path | None = None,
    database_url: str | None = None,
    refresh_cache: bool = False,
) -> JobOutcome:
    """每日导入与关联 / Nightly intake and linkage."""
    as_of = resolve_as_of(as_of, same_day)
    settings = tasks.job_settings(settings_file, database_url, county)
    out_dir = Path(out_dir)
    load = tasks.intake.with_options(refresh_cache=refresh_cache or None)
    intake = load(Path(extracts_dir), out_dir / "intake", settings, as_of)
    tasks.publish_run_summary(intake, f"{JOB}-intake")
    # Called after intake returns, so linkage sees the rows intake stored.
    linked = tasks.linkage(out_dir / "linkage", settings, county)
    tasks.publish_run_summary(linked, f"{JOB}-linkage")
    return linked


if __name__ == "__main__":
    arguments = parse_job_arguments(
        sys.argv[1:], prog="python -m flows.intake_and_link", description=intake_and_link.__doc__,
        as_of_help="default: today, Asia/Shanghai",
    )
    sys.exit(run_from_command_line(intake_and_link, arguments))
