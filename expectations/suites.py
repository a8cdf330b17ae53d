"""Great Expectations suites built from the exchange schema.

Every source gets two suites:

- the **row suite** runs on one pandas row per data row and holds the checks
  that depend on several cells of a row (required fields, ``required_any``
  groups, birth date against the ID number);
- the **value suite** runs on the *distinct* values of each checked column
  (normalised patterns, code lists, integer bounds, plausible dates). These
  checks depend on one cell only, so checking each distinct value once and
  joining the failing values back to their rows gives the same answer at a
  fraction of the cost: a million-row population file has a few thousand
  distinct dates, codes and divisions.

Each expectation carries ``meta["check"]``, the name of a :class:`Check` that
says which exchange rule (exchange.yaml quarantine_rules) a failure becomes.
This module builds suites only; running them is ``expectations.validate``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.core.expectation_suite import ExpectationSuite

from childlink.schema import (
    CODE,
    DATE,
    DIVISION,
    ID_NUMBER,
    INTEGER,
    SEX,
    Exchange,
    Source,
    exchange,
)
from expectations.gx_runtime import ensure_context

ROWS = "rows"
VALUES = "values"

# Plausible dates (exchange.yaml types.date.plausible_range).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_FUTURE_DATE = date(2100, 12, 31)

# Which rule a failed pattern check becomes, by field type.
PATTERN_RULES = {
    ID_NUMBER: "id_number_format",
    SEX: "code_not_in_list",
    DIVISION: "division_invalid",
    DATE: "date_unparseable",
}

# Suffix of the value-suite column holding a date column's ISO text.
DATE_TEXT_SUFFIX = "__text"
# Prefix of the row-suite column that is non-null when a required_any group is filled.
ANY_PREFIX = "any__"


@dataclass(frozen=True)
class Check:
    """One expectation and what its failure means for the exchange rules."""

    name: str  # unique within a source, e.g. "id_number:pattern"
    rule: str  # exchange.yaml quarantine_rules rule name
    fields: tuple[str, ...]  # the source fields the failure is about
    target: str  # ROWS or VALUES: which frame the expectation runs on
    column: str  # the column of that frame
    description_zh: str  # what is checked, for the report


@dataclass
class SourceSuites:
    """The two suites of one source for one extract date, with their checks."""

    source: Source
    extract_date: date
    rows: ExpectationSuite
    values: ExpectationSuite
    checks: dict[str, Check] = field(default_factory=dict)
    # Row-suite column -> polars expression over the extract frame.
    row_columns: dict[str, pl.Expr] = field(default_factory=dict)
    # Value-suite column -> (field, representation: "value" or "text").
    value_columns: dict[str, tuple[str, str]] = field(default_factory=dict)

    def check_of(self, meta: dict | None) -> Check:
        return self.checks[(meta or {})["check"]]


_builds = itertools.count(1)


def suite_name(source: Source, extract_date: date, target: str, build: int) -> str:
    """Unique per build: GX's store treats a second suite of the same name as an edit of the first."""
    return f"{source.key}.{target}.{extract_date.isoformat()}.{build}"


def build_suites(source: Source, extract_date: date, spec: Exchange | None = None) -> SourceSuites:
    """Both suites of ``source`` with date bounds at ``extract_date``."""
    spec = spec or exchange()
    ensure_context()
    build = next(_builds)
    suites = SourceSuites(
        source=source,
        extract_date=extract_date,
        rows=ExpectationSuite(name=suite_name(source, extract_date, ROWS, build)),
        values=ExpectationSuite(name=suite_name(source, extract_date, VALUES, build)),
    )
    _required_checks(suites)
    _required_any_checks(suites)
    _birth_date_checks(suites)
    for column in source.columns:
        _value_checks(suites, column, spec)
    return suites


def _add(suites: SourceSuites, check: Check, expectation: gxe.Expectation) -> None:
    expectation.meta = {"check": check.name, "rule": check.rule, "fields": list(check.fields)}
    suites.checks[check.name] = check
    target = suites.rows if check.target == ROWS else suites.values
    target.add_expectation(expectation)


def _required_checks(suites: SourceSuites) -> None:
    for column in suites.source.columns:
        if not column.required:
            continue
        suites.row_columns[column.field] = pl.col(column.field)
        check = Check(
            name=f"{column.field}:required",
            rule="required_missing",
            fields=(column.field,),
            target=ROWS,
            column=column.field,
            description_zh=f"必填字段“{column.name}”不为空",
        )
        _add(suites, check, gxe.ExpectColumnValuesToNotBeNull(column=column.field))


