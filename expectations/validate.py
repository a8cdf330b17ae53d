"""Validate one normalised extract: accepted rows, quarantine, field flags.

``validate_extract`` runs the source's Great Expectations suites
(``expectations.suites``) on the extract frame, merges their failures with the
field flags the normalisers raised (``Extract.issues``), applies the
exchange.yaml quarantine rules (action, ``escalate_if_required``) and the
``duplicate_row`` rule, and splits the rows. Every row read ends up either
accepted or quarantined: ``rows_read == accepted.height + quarantine["row"].n_unique()``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import polars as pl

from childlink.schema import Exchange, Source, exchange
from childlink.settings import Settings
from connectors.extract import ISSUE_COLUMNS, ROW, Extract, FileWarning
from expectations.gx_runtime import run_suite
from expectations.report import CheckOutcome, render_report
from expectations.suites import ROWS, SourceSuites, build_suites

QUARANTINE_COLUMNS = {**ISSUE_COLUMNS, "message_zh": pl.Utf8}
FLAG_COLUMNS = ISSUE_COLUMNS

QUARANTINE_ROW = "quarantine_row"
DUPLICATE_ROW = "duplicate_row"
REQUIRED_MISSING = "required_missing"
HIGH_QUARANTINE_RATE = "high_quarantine_rate"


@dataclass
class Validation:
    """The outcome of validating one extract (docs/architecture.md, "Validation")."""

    accepted: pl.DataFrame
    quarantine: pl.DataFrame  # row, field, rule, value, message_zh
    field_flags: pl.DataFrame  # row, field, rule, value (accepted rows only)
    report_html: str
    statistics: dict[str, Any]
    warnings: list[FileWarning] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)

    @property
    def quarantined_rows(self) -> int:
        return self.quarantine[ROW].n_unique()


def validate_extract(extract: Extract, settings: Settings, *, spec: Exchange | None = None) -> Validation:
    """Split ``extract`` into accepted and quarantined rows (see module docstring)."""
    started = time.perf_counter()
    spec = spec or exchange()
    source = spec.source(extract.source)
    extract_date = extract.extract_date or date.today()
    frame = _complete_frame(extract.frame, source)
    suites = _suites(spec, source.key, extract_date)

    outcomes, failures = _run_suites(suites, frame)
    failures = pl.concat([failures, _issues(extract)], how="vertical").unique(
        subset=[ROW, "field", "rule"], keep="first", maintain_order=True
    )
    failures = _classify(failures, source, spec)
    duplicates = _duplicate_rows(frame, source, spec)

    quarantining = pl.concat(
        [failures.filter(pl.col("quarantines")).select(*QUARANTINE_COLUMNS), duplicates], how="vertical"
    ).sort(ROW, maintain_order=True)
    quarantined_rows = quarantining.get_column(ROW).unique()
    accepted = frame.filter(~pl.col(ROW).is_in(quarantined_rows.implode()))
    flags = (
        failures.filter(~pl.col("quarantines") & ~pl.col(ROW).is_in(quarantined_rows.implode()))
        .select(*FLAG_COLUMNS)
        .sort(ROW, maintain_order=True)
    )
    if source.sensitive:
        # Special-category data (policy §4): quarantine and flags keep row and rule, never the cell.
        quarantining = quarantining.with_columns(value=pl.lit(None, pl.Utf8))
        flags = flags.with_columns(value=pl.lit(None, pl.Utf8))

    statistics = _statistics(extract, accepted, quarantining, flags, outcomes)
    warnings = _warnings(statistics, settings, spec)
    statistics["seconds"] = round(time.perf_counter() - started, 3)
    report = render_report(
        extract=extract, source=source, outcomes=outcomes, statistics=statistics, quarantine=quarantining,
        flags=flags, warnings=[*extract.warnings, *warnings],
    )
    return Validation(
        accepted=accepted,
        quarantine=quarantining,
        field_flags=flags,
        report_html=report,
        statistics=statistics,
        warnings=warnings,
        checks=outcomes,
    )


_built: dict[tuple[int, str, date], SourceSuites] = {}
_building = threading.Lock()


def _suites(spec: Exchange, source_key: str, extract_date: date) -> SourceSuites:
    """The suites of a source and extract date, built once per process.

    A GX validation definition refuses to run a suite that changed after it
    was registered, so the same suite object is reused for every file.
    """
    key = (id(spec), source_key, extract_date)
    with _building:
        if key not in _built:
            _built[key] = build_suites(spec.source(source_key), extract_date, spec)
        return _built[key]


# --- frames handed to Great Expectations -------------------------------------------------------


def _complete_frame(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """The frame with every field of the source (null when absent), as the contract promises."""
    missing = [f for f in source.fields if f not in frame.columns]
    if missing:
        frame = frame.with_columns([pl.lit(None, pl.Utf8).alias(f) for f in missing])
    return frame


def _to_pandas(series: pl.Series) -> pd.Series:
    """A pandas column GX checks quickly: arrow-backed text, datetime64[ns] dates."""
    if series.dtype == pl.Date or isinstance(series.dtype, pl.Datetime):
        # datetime64[ns] is the dtype GX compares vectorised; others go value by value.
        return series.cast(pl.Datetime("ns")).to_pandas()
    if series.dtype == pl.Utf8:
        return series.to_pandas(use_pyarrow_extension_array=True)
    return series.to_pandas()


def _row_frame(suites: SourceSuites, frame: pl.DataFrame) -> pd.DataFrame:
    """Only the columns the row suite needs (the rest would only slow GX down)."""
    selected = frame.select([expr.alias(name) for name, expr in suites.row_columns.items()])
    return pd.DataFrame({name: _to_pandas(selected.get_column(name)) for name in selected.columns})


def _distinct_values(suites: SourceSuites, frame: pl.DataFrame) -> dict[str, pl.Series]:
    """Value-suite column -> the distinct non-null values of its field (in the field's dtype)."""
    distinct: dict[str, pl.Series] = {}
    for column, (field_name, _representation) in suites.value_columns.items():
        distinct[column] = frame.get_column(field_name).drop_nulls().unique(maintain_order=True)
    return distinct


def _value_frame(suites: SourceSuites, distinct: dict[str, pl.Series]) -> pd.DataFrame:
    """One column per value check, padded with nulls (which GX skips) to the longest.

    Padding happens in polars and text stays arrow-backed: a million padded
    object cells per column would cost more than the checks themselves.
    """
    length = max((s.len() for s in distinct.values()), default=0)
    columns: dict[str, pd.Series] = {}
    for column, (_field, representation) in suites.value_columns.items():
        values = distinct[column]
        if representation == "text":
            values = values.dt.to_string("%Y-%m-%d") if values.dtype == pl.Date else values.cast(pl.Utf8)
        values = values.extend_constant(None, length - values.len())
        columns[column] = _to_pandas(values)
    return pd.DataFrame(columns)


# --- running the suites ------------------------------------------------------------------------


def _run_suites(suites: SourceSuites, frame: pl.DataFrame) -> tuple[list[CheckOutcome], pl.DataFrame]:
    """Check outcomes and the failures as ``row, field, rule, value`` lines."""
    outcomes: list[CheckOutcome] = []
    parts: list[pl.DataFrame] = [pl.DataFrame(schema=ISSUE_COLUMNS)]

    if suites.rows.expectations and frame.height:
        result = run_suite(suites.rows, _row_frame(suites, frame))
        for item in result.results:
            check = suites.check_of(item.expectation_config.meta)
            _raise_on_exception(item, check.name, suites)
            indices = item.result.get("unexpected_index_list") or []
            # The row frame has the extract's row order, so GX's indices are positions.
            hits = _cells(frame, check.fields)[indices] if indices else _cells(frame, check.fields).clear()
            parts.append(_failure_lines(hits, check.fields, check.rule))
            outcomes.append(CheckOutcome.of(check, item, hits.height))

    distinct = _distinct_values(suites, frame)
    if suites.values.expectations and any(s.len() for s in distinct.values()):
        result = run_suite(suites.values, _value_frame(suites, distinct))
        for item in result.results:
            check = suites.check_of(item.expectation_config.meta)
            _raise_on_exception(item, check.name, suites)
            indices = item.result.get("unexpected_index_list") or []
            cells = _cells(frame, check.fields)
            if indices:
                bad_values = distinct[check.column].gather(indices)
                hits = cells.filter(pl.col(check.fields[0]).is_in(bad_values.implode()))
            else:
                hits = cells.clear()
            parts.append(_failure_lines(hits, check.fields, check.rule))
            outcomes.append(CheckOutcome.of(check, item, hits.height))
    else:
        outcomes.extend(CheckOutcome.not_run(c) for c in suites.checks.values() if c.target != ROWS)
    return outcomes, pl.concat(parts, how="vertical")


def _raise_on_exception(item, name: str, suites: SourceSuites) -> None:
    info = item.exception_info or {}
    if info.get("raised_exception"):
        raise RuntimeError(
            f"Great Expectations could not evaluate check {name} of source {suites.source.key}: "
            f"{info.get('exception_message')}"
        )


def _cells(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.DataFrame:
    """Only the row number and the cells a check is about (filtering all columns would copy them)."""
    columns = [ROW]
    for name in fields:
        columns.append(name)
        if f"{name}_raw" in frame.columns:
            columns.append(f"{name}_raw")
    return frame.select(columns)


def _failure_lines(hits: pl.DataFrame, fields: tuple[str, ...], rule: str) -> pl.DataFrame:
    """One ``row, field, rule, value`` line per failing row; value = the raw cell."""
    if len(fields) > 1:  # a required_any group: one line naming the whole group
        return hits.select(
            pl.col(ROW), field=pl.lit("|".join(fields)), rule=pl.lit(rule), value=pl.lit(None, pl.Utf8)
        )
    name = fields[0]
    value = pl.col(name).cast(pl.Utf8)
    if f"{name}_raw" in hits.columns:
        value = pl.coalesce(pl.col(f"{name}_raw").cast(pl.Utf8), value)
    return hits.select(pl.col(ROW), field=pl.lit(name), rule=pl.lit(rule), value=value)


def _issues(extract: Extract) -> pl.DataFrame:
    issues = extract.issues
    if issues.is_empty():
        return pl.DataFrame(schema=ISSUE_COLUMNS)
    return issues.select([pl.col(c).cast(t) for c, t in ISSUE_COLUMNS.items()])


# --- quarantine rules --------------------------------------------------------------------------


def _classify(failures: pl.DataFrame, source: Source, spec: Exchange) -> pl.DataFrame:
    """Add ``message_zh`` and ``quarantines`` (does this failure quarantine its row?).

    exchange.yaml quarantine_rules: quarantine_row rules always do; flag_field
    rules do when escalate_if_required and the field is a required column (an
    unusable required value counts as missing). When such an escalated rule
    explains why a required field is empty, it replaces required_missing.
    """
    rules = pl.DataFrame(
        {
            "rule": list(spec.row_rules),
            "message_zh": [r.message_zh for r in spec.row_rules.values()],
            "always": [r.action == QUARANTINE_ROW for r in spec.row_rules.values()],
            "escalates": [r.escalate_if_required for r in spec.row_rules.values()],
        }
    )
    required = pl.Series(source.required_fields, dtype=pl.Utf8)
    failures = failures.join(rules, on="rule", how="left", maintain_order="left").with_columns(
        message_zh=pl.col("message_zh").fill_null(pl.col("rule")),
        quarantines=pl.col("always").fill_null(False)
        | (pl.col("escalates").fill_null(False) & pl.col("field").is_in(required.implode())),
    )
    escalated = failures.filter(pl.col("quarantines") & (pl.col("rule") != REQUIRED_MISSING)).select(ROW, "field")
    explained = (
        failures.filter(pl.col("rule") == REQUIRED_MISSING)
        .join(escalated, on=[ROW, "field"], how="semi")
        .select(ROW, "field", "rule")
    )
    return failures.join(explained, on=[ROW, "field", "rule"], how="anti", maintain_order="left").select(
        *ISSUE_COLUMNS, "message_zh", "quarantines"
    )


def _duplicate_rows(frame: pl.DataFrame, source: Source, spec: Exchange) -> pl.DataFrame:
    """duplicate_row: every row after the first of rows whose normalised fields are all equal."""
    if frame.height < 2:
        return pl.DataFrame(schema=QUARANTINE_COLUMNS)
    fields = list(source.fields)
    first = frame.select(pl.col(ROW), first=pl.col(ROW).min().over(fields))
    dups = first.filter(pl.col(ROW) != pl.col("first"))
    message = spec.row_rules[DUPLICATE_ROW].message_zh
    return dups.select(
        pl.col(ROW),
        field=pl.lit(None, pl.Utf8),
        rule=pl.lit(DUPLICATE_ROW),
        value=pl.lit(None, pl.Utf8),
        message_zh=pl.format(message + "（与第{}行相同）", pl.col("first")),
    )


# --- summary -----------------------------------------------------------------------------------


def _statistics(
    extract: Extract,
    accepted: pl.DataFrame,
    quarantine: pl.DataFrame,
    flags: pl.DataFrame,
    outcomes: list[CheckOutcome],
) -> dict[str, Any]:
    rows_read = extract.rows_read
    rows_quarantined = quarantine.get_column(ROW).n_unique()
    if rows_read != accepted.height + rows_quarantined:  # the reconciliation every report relies on
        raise AssertionError(
            f"{extract.file_name}: rows read {rows_read} != accepted {accepted.height} + quarantined {rows_quarantined}"
        )

    def by_rule(lines: pl.DataFrame) -> dict[str, int]:
        counts = lines.group_by("rule").len().sort("rule")
        return dict(zip(counts.get_column("rule").to_list(), counts.get_column("len").to_list()))

    return {
        "source_file": extract.file_name,
        "source": extract.source,
        "rows_read": rows_read,
        "rows_accepted": accepted.height,
        "rows_quarantined": rows_quarantined,
        "quarantine_rate": round(rows_quarantined / rows_read, 4) if rows_read else 0.0,
        "quarantine_by_rule": by_rule(quarantine),
        "flags_by_rule": by_rule(flags),
        "checks_evaluated": sum(1 for o in outcomes if o.evaluated),
        "checks_failed": sum(1 for o in outcomes if o.evaluated and not o.success),
    }


def _warnings(statistics: dict[str, Any], settings: Settings, spec: Exchange) -> list[FileWarning]:
    threshold = settings.intake.high_quarantine_rate
    rate = statistics["quarantine_rate"]
    if statistics["rows_read"] and rate > threshold:
        # The spec's message names the default threshold; say the configured one.
        message = spec.file_rules[HIGH_QUARANTINE_RATE].message_zh.replace("20%", f"{threshold:.0%}")
        return [FileWarning(HIGH_QUARANTINE_RATE, message, detail=f"隔离比例 {rate:.1%}")]
    return []
