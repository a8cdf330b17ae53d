"""Accepted rows of a batch as Parquet under the store's data folder.

One file per batch, ``records/<source>/<batch_id>.parquet``; the batch row
keeps the path relative to the data folder, so the folder can be moved or
mounted elsewhere (a shared volume for a distributed run) with the database.
"""

from __future__ import annotations

import os
import secrets
import re
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import polars as pl

from sqlalchemy import update

from childlink.store.batches import (
    batch_transaction,
    get_batch,
    insert_field_flags,
    insert_quarantine_rows,
    latest_batches,
    set_records_path,
)
from childlink.store.engine import Store, StoreError
from childlink.store.models import Batch

RECORDS_DIR = "records"
_SAFE_SOURCE = re.compile(r"^[a-z0-9_]+$")


def records_relative_path(*, source: str, batch_id: int) -> str:
    """``records/<source>/<batch_id>-<8 hex>.parquet`` (POSIX separators, whatever the system).

    Batch ids are numbered per database; the random suffix keeps two stores
    that share a data folder (two counties, or a test and a demo run in one
    working folder) from writing over each other's records. Readers use the
    path kept on the batch row.
    """
    if not _SAFE_SOURCE.match(source or ""):
        raise ValueError(f"source must be an exchange.yaml source key (a-z, 0-9, _), got {source!r}")
    return str(PurePosixPath(RECORDS_DIR, source, f"{batch_id}-{secrets.token_hex(4)}.parquet"))


def write_batch_records(store: Store, *, batch_id: int, source: str, frame: pl.DataFrame) -> str:
    """Write a batch's accepted rows as Parquet, point the batch at the file, return its relative path.

    The file is written beside its final name and renamed into place, so a
    reader never sees half a file.
    """
    relative = records_relative_path(source=source, batch_id=batch_id)
    batch = get_batch(store, batch_id=batch_id)
    if batch.source != source:
        raise StoreError(f"batch {batch_id} is of source {batch.source}, not {source}")
    _write_parquet(store.data_dir / relative, frame)
    set_records_path(store, batch_id=batch_id, records_path=relative)
    return relative


def _write_parquet(target: Path, frame: pl.DataFrame) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        frame.write_parquet(partial, compression="zstd", statistics=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def save_accepted_batch(
    store: Store,
    *,
    run_id: str,
    source_file: str,
    source: str,
    checksum: str,
    records: pl.DataFrame,
    quarantine: pl.DataFrame | None = None,
    field_flags: pl.DataFrame | None = None,
    rows_read: int | None = None,
    message: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    extract_date: date | None = None,
    ingested_at: datetime | None = None,
) -> int:
    """Everything an accepted file leaves in the store, all or nothing; returns the batch id.

    The batch row, its Parquet records, quarantine lines and field flags are
    written in one transaction; if any part fails nothing is kept (the
    Parquet file is removed), so a file whose intake broke off can simply be
    ingested again. Counts: ``rows_accepted`` is ``records.height``,
    ``rows_quarantined`` the distinct quarantined rows, ``rows_read`` their
    sum unless given. Raises ``BatchAlreadyIngested`` for a file already accepted.
    """
    quarantined = 0 if quarantine is None or quarantine.is_empty() else quarantine["row"].n_unique()
    target: Path | None = None
    try:
        with batch_transaction(
            store,
            run_id=run_id,
            source_file=source_file,
            source=source,
            checksum=checksum,
            status="accepted",
            rows_read=records.height + quarantined if rows_read is None else rows_read,
            rows_accepted=records.height,
            rows_quarantined=quarantined,
            message=message,
            encoding=encoding,
            sheet=sheet,
            header_row=header_row,
            extract_date=extract_date,
            ingested_at=ingested_at,
        ) as (connection, batch_id):
            relative = records_relative_path(source=source, batch_id=batch_id)
            target = store.data_dir / relative
            _write_parquet(target, records)
            connection.execute(update(Batch).where(Batch.batch_id == batch_id).values(records_path=relative))
            if quarantine is not None:
                insert_quarantine_rows(connection, batch_id=batch_id, rows=quarantine)
            if field_flags is not None:
                insert_field_flags(connection, batch_id=batch_id, flags=field_flags)
    except BaseException:
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    return batch_id


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
