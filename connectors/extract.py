"""What a connector hands on: one read and normalised extract file.

The contract between the readers (``connectors``), validation
(``expectations``) and intake (``childlink.intake``). See
docs/architecture.md, "Extract frame".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

# Columns of Extract.issues: one line per flagged field of a data row.
ISSUE_COLUMNS = {"row": pl.Int64, "field": pl.Utf8, "rule": pl.Utf8, "value": pl.Utf8}
ROW = "row"  # 1-based data row number in the file (header excluded, blank rows counted)


class FileRejected(Exception):
    """A file that cannot be loaded at all (exchange.yaml file_rules, action reject_file).

    ``message_zh`` is the officer-facing message; ``column`` names the column
    (template header) concerned where there is one.
    """

    def __init__(self, rule: str, message_zh: str, *, file: str, column: str | None = None, detail: str | None = None):
        self.rule = rule
        self.message_zh = message_zh
        self.file = file
        self.column = column
        self.detail = detail
        parts = [f"{file}: {message_zh}"]
        if column:
            parts.append(f"列：{column}")
        if detail:
            parts.append(detail)
        super().__init__("；".join(parts) + f" [{rule}]")


@dataclass(frozen=True)
class FileWarning:
    rule: str  # exchange.yaml file_rules with action warn
    message_zh: str
    detail: str | None = None


def empty_issues() -> pl.DataFrame:
    return pl.DataFrame(schema=ISSUE_COLUMNS)


@dataclass
class Extract:
    """One department file, read and normalised.

    ``frame`` has one row per data row read (fully blank rows skipped), with
    ``row`` (Int64, 1-based as in exchange.yaml conventions.layout.row_numbers)
    and, for every field of the source (null when the file lacks the column),
    the normalised ``<field>``, the raw text ``<field>_raw`` and the derived
    columns of its type. ``issues`` lists the field flags the normalisers
    raised (rule names of exchange.yaml quarantine_rules).
    """

    path: Path
    source: str
    frame: pl.DataFrame
    issues: pl.DataFrame = field(default_factory=empty_issues)
    checksum: str = ""
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None  # 1-based physical row of the header
    extract_date: date | None = None
    present_fields: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    warnings: list[FileWarning] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def rows_read(self) -> int:
        return self.frame.height
