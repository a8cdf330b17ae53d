"""CSV/TXT extracts (exchange.yaml conventions.formats.csv).

The bytes are decoded strictly (connectors.encodings), the first records are
split here for header detection, and the data records are read by polars
from the byte offset after the header, every column as text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import polars as pl

from childlink.schema import exchange
from connectors.encodings import UTF8_BOM, decode_text, detect_encoding, is_strict_utf8, resolve_encoding
from connectors.extract import FileRejected
from connectors.grid import HEAD_RECORDS, Grid, cell_columns, rows_to_frame
from connectors.layout import is_note_cells

_NON_BLANK = re.compile(rb"\S")
_OPENING_QUOTE = re.compile(rb'(?:^|[,\t\n])"')
_CLOSING_QUOTE = re.compile(rb'"(?:[,\t\r\n]|$)')


def split_records(buf: bytes, limit: int) -> list[tuple[int, int]]:
    """(start, end) byte spans of the first ``limit`` records (RFC 4180).

    A record ends at a line break outside double quotes, so a quoted line
    break stays inside its record.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    quotes = 0
    pos = 0
    size = len(buf)
    while pos < size and len(spans) < limit:
        nl = buf.find(b"\n", pos)
        end = size if nl < 0 else nl + 1
        quotes += buf.count(b'"', pos, end)
        pos = end
        if quotes % 2 == 0 or nl < 0:
            spans.append((start, end))
            start = end
            quotes = 0
    if start < pos and len(spans) < limit:
        spans.append((start, pos))  # an unbalanced quote ran to the end of the file
    return spans


def delimiter_of(record: str) -> str:
    """Tab when the record has a tab and no comma outside quotes, else comma."""
    if "\t" not in record:
        return ","
    outside = record.split('"')[0::2]  # text outside quoted parts
    return "\t" if not any("," in part for part in outside) else ","


def parse_record(record: str, delimiter: str) -> list[str]:
    """The cells of one record."""
    rows = list(csv.reader(io.StringIO(record), delimiter=delimiter, quotechar='"'))
    return rows[0] if rows else []


def _truncated(file: str, detail: str) -> FileRejected:
    rule = exchange().file_rules["file_truncated"]
    return FileRejected(rule.rule, rule.message_zh, file=file, detail=detail)


def check_complete(buf: bytes, header_width: int, delimiter: str, *, file: str) -> None:
    """Raise file_truncated when the last record is cut off.

    A quoted field still open at the end of the file shows as an odd number
    of double quotes with more opening than closing ones; a last line without a line break and with fewer cells
    than the header was cut mid-record (a note line such as 制表人 is fine).
    """
    if buf.count(b'"') % 2 == 1 and len(_OPENING_QUOTE.findall(buf)) > len(_CLOSING_QUOTE.findall(buf)):
        # An odd count alone could be a literal quote inside a field (5"3);
        # a quoted field left open has one more opening than closing quote.
        raise _truncated(file, "文件末尾有未闭合的引号")
    if not buf or buf.endswith(b"\n"):
        return
    last_start = buf.rfind(b"\n") + 1
    if buf.count(b'"', 0, last_start) % 2 == 1:
        return  # the last line continues a multi-line record: no reliable cell count
    cells = parse_record(buf[last_start:].decode("utf-8").rstrip("\r"), delimiter)
    if 0 < len(cells) < header_width and not is_note_cells(cells):
        raise _truncated(file, f"最后一行只有{len(cells)}列（表头有{header_width}列）且没有换行")


class CsvSource:
    """A decoded CSV file: head records for layout, polars for the body."""

    def __init__(self, path: Path, *, encoding_override: str | None = None):
        self.path = path
        data = path.read_bytes()
        self.checksum = hashlib.sha256(data).hexdigest()
        override = resolve_encoding(encoding_override, file=path.name)
        encoding = override or detect_encoding(data, file=path.name)
        if encoding == "gb18030" or (override and not is_strict_utf8(data)):
            # polars reads UTF-8 only: decode strictly here and hand it UTF-8.
            text, encoding = decode_text(data, file=path.name, override=encoding)
            self.buf = text.encode("utf-8")
        else:
            self.buf = data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data
        self.encoding = encoding
        self.spans = split_records(self.buf, HEAD_RECORDS)
        self.records = [self.buf[s:e].decode("utf-8").rstrip("\r\n") for s, e in self.spans]
        self.delimiters = [delimiter_of(r) for r in self.records]

    def grid(self) -> Grid:
        """The head records as cells, each split with its own delimiter."""
        head: list[list[str | None]] = [parse_record(r, d) if r.strip() else [] for r, d in zip(self.records, self.delimiters, strict=True)]
        return Grid(head=head, load_body=self.load_body, encoding=self.encoding, checksum=self.checksum)

    def load_body(self, first_record: int, width: int, header_record: int) -> pl.DataFrame:
        """Records from ``first_record`` on as ``width`` text columns, with the header's delimiter.

        Raises file_truncated when the last record is cut off.
        """
        delimiter = self.delimiters[header_record]
        check_complete(self.buf, width, delimiter, file=self.path.name)
        offset = self.spans[first_record][0] if first_record < len(self.spans) else len(self.buf)
        columns = cell_columns(width)
        if _NON_BLANK.search(self.buf, offset) is None:
            return pl.DataFrame(schema={c: pl.Utf8 for c in columns})
        try:
            return self._read_body(offset, columns, delimiter)
        except pl.exceptions.PolarsError:
            # polars splits the file on quote parity; a literal quote inside an
            # unquoted field (幸福路5"号) defeats that. Python's csv reads such a
            # file as RFC 4180 readers commonly do, only slower.
            return self._read_body_slowly(offset, width, delimiter)

    def _read_body_slowly(self, offset: int, width: int, delimiter: str) -> pl.DataFrame:
        text = self.buf[offset:].decode("utf-8")
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'))
        except csv.Error as exc:
            rule = exchange().file_rules["file_unreadable"]
            raise FileRejected(rule.rule, rule.message_zh, file=self.path.name, detail=f"CSV格式错误：{exc}") from None
        return rows_to_frame([[c if c != "" else None for c in row] for row in rows], width)

    def _read_body(self, offset: int, columns: list[str], delimiter: str) -> pl.DataFrame:
        # Skip the line breaks before the first data record instead of slicing
        # (a slice would copy the whole file); the count is exact, so quoting
        # in the skipped part does not matter.
        return pl.read_csv(
            self.buf,
            skip_lines=self.buf.count(b"\n", 0, offset),
            has_header=False,
            separator=delimiter,
            quote_char='"',
            schema={c: pl.Utf8 for c in columns},
            truncate_ragged_lines=True,
            missing_columns="insert",
            raise_if_empty=False,
        )


def read_csv_grid(path: Path | str, *, encoding_override: str | None = None) -> Grid:
    """A CSV/TXT file as a Grid (raises FileRejected for encodings and truncation)."""
    return CsvSource(Path(path), encoding_override=encoding_override).grid()
