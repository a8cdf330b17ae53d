"""ID numbers: check characters agree with python-stdnum; legacy 15-digit form."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st
from stdnum.cn import ric

from childlink.synth.idnumbers import build_id_numbers, check_char, check_chars, is_valid, legacy_15


@given(st.integers(min_value=10**16, max_value=10**17 - 1))
def test_check_char_matches_stdnum(n):
    first17 = str(n)
    assert check_char(first17) == ric.calc_check_digit(first17 + "0")
    assert check_chars(np.array([first17]))[0] == check_char(first17)


def test_sex_parity_and_uniqueness():
    ids = build_id_numbers(np.array(["220183"] * 4), np.array(["20100101"] * 4), np.array([1, 1, 2, 2]),
                           np.array([0, 1, 0, 1]), np.array([10, 10, 10, 10]))
    assert len(set(ids.tolist())) == 4
    assert [int(v[16]) % 2 for v in ids] == [1, 1, 0, 0]
    assert all(is_valid(v) for v in ids)


def test_legacy_15_only_for_the_1900s():
    assert legacy_15("220183198001011234") == "220183800101123"
    assert legacy_15("220183200001011234") is None
