"""policy §1: one table of scenarios per clause, each a small county built by hand."""

from __future__ import annotations

from datetime import date

import pytest

from tests.rules.scenario import AS_OF, County, months_ago, policy_with

OTHER_COUNTY = "220281"


def dead(c: County, who: str, when: date = date(2024, 1, 1)) -> None:
    c.add("death", id_number=who, name="死者", death_date=when)


def prison(c: County, who: str, start: date, **fields) -> None:
    c.add("prison", id_number=who, name="服刑", admission_date=start, **fields)


def custody(c: County, who: str, measure: str, start: date, **fields) -> None:
    c.add("custody", id_number=who, name="羁押", measure=measure, start_date=start, **fields)


def disability(c: County, who: str, category: str, grade: str, **fields) -> None:
    c.add("disability", id_number=who, name="残疾", category=category, grade=grade, issued_date=date(2020, 1, 1), **fields)


def illness(c: County, who: str, code: str | None = "leukaemia") -> None:
    c.add("serious_illness", id_number=who, name="病人", illness_name="白血病", illness_code=code,
          diagnosis_date=date(2025, 1, 1))


def court(c: County, subject: str, judgment: str, effective: date, child: str | None = None) -> None:
    c.add("court_judgment", case_number=f"(2025)吉{judgment}", judgment_type=judgment, subject_name="当事人",
          subject_id_number=subject, child_id_number=child, effective_date=effective)


def work(c: County, who: str, start: date, end: date | None = None, place: str = "330200") -> None:
    c.add("employment", id_number=who, name="务工", work_division=place, start_date=start, end_date=end)


# -- §1.1 orphans -------------------------------------------------------------------


def orphan_both_dead(c: County):
    child, f, m = c.family()
    dead(c, f), dead(c, m)
    return child


def orphan_declared_dead(c: County):
    child, f, m = c.family()
    court(c, f, "declare_dead", date(2023, 5, 1))
    dead(c, m)
    return child


def orphan_declaration_revoked(c: County):
    child, f, m = c.family()
    court(c, f, "declare_dead", date(2023, 5, 1))
    court(c, f, "revoke_death", date(2025, 5, 1))
    dead(c, m)
    return child


def orphan_hukou_declared_dead(c: County):
    child, f, m = c.family()
    c.rows["hukou_population"][0].update(status="declared_dead", status_date=date(2022, 1, 1))
    dead(c, m)
    return child


def parents_not_found_in_institution(c: County):
    child = c.person(date(2019, 2, 1))
    c.add("hukou_population", id_number=child, name="福娃", division="220183100201")
    c.add("child_register", id_number=child, name="福娃", category="institution_orphan", in_institution=True)
    return child


def parents_unknown_at_home(c: County):
    child = c.person(date(2019, 2, 1))
    c.add("hukou_population", id_number=child, name="某娃", division="220183100201")
    return child


def both_declared_missing(c: County):
    child, f, m = c.family()
    court(c, f, "declare_missing", date(2023, 5, 1))
    court(c, m, "declare_missing", date(2023, 6, 1))
    return child


ORPHAN_CASES = [
    (orphan_both_dead, ["social_orphan", "guardianship_difficulty"]),
    (orphan_declared_dead, ["social_orphan", "guardianship_difficulty"]),
    (orphan_declaration_revoked, []),
    (orphan_hukou_declared_dead, ["social_orphan", "guardianship_difficulty"]),
    (parents_not_found_in_institution, ["institution_orphan", "guardianship_difficulty"]),
    (parents_unknown_at_home, []),
    (both_declared_missing, []),
]


@pytest.mark.parametrize(("build", "expected"), ORPHAN_CASES, ids=[b.__name__ for b, _ in ORPHAN_CASES])
def test_orphan_1_1(build, expected):
    c = County()
    child = build(c)
    assert c.categories(child) == expected


def test_missing_counts_as_dead_setting_1_1():
    c = County()
    child = both_declared_missing(c)
    policy = policy_with(missing_counts_as_dead_for_orphan=True)
    assert c.categories(child, policy=policy)[0] == "social_orphan"


# -- §1.2 de facto unsupported ------------------------------------------------------


