"""policy §2.1: one table per flag, on small hand-made counties."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from tests.rules.scenario import County, entity, months_ago
from tests.rules.test_eligibility import dead, disability, prison, work


def register(c: County, child: str, category: str, **fields) -> None:
    c.add("child_register", id_number=child, name="童", category=category, registered_on=date(2025, 1, 1),
          township_division="220183100", **fields)


def enrol(c: County, child: str, status: str = "studying") -> None:
    c.add("student_roll", id_number=child, name="童", school="某小学", status=status, enrolled_date=date(2022, 9, 1),
          status_date=months_ago(2) if status != "studying" else None)


def flags_of(c: County, child: str) -> pl.DataFrame:
    return c.flags().filter(pl.col("entity_id") == entity(child))


def lead(c: County, child: str) -> tuple[str | None, str | None, str | None]:
    """(flag, category label, cause) of the child's one register lead, if any."""
    rows = flags_of(c, child).filter(pl.col("flag").is_in(["suspected_eligible", "category_change", "should_exit",
                                                             "cannot_verify"]))
    assert rows.height <= 1
    if rows.height == 0:
        return None, None, None
    return rows["flag"][0], rows["category"][0], rows["cause"][0]


# -- register leads -------------------------------------------------------------------


def suspected_orphan(c):
    child, f, m = c.family()
    dead(c, f), dead(c, m)
    enrol(c, child)
    return child


def registered_and_holds(c):
    child = suspected_orphan(c)
    register(c, child, "social_orphan", father_status="死亡", mother_status="死亡")
    return child


def exited_register_row_is_not_on_register(c):
    child = suspected_orphan(c)
    register(c, child, "social_orphan", status="exited", exit_date=date(2025, 6, 1))
    return child


def exit_date_overrides_status(c):
    child = suspected_orphan(c)
    register(c, child, "social_orphan", status="active", exit_date=date(2025, 6, 1))
    return child


def child_died(c):
    child, f, m = c.family()
    register(c, child, "own_difficulty", sub_category="disabled_child")
    disability(c, child, "4", "2")
    dead(c, child, months_ago(1))
    return child


def child_adopted(c):
    child = registered_and_holds(c)
    c.add("adoption", id_number=child, name="童", adopter1_name="养父", registration_date=months_ago(2))
    return child


def left_behind_aged_out(c):
    child, f, m = c.family(child_birth=date(2010, 3, 1))
    register(c, child, "left_behind", father_status="外出务工", mother_status="外出务工")
    work(c, f, months_ago(20)), work(c, m, months_ago(20))
    enrol(c, child)
    return child


def left_behind_aged_out_but_disabled(c):
    child = left_behind_aged_out(c)
    disability(c, child, "4", "3")
    return child


def parent_released(c):
    child, f, m = c.family()
    register(c, child, "de_facto_unsupported", father_status="服刑", mother_status="死亡")
    dead(c, m)
    prison(c, f, months_ago(30), sentence_term="有期徒刑二年", release_date=months_ago(6), release_type="completed")
    enrol(c, child)
    return child


def certificate_cancelled(c):
    child, f, m = c.family()
    register(c, child, "own_difficulty", sub_category="disabled_child", basis="持证残疾儿童")
    disability(c, child, "4", "2", cancelled_date=months_ago(3))
    enrol(c, child)
    return child


def moved_away(c):
    child = registered_and_holds(c)
    c.rows["hukou_population"][2].update(status="moved_out", status_date=months_ago(2), moved_out_to_division="440305")
    return child


def no_prison_record(c):
    child, f, m = c.family()
    register(c, child, "de_facto_unsupported", father_status="服刑", mother_status="死亡")
    dead(c, m)
    enrol(c, child)
    return child


def parents_home_but_child_disabled(c):
    child, f, m = c.family()
    register(c, child, "left_behind", father_status="外出务工", mother_status="外出务工")
    work(c, f, months_ago(30), months_ago(3)), work(c, m, months_ago(30), months_ago(3))
    disability(c, child, "1", "2")
    enrol(c, child)
    return child


def parents_home(c):
    child, f, m = c.family()
    register(c, child, "left_behind", father_status="外出务工", mother_status="外出务工")
    work(c, f, months_ago(30), months_ago(3)), work(c, m, months_ago(30), months_ago(3))
    enrol(c, child)
    return child


