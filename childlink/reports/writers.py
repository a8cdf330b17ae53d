"""Small writers: a built table (or summary) in, a file out.

CSV files are UTF-8 with a BOM so that Excel on a bureau's Windows PC opens
Chinese text correctly. XLSX cells holding ID numbers are written as text
strings, so Excel never shows them as 2.2E+17 or drops the final X.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

import polars as pl
import xlsxwriter

from childlink.flag_types import FLAG_CODES, FLAG_TYPES
from childlink.reports.flags_table import build_flags_table, evidence_text, township_summary
from childlink.reports.labels import (
    CASE_STATUS_LABELS,
    FLAG_EXPORT_HEADERS,
    FLAG_SHEETS,
    SCHOOL_LIST_HEADERS,
    SCHOOL_LIST_SHEET,
    SUMMARY_SHEET,
)
from childlink.reports.linkage_tables import build_links_table, build_review_queue
from childlink.reports.run_summary import code_version
from childlink.reports.school_list import build_school_list

# Text columns that hold ID numbers (written as strings with the text format).
_ID_COLUMNS = {"child_id_number", "entity_id", "case_id"}
_CSV_FLOAT_PRECISION = 4
# Widest a column gets, in Excel character units; longer text wraps.
_MAX_WIDTH = 60


def write_flags_csv(frame: pl.DataFrame, path: Path) -> Path:
    """flags.csv: ``flag,child_id_number,child_name,category,reason,evidence,case_id,case_status``,
    then ``rule,clause,link_probability,township,entity_id``; evidence as JSON text."""
    table = build_flags_table(frame)
    return _write_csv(table, path)


def write_flags_xlsx(frame: pl.DataFrame, path: Path) -> Path:
    """flags.xlsx: 汇总 (township × flag type), then one sheet per flag type (all six, empty ones too).

    Headers and flag/case status values in Chinese, evidence as readable lines,
    frozen header row, filters, column widths fitted to the content.
    """
    table = build_flags_table(frame)
    path = _ready(path)
    shown = table.with_columns(
        pl.col("flag").replace(FLAG_SHEETS),
        pl.col("case_status").replace(CASE_STATUS_LABELS),
        pl.col("evidence").map_elements(evidence_text, return_dtype=pl.Utf8, skip_nulls=True),
    )
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False}) as book:
        styles = _Styles(book)
        summary = township_summary(table)
        _write_sheet(book, styles, SUMMARY_SHEET, summary, headers=list(summary.columns))
        for code in FLAG_CODES:
            rows = shown.filter(pl.col("flag") == FLAG_TYPES[code].label)
            _write_sheet(
                book, styles, FLAG_SHEETS[code], rows, headers=[FLAG_EXPORT_HEADERS[c] for c in rows.columns]
            )
    return path


def write_run_summary(summary: Mapping[str, Any], path: Path) -> Path:
    """run_summary.json: the summary as given, plus ``code_version`` when it lacks one."""
    document = dict(summary)
    document.setdefault("code_version", code_version())
    path = _ready(path)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n", encoding="utf-8")
    return path


def write_links_csv(frame: pl.DataFrame, path: Path) -> Path:
    """links.csv, exactly ``source_file,row,entity_id,match_probability``."""
    return _write_csv(build_links_table(frame), path)


def write_review_queue_csv(frame: pl.DataFrame, path: Path) -> Path:
    """review_queue.csv: both records' fields, each comparison's level and weight, the total."""
    return _write_csv(build_review_queue(frame), path)


def write_school_list(frame: pl.DataFrame, path: Path) -> dict[str, Path]:
    """The education bureau's list (policy §2.5) as ``<path>.xlsx`` and ``<path>.csv``.

    Only the columns 002 names (:data:`SCHOOL_LIST_HEADERS`), with Chinese
    headers in both files. Returns the two paths by format.
    """
    table = build_school_list(frame)
    base = Path(path).with_suffix("")
    csv_path = _write_csv(table.rename(SCHOOL_LIST_HEADERS), base.with_suffix(".csv"))
    xlsx_path = _ready(base.with_suffix(".xlsx"))
    with xlsxwriter.Workbook(str(xlsx_path), {"strings_to_numbers": False, "strings_to_formulas": False}) as book:
        _write_sheet(book, _Styles(book), SCHOOL_LIST_SHEET, table, headers=list(SCHOOL_LIST_HEADERS.values()))
    return {"xlsx": xlsx_path, "csv": csv_path}


def _write_csv(table: pl.DataFrame, path: Path) -> Path:
    path = _ready(path)
    table.write_csv(path, include_bom=True, float_precision=_CSV_FLOAT_PRECISION, line_terminator="\n")
    return path


def _ready(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.text = book.add_format({"num_format": "@", "valign": "top"})
        self.wrap = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.probability = book.add_format({"num_format": "0.000", "valign": "top"})
        self.integer = book.add_format({"num_format": "0", "valign": "top"})


def _write_sheet(book: xlsxwriter.Workbook, styles: _Styles, name: str, table: pl.DataFrame, *, headers: list[str]) -> None:
    sheet = book.add_worksheet(name)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, styles.header)
    widths = [_display_width(h) for h in headers]
    for col, column in enumerate(table.columns):
        dtype = table.schema[column]
        for row, value in enumerate(table.get_column(column).to_list(), start=1):
            if value is None:
                continue
            if dtype.is_float():
                sheet.write_number(row, col, value, styles.probability)
                width = 6
            elif dtype.is_integer():
                sheet.write_number(row, col, value, styles.integer)
                width = len(str(value))
            else:
                text = str(value)
                # write_string, never write(): a digit string must stay text.
                sheet.write_string(row, col, text, styles.wrap if "\n" in text else styles.text)
                width = max(_display_width(line) for line in text.split("\n"))
            widths[col] = max(widths[col], width)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, _MAX_WIDTH), styles.text if col < len(table.columns) else None)
    sheet.freeze_panes(1, 0)
    if table.width:
        sheet.autofilter(0, 0, max(table.height, 1), table.width - 1)


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot write {type(value).__name__} to run_summary.json")