def five_month_term_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(1), sentence_term="有期徒刑五个月")
    return child


def six_month_term_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(1), sentence_term="有期徒刑六个月")
    return child


def sentence_end_date_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(2), sentence_end_date=months_ago(-5))
    return child


def life_sentence_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(1), sentence_term="无期徒刑")
    return child


def held_six_months_already(c: County):
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "detention", months_ago(6))
    return child


def held_just_under_six_months(c: County):
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "detention", months_ago(6, days=-2))  # 6 months end on 10-01
    return child


def custody_then_prison_chained(c: County):
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "detention", months_ago(7), end_date=months_ago(3), end_reason="投送监狱")
    prison(c, f, months_ago(3, days=-1), sentence_term="有期徒刑四个月")
    return child


def prison_released(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(30), sentence_term="有期徒刑二年", release_date=months_ago(6), release_type="completed")
    return child


def temporary_outside_ends(c: County):
    child, f, m = c.family()
    dead(c, m)
    prison(c, f, months_ago(30), sentence_term="有期徒刑五年", release_date=months_ago(2), release_type="temporary_outside")
    return child


def administrative_detention_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "administrative_detention", months_ago(0, days=10))
    return child


def drug_rehab_default_term(c: County):
    child, f, m = c.family()
    dead(c, m)
    c.add("drug_rehab", id_number=f, name="戒毒", start_date=months_ago(1))
    return child


def both_severe_disability(c: County):
    child, f, m = c.family()
    disability(c, f, "2", "1")  # hearing, grade 1: severe (§1.2) but not §1.3.1
    disability(c, m, "6", "4")  # mental, grade 4: severe (§1.2) but not §1.3.1
    return child


def disability_expired(c: County):
    child, f, m = c.family()
    dead(c, m)
    disability(c, f, "4", "1", valid_until=months_ago(1))
    return child


def disability_cancelled(c: County):
    child, f, m = c.family()
    dead(c, m)
    disability(c, f, "4", "1", cancelled_date=months_ago(2))
    return child


def lost_contact_seven_months(c: County):
    child, f, m = c.family()
    dead(c, m)
    c.add("missing_report", id_number=f, name="失联", missing_since=months_ago(7), reported_date=months_ago(7))
    return child


def lost_contact_five_months(c: County):
    child, f, m = c.family()
    dead(c, m)
    c.add("missing_report", id_number=f, name="失联", reported_date=months_ago(5))
    return child


def declared_missing_and_illness(c: County):
    child, f, m = c.family()
    court(c, f, "declare_missing", date(2023, 5, 1))
    illness(c, m)
    return child


def guardianship_revoked_both(c: County):
    child, f, m = c.family()
    court(c, f, "revoke_guardianship", months_ago(3), child)
    court(c, m, "revoke_guardianship", months_ago(3), child)
    return child


def guardianship_restored(c: County):
    child, f, m = c.family()
    court(c, f, "revoke_guardianship", months_ago(12), child)
    court(c, f, "restore_guardianship", months_ago(2), child)
    return child


def deported_other_dead(c: County):
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "deportation", months_ago(1))
    return child


UNSUPPORTED_CASES = [
    (five_month_term_other_dead, ["guardianship_difficulty"]),
    (six_month_term_other_dead, ["de_facto_unsupported", "guardianship_difficulty"]),
    (sentence_end_date_other_dead, ["de_facto_unsupported", "guardianship_difficulty"]),
    (life_sentence_other_dead, ["de_facto_unsupported", "guardianship_difficulty"]),
    (held_six_months_already, ["de_facto_unsupported", "guardianship_difficulty"]),
    (held_just_under_six_months, ["guardianship_difficulty"]),
    (custody_then_prison_chained, ["de_facto_unsupported", "guardianship_difficulty"]),
    (prison_released, []),
    (temporary_outside_ends, []),
    (administrative_detention_other_dead, []),
    (drug_rehab_default_term, ["de_facto_unsupported", "guardianship_difficulty"]),
    (both_severe_disability, ["de_facto_unsupported"]),
    (disability_expired, []),
    (disability_cancelled, []),
    (lost_contact_seven_months, ["de_facto_unsupported"]),
    (lost_contact_five_months, []),
    (declared_missing_and_illness, ["de_facto_unsupported", "family_difficulty"]),
    (guardianship_revoked_both, ["de_facto_unsupported", "guardianship_difficulty"]),
    (guardianship_restored, []),
    (deported_other_dead, ["de_facto_unsupported"]),
]


