"""XLSX extracts (exchange.yaml conventions.formats.spreadsheets).

openpyxl in read-only mode; merged ranges are taken from the sheet XML
(read-only worksheets do not expose them) and every cell of a range reads
the range's top-left value.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from childlink.schema import exchange
from connectors.extract import FileRejected
from connectors.grid import HEAD_RECORDS, Grid, rows_to_frame

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')
_EXACT_FLOAT_LIMIT = 2**53
_SI, _T, _R = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))


def read_shared_strings(xml_source) -> list[str]:
    """The shared-string table as plain text (phonetic runs left out).

    Same result as openpyxl's reader for plain text, without building a rich
    text object per string, which made it the slowest step of a large file.
    """
    strings: list[str] = []
    for _, node in iterparse(xml_source):
        if node.tag != _SI:
            continue
        parts = []
        for child in node:
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                run = child.find(_T)
                parts.append(run.text or "" if run is not None else "")
        strings.append("".join(parts).replace("x005F_", ""))
        node.clear()
    return strings


class _FastStringsReader(ExcelReader):
    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)


def open_workbook(path: Path):
    """openpyxl's read-only, values-only workbook with the fast shared-string reader."""
    reader = _FastStringsReader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def cell_text(value: object) -> str | None:
    """The text of a cell value as the exchange spec reads it.

    Dates as ISO text (time kept only when not midnight), integral numbers
    without '.0' (ints keep every digit), other floats in Python's shortest
    form (so a 17-digit float shows its lost precision as 'e+17').
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        return repr(value)
    return str(value)


def _unreadable(file: str, detail: str) -> FileRejected:
    rule = exchange().file_rules["file_unreadable"]
    return FileRejected(rule.rule, rule.message_zh, file=file, detail=detail)


def _merged_ranges(archive: zipfile.ZipFile, worksheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of a sheet."""
    xml = archive.read(worksheet_path)
    tail_at = xml.rfind(b"</sheetData>")
    tail = xml[tail_at:] if tail_at >= 0 else xml
    return [range_boundaries(ref.decode()) for ref in _MERGE_REF.findall(tail)]


def _pick_sheet(workbook, sheet: str | int | None, *, file: str):
    names = workbook.sheetnames
    if sheet is None or sheet == "":
        return workbook[names[0]]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        index = int(sheet)
        if 1 <= index <= len(names):
            return workbook[names[index - 1]]
        raise _unreadable(file, f"第{index}个工作表不存在（工作表：{'、'.join(names)}）")
    if sheet in names:
        return workbook[sheet]
    raise _unreadable(file, f"工作表“{sheet}”不存在（工作表：{'、'.join(names)}）")


def read_xlsx_grid(path: Path | str, *, sheet: str | int | None = None) -> Grid:
    """An XLSX sheet as a Grid (FileRejected file_unreadable for corrupt files)."""
    path = Path(path)
    try:
        workbook = open_workbook(path)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same to the officer
        raise _unreadable(path.name, f"无法作为XLSX工作簿打开：{type(exc).__name__}: {exc}") from None
    try:
        worksheet = _pick_sheet(workbook, sheet, file=path.name)
        date1904 = workbook.epoch == CALENDAR_MAC_1904
        try:
            # Some exporters write a wrong <dimension>; read every row as stored.
            worksheet.reset_dimensions()
            rows = [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            merges = _merged_ranges(workbook._archive, worksheet._worksheet_path)
        except Exception as exc:
            raise _unreadable(path.name, f"读取工作表时出错：{type(exc).__name__}: {exc}") from None
        title = worksheet.title
    finally:
        workbook.close()
    _fill_merged(rows, merges)
    return _grid_from_rows(rows, sheet=title, date1904=date1904)


def _fill_merged(rows: list[list[str | None]], merges: list[tuple[int, int, int, int]]) -> None:
    for min_col, min_row, max_col, max_row in merges:
        if min_row > len(rows):
            continue
        top_left = rows[min_row - 1][min_col - 1] if min_col - 1 < len(rows[min_row - 1]) else None
        for r in range(min_row - 1, min(max_row, len(rows))):
            row = rows[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = top_left


def _grid_from_rows(rows: list[list[str | None]], *, sheet: str | None, date1904: bool) -> Grid:
    def load_body(first_record: int, width: int, header_record: int):
        return rows_to_frame(rows[first_record:], width)

    return Grid(head=[list(r) for r in rows[:HEAD_RECORDS]], load_body=load_body, sheet=sheet, date1904=date1904)
