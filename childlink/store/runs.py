"""Runs: one row per job run, started before the work and finished after it."""

from __future__ import annotations

from datetime import date, datetime
from importlib import metadata
from typing import Any

from sqlalchemy import select, update

from childlink.store.engine import Store, StoreError
from childlink.store.ids import new_run_id
from childlink.store.models import RUN_KINDS, RUN_STATUSES, Run, utc_now


def installed_version() -> str | None:
    """The installed childlink version, recorded with each run."""
    try:
        return metadata.version("childlink")
    except metadata.PackageNotFoundError:
        return None


def start_run(
    store: Store,
    *,
    kind: str,
    county: str,
    as_of: date | None = None,
    settings: Any = None,
    code_version: str | None = None,
    run_id: str | None = None,
    started_at: datetime | None = None,
) -> str:
    """Record a run as running and return its id (a new one unless ``run_id`` is given).

    ``settings`` may be the typed ``Settings`` (stored as its JSON dump) or a dict.
    """
    if kind not in RUN_KINDS:
        raise ValueError(f"run kind must be one of {', '.join(RUN_KINDS)}, got {kind!r}")
    if hasattr(settings, "model_dump"):
        settings = settings.model_dump(mode="json")
    run_id = run_id or new_run_id(county, at=started_at)
    with store.begin() as connection:
        connection.execute(
            Run.__table__.insert().values(
                run_id=run_id,
                kind=kind,
                county=county,
                as_of=as_of,
                started_at=started_at or utc_now(),
                status="running",
                settings=settings,
                code_version=code_version or installed_version(),
            )
        )
    return run_id


def finish_run(store: Store, *, run_id: str, status: str = "succeeded", summary: dict[str, Any] | None = None) -> None:
    """Mark a run finished ('succeeded' or 'failed') with its summary."""
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"a run finishes as 'succeeded' or 'failed', got {status!r}")
    with store.begin() as connection:
        result = connection.execute(
            update(Run).where(Run.run_id == run_id).values(finished_at=utc_now(), status=status, summary=summary)
        )
        if result.rowcount == 0:
            raise StoreError(f"no such run: {run_id}")


def get_run(store: Store, *, run_id: str) -> dict[str, Any] | None:
    """The run's row as a dict, or None."""
    with store.engine.connect() as connection:
        row = connection.execute(select(Run.__table__).where(Run.run_id == run_id)).mappings().first()
    return dict(row) if row else None


def run_county(connection: Any, run_id: str) -> str:
    """The county of a run, or a clear error when the run does not exist."""
    county = connection.execute(select(Run.county).where(Run.run_id == run_id)).scalar_one_or_none()
    if county is None:
        raise StoreError(f"no such run: {run_id} (start_run first)")
    return county
