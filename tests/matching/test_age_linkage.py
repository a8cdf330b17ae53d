"""Emergency rows giving name, age and place only (no ID number, no birth date).

exchange.yaml ``emergency``: the linker uses name + age + division. Such a row
joins the person when the three agree and nothing contradicts, and goes to the
review queue when two people of that name and age fit.
"""

from datetime import date

import polars as pl
import pytest

from matching.comparisons import NULL_LEVEL, AgeComparison, BirthDateComparison, pair_frame
from matching.linker import Linker
from matching.scoring import LINKED, REVIEW
from matching.standardise import mention_features

from matching_helpers import make_id, mention_rows, synthetic_mentions, synthetic_people

EVENT = date(2026, 7, 15)
TOWNSHIP = "220183103013"


def emergency_row(name: str | None, age: int | None, *, sex: str | None = None, division: str | None = TOWNSHIP,
                  mention_id: str = "10:1:person", event: date = EVENT) -> dict:
    """A row of an emergency list: name, age on the event date, place; no ID number, no birth date."""
    by_age = date(event.year - age, event.month, event.day) if age is not None else None
    return {"mention_id": mention_id, "source": "emergency", "source_file": "emergency_20260930.xlsx",
            "name": name, "sex": sex, "division": division,
            "birth_year_est": event.year - age if age is not None else None, "born_by_age": by_age}