@pytest.mark.parametrize(("build", "expected"), UNSUPPORTED_CASES, ids=[b.__name__ for b, _ in UNSUPPORTED_CASES])
def test_de_facto_unsupported_1_2(build, expected):
    c = County()
    child = build(c)
    assert c.categories(child) == expected


def test_restriction_threshold_is_a_setting_1_2():
    c = County()
    child = five_month_term_other_dead(c)
    assert c.categories(child, policy=policy_with(restriction_min_months=5))[0] == "de_facto_unsupported"


# -- §1.3 difficulty ----------------------------------------------------------------


def dibao_household(c: County, kind: str = "dibao"):
    child, f, m = c.family()
    c.add("social_assistance", household_id="H1", member_id_number=child, member_name="童", assistance_type=kind,
          start_date=months_ago(10))
    return child


def family_parents_disabled(c: County):
    child, f, m = c.family()
    disability(c, f, "4", "2")  # physical grade 2
    disability(c, m, "5", "3")  # intellectual grade 3
    return child


def family_mental_grade_four_not_enough(c: County):
    child, f, m = c.family()
    dead(c, f)
    disability(c, m, "6", "4")  # severe for §1.2, not for §1.3.1
    return child


def own_disability(c: County):
    child, f, m = c.family()
    disability(c, child, "3", "4")
    return child


def own_hiv(c: County):
    child, f, m = c.family()
    c.add("hiv", id_number=child, name="童", diagnosis_date=date(2022, 3, 1))
    return child


def own_unlisted_illness(c: County):
    child, f, m = c.family()
    illness(c, child, code=None)
    return child


def own_listed_illness(c: County):
    child, f, m = c.family()
    illness(c, child)
    return child


def both_parents_detained_two_months(c: County):
    child, f, m = c.family()
    custody(c, f, "detention", months_ago(2))
    custody(c, m, "detention", months_ago(2))
    return child


DIFFICULTY_CASES = [
    (dibao_household, ["family_difficulty"]),
    (lambda c: dibao_household(c, "dibao_edge"), []),
    (lambda c: dibao_household(c, "temporary"), []),
    (family_parents_disabled, ["de_facto_unsupported", "family_difficulty"]),
    (family_mental_grade_four_not_enough, ["de_facto_unsupported"]),
    (own_disability, ["own_difficulty"]),
    (own_hiv, ["own_difficulty"]),
    (own_unlisted_illness, []),
    (own_listed_illness, ["own_difficulty"]),
    (both_parents_detained_two_months, ["guardianship_difficulty"]),
]


@pytest.mark.parametrize(("build", "expected"), DIFFICULTY_CASES,
                         ids=["dibao", "dibao_edge", "temporary", "parents_disabled", "mental_grade_4", "own_disability",
                              "own_hiv", "unlisted_illness", "listed_illness", "parents_detained"])
def test_difficulty_1_3(build, expected):
    c = County()
    child = build(c)
    assert c.categories(child) == expected


def test_child_disability_min_grade_1_3_2():
    c = County()
    child = own_disability(c)
    assert c.categories(child, policy=policy_with(child_disability_min_grade=3)) == []


# -- §1.4 left-behind ---------------------------------------------------------------


def both_away(c: County, months: int = 8, place: str = "330200", **family):
    child, f, m = c.family(**family)
    work(c, f, months_ago(months), place=place)
    work(c, m, months_ago(months), place=place)
    return child


def away_with_short_gap(c: County):
    child, f, m = c.family()
    work(c, f, months_ago(8), months_ago(4), place="330203")
    work(c, f, months_ago(4, days=-20), place="330203")  # a 20-day gap does not break the spell
    work(c, m, months_ago(9), place="330203")
    return child


