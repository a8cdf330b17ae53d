"""Intake: read → validate → store every extract file of a folder.

``ingest_folder`` discovers the files (``connectors.discover_extracts``), and
for each one either records a rejected batch (the file cannot be loaded), skips
it (the same file, by source and checksum, is already an accepted batch:
warning ``duplicate_file``, nothing stored), or reads, validates and stores it:
a batch row, its quarantine lines and field flags, and the accepted rows as
Parquet, all in one transaction (a failure while storing keeps none of it).
It writes the officer-facing results into the output folder:

- ``intake.csv`` — one line per file (status accepted | rejected | skipped);
- ``quarantine.csv`` — one line per failed rule of a quarantined row;
- ``validation/<file>.html`` — the validation report of each loaded file.

Rows always reconcile: rows read = rows accepted + rows quarantined, per file
and in total.
"""

from __future__ import annotations

import csv
import json
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from childlink.schema import Exchange, exchange
from childlink.settings import Settings
from childlink.store import Store
from childlink.store import repository as repo
from childlink.store.records import save_accepted_batch
from connectors import DiscoveredFile, Extract, FileRejected, FileWarning, discover_extracts, file_checksum, read_extract

log = logging.getLogger(__name__)

ACCEPTED, REJECTED, SKIPPED = "accepted", "rejected", "skipped"
DUPLICATE_FILE = "duplicate_file"
FILE_UNREADABLE = "file_unreadable"

# Errors that mean the file itself cannot be read (gone, unreadable, corrupt bytes). Any other
# exception while reading or checking a file is a bug: it is raised, never turned into a rejection.
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, UnicodeError, csv.Error, zipfile.BadZipFile, EOFError)

INTAKE_CSV = "intake.csv"
QUARANTINE_CSV = "quarantine.csv"
SUMMARY_JSON = "intake_summary.json"
VALIDATION_DIR = "validation"

INTAKE_COLUMNS = (
    "source_file", "source", "status", "rows_read", "rows_accepted", "rows_quarantined",
    "message", "rule", "batch_id", "extract_date", "encoding", "report",
)
QUARANTINE_COLUMNS = ("source_file", "row", "column", "rule", "value", "message_zh")

# progress(event, **details): "files" (total), "file" (name, index), "rows" (name, total),
# "advance" (name, rows), "done" (result). The CLI draws its bars from these.
Progress = Callable[..., None]


@dataclass
class FileResult:
    """What happened to one file."""

    source_file: str
    source: str | None
    status: str  # accepted | rejected | skipped
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    message: str = ""  # Chinese, for the officer
    rule: str | None = None  # the file rule (rejection) or the first warning
    batch_id: int | None = None
    extract_date: date | None = None
    encoding: str | None = None
    report: str | None = None  # path of the validation report, relative to the output folder
    warnings: list[FileWarning] = field(default_factory=list)
    seconds: float = 0.0  # the whole file: read, validate, store
    validation_seconds: float = 0.0

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_quarantined


@dataclass
class IntakeResult:
    run_id: str
    out_dir: Path
    files: list[FileResult]
    summary: dict[str, Any]

    @property
    def intake_csv(self) -> Path:
        return self.out_dir / INTAKE_CSV

    @property
    def quarantine_csv(self) -> Path:
        return self.out_dir / QUARANTINE_CSV

    @property
    def validation_dir(self) -> Path:
        return self.out_dir / VALIDATION_DIR


def _no_progress(event: str, **details: Any) -> None:
    return None