def _level(comparison, left: dict, right: dict) -> str:
    features = mention_features(mention_rows([left, right]))
    pairs = pl.DataFrame({"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.Int64, "idx_r": pl.Int64})
    g = comparison.gamma(pair_frame(features, pairs, comparison.columns))[0]
    return "missing" if g == NULL_LEVEL else comparison.labels[g]


# aged 40 on 2026-07-15: born 1985-07-16 … 1986-07-15
@pytest.mark.parametrize(("right", "level"), [
    ({"birth_date": date(1986, 3, 1)}, "birth date consistent with the age"),
    ({"birth_date": date(1985, 12, 1)}, "birth date consistent with the age"),  # birthday after the event
    ({"birth_date": date(1986, 7, 15)}, "birth date consistent with the age"),  # 40 that day
    ({"birth_date": date(1985, 7, 16)}, "birth date consistent with the age"),
    ({"birth_date": date(1986, 7, 16)}, "within a year of the age"),  # a nominal age (虚岁)
    ({"birth_date": date(1985, 1, 10)}, "within a year of the age"),
    ({"birth_date": date(1983, 5, 1)}, "else"),
    ({"birth_date": date(2012, 5, 1)}, "else"),
    ({"id_number": make_id("220183", date(1986, 3, 1), 12)}, "birth date consistent with the age"),  # date in the ID
    (emergency_row("张伟", 40, mention_id="10:2:person"), "birth date consistent with the age"),  # two lists
    (emergency_row("张伟", 41, mention_id="10:2:person", event=date(2027, 2, 1)), "birth date consistent with the age"),
    (emergency_row("张伟", 43, mention_id="10:2:person"), "else"),
    (emergency_row("张伟", None, mention_id="10:2:person"), "missing"),
    ({"name": "张伟"}, "missing"),  # no birth date, no age
])
def test_age_levels(right, level):
    left = emergency_row("张伟", 40)
    assert _level(AgeComparison(), left, right) == level
    assert _level(AgeComparison(), right, left) == level


@pytest.mark.parametrize(("left", "right"), [
    ({"birth_date": date(1986, 3, 1)}, {"birth_date": date(1986, 3, 1)}),
    ({"birth_date": date(1986, 3, 1)}, {"birth_date": date(1985, 3, 1)}),
])
def test_age_comparison_leaves_two_birth_dates_to_the_birth_date_comparison(left, right):
    assert _level(AgeComparison(), left, right) == "missing"
    assert _level(BirthDateComparison(), left, right) != "missing"


def test_birth_date_comparison_does_not_count_an_age_against_a_match():
    assert _level(BirthDateComparison(), emergency_row("张伟", 40), {"birth_date": date(1986, 3, 1)}) == "missing"


PARENT_BORN = date(1986, 3, 1)
PARENT_ID = make_id("220183", PARENT_BORN, 246)


def _county_with(rows: list[dict]) -> pl.DataFrame:
    base, _ = synthetic_mentions(synthetic_people(300))
    parent = mention_rows([
        {"mention_id": "12:1:person", "name": "欧阳慧敏", "birth_date": PARENT_BORN, "sex": "2",
         "id_number": PARENT_ID, "division": TOWNSHIP},
        {"mention_id": "12:2:mother", "role": "mother", "primary": False, "name": "欧阳慧敏",
         "id_number": PARENT_ID},
    ])
    return pl.concat([base, parent, mention_rows(rows)])


def _entity(result, mention_id: str) -> str:
    return result.assignments.filter(pl.col("mention_id") == mention_id)["entity_id"][0]


@pytest.mark.parametrize(("row", "joins"), [
    (emergency_row("欧阳慧敏", 40, sex="2"), True),
    (emergency_row("欧阳慧敏", 40), True),  # no sex given
    (emergency_row("欧阳慧敏", 41, sex="2"), True),  # a nominal age, one year more
    (emergency_row("欧阳慧敏", 40, sex="2", division="220183103"), True),  # township only
    (emergency_row("欧阳慧敏", 40, sex="2", division="220183"), True),  # county only
    (emergency_row("欧阳慧敏", 40, sex="1"), False),  # sex contradicts
    (emergency_row("欧阳慧敏", 52, sex="2"), False),  # age contradicts
])
def test_emergency_row_without_id_joins_the_person(row, joins):
    result = Linker().link(_county_with([row]), county="220183")
    assert (_entity(result, "10:1:person") == _entity(result, "12:1:person")) is joins


def test_two_people_of_one_name_and_age_in_a_township_go_to_review():
    born_a, born_b = date(1986, 3, 1), date(1985, 11, 20)
    rows = [
        {"mention_id": "13:1:person", "name": "张伟", "birth_date": born_a, "sex": "1",
         "id_number": make_id("220183", born_a, 111), "division": TOWNSHIP},
        {"mention_id": "13:2:person", "name": "张伟", "birth_date": born_b, "sex": "1",
         "id_number": make_id("220183", born_b, 113), "division": TOWNSHIP},
        emergency_row("张伟", 40, sex="1"),
    ]
    result = Linker().link(_county_with(rows), county="220183")
    emergency = _entity(result, "10:1:person")
    assert emergency not in (_entity(result, "13:1:person"), _entity(result, "13:2:person"))
    assert _entity(result, "13:1:person") != _entity(result, "13:2:person")
    either_side = (pl.col("mention_id_l") == "10:1:person") | (pl.col("mention_id_r") == "10:1:person")
    assert result.review_queue.filter(either_side).height >= 1
    bands = result.pairs_with("mention_id").filter(either_side)["band"].to_list()
    assert LINKED not in bands and REVIEW in bands


def test_twins_stay_apart_when_an_emergency_row_names_one():
    born = date(2014, 6, 1)
    rows = [
        {"mention_id": "14:1:person", "name": "李思远", "birth_date": born, "sex": "1",
         "id_number": make_id("220183", born, 101), "division": TOWNSHIP, "household": "H9"},
        {"mention_id": "14:2:person", "name": "李思源", "birth_date": born, "sex": "1",
         "id_number": make_id("220183", born, 103), "division": TOWNSHIP, "household": "H9"},
        emergency_row("李思远", 12, sex="1"),
    ]
    result = Linker().link(_county_with(rows), county="220183")
    assert _entity(result, "14:1:person") != _entity(result, "14:2:person")
    assert _entity(result, "10:1:person") != _entity(result, "14:2:person")
