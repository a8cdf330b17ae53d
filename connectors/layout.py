"""Where the header is, which column is which field, where the data end.

exchange.yaml conventions.layout: header detection over the first 20
non-empty rows, header matching through ``normalise_header``, two-row
headers, ignored columns, trailing note rows, blank rows and row numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from childlink.schema import Source, exchange, header_index, normalise_header
from connectors.extract import ROW, FileRejected

HEADER_SEARCH_ROWS = 20
NOTE_PREFIXES = (
    "注", "说明", "备注", "填表说明", "制表", "填报人", "填表人", "审核人",
    "负责人", "联系电话", "合计", "总计", "小计", "共计", "数据来源",
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """The header of a file and the field of each column."""

    header_record: int  # 0-based index of the (first) header record
    header_records: int  # 1 or 2
    headers: tuple[str, ...]  # header text of each column (group+sub for two-row headers)
    fields: dict[str, int]  # field -> column index
    ignored_columns: tuple[str, ...]

    @property
    def first_data_record(self) -> int:
        return self.header_record + self.header_records

    @property
    def width(self) -> int:
        return len(self.headers)


def _blank(cell: str | None) -> bool:
    return cell is None or str(cell).strip() == ""


def is_note_cells(cells: list[str | None]) -> bool:
    """A note row: its only value (in the first two cells, or one merged value) starts with a note prefix."""
    values = [str(c).strip() for c in cells if not _blank(c)]
    if not values:
        return False
    within_two = all(_blank(c) for c in cells[2:])
    single_merged = len(set(values)) == 1
    return (within_two or single_merged) and values[0].startswith(NOTE_PREFIXES)


def _field_of(cell: str | None, index: dict[str, str]) -> str | None:
    if _blank(cell):
        return None
    return index.get(normalise_header(str(cell)))


def _single_row_fields(cells: list[str | None], index: dict[str, str]) -> list[str | None]:
    return [_field_of(c, index) for c in cells]


def _qualifies(fields: list[str | None], source: Source) -> bool:
    matched = {f for f in fields if f}
    required = set(source.required_fields)
    return len(matched) >= 2 and len(matched & required) >= math.ceil(len(required) / 2)


def _two_row_fields(
    group_row: list[str | None], sub_row: list[str | None], index: dict[str, str]
) -> tuple[list[str | None], list[str]]:
    """Fields and header texts of a two-row header (sub-header first, then group+sub)."""
    width = max(len(group_row), len(sub_row))
    groups = list(group_row) + [None] * (width - len(group_row))
    subs = list(sub_row) + [None] * (width - len(sub_row))
    # A group cell written once above several sub-headers (CSV) spans them.
    for i in range(1, width):
        if _blank(groups[i]) and not _blank(subs[i]) and not _blank(groups[i - 1]) and not _blank(subs[i - 1]):
            groups[i] = groups[i - 1]
    fields: list[str | None] = [None] * width
    texts: list[str] = [""] * width
    grouped: list[int] = []
    for i in range(width):
        g, s = groups[i], subs[i]
        if _blank(s) or (not _blank(g) and normalise_header(str(g)) == normalise_header(str(s))):
            texts[i] = "" if _blank(g) else str(g)
            fields[i] = _field_of(g, index)
        elif _blank(g):
            texts[i] = str(s)
            fields[i] = _field_of(s, index)
        else:
            grouped.append(i)
    taken = {f for f in fields if f}
    for i in grouped:
        g, s = str(groups[i]), str(subs[i])
        alone = _field_of(s, index)
        if alone and alone not in taken:
            fields[i], texts[i] = alone, s
        else:
            fields[i], texts[i] = _field_of(g + s, index), g + s
        if fields[i]:
            taken.add(fields[i])
    return fields, texts


def _message(rule: str, extra: str | None = None) -> str:
    base = exchange().file_rules[rule].message_zh
    return f"{base}：{extra}" if extra else base


def detect_layout(head: list[list[str | None]], source: Source, *, file: str, header_row: int | None = None) -> Layout:
    """Find the header in the first records and map its columns to fields.

    ``header_row`` (1-based, from the manifest) skips detection. Raises
    FileRejected header_not_found, ambiguous_column or required_column_missing.
    """
    index = header_index(source)
    non_empty = [i for i, row in enumerate(head) if any(not _blank(c) for c in row)]
    if not non_empty:
        raise FileRejected("header_not_found", _message("header_not_found", "文件为空"), file=file)
    if header_row is not None:
        candidates = [header_row - 1]
        if not 0 <= header_row - 1 < len(head):
            raise FileRejected(
                "header_not_found", _message("header_not_found", f"清单指定的表头行第{header_row}行不存在"), file=file
            )
    else:
        candidates = [i for i in non_empty[:HEADER_SEARCH_ROWS] if _qualifies(_single_row_fields(head[i], index), source)]
        if not candidates:
            expected = "、".join(source.column(f).name for f in source.required_fields)
            raise FileRejected(
                "header_not_found",
                _message("header_not_found", f"应包含列名（如：{expected}）"),
                file=file,
                detail=f"数据来源：{source.title.split('（')[0]}（{source.key}）",
            )
    at = candidates[0]
    chosen = _best_reading(head, at, index)
    return _finish_layout(*chosen, source, file=file)


def _best_reading(
    head: list[list[str | None]], at: int, index: dict[str, str]
) -> tuple[int, int, list[str | None], list[str]]:
    """The reading of the header around record ``at`` that maps the most fields.

    One row; ``at`` as the group row above sub-headers; or ``at`` as the
    sub-header row below a group row.
    """
    row = head[at]
    readings = [(at, 1, _single_row_fields(row, index), ["" if _blank(c) else str(c) for c in row])]
    if at + 1 < len(head) and any(not _blank(c) for c in head[at + 1]):
        readings.append((at, 2, *_two_row_fields(row, head[at + 1], index)))
    if at >= 1 and any(not _blank(c) for c in head[at - 1]):
        readings.append((at - 1, 2, *_two_row_fields(head[at - 1], row, index)))

    # A two-row reading must map more fields than the row alone; on a tie the
    # single row wins, so two columns for one field stay ambiguous.
    return max(readings, key=lambda reading: len({f for f in reading[2] if f}))


def _finish_layout(
    at: int, records: int, fields: list[str | None], texts: list[str], source: Source, *, file: str
) -> Layout:
    # Drop trailing columns that have neither a header nor a field.
    while texts and texts[-1].strip() == "" and fields[len(texts) - 1] is None:
        texts.pop()
    fields = fields[: len(texts)]
    mapping: dict[str, int] = {}
    for i, field_name in enumerate(fields):
        if field_name is None:
            continue
        if field_name in mapping:
            column = source.column(field_name).name
            raise FileRejected(
                "ambiguous_column",
                _message("ambiguous_column", f"“{texts[mapping[field_name]]}”与“{texts[i]}”都对应“{column}”（文件：{file}）"),
                file=file,
                column=column,
            )
        mapping[field_name] = i
    missing = [source.column(f).name for f in source.required_fields if f not in mapping]
    if missing:
        raise FileRejected(
            "required_column_missing",
            _message("required_column_missing", f"{'、'.join(missing)}（文件：{file}）"),
            file=file,
            column="、".join(missing),
        )
    ignored = tuple(t for i, t in enumerate(texts) if fields[i] is None and t.strip())
    return Layout(at, records, tuple(texts), mapping, ignored)


def data_rows(body: pl.DataFrame) -> pl.DataFrame:
    """The data rows of a body frame (records below the header), with ``row``.

    ``row`` numbers every record below the header from 1, blank ones included;
    blank rows are then dropped, and so are trailing note rows (and blanks
    among them).
    """
    frame = body.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    if not body.columns:
        return frame
    has_value = pl.concat_str([pl.col(c) for c in body.columns], separator="", ignore_nulls=True).str.contains(r"\S")
    keep = frame.select(has_value.fill_null(False)).to_series()
    if not keep.all():  # filtering copies every column: only when there is a blank row
        frame = frame.filter(keep)
    # Walk back from the last row over note rows; they are few, so this loop is short.
    cut = frame.height
    step = 64
    while cut > 0:
        tail = frame.slice(max(cut - step, 0), min(step, cut)).drop(ROW).rows()
        for cells in reversed(tail):
            if not is_note_cells(list(cells)):
                return frame.head(cut)
            cut -= 1
    return frame.head(0)
