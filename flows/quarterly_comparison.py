"""Quarterly comparison flow (policy §2.1): intake, linkage, rules, cases, reports.

Scheduled on the 5th of January, April, July and October at 03:00
Asia/Shanghai (prefect.yaml); the as-of date defaults to the last day of the
previous quarter.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from prefect import flow

from childlink.pipeline import JobOutcome
from flows import tasks
from flows.command_line import parse_job_arguments, run_from_command_line
from flows.periods import end_of_previous_quarter, resolve_as_of

JOB = "quarterly-comparison"


@flow(name=JOB, log_prints=True)
def quarterly_comparison(
    extracts_dir: Path,
    out_dir: Path,
    as_of: date | None = None,
    county: str | None = None,
    settings_file: Path | None = None,
    database_url: str | None = None,
    refresh_cache: bool = False,
    sensitive_dir: Path | None = None,
) -> JobOutcome:
    """季度数据比对 / Quarterly comparison of the departments' extracts with the register.

    ``sensitive_dir``: the access-controlled folder of the ``hiv`` source (policy §4).
    """
    as_of = resolve_as_of(as_of, end_of_previous_quarter)
    settings = tasks.job_settings(settings_file, database_url, county)
    compare = tasks.comparison.with_options(refresh_cache=refresh_cache or None)
    outcome = compare(Path(extracts_dir), Path(out_dir), settings, as_of, county,
                      Path(sensitive_dir) if sensitive_dir else None)
    tasks.publish_run_summary(outcome, JOB)
    return outcome


if __name__ == "__main__":
    arguments = parse_job_arguments(
        sys.argv[1:], prog="python -m flows.quarterly_comparison", description=quarterly_comparison.__doc__,
        as_of_help="default: last day of the previous quarter, Asia/Shanghai", sensitive=True,
    )
    sys.exit(run_from_command_line(quarterly_comparison, arguments))
