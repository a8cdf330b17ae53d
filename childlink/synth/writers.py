"""Files as departments send them: layout, planted bad rows, and row bookkeeping.

``plant_rows`` adds the rows that validation must quarantine (exact
duplicates, copies with a required value missing or unreadable) and, in the
mixed layout, blank rows inside the data. ``write_csv`` and ``write_xlsx``
put title rows above the header and note rows below it. Row numbers follow
exchange.yaml ``conventions.layout.row_numbers``: the Nth row below the
header is row N, blank rows included, title rows never counted.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from childlink.schema import DATE, ID_NUMBER, Source, header_index, normalise_header
from childlink.synth.extracts import ROLE_PREFIX

KIND = "__kind"
RULE = "__rule"
KEY = "__key"
SEQ_HEADER = "序号"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class FileLayout:
    fmt: str = "csv"  # csv | txt (tab-separated) | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030
    titles: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seq_column: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text
    native_dates: bool = False
    sheet: str = "Sheet1"


def choose_headers(source: Source, rng: random.Random, alias_rate: float, decorate: bool) -> dict[str, str]:
    """Template names, some replaced by an alias that still maps back to the same field (no ambiguity)."""
    index = header_index(source)
    used: set[str] = set()
    out: dict[str, str] = {}
    for column in source.columns:
        header = column.name
        options = [a for a in column.aliases if index.get(normalise_header(a)) == column.field]
        if options and rng.random() < alias_rate:
            header = rng.choice(options)
        if normalise_header(header) in used:
            header = column.name
        used.add(normalise_header(header))
        if decorate and rng.random() < 0.1:
            header = ("*" + header) if column.required else header + ("(格式:YYYY-MM-DD)" if column.type == DATE else "")
        out[column.field] = header
    return out


def plant_rows(frame: pl.DataFrame, source: Source, rng: random.Random, level: float, *, blank_rows: bool) -> pl.DataFrame:
    """The rendered rows plus planted duplicates, invalid copies and blank rows, in file order.

    An invalid copy has a required value blanked (required_missing), a required date written day-first,
    which no reader accepts (date_unparseable), or a required ID number in scientific notation
    (id_precision_lost); the original row stays, so no record is lost.
    """
    n = frame.height
    frame = frame.with_columns(pl.lit("data").alias(KIND), pl.lit(None, dtype=pl.Utf8).alias(RULE),
                               pl.int_range(n).cast(pl.Float64).alias(KEY) if n else pl.lit(0.0).alias(KEY))
    if n == 0 or level <= 0:
        return frame.drop(KEY)
    extras: list[pl.DataFrame] = []
    k_dup = max(1 if n >= 20 else 0, round(n * 0.004 * level))
    dup = sorted(rng.sample(range(n), min(k_dup, n)))
    if dup:
        extras.append(frame[dup].with_columns(pl.lit("duplicate").alias(KIND), pl.lit("duplicate_row").alias(RULE),
                                              (pl.col(KEY) + 0.5).alias(KEY)))
    k_bad = max(1 if n >= 20 else 0, round(n * 0.003 * level))
    required = [c for c in source.columns if c.required]
    dates = [c for c in required if c.type == DATE]
    # Decide each invalid copy first, then build the copies column by column (one frame operation per group).
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    required_ids = [c for c in required if c.type == ID_NUMBER]
    for i in sorted(rng.sample(range(n), min(k_bad, n))):
        r = rng.random()
        if required_ids and r < 0.15:
            groups.setdefault(("id_precision_lost", (required_ids[0].field,)), []).append(i)
        elif dates and r < 0.5:
            groups.setdefault(("date_unparseable", (rng.choice(dates).field,)), []).append(i)
        elif required or source.required_any:
            blanked = (rng.choice(required).field,) if required else tuple(source.required_any[0])
            groups.setdefault(("required_missing", blanked), []).append(i)
    for (rule, fields), rows in groups.items():
        if rule == "id_precision_lost":
            # Excel showed the number in scientific notation and the CSV kept it: the last digits are gone.
            (name,) = fields
            digits = pl.col(name).str.replace_all(r"[^0-9]", "")
            change = [pl.concat_str([digits.str.slice(0, 1), pl.lit("."), digits.str.slice(1, 5), pl.lit("E+17")])
                      .alias(name)]
        elif rule == "date_unparseable":
            (name,) = fields
            iso = pl.col(name).str.contains(r"^\d{4}-\d{2}-\d{2}$")
            parts = pl.col(name).str.split("-")
            day_first = pl.concat_str([parts.list.get(2), parts.list.get(1), parts.list.get(0)], separator="/")
            change = [pl.when(iso.fill_null(False)).then(day_first).otherwise(pl.lit("31/13/2026")).alias(name)]
        else:
            change = [pl.lit(None, dtype=pl.Utf8).alias(f) for f in fields]
        extras.append(frame[rows].with_columns(*change, pl.lit("invalid").alias(KIND), pl.lit(rule).alias(RULE),
                                               (pl.col(KEY) + 0.6).alias(KEY)))
    if blank_rows and n >= 10:
        k_blank = max(1, round(n * 0.002))
        keys = [rng.randrange(1, n - 1) + 0.7 for _ in range(k_blank)]
        blank = pl.DataFrame({c: pl.Series(c, [None] * k_blank, dtype=frame.schema[c])
                              for c in frame.columns if c not in (KEY, KIND)})
        blank = blank.with_columns(pl.lit("blank").alias(KIND), pl.Series(KEY, keys, dtype=pl.Float64))
        extras.append(blank.select(frame.columns))
    if extras:
        frame = pl.concat([frame, *[e.select(frame.columns) for e in extras]], how="vertical_relaxed")
    return frame.sort(KEY, maintain_order=True).drop(KEY)


def mentions(frame: pl.DataFrame, source: Source, file_name: str) -> pl.DataFrame:
    """One line per person role of every data row (blank rows excluded), with the row number."""
    numbered = frame.with_row_index("row", offset=1).filter(pl.col(KIND) != "blank")
    parts = []
    for role, attrs in source.persons.items():
        fields = list(attrs.values())
        filled = pl.any_horizontal([pl.col(f).is_not_null() & (pl.col(f) != "") for f in fields])
        part = numbered.filter(pl.col(ROLE_PREFIX + role).is_not_null() & filled).select(
            pl.lit(file_name).alias("source_file"), pl.col("row").cast(pl.Int64), pl.lit(role).alias("role"),
            pl.col(ROLE_PREFIX + role).alias("person_id"))
        parts.append(part)
    return pl.concat(parts).sort(["row", "role"]) if parts else pl.DataFrame()


def quarantine(frame: pl.DataFrame, file_name: str) -> pl.DataFrame:
    return frame.with_row_index("row", offset=1).filter(pl.col(RULE).is_not_null()).select(
        pl.lit(file_name).alias("source_file"), pl.col("row").cast(pl.Int64), pl.col(RULE).alias("rule"))


def _table(frame: pl.DataFrame, source: Source, layout: FileLayout) -> pl.DataFrame:
    """The visible columns under their header texts (plus 序号 when the layout has it)."""
    table = frame.select([pl.col(c.field).alias(layout.headers.get(c.field, c.name)) for c in source.columns])
    if layout.seq_column:
        numbers: list[str | None] = []
        count = 0
        for kind in frame[KIND].to_list():
            if kind == "blank":
                numbers.append(None)
            else:
                count += 1
                numbers.append(str(count))
        table = table.insert_column(0, pl.Series(SEQ_HEADER, numbers, dtype=pl.Utf8))
    return table


def write_csv(frame: pl.DataFrame, source: Source, layout: FileLayout, path: Path) -> None:
    table = _table(frame, source, layout)
    buffer = io.BytesIO()
    table.write_csv(buffer, separator="\t" if layout.fmt == "txt" else ",")
    body = buffer.getvalue()
    if not layout.titles and not layout.notes and layout.encoding == "utf-8":
        path.write_bytes(body)
        return
    text = body.decode("utf-8")
    head = "".join(f"{t}\n" for t in layout.titles)
    tail = "".join(f"{n}\n" for n in layout.notes)
    encoding = layout.encoding
    path.write_bytes((head + text + tail).encode(encoding))


def write_xlsx(frame: pl.DataFrame, source: Source, layout: FileLayout, path: Path) -> None:
    import xlsxwriter

    table = _table(frame, source, layout)
    date_headers = {layout.headers.get(c.field, c.name) for c in source.columns if c.type == DATE}
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})
    # A fixed creation time keeps the file byte-identical across runs.
    workbook.set_properties({"created": datetime(2000, 1, 1), "author": "", "title": layout.sheet})
    sheet = workbook.add_worksheet(layout.sheet[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    for title in layout.titles:
        sheet.write_string(r, 0, title, bold if r == 0 else None)
        r += 1
    for c, header in enumerate(table.columns):
        sheet.write_string(r, c, header, bold)
    r += 1
    date_cols = [i for i, h in enumerate(table.columns) if h in date_headers]
    for row in table.iter_rows():
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in date_cols and layout.native_dates and _ISO.match(value):
                sheet.write_datetime(r, c, date.fromisoformat(value), date_format)
            elif c == 0 and layout.seq_column:
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
        r += 1
    for note in layout.notes:
        sheet.write_string(r, 0, note)
        r += 1
    workbook.close()
