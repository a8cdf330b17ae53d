import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from matching.standardise import (
    clean_name, id_parts_exprs, mention_features, name_parts_table, name_pinyin, split_name,
)

from matching_helpers import make_id, mention_rows


@pytest.mark.parametrize(("name", "pinyin"), [
    ("单雄信", "shan xiong xin"),
    ("曾国藩", "zeng guo fan"),
    ("区志强", "ou zhi qiang"),
    ("仇英", "qiu ying"),
    ("解晓东", "xie xiao dong"),
    ("查良镛", "zha liang yong"),
    ("朴一", "piao yi"),
    ("尉迟恭", "yu chi gong"),
    ("万俟卨", "mo qi xie"),
    ("张伟", "zhang wei"),
])
def test_surname_readings(name, pinyin):
    assert name_pinyin(name) == pinyin


@pytest.mark.parametrize(("name", "surname", "given"), [
    ("欧阳娜娜", "欧阳", "娜娜"),
    ("司马光", "司马", "光"),
    ("诸葛亮", "诸葛", "亮"),
    ("上官婉儿", "上官", "婉儿"),
    ("令狐冲", "令狐", "冲"),
    ("张伟", "张", "伟"),
    ("王", "王", None),
    ("买买提·艾力", "买买提", "艾力"),
])
def test_split_name_knows_compound_surnames(name, surname, given):
    assert split_name(name) == (surname, given)


@pytest.mark.parametrize(("raw", "clean"), [
    ("买买提.艾力", "买买提·艾力"),
    ("买买提•艾力", "买买提·艾力"),
    ("买买提・艾力", "买买提·艾力"),
    ("买买提 · 艾力", "买买提·艾力"),
    ("买买提..艾力", "买买提·艾力"),
    ("·阿依古丽·", "阿依古丽"),
    ("張 偉", "张伟"),
    ("ＡＢ", "AB"),
])
def test_clean_name_folds_separators_and_traditional(raw, clean):
    assert clean_name(raw) == clean


@given(st.text(alphabet="张王李赵欧阳司马單偉·.•・ 　abcＡ", max_size=8))
def test_clean_name_is_idempotent(text):
    once = clean_name(text)
    assert clean_name(once) == once


def test_character_distance_counts_characters():
    assert Levenshtein.distance("张伟", "张玮") == 1


def test_name_parts_table_one_row_per_unique_name():
    table = name_parts_table(pl.Series(["单雄信", "单雄信", None, "欧阳娜娜"]))
    assert table.height == 2
    row = table.filter(pl.col("key") == "欧阳娜娜").row(0, named=True)
    assert row["surname_py"] == "ou yang" and row["given_py"] == "na na"


def test_id_parts():
    from datetime import date
    idn = make_id("220183", date(2012, 3, 4), 123)
    out = pl.DataFrame({"i": [idn, idn[:17] + ("0" if idn[17] != "0" else "1")]}).with_columns(id_parts_exprs("i", "p_"))
    assert out["p_division"][0] == "220183"
    assert out["p_birth_date"][0] == date(2012, 3, 4)
    assert out["p_sex"][0] == "1"
    assert out["p_check_ok"].to_list() == [True, False]


def test_child_with_a_parents_id_is_foreign():
    from datetime import date
    mother_id = make_id("220183", date(1990, 5, 1), 124)
    m = mention_rows([{"id_number": mother_id, "name": "李小红", "birth_date": date(2015, 6, 1), "sex": "2"}])
    f = mention_features(m)
    assert f["id_foreign"][0] is True
    assert f["id"][0] is None and f["dob"][0] == date(2015, 6, 1)
