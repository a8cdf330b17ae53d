"""A minimal independent reader for the generated files (header row, data rows with their numbers)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from childlink.schema import Source, header_index, normalise_header

NOTE_PREFIXES = ("注", "说明", "备注", "填表说明", "制表", "填报人", "填表人", "审核人", "负责人", "联系电话", "合计",
                 "总计", "小计", "共计", "数据来源")


def read_rows(path: Path) -> list[list[str]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw.decode("utf-8-sig")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    delimiter = "\t" if path.suffix == ".txt" else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def header_and_data(path: Path, source: Source) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header cells and the data rows as (row number, cells); blank rows are numbered but not returned."""
    rows = read_rows(path)
    index = header_index(source)
    header_at = next(i for i, row in enumerate(rows[:20])
                     if sum(normalise_header(c) in index for c in row if c) >= 2)
    body = rows[header_at + 1:]

    def is_note(row: list[str]) -> bool:
        cells = [c for c in row if c.strip()]
        return not cells or (len(cells) == 1 and row.index(cells[0]) < 2 and cells[0].startswith(NOTE_PREFIXES))

    end = len(body)
    while end > 0 and is_note(body[end - 1]):
        end -= 1
    data = [(n, row) for n, row in enumerate(body[:end], start=1) if any(c.strip() for c in row)]
    return rows[header_at], data