def ingest_folder(
    extracts_dir: Path | str,
    out_dir: Path | str,
    *,
    settings: Settings,
    store: Store,
    run_id: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> IntakeResult:
    """Load and validate every extract file of ``extracts_dir`` into ``store``.

    The batches belong to a new intake run, or to ``run_id``: started here
    when it does not exist yet, otherwise used as it is and left for its
    owner to finish (a comparison run that ingests first).
    """
    extracts_dir, out_dir = Path(extracts_dir), Path(out_dir)
    if not extracts_dir.is_dir():
        raise FileNotFoundError(f"数据文件夹不存在 / extracts folder not found: {extracts_dir}")
    progress = progress or _no_progress
    spec = exchange()
    (out_dir / VALIDATION_DIR).mkdir(parents=True, exist_ok=True)
    owns_run = run_id is None or repo.get_run(store, run_id=run_id) is None
    if owns_run:
        run_id = repo.start_run(
            store, kind="intake", county=settings.county.code, as_of=as_of, settings=settings, run_id=run_id
        )
    found = discover_extracts(extracts_dir)
    progress("files", total=len(found))
    results: list[FileResult] = []
    quarantine_parts: list[pl.DataFrame] = []
    try:
        for index, discovered in enumerate(found):
            progress("file", name=discovered.file_name, index=index)
            started = time.perf_counter()
            result, lines = _ingest_file(
                discovered, out_dir, settings=settings, store=store, run_id=run_id, as_of=as_of, spec=spec,
                progress=progress,
            )
            result.seconds = round(time.perf_counter() - started, 3)
            results.append(result)
            if lines is not None and not lines.is_empty():
                quarantine_parts.append(lines)
            progress("done", result=result)
    except BaseException:
        if owns_run:
            repo.finish_run(store, run_id=run_id, status="failed", summary=run_summary(results))
        raise
    summary = run_summary(results)
    _write_intake_csv(results, out_dir / INTAKE_CSV)
    _write_quarantine_csv(quarantine_parts, out_dir / QUARANTINE_CSV)
    (out_dir / SUMMARY_JSON).write_text(json.dumps({"run_id": run_id, **summary}, ensure_ascii=False, indent=2))
    if owns_run:
        repo.finish_run(store, run_id=run_id, summary=summary)
    return IntakeResult(run_id=run_id, out_dir=out_dir, files=results, summary=summary)


def _ingest_file(
    discovered: DiscoveredFile,
    out_dir: Path,
    *,
    settings: Settings,
    store: Store,
    run_id: str,
    as_of: date | None,
    spec: Exchange,
    progress: Progress,
) -> tuple[FileResult, pl.DataFrame | None]:
    name = discovered.file_name
    checksum = file_checksum(discovered.path)
    if discovered.rejection is not None:
        return _rejected(discovered.rejection, discovered, checksum, store=store, run_id=run_id), None
    existing = repo.find_accepted_batch(store, source=discovered.source, checksum=checksum)
    if existing is not None:
        return _skipped(discovered, existing.batch_id, existing.source_file, spec), None
    try:
        extract = read_extract(
            discovered.path, discovered.source, manifest_entry=discovered.manifest_entry, as_of=as_of
        )
    except FileRejected as exc:
        return _rejected(exc, discovered, checksum, store=store, run_id=run_id), None
    except READ_ERRORS as exc:  # a file that cannot be read must not stop the other files
        log.exception("reading %s failed", name)
        rejection = FileRejected(FILE_UNREADABLE, spec.file_rules[FILE_UNREADABLE].message_zh, file=name,
                                 detail=f"读取出错：{type(exc).__name__}: {exc}")
        return _rejected(rejection, discovered, checksum, store=store, run_id=run_id), None
    progress("rows", name=name, total=2 * max(extract.rows_read, 1))

    # Imported here: Great Expectations takes seconds to import, the CLI's help should not.
    from expectations import validate_extract

    validation = validate_extract(extract, settings, spec=spec)
    progress("advance", name=name, rows=max(extract.rows_read, 1))
    report = Path(VALIDATION_DIR) / f"{name}.html"
    (out_dir / report).write_text(validation.report_html, encoding="utf-8")
    warnings = [*extract.warnings, *validation.warnings]
    stats = validation.statistics
    # Batch row, quarantine lines, field flags and Parquet records in one transaction: a failure
    # while storing leaves no accepted batch behind, so the same file can simply be ingested again.
    try:
        batch_id = save_accepted_batch(
            store,
            run_id=run_id,
            source_file=name,
            source=extract.source,
            checksum=extract.checksum or checksum,
            records=validation.accepted,
            quarantine=validation.quarantine,
            field_flags=_flags_with_messages(validation.field_flags, spec),
            rows_read=stats["rows_read"],
            message=_accepted_message(stats, warnings),
            encoding=_encoding_name(extract),
            sheet=extract.sheet,
            header_row=extract.header_row,
            extract_date=extract.extract_date,
        )
    except repo.BatchAlreadyIngested as exc:  # the same content twice in this folder
        return _skipped(discovered, exc.batch_id, None, spec), None
    # The storing half of the file's bar.
    progress("advance", name=name, rows=max(extract.rows_read, 1))
    result = FileResult(
        source_file=name,
        source=extract.source,
        status=ACCEPTED,
        rows_read=stats["rows_read"],
        rows_accepted=stats["rows_accepted"],
        rows_quarantined=stats["rows_quarantined"],
        message=_accepted_message(stats, warnings),
        rule=warnings[0].rule if warnings else None,
        batch_id=batch_id,
        extract_date=extract.extract_date,
        encoding=_encoding_name(extract),
        report=report.as_posix(),
        warnings=warnings,
        validation_seconds=stats["seconds"],
    )
    return result, quarantine_lines(extract, validation.quarantine, spec)


def _flags_with_messages(flags: pl.DataFrame, spec: Exchange) -> pl.DataFrame:
    """Field flags with the Chinese message of their rule (exchange.yaml quarantine_rules)."""
    messages = pl.DataFrame(
        {"rule": list(spec.row_rules), "message_zh": [r.message_zh for r in spec.row_rules.values()]}
    )
    return flags.join(messages, on="rule", how="left", maintain_order="left")


def _rejection_message(exc: FileRejected) -> str:
    message = f"文件“{exc.file}”：{exc.message_zh}"
    if exc.column and exc.column not in exc.message_zh:
        message += f"；列：{exc.column}"
    if exc.detail:
        message += f"（{exc.detail}）"
    return message


def _rejected(
    exc: FileRejected, discovered: DiscoveredFile, checksum: str, *, store: Store, run_id: str
) -> FileResult:
    message = _rejection_message(exc)
    batch_id = repo.record_batch(
        store,
        run_id=run_id,
        source_file=discovered.file_name,
        source=discovered.source,
        checksum=checksum,
        status=REJECTED,
        message=message,
        reject_rule=exc.rule,
        extract_date=discovered.extract_date,
    )
    return FileResult(
        source_file=discovered.file_name,
        source=discovered.source,
        status=REJECTED,
        message=message,
        rule=exc.rule,
        batch_id=batch_id,
        extract_date=discovered.extract_date,
    )


def _skipped(discovered: DiscoveredFile, batch_id: int | None, earlier_file: str | None, spec: Exchange) -> FileResult:
    warning = FileWarning(DUPLICATE_FILE, spec.file_rules[DUPLICATE_FILE].message_zh, detail=f"批次 {batch_id}")
    message = warning.message_zh + f"（已导入批次 {batch_id}"
    message += f"，文件“{earlier_file}”）" if earlier_file and earlier_file != discovered.file_name else "）"
    return FileResult(
        source_file=discovered.file_name,
        source=discovered.source,
        status=SKIPPED,
        message=message,
        rule=DUPLICATE_FILE,
        batch_id=batch_id,
        extract_date=discovered.extract_date,
        warnings=[warning],
    )


def _encoding_name(extract: Extract) -> str | None:
    """The detected encoding when it is one of the accepted names (XLSX files have none)."""
    accepted = exchange().conventions["encodings"]["accepted"]
    return extract.encoding if extract.encoding in accepted else None


def _accepted_message(stats: dict[str, Any], warnings: list[FileWarning]) -> str:
    parts = [f"已导入 {stats['rows_accepted']} 行"]
    if stats["rows_quarantined"]:
        parts.append(f"{stats['rows_quarantined']} 行被隔离（见 {QUARANTINE_CSV}）")
    parts.extend(w.message_zh + (f"（{w.detail}）" if w.detail else "") for w in warnings)
    return "；".join(parts)


def quarantine_lines(extract: Extract, quarantine: pl.DataFrame, spec: Exchange) -> pl.DataFrame:
    """quarantine.csv lines of one file: the field shown by its Chinese template header.

    Sensitive sources (policy §4) show the row and the rule only.
    """
    source = spec.source(extract.source)
    headers = {c.field: c.name for c in source.columns}
    column = (
        pl.col("field")
        .str.split("|")
        .list.eval(pl.element().replace_strict(headers, default=pl.element()))
        .list.join("、")
    )
    lines = quarantine.select(
        source_file=pl.lit(extract.file_name),
        row=pl.col("row"),
        column=column,
        rule=pl.col("rule"),
        value=pl.col("value"),
        message_zh=pl.col("message_zh"),
    )
    if source.sensitive:
        lines = lines.with_columns(column=pl.lit(None, pl.Utf8), value=pl.lit(None, pl.Utf8))
    return lines


def run_summary(results: list[FileResult]) -> dict[str, Any]:
    """Counts per status and rows, reconciled per file and in total."""
    loaded = [r for r in results if r.status == ACCEPTED]
    rows_read = sum(r.rows_read for r in loaded)
    rows_accepted = sum(r.rows_accepted for r in loaded)
    rows_quarantined = sum(r.rows_quarantined for r in loaded)
    return {
        "files": len(results),
        "accepted": len(loaded),
        "rejected": sum(r.status == REJECTED for r in results),
        "skipped": sum(r.status == SKIPPED for r in results),
        "rows_read": rows_read,
        "rows_accepted": rows_accepted,
        "rows_quarantined": rows_quarantined,
        "reconciled": rows_read == rows_accepted + rows_quarantined and all(r.reconciled for r in results),
        "per_file": [
            {k: v for k, v in asdict(r).items() if k != "warnings"} | {"extract_date": _iso(r.extract_date)}
            for r in results
        ],
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _write_intake_csv(results: list[FileResult], path: Path) -> None:
    rows = [
        {
            "source_file": r.source_file,
            "source": r.source,
            "status": r.status,
            "rows_read": r.rows_read,
            "rows_accepted": r.rows_accepted,
            "rows_quarantined": r.rows_quarantined,
            "message": r.message,
            "rule": r.rule,
            "batch_id": r.batch_id,
            "extract_date": _iso(r.extract_date),
            "encoding": r.encoding,
            "report": r.report,
        }
        for r in results
    ]
    schema = {c: pl.Utf8 for c in INTAKE_COLUMNS} | {
        "rows_read": pl.Int64, "rows_accepted": pl.Int64, "rows_quarantined": pl.Int64, "batch_id": pl.Int64,
    }
    # BOM: Excel opens a UTF-8 CSV as Chinese text only with it.
    pl.DataFrame(rows, schema=schema).write_csv(path, include_bom=True)


def _write_quarantine_csv(parts: list[pl.DataFrame], path: Path) -> None:
    schema = {c: pl.Utf8 for c in QUARANTINE_COLUMNS} | {"row": pl.Int64}
    frame = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=schema)
    frame.select(*QUARANTINE_COLUMNS).write_csv(path, include_bom=True)
