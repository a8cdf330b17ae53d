"""Normalising every field of a source: raw text columns in, the Extract frame out.

Shared by the file readers and the SQL reader. Column order of the result:
``row``, then per field ``<field>``, ``<field>_raw`` and its derived columns,
then source-specific derived fields.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.schema import (
    BOOLEAN,
    CODE,
    DATE,
    DIVISION,
    ID_NUMBER,
    INTEGER,
    NAME,
    PHONE,
    SEX,
    TEXT,
    Column,
    Source,
)
from connectors.extract import ISSUE_COLUMNS, ROW, empty_issues
from connectors.normalise.codes import normalise_code, normalise_sex
from connectors.normalise.dates import normalise_date
from connectors.normalise.divisions import normalise_division
from connectors.normalise.id_number import normalise_id_number
from connectors.normalise.names import normalise_name
from connectors.normalise.result import Normalised
from connectors.normalise.text import normalise_boolean, normalise_integer, normalise_phone, normalise_text
from connectors.row_checks import apply_derivations, derive_inputs, row_issues

DERIVED_SUFFIXES = {
    ID_NUMBER: ("_birth_date", "_sex", "_division", "_check_ok", "_upgraded_from_15"),
    DATE: ("_precision",),
    DIVISION: ("_county", "_township", "_level", "_urban_rural"),
    SEX: ("_derived",),
}


def _normalise_column(column: Column, series: pl.Series, *, extract_date: date, date1904: bool) -> Normalised:
    if column.type == ID_NUMBER:
        return normalise_id_number(series, extract_date=extract_date)
    if column.type == NAME:
        return normalise_name(series)
    if column.type == DATE:
        return normalise_date(
            series, extract_date=extract_date, future_allowed=column.future_allowed, date1904=date1904
        )
    if column.type == CODE:
        return normalise_code(series, column.code_list)
    if column.type == DIVISION:
        return normalise_division(series)
    if column.type == INTEGER:
        return normalise_integer(series, minimum=column.min, maximum=column.max)
    if column.type == BOOLEAN:
        return normalise_boolean(series)
    if column.type == PHONE:
        return normalise_phone(series)
    if column.type == TEXT:
        return normalise_text(series)
    raise ValueError(f"{column.field}: unknown field type {column.type!r}")


def _role_of(source: Source, field_name: str, attribute: str) -> dict[str, str] | None:
    for attributes in source.persons.values():
        if attributes.get(attribute) == field_name:
            return attributes
    return None


def _issues_of(field_name: str, rows: pl.Series, rule: pl.Series, value: pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame({"row": rows, "rule": rule, "value": value.cast(pl.Utf8)})
    return frame.filter(pl.col("rule").is_not_null()).select(
        "row", pl.lit(field_name).alias("field"), "rule", "value"
    )


def _sex_for_blanks(column: Column, source: Source, results: dict[str, Normalised]) -> pl.Series | None:
    """What a blank sex cell takes: its role's ID-number sex, else its placeholder name's (…之子/…之女)."""
    role = _role_of(source, column.field, "sex") or {}
    id_result = results.get(role.get("id_number", ""))
    name_result = results.get(role.get("name", ""))
    candidates = [
        series
        for series in (
            id_result.derived["_sex"] if id_result else None,
            name_result.extra.get("_placeholder_sex") if name_result else None,
        )
        if series is not None
    ]
    if not candidates:
        return None
    return pl.select(pl.coalesce(candidates)).to_series()


def _keeps_placeholders(source: Source, field_name: str) -> bool:
    """Name fields of roles with a sex keep the placeholder's sex and mother name for matching."""
    role = _role_of(source, field_name, "name")
    return role is not None and "sex" in role


def normalise_fields(
    raw: pl.DataFrame, source: Source, *, extract_date: date, date1904: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame, issues) of the Extract contract from raw text columns.

    ``raw`` has ``row`` (Int64) and one Utf8 column per field present in the
    file, named by field; absent fields come out null.
    """
    absent = pl.Series([None] * raw.height, dtype=pl.Utf8)
    raws = {c.field: (raw[c.field].cast(pl.Utf8) if c.field in raw.columns else absent) for c in source.columns}
    inputs, derived_from = derive_inputs(raws, source)
    rows = raw[ROW].cast(pl.Int64)
    results: dict[str, Normalised] = {}
    for column in source.columns:  # sex after the others: it reads its role's ID number and name
        if column.type != SEX:
            results[column.field] = _normalise_column(
                column, inputs[column.field].alias(column.field), extract_date=extract_date, date1904=date1904
            )
    for column in source.columns_of_type(SEX):
        fill = _sex_for_blanks(column, source, results)
        results[column.field] = normalise_sex(inputs[column.field].alias(column.field), fill)
    columns: list[pl.Series] = [rows.alias(ROW)]
    issues: list[pl.DataFrame] = []
    for column in source.columns:
        result = results[column.field]
        columns.append(result.value.alias(column.field))
        columns.append(raws[column.field].alias(f"{column.field}_raw"))
        for suffix in DERIVED_SUFFIXES.get(column.type, ()):
            columns.append(result.derived[suffix].alias(f"{column.field}{suffix}"))
        if column.field in derived_from:
            columns.append(derived_from[column.field].alias(f"{column.field}_derived"))
        if column.type == NAME and _keeps_placeholders(source, column.field):
            columns.extend(series.alias(f"{column.field}{suffix}") for suffix, series in result.extra.items())
        issues.append(_issues_of(column.field, rows, result.rule, inputs[column.field]))
    frame, derivation_issues = apply_derivations(pl.DataFrame(columns), source)
    issues.extend(derivation_issues)
    issues.append(row_issues(frame, source))
    found = [i.cast(ISSUE_COLUMNS) for i in issues if i.height]
    all_issues = pl.concat(found, how="vertical") if found else empty_issues()
    return frame, all_issues.sort(["row", "field"], maintain_order=True)
