"""Extracts from a database table or view (any SQLAlchemy URL).

The header is the table's column names, matched like a file header; every
value is read as text and goes through the same normalisers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from childlink.schema import exchange
from connectors.extract import ROW, Extract, FileWarning
from connectors.fields import normalise_fields
from connectors.layout import detect_layout
from connectors.xlsx_reader import cell_text


def read_sql_extract(url: str, table: str, source: str, *, as_of: date | None = None) -> Extract:
    """Read ``table`` (a table or view, optionally 'schema.table') at ``url`` as an Extract of ``source``.

    ``row`` is the 1-based position in the result (ordered as the database
    returns it). The extract date is ``as_of`` (today when not given).
    """
    spec_source = exchange().source(source)
    label = f"{table}@{sa.engine.make_url(url).render_as_string(hide_password=True)}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            schema, _, name = table.rpartition(".")
            selectable = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=connection)
            result = connection.execute(sa.select(selectable))
            names = list(result.keys())
            records = [[cell_text(v) for v in row] for row in result]
    finally:
        engine.dispose()
    layout = detect_layout([names], spec_source, file=label, header_row=1)
    width = len(names)
    body = pl.DataFrame(
        [r[:width] for r in records], schema={f"c{i}": pl.Utf8 for i in range(width)}, orient="row"
    ).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    raw = body.select(pl.col(ROW), *[pl.col(f"c{i}").alias(f) for f, i in layout.fields.items()])
    extract_date = as_of or date.today()
    frame, issues = normalise_fields(raw, spec_source, extract_date=extract_date)
    rules = exchange().file_rules
    warnings = [] if frame.height else [FileWarning("empty_file", rules["empty_file"].message_zh)]
    if as_of is None:
        warnings.append(FileWarning("extract_date_unknown", rules["extract_date_unknown"].message_zh))
    return Extract(
        path=Path(table),
        source=spec_source.key,
        frame=frame,
        issues=issues,
        sheet=table,
        header_row=None,
        extract_date=extract_date,
        present_fields=tuple(f for f in spec_source.fields if f in layout.fields),
        ignored_columns=layout.ignored_columns,
        warnings=warnings,
    )
