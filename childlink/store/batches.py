"""Intake batches, their quarantined rows and the field flags kept on accepted rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from childlink.store.bulk import insert_frame, read_large_frame, require_columns
from childlink.store.engine import Store, StoreError
from childlink.store.models import BATCH_STATUSES, Batch, FieldFlag, QuarantineRow, utc_now

ISSUE_COLUMNS = ("row", "field", "rule", "value", "message_zh")
ISSUE_SCHEMA = {
    "batch_id": pl.Int64,
    "row": pl.Int64,
    "field": pl.Utf8,
    "rule": pl.Utf8,
    "value": pl.Utf8,
    "message_zh": pl.Utf8,
}


class BatchAlreadyIngested(StoreError):
    """The same file (source and checksum) is already an accepted batch."""

    def __init__(self, *, source: str | None, checksum: str, batch_id: int | None) -> None:
        self.source, self.checksum, self.batch_id = source, checksum, batch_id
        super().__init__(
            f"file already ingested / 文件已导入: source {source}, sha256 {checksum[:12]}…, batch {batch_id}"
        )


@dataclass(frozen=True)
class BatchInfo:
    """One batch as stored (what a caller needs to load or report it)."""

    batch_id: int
    run_id: str
    source: str | None
    source_file: str
    checksum: str
    status: str
    rows_read: int | None
    rows_accepted: int | None
    rows_quarantined: int | None
    extract_date: date | None
    records_path: str | None
    ingested_at: datetime
    reject_rule: str | None = None
    message: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None


def _info(row: Any) -> BatchInfo:
    fields = BatchInfo.__dataclass_fields__
    return BatchInfo(**{k: v for k, v in row._mapping.items() if k in fields})


def find_accepted_batch(store: Store, *, source: str | None, checksum: str) -> BatchInfo | None:
    """The accepted batch of this source with this file checksum, or None."""
    statement = select(Batch.__table__).where(
        Batch.source.is_(None) if source is None else Batch.source == source,
        Batch.checksum == checksum.lower(),
        Batch.status == "accepted",
    )
    with store.engine.connect() as connection:
        row = connection.execute(statement).first()
    return _info(row) if row else None


def get_batch(store: Store, *, batch_id: int) -> BatchInfo:
    """The batch with this id; a clear error when there is none."""
    with store.engine.connect() as connection:
        row = connection.execute(select(Batch.__table__).where(Batch.batch_id == batch_id)).first()
    if row is None:
        raise StoreError(f"no such batch: {batch_id}")
    return _info(row)


def record_batch(
    store: Store,
    *,
    run_id: str,
    source_file: str,
    source: str | None,
    checksum: str,
    status: str,
    rows_read: int | None = None,
    rows_accepted: int | None = None,
    rows_quarantined: int | None = None,
    message: str | None = None,
    reject_rule: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    extract_date: date | None = None,
    records_path: str | None = None,
    ingested_at: datetime | None = None,
) -> int:
    """Record one file's intake and return the new batch id.

    An accepted batch is unique per (source, checksum): recording the same file
    again raises :class:`BatchAlreadyIngested` (carrying the existing batch id)
    and changes nothing. Rejected attempts are all kept. To store an accepted
    file's rows, quarantine and flags all or nothing, use
    ``childlink.store.records.save_accepted_batch``.
    """
    fields = {k: v for k, v in locals().items() if k != "store"}
    with batch_transaction(store, **fields) as (_connection, batch_id):
        return batch_id


@contextmanager
def batch_transaction(store: Store, **fields: Any) -> Iterator[tuple[Connection, int]]:
    """Insert a batch row (``record_batch``'s fields) and yield ``(connection, batch_id)``.

    Whatever the caller writes with the connection commits or rolls back
    together with the batch row.
    """
    values = _batch_values(**fields)
    source, checksum = values["source"], values["checksum"]
    if values["status"] == "accepted" and (existing := find_accepted_batch(store, source=source, checksum=checksum)):
        raise BatchAlreadyIngested(source=source, checksum=checksum, batch_id=existing.batch_id)
    try:
        with store.begin() as connection:
            statement = Batch.__table__.insert().values(**values).returning(Batch.batch_id)
            batch_id = connection.execute(statement).scalar_one()
            yield connection, batch_id
    except IntegrityError as exc:
        # Another process recorded the same file between our check and insert.
        existing = find_accepted_batch(store, source=source, checksum=checksum)
        if values["status"] == "accepted" and existing is not None:
            raise BatchAlreadyIngested(source=source, checksum=checksum, batch_id=existing.batch_id) from exc
        raise


def _batch_values(
    *,
    run_id: str,
    source_file: str,
    source: str | None,
    checksum: str,
    status: str,
    sheet: str | int | None = None,
    ingested_at: datetime | None = None,
    **optional: Any,
) -> dict[str, Any]:
    if status not in BATCH_STATUSES:
        raise ValueError(f"batch status must be one of {', '.join(BATCH_STATUSES)}, got {status!r}")
    if len(checksum) != 64:
        raise ValueError(f"checksum must be a sha256 hex digest (64 characters), got {checksum!r}")
    unknown = set(optional) - _OPTIONAL_BATCH_FIELDS
    if unknown:
        raise TypeError(f"unknown batch field(s): {', '.join(sorted(unknown))}")
    return dict(
        {name: optional.get(name) for name in _OPTIONAL_BATCH_FIELDS},
        run_id=run_id,
        source_file=source_file,
        source=source,
        checksum=checksum.lower(),
        status=status,
        sheet=None if sheet is None else str(sheet),
        ingested_at=ingested_at or utc_now(),
    )


_OPTIONAL_BATCH_FIELDS = {
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "message",
    "reject_rule",
    "encoding",
    "header_row",
    "extract_date",
    "records_path",
}


def set_records_path(store: Store, *, batch_id: int, records_path: str) -> None:
    """Point a batch at its Parquet file (relative to the data folder)."""
    with store.begin() as connection:
        result = connection.execute(update(Batch).where(Batch.batch_id == batch_id).values(records_path=records_path))
    if result.rowcount == 0:
        raise StoreError(f"no such batch: {batch_id}")


def list_batches(store: Store, *, run_id: str | None = None, status: str | None = None) -> list[BatchInfo]:
    """Batches in id order, optionally of one run and/or one status."""
    statement = select(Batch.__table__).order_by(Batch.batch_id)
    if run_id is not None:
        statement = statement.where(Batch.run_id == run_id)
    if status is not None:
        statement = statement.where(Batch.status == status)
    with store.engine.connect() as connection:
        return [_info(row) for row in connection.execute(statement)]


def latest_batches(
    store: Store, *, sources: list[str] | tuple[str, ...] | None = None, as_of: date | None = None
) -> list[BatchInfo]:
    """The accepted batches that make up "the current extracts", ordered by source and file.

    For each source, its current extract is the batches of its newest extract
    date (on or before ``as_of`` when given); a department that splits one
    extract over several files (per township, per sending county) keeps all of
    them, and a file re-sent under the same name with other content counts
    only in its newest version. A batch without an extract date counts at the
    date it was ingested.
    """
    statement = select(Batch.__table__).where(Batch.status == "accepted", Batch.source.is_not(None))
    if sources is not None:
        statement = statement.where(Batch.source.in_(list(sources)))
    with store.engine.connect() as connection:
        rows = [_info(row) for row in connection.execute(statement)]

    def effective_date(info: BatchInfo) -> date:
        return info.extract_date or info.ingested_at.date()

    if as_of is not None:
        rows = [r for r in rows if effective_date(r) <= as_of]
    newest: dict[str, date] = {}
    for info in rows:
        newest[info.source] = max(newest.get(info.source, date.min), effective_date(info))
    current: dict[tuple[str, str], BatchInfo] = {}
    for info in rows:
        if effective_date(info) != newest[info.source]:
            continue
        key = (info.source, info.source_file)
        if key not in current or info.batch_id > current[key].batch_id:
            current[key] = info
    return sorted(current.values(), key=lambda i: (i.source, i.source_file, i.batch_id))


def _issues_frame(batch_id: int, rows: pl.DataFrame, *, what: str) -> pl.DataFrame:
    require_columns(rows, ("row", "rule"), what=what)
    return rows.select(
        pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
        *[
            (pl.col(c) if c in rows.columns else pl.lit(None)).cast(ISSUE_SCHEMA[c]).alias(c)
            for c in ISSUE_COLUMNS
        ],
    )


def add_quarantine_rows(store: Store, *, batch_id: int, rows: pl.DataFrame) -> int:
    """Store a batch's quarantine lines (``row, field, rule, value, message_zh``); returns the count."""
    with store.begin() as connection:
        return insert_quarantine_rows(connection, batch_id=batch_id, rows=rows)


def add_field_flags(store: Store, *, batch_id: int, flags: pl.DataFrame) -> int:
    """Store the field flags kept on a batch's accepted rows (``row, field, rule, value``); bulk path."""
    with store.begin() as connection:
        return insert_field_flags(connection, batch_id=batch_id, flags=flags)


def insert_quarantine_rows(connection: Connection, *, batch_id: int, rows: pl.DataFrame) -> int:
    """:func:`add_quarantine_rows` inside the caller's transaction."""
    return insert_frame(connection, QuarantineRow.__table__, _issues_frame(batch_id, rows, what="quarantine rows"))


def insert_field_flags(connection: Connection, *, batch_id: int, flags: pl.DataFrame) -> int:
    """:func:`add_field_flags` inside the caller's transaction."""
    return insert_frame(connection, FieldFlag.__table__, _issues_frame(batch_id, flags, what="field flags"))


def _load_issues(store: Store, table: Any, batch_ids: list[int] | None) -> pl.DataFrame:
    statement = select(*[table.c[c] for c in ISSUE_SCHEMA]).order_by(table.c.batch_id, table.c.row, table.c.id)
    if batch_ids is not None:
        statement = statement.where(table.c.batch_id.in_(batch_ids))
    with store.engine.connect() as connection:
        return read_large_frame(connection, statement, ISSUE_SCHEMA)


def load_quarantine_rows(store: Store, *, batch_ids: list[int] | None = None) -> pl.DataFrame:
    """Quarantine lines (``batch_id, row, field, rule, value, message_zh``), of some batches or all."""
    return _load_issues(store, QuarantineRow.__table__, batch_ids)


def load_field_flags(store: Store, *, batch_ids: list[int] | None = None) -> pl.DataFrame:
    """Field flags (``batch_id, row, field, rule, value, message_zh``), of some batches or all."""
    return _load_issues(store, FieldFlag.__table__, batch_ids)
