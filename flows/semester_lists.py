"""Semester lists flow (policy §2.5): school-age orphans and de facto unsupported
children for the education bureau.

Scheduled on the dates of setting ``semester_list_dates`` (default 15 February
and 15 August) at 03:00 Asia/Shanghai (prefect.yaml); the as-of date defaults
to the run date.
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

JOB = "semester-lists"


@flow(name=JOB, log_prints=True)
def semester_lists(
    out_dir: Path,
    as_of: date | None = None,
    county: str | None = None,
    settings_file: Path | None = None,
    database_url: str | None = None,
    refresh_cache: bool = False,
) -> JobOutcome:
    """学期前学龄儿童名单 / School-age lists for the education bureau before each semester."""
    as_of = resolve_as_of(as_of, same_day)
    settings = tasks.job_settings(settings_file, database_url, county)
    # refresh_cache is accepted for a uniform command line; the list reads the store and is never cached.
    outcome = tasks.school_list(Path(out_dir), settings, as_of, county)
    tasks.publish_run_summary(outcome, JOB)
    return outcome


if __name__ == "__main__":
    arguments = parse_job_arguments(
        sys.argv[1:], prog="python -m flows.semester_lists", description=semester_lists.__doc__,
        extracts=False, as_of_help="default: today, Asia/Shanghai",
    )
    sys.exit(run_from_command_line(semester_lists, arguments))