LEAD_CASES = [
    (suspected_orphan, ("suspected_eligible", "社会散居孤儿", "not_on_register")),
    (registered_and_holds, (None, None, None)),
    (exited_register_row_is_not_on_register, ("suspected_eligible", "社会散居孤儿", "not_on_register")),
    (exit_date_overrides_status, ("suspected_eligible", "社会散居孤儿", "not_on_register")),
    (child_died, ("should_exit", "自身困境儿童", "died")),
    (child_adopted, ("should_exit", "社会散居孤儿", "adopted")),
    (left_behind_aged_out, ("should_exit", "留守儿童", "aged_out")),
    (left_behind_aged_out_but_disabled, ("category_change", "自身困境儿童", "now:own_difficulty")),
    (parent_released, ("should_exit", "事实无人抚养儿童", "situation_ended:f:parent_released")),
    (certificate_cancelled, ("should_exit", "自身困境儿童", "situation_ended:c:certificate_cancelled")),
    (moved_away, ("should_exit", "社会散居孤儿", "moved_away")),
    (no_prison_record, ("cannot_verify", "事实无人抚养儿童", "no_record:f:restriction")),
    (parents_home_but_child_disabled, ("category_change", "自身困境儿童", "now:own_difficulty")),
    (parents_home, ("should_exit", "留守儿童", "situation_ended:f:parent_returned,m:parent_returned")),
]


@pytest.mark.parametrize(("build", "expected"), LEAD_CASES, ids=[b.__name__ for b, _ in LEAD_CASES])
def test_register_leads_2_1(build, expected):
    c = County()
    child = build(c)
    assert lead(c, child) == expected


def test_cannot_verify_is_never_should_exit():
    c = County()
    child = no_prison_record(c)
    flags = flags_of(c, child)
    assert "should_exit" not in flags["flag"].to_list()
    assert "数据缺口" in flags.filter(pl.col("flag") == "cannot_verify")["reason"][0]


def test_flag_columns_and_evidence():
    c = County()
    child = parent_released(c)
    row = flags_of(c, child).filter(pl.col("flag") == "should_exit").row(0, named=True)
    assert len(row["child_id_number"]) == 18 and row["child_id_number"] == child
    assert row["township"] == "220183100"
    assert row["rule"] and row["clause"].startswith("policy §2.1")
    evidence = json.loads(row["evidence"])
    assert {"child_register_2026q3.csv", "prison_2026q3.csv"} <= {e["source_file"] for e in evidence}
    assert all({"source_file", "row", "start", "end"} <= set(e) for e in evidence)
    assert row["link_probability"] == pytest.approx(0.99)
    assert "已释放" in row["reason"]


# -- emergency ----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "when", "expected"), [
    ("child", months_ago(1), "c:injured"),
    ("father", months_ago(2), "f:injured"),
    ("mother", months_ago(4), None),  # before the quarter ending at the as-of date
])
def test_emergency_2_1_3(who, when, expected):
    c = County()
    child, f, m = c.family()
    person = {"child": child, "father": f, "mother": m}[who]
    c.add("emergency", event_name="暴雨洪涝", event_date=when, id_number=person, name="受灾", impact="injured")
    rows = flags_of(c, child).filter(pl.col("flag") == "emergency")
    assert (rows["cause"][0] if rows.height else None) == expected


# -- dropout risk -------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "status", "registered", "expected"), [
    (date(2016, 5, 1), None, True, "school:missing"),
    (date(2016, 5, 1), "dropped_out", True, "school:dropped_out"),
    (date(2016, 5, 1), "suspended", True, "school:suspended"),
    (date(2016, 5, 1), "studying", True, None),
    (date(2016, 5, 1), None, False, None),  # neither registered nor flagged
    (date(2021, 5, 1), None, True, None),  # 5 on 1 September
    (date(2010, 5, 1), None, True, None),  # 16 on 1 September
])
def test_dropout_risk_2_1(birth, status, registered, expected):
    c = County()
    child, f, m = c.family(child_birth=birth)
    disability(c, child, "4", "2")
    if registered:
        register(c, child, "own_difficulty", sub_category="disabled_child")
    else:
        c.rows.pop("disability")
    if status:
        enrol(c, child, status)
    rows = flags_of(c, child).filter(pl.col("flag") == "dropout_risk")
    assert (rows["cause"][0] if rows.height else None) == expected


def test_flagged_child_gets_dropout_risk():
    c = County()
    child, f, m = c.family()
    dead(c, f), dead(c, m)
    flags = set(flags_of(c, child)["flag"].to_list())
    assert flags == {"suspected_eligible", "dropout_risk"}


def test_hiv_flags_are_sensitive_and_do_not_name_it():
    c = County()
    child, f, m = c.family()
    c.add("hiv", id_number=child, name="童", diagnosis_date=date(2022, 3, 1))
    row = flags_of(c, child).filter(pl.col("flag") == "suspected_eligible").row(0, named=True)
    assert row["sensitive"] is True
    assert "艾滋" not in row["reason"]
    other = suspected_orphan(c)
    assert not flags_of(c, other)["sensitive"].any()


