import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.normalise.text import normalise_boolean, normalise_integer, normalise_phone, normalise_text


def series(values):
    return pl.Series("x", values, dtype=pl.Utf8)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("  有期徒刑 三年\u3000六个月 ", "有期徒刑 三年 六个月"), ("2023001.0", "2023001"), ("ＡＢＣ", "ABC"), ("无", None), ("  ", None)],
)
def test_text(raw, value):
    assert normalise_text(series([raw])).value.to_list() == [value]


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [("12", 12, None), ("12岁", 12, None), ("3 人", 3, None), ("5.0", 5, None), ("１２０", 120, None),
     ("121", None, "integer_invalid"), ("-1", None, "integer_invalid"), ("2.5", None, "integer_invalid"),
     ("abc", None, "integer_invalid"), (None, None, None)],
)  # fmt: skip
def test_integer(raw, value, rule):
    result = normalise_integer(series([raw]), minimum=0, maximum=120)
    assert (result.value.to_list(), result.rule.to_list()) == ([value], [rule])


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [("是", True, None), ("否", False, None), ("无", False, None), ("有", True, None), ("Y", True, None),
     ("false", False, None), ("√", True, None), ("×", False, None), ("1", True, None), ("0", False, None),
     ("也许", None, "boolean_invalid"), ("", None, None), ("不详", None, None)],
)  # fmt: skip
def test_boolean(raw, value, rule):
    result = normalise_boolean(series([raw]))
    assert (result.value.to_list(), result.rule.to_list()) == ([value], [rule])


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [("13800138000", "13800138000", None), ("+86 138-0013-8000", "13800138000", None),
     ("0086 13800138000", "13800138000", None), ("(0431)88886666", "043188886666", None),
     ("123/13900139000", "13900139000", None), ("13800138000、13900139000", "13800138000", None),
     ("13800138000.0", "13800138000", None), ("12345", None, "phone_format"), ("无", None, None)],
)  # fmt: skip
def test_phone(raw, value, rule):
    result = normalise_phone(series([raw]))
    assert (result.value.to_list(), result.rule.to_list()) == ([value], [rule])


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=15))))
def test_text_and_phone_are_idempotent(values):
    for normalise in (normalise_text, normalise_phone):
        once = normalise(series(values)).value
        assert normalise(once).value.to_list() == once.to_list()


@settings(deadline=None)
@given(st.lists(st.integers(-5, 200)))
def test_integers_round_trip(numbers):
    result = normalise_integer(series([str(n) for n in numbers]), minimum=0, maximum=120)
    assert result.value.to_list() == [n if 0 <= n <= 120 else None for n in numbers]
