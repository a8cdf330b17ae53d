from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from connectors.normalise.id_number import check_digits, normalise_id_number, upgrade_15

AS_OF = date(2026, 9, 30)


def run(values):
    result = normalise_id_number(pl.Series("id", values, dtype=pl.Utf8), extract_date=AS_OF)
    return result


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("11010519491231002X", "11010519491231002X", None),
        ("11010519491231002x", "11010519491231002X", None),
        ("11010519491231002×", "11010519491231002X", None),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", None),
        ("２２０１８３２００１０２２７１９０６", "220183200102271906", None),  # full-width digits only
        (" 1101 0519 4912 3100 2X\u3000", "11010519491231002X", None),
        ("'11010519491231002X", "11010519491231002X", None),
        ('"11010519491231002X"', "11010519491231002X", None),
        ("220102200601011235.0", "220102200601011235", "id_check_digit"),
        ("2.20102E+17", None, "id_precision_lost"),
        ("110105491231002", "11010519491231002X", None),
        ("110105194902300021", None, "id_number_format"),  # 30 February
        ("110105202701010021", None, "id_number_format"),  # born after the extract date
        ("E12345678", None, "id_number_format"),  # passport
        ("810000199001010000", "810000199001010000", None),  # Hong Kong residence permit
        ("110105194912310021", "110105194912310021", "id_check_digit"),
        ("无", None, None),
        (None, None, None),
    ],
)
def test_cases(raw, value, rule):
    result = run([raw])
    assert result.value.to_list() == [value]
    assert result.rule.to_list() == [rule]


def test_derived_columns():
    result = run(["11010519491231002X", "110105491231002", "110105194912310021", "x"])
    assert result.derived["_birth_date"].to_list() == [date(1949, 12, 31)] * 3 + [None]
    assert result.derived["_sex"].to_list() == ["2", "2", "2", None]
    assert result.derived["_division"].to_list() == ["110105", "110105", "110105", None]
    assert result.derived["_check_ok"].to_list() == [True, True, False, None]
    assert result.derived["_upgraded_from_15"].to_list() == [False, True, False, None]


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17).filter(lambda s: s[0] != "0")


@settings(deadline=None)
@given(digits17)
def test_vectorised_check_digit_agrees_with_stdnum(first17):
    assert check_digits(pl.Series([first17])).to_list() == [ric.calc_check_digit(first17 + "0")]


@settings(deadline=None)
@given(
    st.sampled_from(["110105", "220183", "440106"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.integers(0, 999),
)
def test_15_to_18_gives_a_valid_check_digit(division, born, sequence):
    legacy = f"{division}{born:%y%m%d}{sequence:03d}"
    upgraded = upgrade_15(legacy)
    assert upgraded == f"{division}19{legacy[6:]}{upgraded[-1]}"
    # stdnum's is_valid also checks the division against its historical table; the check digit is what matters.
    assert ric.calc_check_digit(upgraded) == upgraded[-1]
    result = run([legacy])
    assert result.value.to_list() == [upgraded]
    assert result.derived["_check_ok"].to_list() == [True]
    assert result.derived["_birth_date"].to_list() == [born]


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), digits17.map(lambda s: s + ric.calc_check_digit(s + "0")))))
def test_normalising_a_normalised_value_returns_it(values):
    once = run(values).value
    twice = run(once.to_list()).value
    assert twice.to_list() == once.to_list()