def test_registered_hiv_child_without_record_is_sensitive():
    c = County()
    child, f, m = c.family()
    register(c, child, "own_difficulty", sub_category="hiv_infected", basis="艾滋病病毒感染")
    enrol(c, child)
    row = flags_of(c, child).filter(pl.col("flag") == "cannot_verify").row(0, named=True)
    assert row["sensitive"] is True and "艾滋" not in row["reason"]


def test_reason_for_parents_not_found():
    c = County()
    child = c.person(date(2019, 2, 1))
    c.add("hukou_population", id_number=child, name="福娃", division="220183001001", household_type="collective",
          address="德惠市儿童福利院", relation_to_head="99")
    row = flags_of(c, child).filter(pl.col("flag") == "suspected_eligible").row(0, named=True)
    assert row["category"] == "机构集中养育孤儿"
    assert "父母均无法查明" in row["reason"]


@pytest.mark.parametrize(("build", "cause"), [
    ("declaration", "situation_ended:f:declaration_revoked"),
    ("guardianship", "situation_ended:p:guardianship_restored"),
])
def test_should_exit_causes_2_1_2(build, cause):
    from tests.rules.test_eligibility import court

    c = County()
    child, f, m = c.family()
    enrol(c, child)
    if build == "declaration":
        register(c, child, "social_orphan", father_status="宣告死亡", mother_status="死亡")
        dead(c, m)
        court(c, f, "declare_dead", date(2023, 1, 1))
        court(c, f, "revoke_death", months_ago(2))
    else:
        register(c, child, "guardianship_difficulty", sub_category="guardianship_failure", basis="监护人资格被撤销")
        court(c, m, "revoke_guardianship", date(2024, 1, 1), child)
        court(c, m, "restore_guardianship", months_ago(1), child)
    assert lead(c, child)[0] == "should_exit" and lead(c, child)[2] == cause


def _unlinked_court(c: County, judgment: str, effective: date, child: str | None = None) -> None:
    """A judgment whose subject is named only (no ID number), so it links to no one."""
    c.add("court_judgment", case_number=f"(2023)吉{judgment}", judgment_type=judgment, subject_name="当事人",
          child_id_number=child, effective_date=effective)


def _declaration_case(opening: str) -> tuple[County, str]:
    from tests.rules.test_eligibility import court

    c = County()
    child, f, m = c.family()
    enrol(c, child)
    register(c, child, "social_orphan", father_status="宣告死亡", mother_status="死亡")
    dead(c, m)
    if opening == "linked":
        court(c, f, "declare_dead", date(2023, 1, 1))
    elif opening == "unlinked":
        _unlinked_court(c, "declare_dead", date(2023, 1, 1))
    court(c, f, "revoke_death", months_ago(2))
    return c, child


def _guardianship_case(opening: str) -> tuple[County, str]:
    from tests.rules.test_eligibility import court

    c = County()
    child, f, m = c.family()
    enrol(c, child)
    register(c, child, "guardianship_difficulty", sub_category="guardianship_failure", basis="监护人资格被撤销")
    if opening == "linked":
        court(c, m, "revoke_guardianship", date(2024, 1, 1), child)
    elif opening == "unlinked":
        _unlinked_court(c, "revoke_guardianship", date(2024, 1, 1), child)
    court(c, m, "restore_guardianship", months_ago(1), child)
    return c, child


# policy §2.1.2: "a declaration of death or missing was revoked", "guardianship was restored".
# The closing judgment is itself a record that the registered situation existed, whether the
# opening judgment is linked, in the file but unlinkable (name only), or outside the data.
ENDED_BY_COURT_CASES = [
    (_declaration_case, "linked", ("should_exit", "社会散居孤儿", "situation_ended:f:declaration_revoked")),
    (_declaration_case, "unlinked", ("should_exit", "社会散居孤儿", "situation_ended:f:declaration_revoked")),
    (_declaration_case, "absent", ("should_exit", "社会散居孤儿", "situation_ended:f:declaration_revoked")),
    (_guardianship_case, "linked", ("should_exit", "监护困境儿童", "situation_ended:p:guardianship_restored")),
    (_guardianship_case, "unlinked", ("should_exit", "监护困境儿童", "situation_ended:p:guardianship_restored")),
    (_guardianship_case, "absent", ("should_exit", "监护困境儿童", "situation_ended:p:guardianship_restored")),
]


@pytest.mark.parametrize(("build", "opening", "expected"), ENDED_BY_COURT_CASES,
                         ids=[f"{b.__name__.strip('_')}-{o}" for b, o, _ in ENDED_BY_COURT_CASES])
def test_closing_judgment_supports_the_ended_basis_2_1_2(build, opening, expected):
    c, child = build(opening)
    assert lead(c, child) == expected