def _required_any_checks(suites: SourceSuites) -> None:
    source = suites.source
    for group in source.required_any:
        name = ANY_PREFIX + "|".join(group)
        # Non-null when at least one field of the group is filled.
        suites.row_columns[name] = pl.coalesce([pl.col(f).cast(pl.Utf8) for f in group])
        headers = "、".join(source.column(f).name for f in group)
        check = Check(
            name=f"{name}:required_any",
            rule="required_missing",
            fields=tuple(group),
            target=ROWS,
            column=name,
            description_zh=f"“{headers}”至少填写一项",
        )
        _add(suites, check, gxe.ExpectColumnValuesToNotBeNull(column=name))


def _birth_date_checks(suites: SourceSuites) -> None:
    """Birth date equal to the one in the ID number, per person role (flag only)."""
    source = suites.source
    for role, attributes in source.persons.items():
        id_field, birth_field = attributes.get("id_number"), attributes.get("birth_date")
        if not id_field or not birth_field:
            continue
        derived = f"{id_field}_birth_date"
        suites.row_columns[birth_field] = pl.col(birth_field)
        suites.row_columns[derived] = _id_birth_at_precision(derived, f"{birth_field}_precision")
        check = Check(
            name=f"{role}:birth_date_vs_id",
            rule="birth_date_mismatch_id",
            fields=(birth_field,),
            target=ROWS,
            column=birth_field,
            description_zh=(
                f"“{source.column(birth_field).name}”与“{source.column(id_field).name}”中的出生日期一致"
            ),
        )
        _add(
            suites,
            check,
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A=birth_field, column_B=derived, ignore_row_if="either_value_is_missing"
            ),
        )


def _id_birth_at_precision(id_birth: str, precision: str) -> pl.Expr:
    """The ID number's birth date cut to the precision the birth date column was given at.

    A partial date is stored as the first day of its month or year, so
    '2015-06' (month precision) agrees with an ID number born 2015-06-14.
    """
    day = pl.col(id_birth)
    return (
        pl.when(pl.col(precision) == "year")
        .then(day.dt.truncate("1y"))
        .when(pl.col(precision) == "month")
        .then(day.dt.truncate("1mo"))
        .otherwise(day)
    )


def _value_checks(suites: SourceSuites, column, spec: Exchange) -> None:
    """Pattern, code list, bounds and plausible-date checks of one column."""
    field_name, header = column.field, column.name
    pattern = spec.type_specs.get(column.type, {}).get("normalised_pattern")
    if column.type in PATTERN_RULES and pattern:
        text_column = field_name + DATE_TEXT_SUFFIX if column.type == DATE else field_name
        suites.value_columns[text_column] = (field_name, "text")
        check = Check(
            name=f"{field_name}:pattern",
            rule=PATTERN_RULES[column.type],
            fields=(field_name,),
            target=VALUES,
            column=text_column,
            description_zh=f"“{header}”符合规范格式 {pattern}",
        )
        _add(suites, check, gxe.ExpectColumnValuesToMatchRegex(column=text_column, regex=pattern))
    if column.type == CODE and column.code_list:
        codes = list(spec.code_list(column.code_list).codes)
        suites.value_columns[field_name] = (field_name, "value")
        check = Check(
            name=f"{field_name}:in_code_list",
            rule="code_not_in_list",
            fields=(field_name,),
            target=VALUES,
            column=field_name,
            description_zh=f"“{header}”取值在代码表“{spec.code_list(column.code_list).title}”内",
        )
        _add(suites, check, gxe.ExpectColumnValuesToBeInSet(column=field_name, value_set=codes))
    if column.type == INTEGER and (column.min is not None or column.max is not None):
        suites.value_columns[field_name] = (field_name, "value")
        check = Check(
            name=f"{field_name}:bounds",
            rule="integer_invalid",
            fields=(field_name,),
            target=VALUES,
            column=field_name,
            description_zh=f"“{header}”在 {column.min} 至 {column.max} 之间",
        )
        _add(
            suites,
            check,
            gxe.ExpectColumnValuesToBeBetween(column=field_name, min_value=column.min, max_value=column.max),
        )
    if column.type == DATE:
        latest = LATEST_FUTURE_DATE if column.future_allowed else suites.extract_date
        suites.value_columns[field_name] = (field_name, "value")
        check = Check(
            name=f"{field_name}:plausible",
            rule="date_implausible",
            fields=(field_name,),
            target=VALUES,
            column=field_name,
            description_zh=f"“{header}”在 {EARLIEST_DATE.isoformat()} 至 {latest.isoformat()} 之间",
        )
        _add(
            suites,
            check,
            gxe.ExpectColumnValuesToBeBetween(
                # datetimes, not dates: GX compares them with the datetime64 column as is.
                column=field_name,
                min_value=datetime.combine(EARLIEST_DATE, time()),
                max_value=datetime.combine(latest, time()),
            ),
        )