def away_with_long_gap(c: County):
    child, f, m = c.family()
    work(c, f, months_ago(8), months_ago(4), place="330203")
    work(c, f, months_ago(4, days=-40), place="330203")
    work(c, m, months_ago(9), place="330203")
    return child


def away_in_same_county(c: County):
    return both_away(c, place="220183")


def core_urban_exclusion(c: County):
    return both_away(c, place="220104", division="220102001001")


def away_other_severe_disability(c: County):
    child, f, m = c.family()
    work(c, f, months_ago(9))
    disability(c, m, "1", "1")
    return child


def away_other_at_home(c: County):
    child, f, m = c.family()
    work(c, f, months_ago(9))
    return child


def sixteen_year_old(c: County):
    return both_away(c, child_birth=date(2010, 9, 1))


def child_lives_with_parents_elsewhere(c: County):
    child = both_away(c)
    c.add("residence_permit", id_number=child, name="童", residence_division="330203", registered_on=months_ago(8))
    return child


LEFT_BEHIND_CASES = [
    (both_away, ["left_behind"]),
    (lambda c: both_away(c, months=5), []),
    (lambda c: both_away(c, place="330000"), ["left_behind"]),
    (lambda c: both_away(c, place="220100"), []),
    (away_with_short_gap, ["left_behind"]),
    (away_with_long_gap, []),
    (away_in_same_county, []),
    (away_other_severe_disability, ["left_behind"]),
    (away_other_at_home, []),
    (sixteen_year_old, []),
    (child_lives_with_parents_elsewhere, []),
]


@pytest.mark.parametrize(("build", "expected"), LEFT_BEHIND_CASES,
                         ids=["both_away", "five_months", "province_level", "same_city_no_county", "gap_20_days",
                              "gap_40_days", "same_county", "other_severe_disability", "other_at_home", "age_16",
                              "lives_elsewhere"])
def test_left_behind_1_4(build, expected):
    c = County()
    child = build(c)
    assert c.categories(child) == expected


def test_core_urban_exclusion_1_4():
    c = County()
    child = core_urban_exclusion(c)
    assert c.categories(child, county="220102") == []
    c2 = County()
    child2 = both_away(c2, place="220183", division="220102001001")
    assert c2.categories(child2, county="220102") == ["left_behind"]


def test_rural_only_setting_1_4():
    c = County()
    child = both_away(c, rural=False)
    assert c.categories(child) == ["left_behind"]
    assert c.categories(child, policy=policy_with(left_behind_rural_only=True)) == []


def test_rural_from_village_code_1_4():
    c = County()
    child = both_away(c, rural=False)
    for row in c.rows["hukou_population"]:
        row.update(hukou_nature="resident", division_urban_rural="220")
    assert c.categories(child, policy=policy_with(left_behind_rural_only=True)) == ["left_behind"]


# -- §1.5 flow ----------------------------------------------------------------------


def flow_child(c: County, months: int = 8, hukou: str = OTHER_COUNTY, birth: date = date(2018, 1, 1)):
    child = c.person(birth, division=hukou)
    c.add("residence_permit", id_number=child, name="流童", hukou_division=hukou, residence_division="220183",
          registered_on=months_ago(months))
    return child


FLOW_CASES = [
    (flow_child, ["flow"]),
    (lambda c: flow_child(c, months=4), []),
    (lambda c: flow_child(c, hukou="220183"), []),
    (lambda c: flow_child(c, birth=date(2010, 1, 1)), []),
]


@pytest.mark.parametrize(("build", "expected"), FLOW_CASES, ids=["eight_months", "four_months", "local_hukou", "age_16"])
def test_flow_1_5(build, expected):
    c = County()
    child = build(c)
    assert c.categories(child) == expected


def test_flow_core_urban_exclusion_1_5():
    c = County()
    child = c.person(date(2018, 1, 1), division="220104")
    c.add("inbound_push", id_number=child, name="流童", hukou_division="220104", residence_division="220102",
          sending_county_division="220102", arrived_on=months_ago(9))
    assert c.categories(child, county="220102") == []
    assert c.categories(child, county="220102", policy=policy_with(core_urban_districts={})) == ["flow"]


# -- §1.6 focus marker, §1.7 precedence -----------------------------------------------


