"""Moving polars frames in and out of tables, fast on both backends.

SQLite gets chunked ``executemany`` inside one transaction (the sqlite3 driver
loops in C). PostgreSQL gets ``COPY ... FROM STDIN`` fed with polars' CSV
writer: one round trip per chunk instead of one per row, and no Python
object per value on the way.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, Table

CHUNK_ROWS = 50_000


def chunks(frame: pl.DataFrame, size: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """The frame in slices of at most ``size`` rows."""
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size)


def require_columns(frame: pl.DataFrame, required: Sequence[str], *, what: str) -> None:
    """Raise a clear error when the frame lacks columns a function needs."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}; got {', '.join(frame.columns) or 'none'}")


def json_document(value: Any) -> Any:
    """A value for a JSON column: JSON text is parsed, so it is stored as a document, not a string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def insert_frame(connection: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named like the table's) and return the row count."""
    if frame.is_empty():
        return 0
    if connection.dialect.name == "postgresql":
        copy_frame(connection, table.name, frame)
    else:
        statement = table.insert()
        for part in chunks(frame):
            connection.execute(statement, part.to_dicts())
    return frame.height


def copy_frame(connection: Connection, table_name: str, frame: pl.DataFrame) -> None:
    """PostgreSQL ``COPY`` of the frame into ``table_name`` within the connection's transaction."""
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c) for c in frame.columns)
    sql = f"COPY {preparer.quote(table_name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    # Nested values go as JSON text; COPY reads an unquoted empty field as NULL
    # and a quoted one ("") as the empty string, which polars writes that way.
    ready = frame.with_columns(
        pl.col(name).map_elements(json.dumps, return_dtype=pl.Utf8)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.Struct, pl.List))
    )
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(sql) as copy:
            for part in chunks(ready, 200_000):
                copy.write(part.write_csv(include_header=False).encode("utf-8"))


def read_frame(
    connection: Connection, statement: Select, schema: dict[str, pl.DataType], *, json_columns: Sequence[str] = ()
) -> pl.DataFrame:
    """Run a SELECT and return its rows as a frame with the given column types.

    ``json_columns`` come back as JSON text (Utf8): a frame column of arbitrary
    documents would be an Object column that neither Parquet nor CSV can hold.
    """
    rows = [tuple(r) for r in connection.execute(statement).fetchall()]
    if json_columns:
        positions = [list(schema).index(c) for c in json_columns]
        rows = [_with_json_text(r, positions) for r in rows]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _with_json_text(row: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = json.dumps(values[i], ensure_ascii=False, sort_keys=True)
    return tuple(values)


def read_large_frame(connection: Connection, statement: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """:func:`read_frame` for big results of plain columns: on PostgreSQL through ``COPY ... TO STDOUT``.

    COPY streams CSV that polars parses in native code, about three times
    faster than building a Python tuple per row.
    """
    if connection.dialect.name != "postgresql":
        return read_frame(connection, statement, schema)
    query = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    buffer = io.BytesIO()
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(buffer.getvalue(), has_header=False, schema=schema)
