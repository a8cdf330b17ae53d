"""validate_extract: which rows are quarantined, with which rule, and the row reconciliation."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from expectations import validate_extract


def _lines(frame: pl.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.select("row", "field", "rule", "value").iter_rows()]


def _reconciles(extract, validation) -> bool:
    return extract.rows_read == validation.accepted.height + validation.quarantine["row"].n_unique()


def test_clean_rows_are_all_accepted(make_extract, make_person, settings):
    extract = make_extract("hukou_population", [make_person(i) for i in range(20)])
    v = validate_extract(extract, settings)
    assert v.accepted.height == 20
    assert v.quarantine.is_empty() and v.field_flags.is_empty()
    assert v.accepted.columns == extract.frame.columns
    assert v.statistics["checks_failed"] == 0 and v.statistics["checks_evaluated"] > 10
    assert _reconciles(extract, v)


def test_blank_required_field_quarantines_with_required_missing(make_extract, make_person, settings):
    extract = make_extract("hukou_population", [make_person(0), make_person(1, name=None), make_person(2)])
    v = validate_extract(extract, settings)
    assert _lines(v.quarantine) == [(2, "name", "required_missing", None)]
    assert v.quarantine["message_zh"].to_list() == ["必填字段为空"]
    assert v.accepted["row"].to_list() == [1, 3]


def test_unusable_required_value_names_the_normaliser_rule(make_extract, make_person, settings):
    # The normaliser nulled a bad ID number and flagged it: the row is quarantined with that rule.
    rows = [make_person(0), make_person(1, id_number=None, id_number_raw="12345")]
    extract = make_extract("hukou_population", rows, issues=[(2, "id_number", "id_number_format", "12345")])
    v = validate_extract(extract, settings)
    assert _lines(v.quarantine) == [(2, "id_number", "id_number_format", "12345")]
    assert v.quarantine["message_zh"][0].startswith("身份证号码格式不正确")


def test_flag_on_optional_field_keeps_the_row(make_extract, make_person, settings):
    rows = [make_person(0, ethnicity=None, ethnicity_raw="火星族"), make_person(1)]
    extract = make_extract("hukou_population", rows, issues=[(1, "ethnicity", "code_not_in_list", "火星族")])
    v = validate_extract(extract, settings)
    assert v.quarantine.is_empty()
    assert _lines(v.field_flags) == [(1, "ethnicity", "code_not_in_list", "火星族")]


def test_expectations_catch_what_the_normaliser_let_through(make_extract, make_person, settings):
    rows = [
        make_person(0, ethnicity="99"),  # not a code of the ethnicity list
        make_person(1, birth_date="2027-05-01"),  # after the extract date
        make_person(2, division="22x"),  # not a division code
        make_person(3),
    ]
    v = validate_extract(make_extract("hukou_population", rows), settings)
    assert v.quarantine.is_empty()  # all three fields are optional in hukou_population
    flags = {(r, f, rule) for r, f, rule, _ in _lines(v.field_flags)}
    assert {(1, "ethnicity", "code_not_in_list"), (2, "birth_date", "date_implausible"),
            (3, "division", "division_invalid")} <= flags


def test_required_code_outside_its_list_is_quarantined(make_extract, settings):
    rows = [
        {"id_number": "22018320150101123X", "name": "李四", "category": "left_behind"},
        {"id_number": "220183201501021234", "name": "王五", "category": "martian"},
    ]
    v = validate_extract(make_extract("child_register", rows), settings)
    assert _lines(v.quarantine) == [(2, "category", "code_not_in_list", "martian")]


def test_birth_date_differing_from_the_id_number_is_a_flag_only(make_extract, make_person, settings):
    v = validate_extract(make_extract("hukou_population", [make_person(5, birth_date="2001-01-01")]), settings)
    assert v.quarantine.is_empty()
    assert [(r, f, rule) for r, f, rule, _ in _lines(v.field_flags)] == [(1, "birth_date", "birth_date_mismatch_id")]


def test_duplicate_rows_after_the_first_are_quarantined(make_extract, make_person, settings):
    rows = [make_person(0), make_person(1), make_person(0), make_person(2), make_person(0)]
    v = validate_extract(make_extract("hukou_population", rows), settings)
    assert _lines(v.quarantine) == [(3, None, "duplicate_row", None), (5, None, "duplicate_row", None)]
    assert all("与第1行相同" in m for m in v.quarantine["message_zh"])
    assert v.accepted["row"].to_list() == [1, 2, 4]


def test_required_any_group(make_extract, settings):
    base = {"name": "小明", "registration_date": "2020-05-01"}
    rows = [base | {"adopter1_name": "张三"}, base | {"adopter2_name": "李梅"}, dict(base)]
    v = validate_extract(make_extract("adoption", rows), settings)
    assert _lines(v.quarantine) == [(3, "adopter1_name|adopter2_name", "required_missing", None)]


def test_required_date_out_of_range_is_quarantined(make_extract, settings):
    rows = [
        {"name": "小明", "adopter1_name": "张三", "registration_date": "2020-05-01"},
        {"name": "小红", "adopter1_name": "张三", "registration_date": "1899-12-31"},
    ]
    v = validate_extract(make_extract("adoption", rows), settings)
    assert _lines(v.quarantine) == [(2, "registration_date", "date_implausible", "1899-12-31")]


def test_five_percent_invalid_rows_are_exactly_the_quarantined_ones(make_extract, make_person, settings):
    bad = {7, 23, 41, 66, 90}
    rows = [make_person(i, name=None) if i in bad else make_person(i) for i in range(100)]
    extract = make_extract("hukou_population", rows)
    v = validate_extract(extract, settings)
    assert set(v.quarantine["row"].to_list()) == {i + 1 for i in bad}
    assert v.accepted.height == 95 and v.statistics["rows_quarantined"] == 5
    assert v.statistics["quarantine_rate"] == pytest.approx(0.05)
    assert not v.warnings
    assert _reconciles(extract, v)


def test_high_quarantine_rate_warns(make_extract, make_person, settings):
    rows = [make_person(i, name=None if i < 3 else f"王{i}") for i in range(10)]
    v = validate_extract(make_extract("hukou_population", rows), settings)
    assert [w.rule for w in v.warnings] == ["high_quarantine_rate"]
    looser = settings.with_overrides(intake={"high_quarantine_rate": 0.5})
    assert validate_extract(make_extract("hukou_population", rows), looser).warnings == []


def test_sensitive_source_never_carries_values(make_extract, settings):
    rows = [
        {"id_number": None, "id_number_raw": "12345", "name": "小明"},
        {"id_number": "220183201501021234", "name": "小红", "birth_date": "2016-01-01"},
    ]
    extract = make_extract("hiv", rows, issues=[(1, "id_number", "id_number_format", "12345")])
    v = validate_extract(extract, settings)
    assert _lines(v.quarantine) == [(1, "id_number", "id_number_format", None)]
    assert v.field_flags["value"].null_count() == v.field_flags.height
    assert "12345" not in v.report_html and "小红" not in v.report_html


def test_empty_extract(make_extract, settings):
    v = validate_extract(make_extract("hukou_population", []), settings)
    assert v.accepted.height == 0 and v.quarantine.is_empty()
    assert v.statistics["rows_read"] == 0


def test_report_names_rules_and_messages(make_extract, make_person, settings):
    v = validate_extract(make_extract("hukou_population", [make_person(0), make_person(1, name=None)]), settings)
    html = v.report_html
    assert html.startswith("<!DOCTYPE html>")
    assert "required_missing" in html and "必填字段为空" in html
    assert "expect_column_values_to_not_be_null" in html
    assert "hukou_population_20260930.csv" in html


@settings_hypothesis(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    blank_names=st.sets(st.integers(0, 29), max_size=10),
    copies=st.lists(st.integers(0, 29), max_size=8),
)
def test_every_row_is_accepted_or_quarantined(make_extract, make_person, settings, blank_names, copies):
    rows = [make_person(i, name=None) if i in blank_names else make_person(i) for i in range(30)]
    rows += [dict(rows[i]) for i in copies]  # exact duplicates of earlier rows
    extract = make_extract("hukou_population", rows)
    v = validate_extract(extract, settings)
    assert _reconciles(extract, v)
    quarantined = set(v.quarantine["row"].to_list())
    assert quarantined.isdisjoint(v.accepted["row"].to_list())
    # Blank names (originals and their copies) and every copy (a duplicate of an earlier row).
    assert quarantined == {i + 1 for i in blank_names} | {31 + k for k in range(len(copies))}
