"""Accepted rows of a batch as Parquet under the store's data folder.

One file per batch, ``records/<source>/<batch_id>.parquet``; the batch row
keeps the path relative to the data folder, so the folder can be moved or
mounted elsewhere (a shared volume for a distributed run) with the database.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path, PurePosixPath

import polars as pl

from childlink.store.batches import get_batch, latest_batches, set_records_path
from childlink.store.engine import Store, StoreError

RECORDS_DIR = "records"
_SAFE_SOURCE = re.compile(r"^[a-z0-9_]+$")


def records_relative_path(*, source: str, batch_id: int) -> str:
    """``records/<source>/<batch_id>.parquet`` (POSIX separators, whatever the system)."""
    if not _SAFE_SOURCE.match(source or ""):
        raise ValueError(f"source must be an exchange.yaml source key (a-z, 0-9, _), got {source!r}")
    return str(PurePosixPath(RECORDS_DIR, source, f"{batch_id}.parquet"))


def write_batch_records(store: Store, *, batch_id: int, source: str, frame: pl.DataFrame) -> str:
    """Write a batch's accepted rows as Parquet, point the batch at the file, return its relative path.

    The file is written beside its final name and renamed into place, so a
    reader never sees half a file.
    """
    relative = records_relative_path(source=source, batch_id=batch_id)
    batch = get_batch(store, batch_id=batch_id)
    if batch.source != source:
        raise StoreError(f"batch {batch_id} is of source {batch.source}, not {source}")
    target = store.data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        frame.write_parquet(partial, compression="zstd", statistics=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    set_records_path(store, batch_id=batch_id, records_path=relative)
    return relative


def batch_records_path(store: Store, *, batch_id: int) -> Path:
    """The absolute path of a batch's Parquet file; a clear error when it has none."""
    batch = get_batch(store, batch_id=batch_id)
    if not batch.records_path:
        raise StoreError(f"batch {batch_id} ({batch.source_file}) has no stored records")
    return store.data_dir / batch.records_path


def read_batch_records(store: Store, *, batch_id: int) -> pl.DataFrame:
    """The accepted rows of a batch, as written."""
    path = batch_records_path(store, batch_id=batch_id)
    if not path.is_file():
        raise StoreError(f"records file of batch {batch_id} is missing: {path}")
    return pl.read_parquet(path)


def read_current_records(
    store: Store, *, sources: list[str] | tuple[str, ...] | None = None, as_of: date | None = None
) -> dict[int, tuple[str, pl.DataFrame]]:
    """The current extracts (see ``latest_batches``) as ``{batch_id: (source, frame)}``.

    The shape ``matching.mentions.person_mentions`` takes.
    """
    return {
        batch.batch_id: (batch.source, read_batch_records(store, batch_id=batch.batch_id))
        for batch in latest_batches(store, sources=sources, as_of=as_of)
    }