@pytest.mark.parametrize(("rural", "parents_dead", "expected"), [
    (True, 1, True), (True, 0, False), (True, 2, False), (False, 1, False),
])
def test_rural_single_parent_1_6(rural, parents_dead, expected):
    c = County()
    child, f, m = c.family(rural=rural)
    for who in (f, m)[:parents_dead]:
        dead(c, who)
    assert c.child_row(child)["rural_single_parent"] is expected


def test_precedence_and_primary_1_7():
    c = County()
    child = orphan_both_dead(c)
    disability(c, child, "4", "3")
    row = c.child_row(child)
    assert row["categories"] == ["social_orphan", "guardianship_difficulty", "own_difficulty"]
    assert row["primary_category"] == "social_orphan"
    policy = policy_with(category_precedence=["own_difficulty", "orphan", "de_facto_unsupported",
                                                 "guardianship_difficulty", "family_difficulty", "left_behind", "flow"])
    assert c.child_row(child, policy=policy)["primary_category"] == "own_difficulty"


def test_institution_orphan_when_in_institution_1_7():
    c = County()
    child = orphan_both_dead(c)
    c.add("child_register", id_number=child, name="童", category="social_orphan", in_institution=True)
    assert c.child_row(child)["primary_category"] == "institution_orphan"


def test_evidence_names_rows_and_link_probability():
    c = County()
    child = six_month_term_other_dead(c)
    met = c.eligibility().met.filter(met_category := (c.eligibility().met["category"] == "de_facto_unsupported"))
    evidence = met["evidence"][0].to_list()
    assert {(e["source"], e["row"], e["role"]) for e in evidence} == {("death", 1, "m"), ("prison", 1, "f")}
    assert met["link_probability"][0] == pytest.approx(0.99)
    assert met["clause"][0].startswith("policy §1.2")


def test_adopted_child_has_new_parents():
    c = County()
    child = orphan_both_dead(c)
    a1, a2 = c.person(date(1980, 1, 1), "1"), c.person(date(1981, 1, 1), "2")
    for a in (a1, a2):
        c.add("hukou_population", id_number=a, name="养", division="220183100201")
    c.add("adoption", id_number=child, name="童", adopter1_id_number=a1, adopter1_name="养父", adopter2_id_number=a2,
          adopter2_name="养母", registration_date=months_ago(2))
    assert c.categories(child) == []
    assert AS_OF  # the as-of date the scenarios are built around


def test_rural_single_parent_list_1_6():
    from childlink.rules.eligibility.focus import rural_single_parent_list

    c = County()
    child, f, m = c.family()
    dead(c, f)
    eligibility = c.eligibility()
    listed = rural_single_parent_list(eligibility.children, c.facts().people)
    assert listed["id_number"].to_list() == [child]


def test_child_born_here_after_parents_arrived_1_5():
    c = County()
    holder = c.person(date(1990, 1, 1), "1", division=OTHER_COUNTY)
    child = c.person(months_ago(7), "2", division=OTHER_COUNTY)
    c.add("residence_permit", id_number=holder, name="父", hukou_division=OTHER_COUNTY, residence_division="220183",
          registered_on=date(2023, 1, 1), relation_to_holder="self")
    c.add("residence_permit", id_number=child, name="童", hukou_division=OTHER_COUNTY, residence_division="220183",
          registered_on=months_ago(2), holder_id_number=holder, holder_name="父", relation_to_holder="child")
    assert c.categories(child) == ["flow"]


def test_pushed_child_living_with_parents_elsewhere_is_not_left_behind_3():
    c = County()
    child = both_away(c)
    c.add("inbound_push", id_number=child, name="童", hukou_division="220183100201", residence_division="330203",
          sending_county_division="330203", arrived_on=months_ago(10))
    assert c.categories(child) == []


def test_short_measure_without_end_date_never_reaches_six_months_1_2():
    c = County()
    child, f, m = c.family()
    dead(c, m)
    custody(c, f, "administrative_detention", months_ago(8))  # end date never reported
    custody(c, f, "judicial_detention", months_ago(7), planned_end_date=months_ago(-3))
    assert c.categories(child) == []
