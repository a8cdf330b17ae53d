"""Cache keys and retry conditions of the flows' tasks.

A job over an extract folder is keyed by what it reads and how: the
checksums of every file in the folder, the settings, the as-of date, the
county and the output folder. The same key means the same work, so a re-run
(after a later task failed, or a manual re-trigger) reuses the result instead
of loading the extracts into the store twice; one changed byte in one file
changes the key.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from childlink.reports.run_summary import folder_checksums
from childlink.settings import Settings

# Exceptions worth retrying: the network, the database server, a file share
# that is briefly away. A missing folder or a permission error will not fix
# itself in a minute, and neither will a bug.
_PERMANENT_OS_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)


def job_cache_key(job: str, parameters: Mapping[str, Any]) -> str:
    """SHA-256 over the job name, the extract folder's file checksums, the settings,
    the as-of date, the county and the output folder (whichever are given)."""
    document: dict[str, Any] = {"job": job}
    extracts = parameters.get("extracts_dir")
    if extracts is not None:
        document["inputs"] = folder_checksums(Path(extracts))
    sensitive = parameters.get("sensitive_dir")
    if sensitive is not None:
        document["sensitive_inputs"] = folder_checksums(Path(sensitive))
    settings = parameters.get("settings")
    if isinstance(settings, Settings):
        document["settings"] = settings.model_dump(mode="json")
    elif settings is not None:
        document["settings"] = settings
    for name in ("as_of", "county", "out_dir"):
        value = parameters.get(name)
        if isinstance(value, Path):
            value = str(value.resolve())
        elif isinstance(value, date):
            value = value.isoformat()
        document[name] = value
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extract_cache_key(context: Any, parameters: dict[str, Any]) -> str:
    """Prefect ``cache_key_fn``: :func:`job_cache_key` under the task's name."""
    return job_cache_key(context.task.name, parameters)


def is_transient_io_error(exc: BaseException | None) -> bool:
    """True for errors a retry may cure: OS and network I/O, lost database connections."""
    if exc is None:
        return False
    if isinstance(exc, _PERMANENT_OS_ERRORS):
        return False
    if isinstance(exc, (OSError, TimeoutError, ConnectionError)):
        return True
    try:
        from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return False
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(getattr(exc, "connection_invalidated", False))


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only :func:`is_transient_io_error` failures."""
    data = getattr(state, "data", None)
    exc = data if isinstance(data, BaseException) else None
    if exc is None:
        try:
            result = state.result(raise_on_failure=False)
        except Exception as error:  # the stored result itself may be unreadable
            result = error
        exc = result if isinstance(result, BaseException) else None
    return is_transient_io_error(exc)
