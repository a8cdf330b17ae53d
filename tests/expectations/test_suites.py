"""Suites built from the schema: every expectation maps to an exchange rule."""

from __future__ import annotations

from datetime import date, datetime

from childlink.schema import exchange
from expectations.suites import ROWS, VALUES, build_suites

EXTRACT_DATE = date(2026, 9, 30)


def _by_check(suites):
    return {e.meta["check"]: e for s in (suites.rows, suites.values) for e in s.expectations}


def test_every_source_builds_and_every_expectation_names_a_known_rule():
    spec = exchange()
    for source in spec.sources.values():
        suites = build_suites(source, EXTRACT_DATE)
        expectations = _by_check(suites)
        assert set(expectations) == set(suites.checks), source.key
        for check in suites.checks.values():
            assert check.rule in spec.row_rules, (source.key, check.name)
            assert check.target in (ROWS, VALUES)


def test_hukou_population_suite_contents():
    suites = build_suites(exchange().source("hukou_population"), EXTRACT_DATE)
    e = _by_check(suites)
    assert e["id_number:required"].expectation_type == "expect_column_values_to_not_be_null"
    assert e["name:required"].expectation_type == "expect_column_values_to_not_be_null"
    for field in ("id_number", "head_id_number", "father_id_number", "mother_id_number", "guardian_id_number"):
        assert e[f"{field}:pattern"].regex == r"^[1-9]\d{16}[0-9X]$"
        assert suites.checks[f"{field}:pattern"].rule == "id_number_format"
    assert suites.checks["division:pattern"].rule == "division_invalid"
    assert suites.checks["sex:pattern"].rule == "code_not_in_list"
    assert suites.checks["birth_date:pattern"].rule == "date_unparseable"
    assert "01" in e["ethnicity:in_code_list"].value_set
    assert e["birth_date:plausible"].max_value == datetime(2026, 9, 30)
    assert e["birth_date:plausible"].min_value == datetime(1900, 1, 1)
    assert suites.checks["person:birth_date_vs_id"].rule == "birth_date_mismatch_id"


def test_future_allowed_dates_reach_2100():
    source = exchange().source("prison")
    suites = build_suites(source, EXTRACT_DATE)
    e = _by_check(suites)
    future = [c.field for c in source.columns if c.type == "date" and c.future_allowed]
    assert future, "prison has a planned release date"
    for field in future:
        assert e[f"{field}:plausible"].max_value == datetime(2100, 12, 31)


def test_integer_bounds_and_required_any():
    emergency = _by_check(build_suites(exchange().source("emergency"), EXTRACT_DATE))
    assert (emergency["age:bounds"].min_value, emergency["age:bounds"].max_value) == (0, 120)
    adoption = build_suites(exchange().source("adoption"), EXTRACT_DATE)
    check = adoption.checks["any__adopter1_name|adopter2_name:required_any"]
    assert check.rule == "required_missing" and check.fields == ("adopter1_name", "adopter2_name")
