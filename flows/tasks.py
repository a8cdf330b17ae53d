"""The flows' tasks: each calls one library function.

Jobs that read an extract folder are cached by :func:`flows.caching.extract_cache_key`
(file checksums + settings + as-of date + county + output folder) for a day,
and every job that touches files or the store retries transient I/O errors.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from childlink import pipeline
from childlink.pipeline import JobOutcome
from childlink.settings import Settings, load_settings
from flows.artifacts import summary_artifacts
from flows.caching import extract_cache_key, retry_on_io_error

# A cached job result is reused for a day: long enough to re-run a failed
# flow, short enough that the next scheduled run does the work again.
CACHE_EXPIRATION = timedelta(days=1)
# Extract folders on a file share and the database server may be briefly away.
IO_RETRIES = {"retries": 2, "retry_delay_seconds": [30, 120], "retry_condition_fn": retry_on_io_error}
CACHED = {"cache_key_fn": extract_cache_key, "cache_expiration": CACHE_EXPIRATION, "persist_result": True}


def job_settings(settings_file: str | Path | None, database_url: str | None, county: str | None) -> Settings:
    """The settings a flow run uses: defaults, the county file, the environment, then the flow's parameters."""
    settings = load_settings(settings_file, database_url=database_url)
    return settings.with_overrides(county={"code": county}) if county else settings


@task(name="intake", **CACHED, **IO_RETRIES)
def intake(extracts_dir: Path, out_dir: Path, settings: Settings, as_of: date | None = None) -> JobOutcome:
    """Read, validate and store a folder of extracts (:func:`childlink.pipeline.run_intake`)."""
    return pipeline.run_intake(extracts_dir, out_dir, settings=settings, as_of=as_of)


@task(name="linkage", **IO_RETRIES)
def linkage(out_dir: Path, settings: Settings, county: str | None = None) -> JobOutcome:
    """Link the store's current records (:func:`childlink.pipeline.run_linkage`).

    Not cached: people's review decisions change the links between runs.
    """
    return pipeline.run_linkage(out_dir, settings=settings, county=county)


@task(name="comparison", **CACHED, **IO_RETRIES)
def comparison(
    extracts_dir: Path, out_dir: Path, settings: Settings, as_of: date, county: str | None = None,
    sensitive_dir: Path | None = None,
) -> JobOutcome:
    """The quarterly comparison (:func:`childlink.pipeline.run_comparison`)."""
    return pipeline.run_comparison(
        extracts_dir, out_dir, settings=settings, as_of=as_of, county=county, sensitive_dir=sensitive_dir
    )


@task(name="flow-children", **CACHED, **IO_RETRIES)
def flow_children(
    extracts_dir: Path, out_dir: Path, settings: Settings, as_of: date, county: str | None = None
) -> JobOutcome:
    """The half-yearly flow-children run (:func:`childlink.pipeline.run_flow_children`)."""
    return pipeline.run_flow_children(extracts_dir, out_dir, settings=settings, as_of=as_of, county=county)


@task(name="school-list", **IO_RETRIES)
def school_list(out_dir: Path, settings: Settings, as_of: date, county: str | None = None) -> JobOutcome:
    """The education bureau's list (:func:`childlink.pipeline.run_school_list`); reads the store, so not cached."""
    return pipeline.run_school_list(out_dir, settings=settings, as_of=as_of, county=county)


@task(name="publish-run-summary")
def publish_run_summary(outcome: JobOutcome, job: str) -> list[str]:
    """Publish the outcome's summary as Prefect artifacts; returns their keys."""
    keys = []
    for spec in summary_artifacts(job, outcome.summary, outcome.files):
        if spec.kind == "table":
            create_table_artifact(spec.content, key=spec.key, description=spec.description)
        else:
            create_markdown_artifact(spec.content, key=spec.key, description=spec.description)
        keys.append(spec.key)
    return keys
