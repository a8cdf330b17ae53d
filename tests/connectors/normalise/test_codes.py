import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from childlink.schema import exchange
from connectors.normalise.codes import normalise_code, normalise_sex


def run(values, list_key):
    return normalise_code(pl.Series("c", values, dtype=pl.Utf8), list_key)


@pytest.mark.parametrize(
    ("list_key", "raw", "value", "rule"),
    [
        ("ethnicity", "汉族", "01", None),
        ("ethnicity", "汉", "01", None),
        ("ethnicity", "蒙古", "02", None),
        ("ethnicity", "1", "01", None),  # leading zero restored
        ("ethnicity", "1.0", "01", None),
        ("ethnicity", " 0 1 ", "01", None),
        ("ethnicity", "火星族", None, "code_not_in_list"),
        ("household_relation", "2", "02", None),
        ("household_relation", "户主本人", "02", None),
        ("hukou_status", "死亡", "dead", None),
        ("hukou_status", "DEAD", "dead", None),
        ("hukou_status", "出国（境）注销", "abroad", None),
        ("disability_grade", "II级", "2", None),
        ("disability_grade", "ii级", "2", None),
        ("child_subcategory", "不在清单的情形", None, "code_not_in_list"),  # open list: raw kept in _raw only
        ("custody_measure", "无", None, None),  # 无 is a null token unless the list has it
        ("hukou_status", None, None, None),
    ],
)
def test_cases(list_key, raw, value, rule):
    result = run([raw], list_key)
    assert result.value.to_list() == [value]
    assert result.rule.to_list() == [rule]


@pytest.mark.parametrize(
    ("raw", "id_sex", "value", "derived", "rule"),
    [
        ("男", "1", "1", False, None),
        ("F", "2", "2", False, None),
        ("female", None, "2", False, None),
        ("未知", "1", "0", False, None),  # 未知 is code 0 in sex columns
        ("未说明", None, "9", False, None),
        (None, "2", "2", True, None),
        ("", "1", "1", True, None),
        ("不详", "1", "1", True, None),
        (None, None, None, False, None),
        ("X", "1", None, False, "code_not_in_list"),
    ],
)
def test_sex(raw, id_sex, value, derived, rule):
    result = normalise_sex(pl.Series("sex", [raw], dtype=pl.Utf8), pl.Series([id_sex], dtype=pl.Utf8))
    assert result.value.to_list() == [value]
    assert result.derived["_derived"].to_list() == [derived]
    assert result.rule.to_list() == [rule]


list_keys = st.sampled_from(sorted(exchange().code_lists))


@settings(deadline=None)
@given(list_keys, st.data())
def test_every_code_label_and_alias_matches_and_codes_are_stable(list_key, data):
    code_list = exchange().code_list(list_key)
    value = data.draw(st.sampled_from(code_list.values))
    for text in (value.code, value.label, *value.aliases):
        result = run([text], list_key)
        assert result.value.to_list() == [value.code], text
        assert run(result.value.to_list(), list_key).value.to_list() == [value.code]
