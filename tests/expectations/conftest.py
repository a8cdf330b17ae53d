"""Hand-built Extract objects following the connector contract (docs/architecture.md).

Validation is tested apart from the readers: each test states the
normalised values (and the issues a normaliser would have raised) directly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from childlink.schema import BOOLEAN, DATE, ID_NUMBER, INTEGER, exchange
from connectors.extract import ISSUE_COLUMNS, Extract

EXTRACT_DATE = date(2026, 9, 30)


def build_extract(
    source_key: str,
    rows: list[dict[str, Any]],
    *,
    issues: list[tuple[int, str, str, str | None]] = (),
    extract_date: date = EXTRACT_DATE,
    file_name: str | None = None,
) -> Extract:
    """An Extract of ``rows`` (normalised values by field; row numbers 1..n).

    Dates are given as ISO text, integers as int; every field of the source
    gets ``<field>`` and ``<field>_raw``, ID numbers their derived birth date
    and date fields their precision ('day').
    """
    source = exchange().source(source_key)
    columns: dict[str, Any] = {"row": pl.Series("row", range(1, len(rows) + 1), dtype=pl.Int64)}
    for column in source.columns:
        values = [r.get(column.field) for r in rows]
        raw = pl.Series([None if v is None else str(v) for v in values], dtype=pl.Utf8)
        if column.type == DATE:
            typed = raw.str.to_date("%Y-%m-%d", strict=True)
            columns[f"{column.field}_precision"] = pl.Series([None if v is None else "day" for v in values], dtype=pl.Utf8)
        elif column.type == INTEGER:
            typed = pl.Series(values, dtype=pl.Int64)
        elif column.type == BOOLEAN:
            typed = pl.Series(values, dtype=pl.Boolean)
        else:
            typed = raw
        columns[column.field] = typed
        columns[f"{column.field}_raw"] = pl.Series([r.get(f"{column.field}_raw", v) for r, v in zip(rows, raw)], dtype=pl.Utf8)
        if column.type == ID_NUMBER:
            columns[f"{column.field}_birth_date"] = raw.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    frame = pl.DataFrame(columns)
    issue_frame = pl.DataFrame(
        {name: [i[k] for i in issues] for k, name in enumerate(ISSUE_COLUMNS)}, schema=ISSUE_COLUMNS
    )
    return Extract(
        path=Path(file_name or f"{source_key}_{extract_date:%Y%m%d}.csv"),
        source=source_key,
        frame=frame,
        issues=issue_frame,
        checksum="0" * 64,
        extract_date=extract_date,
        present_fields=source.fields,
    )


def person(i: int, **overrides: Any) -> dict[str, Any]:
    """A clean hukou_population row for person ``i`` (valid ID number with check digit)."""
    birth = date(2010, 1, 1).toordinal() + i
    born = date.fromordinal(birth)
    body = f"220183{born:%Y%m%d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    row = {
        "id_number": body + check,
        "name": f"张{'一二三四五六七八九十'[i % 10]}{'甲乙丙丁戊己庚辛壬癸'[(i // 10) % 10]}",
        "sex": "1" if int(body[16]) % 2 else "2",
        "birth_date": born.isoformat(),
        "ethnicity": "01",
        "division": "220183100",
    }
    row.update(overrides)
    return row


@pytest.fixture
def settings():
    from childlink.settings import Settings

    return Settings()


@pytest.fixture
def make_extract():
    """``build_extract`` as a fixture (test modules do not import conftest)."""
    return build_extract


@pytest.fixture
def make_person():
    """``person`` as a fixture."""
    return person