def test_revoked_declaration_without_opening_is_not_dead():
    """The stand-in declaration has ended: the parent is not dead at the as-of date (policy §1.1)."""
    c, child = _declaration_case("absent")
    assert "social_orphan" not in c.categories(child)
    facts = c.facts().facts.filter(pl.col("kind") == "declared_dead")
    assert facts.height == 1 and facts["start"][0] is None and facts["end"][0] == months_ago(2)


def _revoked_by_name(subject_name: str | None, own_entity: bool = False) -> tuple[County, str]:
    """A guardianship judgment naming the child by ID number and the parent by name only
    (left unlinked, or, ``own_entity``, given an entity of its own by the linker)."""
    c = County()
    child, f, m = c.family()
    enrol(c, child)
    father_name = next(r["name"] for r in c.rows["hukou_population"] if r["id_number"] == f)
    name = {"father": father_name, "stranger": "路人甲"}.get(subject_name, subject_name)
    c.add("court_judgment", case_number="(2026)吉0183民初1号", judgment_type="revoke_guardianship", subject_name=name,
          child_id_number=child, effective_date=months_ago(4), **({"@subject": "P-unlinked"} if own_entity else {}))
    return c, child


# policy §2.2 (parents found through the child's records) with §1.3.3 (guardianship revoked by a
# court): the parent a judgment names without an ID number is the child's parent of that name.
SUBJECT_BY_NAME_CASES = [
    ("father", False, ("suspected_eligible", "监护困境儿童", "not_on_register")),
    ("father", True, ("suspected_eligible", "监护困境儿童", "not_on_register")),
    ("stranger", False, (None, None, None)),  # no parent of the child bears the name
    ("stranger", True, (None, None, None)),
    (None, False, (None, None, None)),
]


@pytest.mark.parametrize(("subject", "own_entity", "expected"), SUBJECT_BY_NAME_CASES,
                         ids=[f"{s}-{'own_entity' if o else 'unlinked'}" for s, o, _ in SUBJECT_BY_NAME_CASES])
def test_judgment_subject_found_through_the_child_2_2(subject, own_entity, expected):
    c, child = _revoked_by_name(subject, own_entity)
    assert lead(c, child) == expected


def _adopted_renamed(alias_name: str) -> tuple[County, str]:
    """A registered orphan adopted under a new name; the school roll's row (same ID number,
    name ``alias_name``) was linked to an entity of its own."""
    c = County()
    child, f, m = c.family(child_birth=date(2016, 5, 1))
    dead(c, f), dead(c, m)
    register(c, child, "social_orphan", father_status="死亡", mother_status="死亡")
    c.add("adoption", id_number=child, name="童", name_after="刘新童", adopter1_name="养父",
          registration_date=months_ago(2))
    c.add("student_roll", id_number=child, name=alias_name, school="某小学", status="studying",
          enrolled_date=date(2022, 9, 1), **{"@child": "P-renamed"})
    return c, child


# exchange adoption notes ("link on id_number first, then on name or name_after"), policy §2.1:
# the records under the adopted child's new (or old) name are that child's, so the registered
# child exits as adopted, is on the school roll, and is not a second, unregistered orphan.
ADOPTEE_CASES = [
    ("刘新童", {"should_exit"}),  # the new name
    ("童", {"should_exit"}),  # the old name
    ("王某某", {"should_exit", "dropout_risk"}),  # another name: not taken for the child
]


@pytest.mark.parametrize(("alias_name", "expected"), ADOPTEE_CASES, ids=[n for n, _ in ADOPTEE_CASES])
def test_adopted_child_under_new_name_is_one_child(alias_name, expected):
    c, child = _adopted_renamed(alias_name)
    flags = c.flags()
    assert set(flags.filter(pl.col("entity_id") == entity(child))["flag"]) == expected
    assert lead(c, child)[2] == "adopted"
    assert flags.filter(pl.col("entity_id") == "P-renamed").is_empty()


def _revoked_child_by_name(child_name: str) -> tuple[County, str]:
    """A guardianship judgment naming the father by ID number and the child by name only."""
    c = County()
    child, f, m = c.family()
    enrol(c, child)
    own = next(r["name"] for r in c.rows["hukou_population"] if r["id_number"] == child)
    name = own if child_name == "child" else child_name
    c.add("court_judgment", case_number="(2025)吉0183民初2号", judgment_type="revoke_guardianship", subject_name="父",
          subject_id_number=f, child_name=name, effective_date=months_ago(8))
    return c, child


CHILD_BY_NAME_CASES = [
    ("child", ("suspected_eligible", "监护困境儿童", "not_on_register")),
    ("别人家孩子", (None, None, None)),  # not a child of the parent: the judgment is about someone else
]


@pytest.mark.parametrize(("child_name", "expected"), CHILD_BY_NAME_CASES, ids=["own_child", "other_name"])
def test_judgment_child_found_through_the_parent_2_2(child_name, expected):
    c, child = _revoked_child_by_name(child_name)
    assert lead(c, child) == expected
