import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.normalise.names import normalise_name


def run(values):
    return normalise_name(pl.Series("name", values, dtype=pl.Utf8))


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("张三", "张三", None),
        ("張 三", "张三", None),
        ("　张三　", "张三", None),
        ("ＺＨＡＮＧ", "ZHANG", None),
        ("john smith", "JOHNSMITH", None),
        ("阿卜杜拉．买买提", "阿卜杜拉·买买提", None),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提", None),
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提", None),
        ("阿卜杜拉--买买提", "阿卜杜拉--买买提", None),
        ("阿卜杜拉——买买提", "阿卜杜拉·买买提", None),
        ("·艾力··买买提·", "艾力·买买提", None),
        ("王2", "王2", "name_format"),
        ("张" * 41, "张" * 41, "name_format"),
        ("李某某之子", None, "name_placeholder"),
        ("周某某之长女", None, "name_placeholder"),
        ("无名氏", None, "name_placeholder"),
        ("男婴", None, "name_placeholder"),
        ("婴儿", None, "name_placeholder"),
        ("新生儿", None, "name_placeholder"),
        ("待定", None, "name_placeholder"),
        ("不详", None, None),
        (None, None, None),
    ],
)
def test_cases(raw, value, rule):
    result = run([raw])
    assert result.value.to_list() == [value]
    assert result.rule.to_list() == [rule]


def test_placeholder_gives_sex_and_mother_name():
    result = run(["周某某之女", "李某某之长子", "无名氏", "张三"])
    assert result.extra["_placeholder_sex"].to_list() == ["2", "1", None, None]
    assert result.extra["_placeholder_mother"].to_list() == ["周某某", "李某某", None, None]


name_chars = st.sampled_from(list("张王李赵钱孫劉陳·.•・ 　abcXYZ12") + ["\u2014", "\uff0e"])


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(name_chars, max_size=10), st.text(max_size=10))))
def test_normalising_a_normalised_name_returns_it(values):
    once = run(values).value
    assert run(once.to_list()).value.to_list() == once.to_list()
