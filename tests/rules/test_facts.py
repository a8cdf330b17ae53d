"""Facts with time: sentence terms, chains, conflicts, relations and people."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from childlink.rules.intervals import age_at, chain_spells, term_months
from childlink.rules.relations import legal_parents
from tests.rules.scenario import AS_OF, County, entity, months_ago
from tests.rules.test_eligibility import court, dead, prison


@pytest.mark.parametrize(("text", "months"), [
    ("有期徒刑三年六个月", 42), ("有期徒刑2年", 24), ("拘役五个月", 5), ("有期徒刑十年", 120),
    ("有期徒刑十二年", 144), ("无期徒刑", -1), ("死刑缓期二年执行", -1), ("", None), (None, None), ("管制", None),
])
def test_term_months(text, months):
    assert term_months(text) == months


def test_chain_spells_touching_and_gaps():
    spells = pl.DataFrame({
        "entity_id": ["a", "a", "a", "b"],
        "start": [date(2025, 1, 1), date(2025, 3, 2), date(2025, 6, 1), date(2025, 1, 1)],
        "end": [date(2025, 3, 1), date(2025, 4, 1), None, None],
    })
    chained = chain_spells(spells, max_gap_days=1)
    a = chained.filter(pl.col("entity_id") == "a")
    assert a["chain"].to_list() == [1, 1, 2]
    assert a["chain_end"].to_list()[:2] == [date(2025, 4, 1)] * 2
    assert a["chain_end"][2] is None


def test_age_at_birthday_boundary():
    frame = pl.DataFrame({"b": [date(2010, 9, 30), date(2010, 10, 1)]})
    assert frame.select(age_at("b", AS_OF).alias("age"))["age"].to_list() == [16, 15]


def test_prison_planned_end_and_transfer():
    c = County()
    child, f, m = c.family()
    prison(c, f, date(2025, 1, 1), sentence_term="有期徒刑三年六个月", release_date=date(2026, 1, 1),
           release_type="transferred")
    facts = c.facts().facts.filter(pl.col("kind") == "restricted").row(0, named=True)
    assert facts["planned_end"] == date(2028, 7, 1)
    assert facts["end"] is None  # a transfer continues the spell


def test_sentence_start_date_counts_first():
    c = County()
    child, f, m = c.family()
    prison(c, f, date(2025, 6, 1), sentence_start_date=date(2025, 2, 1), sentence_end_date=date(2027, 2, 1))
    row = c.facts().facts.filter(pl.col("kind") == "restricted").row(0, named=True)
    assert row["start"] == date(2025, 2, 1) and row["planned_end"] == date(2027, 2, 1)


def test_drug_rehab_default_two_years():
    c = County()
    child, f, m = c.family()
    c.add("drug_rehab", id_number=f, name="戒", start_date=date(2026, 1, 15))
    row = c.facts().facts.filter(pl.col("kind") == "restricted").row(0, named=True)
    assert row["planned_end"] == date(2028, 1, 15)


def test_court_revocation_ends_declaration():
    c = County()
    child, f, m = c.family()
    court(c, f, "declare_missing", date(2023, 5, 1))
    court(c, f, "revoke_missing", date(2025, 5, 1))
    row = c.facts().facts.filter(pl.col("kind") == "declared_missing").row(0, named=True)
    assert row["start"] == date(2023, 5, 1) and row["end"] == date(2025, 5, 1)


def test_conflicts_are_visible():
    c = County()
    child, f, m = c.family()
    dead(c, f)  # the hukou row still says normal
    c.add("student_roll", id_number=child, name="童", school="小学", status="studying", enrolled_date=date(2022, 9, 1))
    c.add("student_roll", id_number=child, name="童", school="小学", status="dropped_out", status_date=months_ago(2))
    facts = c.facts()
    assert set(facts.conflicts["rule"]) == {"death_beats_hukou_status", "later_status_wins"}
    enrolled = facts.facts.filter(pl.col("kind") == "enrolled").row(0, named=True)
    assert enrolled["end"] == months_ago(2)


def test_people_and_parents_from_household():
    c = County()
    head = c.person(date(1980, 1, 1), "1")
    wife = c.person(date(1982, 1, 1), "2")
    child = c.person(date(2015, 1, 1), "2")
    for who, rel in ((head, "02"), (wife, "10"), (child, "30")):
        c.add("hukou_population", id_number=who, name="户", household_number="H9", relation_to_head=rel,
              division="220183100201", hukou_nature="agricultural")
    facts = c.facts()
    parents = legal_parents(facts.relations, as_of=AS_OF).filter(pl.col("child_entity_id") == entity(child))
    assert parents["father_entity_id"][0] == entity(head)
    assert parents["mother_entity_id"][0] == entity(wife)
    person = facts.people.filter(pl.col("entity_id") == entity(child)).row(0, named=True)
    assert person["birth_date"] == date(2015, 1, 1) and person["sex"] == "2" and person["rural"] is True
    assert person["hukou_county"] == "220183"


def test_birth_certificate_gives_parents_of_child_without_id():
    c = County()
    father, mother = c.person(date(1990, 1, 1), "1"), c.person(date(1991, 1, 1), "2")
    c.add("birth_certificate", certificate_number="O1", child_name="新生", birth_date=date(2026, 3, 1),
          mother_name="母", mother_id_number=mother, father_name="父", father_id_number=father, **{"@child": "baby"})
    parents = legal_parents(c.facts().relations, as_of=AS_OF)
    assert parents.filter(pl.col("child_entity_id") == "baby")["father_entity_id"][0] == entity(father)


@pytest.mark.parametrize(("extract_date", "ill"), [(months_ago(3), True), (months_ago(13), False)])
def test_serious_illness_look_back(extract_date, ill):
    c = County()
    child, f, m = c.family()
    c.add("serious_illness", id_number=child, name="童", illness_name="白血病", illness_code="leukaemia",
          diagnosis_date=date(2024, 1, 1), extract_date=extract_date)
    assert (c.categories(child) == ["own_difficulty"]) is ill
