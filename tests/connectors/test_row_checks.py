from datetime import date

import polars as pl

from childlink.schema import exchange
from connectors import read_extract
from connectors.fields import normalise_fields

AS_OF = date(2026, 9, 30)


def normalise(source_key, rows):
    source = exchange().source(source_key)
    columns = sorted({k for r in rows for k in r})
    raw = pl.DataFrame(
        {"row": list(range(1, len(rows) + 1)), **{c: [r.get(c) for r in rows] for c in columns}},
        schema={"row": pl.Int64, **{c: pl.Utf8 for c in columns}},
    )
    return normalise_fields(raw, source, extract_date=AS_OF)


def rules(issues, field=None):
    frame = issues if field is None else issues.filter(pl.col("field") == field)
    return sorted(zip(frame["row"].to_list(), frame["rule"].to_list(), strict=True))


def test_date_order_flags_the_later_field():
    _, issues = normalise(
        "prison",
        [
            {"id_number": "11010519491231002X", "name": "甲", "admission_date": "2020-01-01", "release_date": "2019-01-01"},
            {"id_number": "110105194912310021", "name": "乙", "admission_date": "2020-01-01", "release_date": "2021-01-01"},
        ],
    )
    assert rules(issues, "release_date") == [(1, "date_order")]


def test_birth_date_and_sex_mismatch_with_id_number():
    _, issues = normalise(
        "hukou_population",
        [
            {"id_number": "11010519491231002X", "name": "甲", "sex": "男", "birth_date": "1949-12-30"},
            {"id_number": "11010519491231002X", "name": "甲", "sex": "女", "birth_date": "1949-12"},
            {"id_number": "11010519491231002X", "name": "甲", "sex": None, "birth_date": "1950"},
        ],
    )
    assert rules(issues, "sex") == [(1, "sex_mismatch_id")]
    assert rules(issues, "birth_date") == [(1, "birth_date_mismatch_id"), (2, "date_partial"), (3, "birth_date_mismatch_id"), (3, "date_partial")]


def test_sex_is_derived_from_the_id_number_of_its_role():
    frame, _ = normalise("hukou_population", [{"id_number": "11010519491231001X", "name": "甲", "sex": ""}])
    assert frame["sex"].to_list() == ["1"] and frame["sex_derived"].to_list() == [True]


def test_placeholder_name_fills_a_blank_sex():
    frame, issues = normalise("birth_certificate", [{"certificate_number": "Q1", "child_name": "周某某之女", "birth_date": "2026-01-02", "mother_name": "周某某"}])
    assert frame["child_name"].to_list() == [None]
    assert frame["child_name_raw"].to_list() == ["周某某之女"]
    assert frame["child_name_placeholder_mother"].to_list() == ["周某某"]
    assert frame["sex"].to_list() == ["2"] and frame["sex_derived"].to_list() == [True]
    assert rules(issues, "child_name") == [(1, "name_placeholder")]


def test_disability_category_and_grade_from_the_certificate():
    frame, issues = normalise(
        "disability",
        [
            {"id_number": "11010519491231002X", "name": "甲", "certificate_number": "11010519491231002X42"},
            {"id_number": "11010519491231002X", "name": "甲", "certificate_number": "11010519491231002X42", "category": "肢体", "grade": "一级"},
            {"id_number": "110105194912310021", "name": "乙", "certificate_number": "11010519491231002X51", "category": "5", "grade": "1"},
        ],
    )
    assert frame["category"].to_list() == ["4", "4", "5"]
    assert frame["grade"].to_list() == ["2", "1", "1"]
    assert frame["category_derived"].to_list() == [True, False, False]
    assert frame["grade_derived"].to_list() == [True, False, False]
    assert [r for r in rules(issues, "certificate_number")] == [(2, "number_mismatch_id"), (3, "number_mismatch_id")]


def test_student_id_number_from_the_g_number():
    frame, issues = normalise(
        "student_roll",
        [
            {"student_number": "G11010520150101001X", "name": "甲", "school": "一小"},
            {"student_number": "G11010520150101001X", "id_number": "110105201501010021", "name": "乙", "school": "一小"},
            {"student_number": "L2023001", "name": "丙", "school": "一小"},
        ],
    )
    assert frame["id_number"].to_list() == ["11010520150101001X", "110105201501010021", None]
    assert frame["id_number_derived"].to_list() == [True, False, False]
    assert frame["id_number_birth_date"][0] == date(2015, 1, 1)
    assert frame["sex"].to_list() == ["1", "2", None]
    assert (2, "number_mismatch_id") in rules(issues, "student_number")


