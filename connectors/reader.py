"""read_extract: one department file to the Extract contract.

I/O at this edge only: the format's reader gives raw text cells, layout
finds the header and the data rows, fields normalises every field.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from childlink.schema import Source, exchange
from connectors.csv_reader import read_csv_grid
from connectors.extract import ROW, Extract, FileRejected, FileWarning
from connectors.fields import normalise_fields
from connectors.files import ManifestEntry, check_format, extract_date_from_name, file_checksum, file_format
from connectors.grid import Grid
from connectors.layout import Layout, data_rows, detect_layout
from connectors.xlsx_reader import read_xlsx_grid

_XLS_DETAIL = "旧版Excel（.xls）文件暂不能直接读取，请在Excel中另存为XLSX（或UTF-8 CSV）后重新提供"


def _warning(rule: str, detail: str | None = None) -> FileWarning:
    return FileWarning(rule, exchange().file_rules[rule].message_zh, detail)


def _resolve_source(path: Path, source: str | None, entry: ManifestEntry | None) -> Source:
    spec = exchange()
    key = source or (entry.source if entry else None) or spec.source_for_filename(path.name)
    if key is None or key not in spec.sources:
        rule = spec.file_rules["unknown_source"]
        raise FileRejected(rule.rule, rule.message_zh, file=path.name, detail=f"数据来源“{key}”不存在" if key else None)
    return spec.source(key)


def read_grid(path: Path, entry: ManifestEntry | None = None) -> Grid:
    """The raw cells of a CSV/TXT or XLSX file (FileRejected for other formats)."""
    rejection = check_format(path)
    if rejection is not None:
        raise rejection
    fmt = file_format(path)
    if fmt in ("csv", "txt"):
        return read_csv_grid(path, encoding_override=entry.encoding if entry else None)
    if fmt == "xls":
        rule = exchange().file_rules["unsupported_format"]
        raise FileRejected(rule.rule, rule.message_zh, file=path.name, detail=_XLS_DETAIL)
    return read_xlsx_grid(path, sheet=entry.sheet if entry else None)


def raw_fields(body: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """``row`` plus one raw Utf8 column per mapped field, from positional columns."""
    return body.select(
        pl.col(ROW), *[pl.col(f"c{index}").alias(field_name) for field_name, index in layout.fields.items()]
    )


def read_extract(
    path: Path | str,
    source: str | None = None,
    *,
    manifest_entry: ManifestEntry | None = None,
    as_of: date | None = None,
) -> Extract:
    """Read and normalise one extract file (docs/architecture.md, "Extract frame").

    The source comes from the argument, the manifest entry or the file name;
    the extract date from the manifest entry, the file name or ``as_of``
    (warning extract_date_unknown). Raises FileRejected when the file cannot
    be loaded.
    """
    path = Path(path)
    spec_source = _resolve_source(path, source, manifest_entry)
    warnings: list[FileWarning] = []
    extract_date = (manifest_entry.extract_date if manifest_entry else None) or extract_date_from_name(
        path.name, spec_source.key
    )
    if extract_date is None:
        extract_date = as_of or date.today()
        warnings.append(_warning("extract_date_unknown", f"基准日 {extract_date.isoformat()}"))
    if path.stat().st_size == 0:
        raise FileRejected(
            "header_not_found", exchange().file_rules["header_not_found"].message_zh + "：文件为空", file=path.name
        )
    grid = read_grid(path, manifest_entry)
    layout = detect_layout(
        grid.head, spec_source, file=path.name, header_row=manifest_entry.header_row if manifest_entry else None
    )
    body = grid.load_body(layout.first_data_record, layout.width, layout.header_record)
    sheet, encoding, date1904, checksum = grid.sheet, grid.encoding, grid.date1904, grid.checksum
    del grid  # the file's bytes are not needed any more
    rows = data_rows(body)
    frame, issues = normalise_fields(
        raw_fields(rows, layout), spec_source, extract_date=extract_date, date1904=date1904
    )
    if frame.height == 0:
        warnings.append(_warning("empty_file"))
    return Extract(
        path=path,
        source=spec_source.key,
        frame=frame,
        issues=issues,
        checksum=checksum or file_checksum(path),
        sheet=sheet,
        encoding=encoding,
        header_row=layout.header_record + 1,
        extract_date=extract_date,
        present_fields=tuple(f for f in spec_source.fields if f in layout.fields),
        ignored_columns=layout.ignored_columns,
        warnings=warnings,
    )
