from hypothesis import given
from hypothesis import strategies as st

from childlink.store.ids import county_of, format_id, new_run_id
from childlink.store.repository import canonical_pair

counties = st.from_regex(r"\A[1-6][0-9]{5}\Z")
counters = st.integers(min_value=1, max_value=9_999_999_999)


@given(counties, counters, counters)
def test_entity_ids_sort_like_their_counters(county, a, b):
    assert (format_id(county, "P", a) < format_id(county, "P", b)) == (a < b)
    assert county_of(format_id(county, "C", a)) == county


@given(st.text(min_size=1), st.text(min_size=1))
def test_canonical_pair_is_symmetric(a, b):
    assert canonical_pair(a, b) == canonical_pair(b, a)
    assert canonical_pair(a, b)[0] <= canonical_pair(a, b)[1]


def test_run_ids_carry_their_county_and_fit_the_column():
    run_id = new_run_id("220183")
    assert county_of(run_id) == "220183" and run_id.startswith("220183-R") and len(run_id) <= 40
    assert new_run_id("220183") != run_id