def test_serious_illness_codes_by_icd_prefix_then_name():
    frame, _ = normalise(
        "serious_illness",
        [
            {"id_number": "11010519491231002X", "name": "甲", "illness_name": "急性白血病", "icd10": "c92.0"},
            {"id_number": "11010519491231002X", "name": "甲", "illness_name": "胃癌", "icd10": "C16.9"},
            {"id_number": "11010519491231002X", "name": "甲", "illness_name": "先心病", "icd10": None},
            {"id_number": "11010519491231002X", "name": "甲", "illness_name": "感冒", "icd10": "J00"},
        ],
    )
    assert frame["icd10"].to_list() == ["C92.0", "C16.9", None, "J00"]
    assert frame["illness_code"].to_list() == ["leukaemia", "malignant_tumour", "congenital_heart_disease", None]


def test_duplicate_record_and_overlapping_records():
    frame, issues = normalise(
        "prison",
        [
            {"id_number": "11010519491231002X", "name": "甲", "admission_date": "2020-01-01", "prison": "一监"},
            {"id_number": "11010519491231002X", "name": "甲", "admission_date": "2020-01-01", "prison": "二监"},
            {"id_number": "110105194912310021", "name": "乙", "admission_date": "2018-01-01", "release_date": "2019-01-01"},
            {"id_number": "110105194912310021", "name": "乙", "admission_date": "2019-06-01"},
            {"id_number": "110105194912310021", "name": "乙", "admission_date": "2019-06-01"},
        ],
    )
    duplicate = issues.filter(pl.col("rule") == "duplicate_record")
    assert sorted(set(duplicate["row"].to_list())) == [1, 2]  # rows 4 and 5 are identical: duplicate_row, not this
    assert set(duplicate["field"].to_list()) == {"id_number", "admission_date"}
    overlapping = issues.filter(pl.col("rule") == "overlapping_records")
    assert overlapping["row"].to_list() == [2, 5]
    assert set(overlapping["field"].to_list()) == {"admission_date"}


HUKOU_HEADER = "公民身份号码,姓名,性别,出生日期,民族"


def _read_hukou_csv(tmp_path, lines):
    path = tmp_path / "hukou_population_20260930.csv"
    path.write_text("\n".join([HUKOU_HEADER, *lines]) + "\n", encoding="utf-8")
    return read_extract(path, as_of=AS_OF)


def test_repeated_id_number_with_other_content_keeps_the_rows_with_a_flag(tmp_path):
    extract = _read_hukou_csv(
        tmp_path,
        [
            "11010519491231002X,张三,女,1949-12-31,汉族",
            "110105194912310021,李四,男,1949-12-31,汉族",
            "11010519491231002X,张三丰,女,1949-12-31,回族",  # same ID number, other name and ethnicity
        ],
    )
    assert extract.frame["row"].to_list() == [1, 2, 3]  # every row is kept
    duplicate = extract.issues.filter(pl.col("rule") == "duplicate_record")
    assert duplicate.select("row", "field", "value").rows() == [
        (1, "id_number", "11010519491231002X"),
        (3, "id_number", "11010519491231002X"),
    ]


def test_three_rows_sharing_a_key(tmp_path):
    extract = _read_hukou_csv(
        tmp_path,
        [
            "11010519491231002X,张三,女,1949-12-31,汉族",
            "11010519491231002X,张三,女,1949-12-31,汉族",  # identical to row 1: duplicate_row in validation
            "110105194912310021,李四,男,1949-12-31,汉族",
            "11010519491231002X,张珊,女,1949-12-31,汉族",
            "110105194912310021,李四,男,1949-12-31,汉族",  # identical to row 3 only: no conflict
        ],
    )
    assert extract.rows_read == 5
    duplicate = extract.issues.filter(pl.col("rule") == "duplicate_record")
    assert duplicate.select("row", "field").rows() == [(1, "id_number"), (2, "id_number"), (4, "id_number")]


def test_keys_that_repeat_with_the_same_content_or_are_blank_are_not_flagged(tmp_path):
    extract = _read_hukou_csv(
        tmp_path,
        [
            "11010519491231002X,张三,女,1949-12-31,汉族",
            "11010519491231002X,张三,女,1949-12-31,汉族",
            ",王五,男,1949-12-31,汉族",
            ",赵六,男,1949-12-31,汉族",
        ],
    )
    assert extract.issues.filter(pl.col("rule") == "duplicate_record").is_empty()
