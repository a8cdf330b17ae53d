from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.comparisons import (
    NULL_LEVEL, BirthDateComparison, IdNumberComparison, NameComparison, SexComparison, pair_frame,
)
from matching.standardise import mention_features

from matching_helpers import make_id, mention_rows


def _level(comparison, left: dict, right: dict) -> str:
    features = mention_features(mention_rows([left, right]))
    pairs = pl.DataFrame({"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.Int64, "idx_r": pl.Int64})
    g = comparison.gamma(pair_frame(features, pairs, comparison.columns))[0]
    return "missing" if g == NULL_LEVEL else comparison.labels[g]


@pytest.mark.parametrize(("left", "right", "level"), [
    ("张伟", "张伟", "exact"),
    ("张伟", "張偉", "exact"),  # traditional characters folded
    ("张伟", "张玮", "pinyin exact (homophone)"),
    ("李建国", "李建华", "one character different"),
    ("欧阳娜娜", "欧阳娜", "one character different"),
    ("王子涵", "王梓寒", "pinyin exact (homophone)"),
    ("刘思远", "刘思源", "pinyin exact (homophone)"),
    ("陈明", "陈铭", "pinyin exact (homophone)"),
    ("赵一鸣", "赵逸名", "pinyin exact (homophone)"),
    ("孙晓东", "孙小冬", "pinyin exact (homophone)"),
    ("周杰", "吴杰", "else"),  # a different surname on a two-character name is not a typo
    ("张伟", "王芳", "else"),
    ("张伟", None, "missing"),
])
def test_name_levels(left, right, level):
    assert _level(NameComparison(), {"name": left}, {"name": right}) == level


@pytest.mark.parametrize(("left", "right", "level"), [
    (date(2012, 3, 4), date(2012, 3, 4), "exact"),
    (date(2012, 3, 4), date(2012, 4, 3), "day and month swapped"),
    (date(2012, 3, 4), date(2012, 3, 5), "one day or one digit off"),
    (date(2012, 3, 4), date(2012, 3, 14), "one day or one digit off"),
    (date(2012, 3, 4), date(2012, 3, 28), "same year and month"),
    (date(2012, 3, 4), date(2015, 8, 20), "else"),
    (date(2012, 3, 4), None, "missing"),
])
def test_birth_date_levels(left, right, level):
    assert _level(BirthDateComparison(), {"birth_date": left}, {"birth_date": right}) == level


def test_id_number_levels():
    idn = make_id("220183", date(2012, 3, 4), 123)
    one_off = idn[:15] + str((int(idn[15]) + 1) % 10) + idn[16:]
    swapped = idn[:14] + idn[15] + idn[14] + idn[16:]
    cases = [(idn, "exact"), (one_off, "one character different"), (make_id("110101", date(1990, 1, 1), 5), "else")]
    if swapped != idn:
        cases.append((swapped, "two digits transposed"))
    for other, level in cases:
        assert _level(IdNumberComparison(), {"id_number": idn, "birth_date": date(2012, 3, 4)},
                      {"id_number": other}) == level


def test_sex_from_id_when_blank():
    idn = make_id("220183", date(2012, 3, 4), 124)  # even sequence: female
    assert _level(SexComparison(), {"sex": "2"}, {"id_number": idn}) == "exact"
    assert _level(SexComparison(), {"sex": "1"}, {"id_number": idn}) == "else"


names = st.sampled_from(["张伟", "张玮", "王芳", "欧阳娜娜", "李建国", "李建华", None])


@settings(max_examples=60, deadline=None)
@given(names, names)
def test_levels_are_symmetric(a, b):
    assert _level(NameComparison(), {"name": a}, {"name": b}) == _level(NameComparison(), {"name": b}, {"name": a})
