"""Scenarios that make children meet a policy §1 category, with the near-misses a literal
reading must reject (a 5-month sentence, a 45-day break in work away, work inside the county,
an illness off the list, a temporary assistance).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

from childlink.synth import events as ev
from childlink.synth.divisions import county_villages
from childlink.synth.families import Family
from childlink.synth.scenario_context import STATUS_ZH, Ctx, away, register_main, register_or_not


# -- orphans (§1.1) ------------------------------------------------------------

def orphan_both_dead(c: Ctx, fam: Family) -> None:
    d1, d2 = c.ago(60, 2000), c.ago(30, 1500)
    ev.death(c.world, fam.father, d1, reported_twice=c.rng.random() < 0.4)
    ev.death(c.world, fam.mother, d2)
    registered = c.rng.random() < 0.5
    guardian = c.guardian(fam, not_=(fam.father, fam.mother))
    if guardian[0] >= 0 and c.rng.random() < 0.4:
        # The court appoints the guardian: a judgment with no effect on the categories.
        c.world.add_fact(ev.Fact("guardian_appointed", guardian[0], max(d1, d2) + timedelta(days=90),
                                 attrs={"child": fam.child}))
    if registered:
        c.register(fam, "social_orphan", None, "父母双亡", "father:death;mother:death", max(d1, d2) + timedelta(days=60),
                   father_status="死亡", mother_status="死亡", guardian=guardian)
    c.note(fam, "orphan_both_dead", f"social_orphan; {'registered' if registered else 'suspected_eligible'}")


def orphan_declared_dead(c: Ctx, fam: Family) -> None:
    lost = c.ago(1500, 2500)
    ev.declaration(c.world, fam.father, "declared_dead", c.ago(100, 1000))
    c.world.facts[-1].attrs["deemed"] = lost
    ev.death(c.world, fam.mother, c.ago(60, 1500))
    registered = c.rng.random() < 0.5
    if registered:
        c.register(fam, "social_orphan", None, "父亲被宣告死亡，母亲死亡", "father:death;mother:death", c.ago(20, 50),
                   father_status="宣告死亡", mother_status="死亡")
    c.note(fam, "orphan_declared_dead", f"social_orphan (father declared dead by court); {'registered' if registered else 'suspected_eligible'}")


def institution_orphan_parents_dead(c: Ctx, fam: Family) -> None:
    ev.death(c.world, fam.father, c.ago(200, 2000))
    ev.death(c.world, fam.mother, c.ago(100, 1500))
    for kid in fam.minors:
        c.world.in_institution.add(kid)
    registered = c.rng.random() < 0.6
    if registered:
        c.register(fam, "institution_orphan", None, "父母双亡，机构养育", "father:death;mother:death", c.ago(20, 90),
                   father_status="死亡", mother_status="死亡", guardian=(-1, "institution"), institution=True)
    c.note(fam, "institution_orphan_parents_dead", f"institution_orphan; {'registered' if registered else 'suspected_eligible'}")


# -- de facto unsupported (§1.2) -----------------------------------------------

def _dead_plus(c: Ctx, fam: Family, situation: str) -> tuple[int, int]:
    """One parent dead (or declared missing), the other in ``situation``; returns (gone, other)."""
    gone, other = c.pair(fam)
    if situation == "missing_illness":
        ev.declaration(c.world, gone, "declared_missing", c.ago(100, 1200))
    else:
        ev.death(c.world, gone, c.ago(100, 2000))
    return gone, other


def dfu_both_prison(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        ev.prison(c.world, parent, c.ago(60, 900), c.rng.choice((18, 30, 42, 60)))
    register_or_not(c, fam, "de_facto_unsupported", None, "父母均服刑在押", "father:restriction;mother:restriction",
                     "服刑", "服刑", "dfu_both_prison", "both parents serving sentences >= 6 months")


def dfu_variant(situation: str) -> Callable[[Ctx, Family], None]:
    def plant(c: Ctx, fam: Family) -> None:
        gone, other = _dead_plus(c, fam, situation)
        w = c.world
        kind = situation
        if situation == "prison":
            ev.prison(w, other, c.ago(30, 700), c.rng.choice((24, 36, 60, None)))
            kind = "restriction"
        elif situation == "disability":
            ev.disability(w, other, c.rng.choice("1234567"), c.rng.choice("12"), c.ago(100, 2500))
        elif situation == "intellectual3":
            ev.disability(w, other, c.rng.choice("56"), "3", c.ago(100, 2500))
            kind = "disability"
        elif situation == "missing_illness":
            ev.illness(w, other, c.ago(60, 900))
            kind = "illness"
        elif situation == "lost_contact":
            ev.lost_contact(w, other, c.ago(200, 900))
        elif situation == "revoked":
            on = max(c.ago(60, 800), c.birth(fam.child) + timedelta(days=30))
            for kid in c.born_by(fam, on):
                ev.guardianship_revoked(w, other, kid, on)
            kind = "guardianship_revoked"
        elif situation == "deported":
            ev.custody(w, other, "deportation", c.ago(60, 700), None)
        elif situation == "rehab":
            ev.drug_rehab(w, other, c.ago(20, 600))
            kind = "restriction"
        elif situation == "chain":
            # Detention for ~140 days, then a 4-month prison term: neither alone reaches 6 months, the chain does.
            d_start = c.ago(200, 215)
            handed = c.as_of - timedelta(days=c.rng.randint(60, 75))
            ev.custody(w, other, "detention", d_start, None, end=handed, end_reason="交付执行")
            ev.prison(w, other, handed, 4, admission=handed)
            w.facts[-1].attrs["no_sentence_start"] = True
            kind = "restriction"
        gone_kind = "declared_missing" if situation == "missing_illness" else "death"
        status = {"fstatus": "", "mstatus": ""}
        status["fstatus" if gone == fam.father else "mstatus"] = STATUS_ZH[gone_kind]
        status["fstatus" if other == fam.father else "mstatus"] = STATUS_ZH.get(kind, "服刑")
        basis = f"{'父亲' if gone == fam.father else '母亲'}{STATUS_ZH[gone_kind]}，{'父亲' if other == fam.father else '母亲'}{STATUS_ZH.get(kind, '服刑')}"
        claims = f"{c.role(fam, gone)}:{gone_kind};{c.role(fam, other)}:{kind}"
        register_or_not(c, fam, "de_facto_unsupported", None, basis, claims, status["fstatus"], status["mstatus"],
                         f"dfu_dead_{situation}", f"one parent {gone_kind}, the other {situation}")
    return plant


def dfu_both_disabled(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        ev.disability(c.world, parent, c.rng.choice("14"), c.rng.choice("12"), c.ago(100, 3000))
    register_or_not(c, fam, "de_facto_unsupported", None, "父母均重度残疾", "father:disability;mother:disability",
                     "重残", "重残", "dfu_both_disabled", "both parents grade 1-2 visual/physical (also family_difficulty)")


# -- difficulty (§1.3) ----------------------------------------------------------

def gd_dead_short_prison(c: Ctx, fam: Family) -> None:
    gone, other = c.pair(fam)
    ev.death(c.world, gone, c.ago(100, 1500))
    ev.prison(c.world, other, c.ago(20, 100), 5)
    register_or_not(c, fam, "guardianship_difficulty", "parents_restricted", "一方死亡，另一方服刑",
                     f"{c.role(fam, gone)}:death;{c.role(fam, other)}:restriction", "", "", "gd_dead_short_prison",
                     "near-miss of §1.2: 5-month term, held under 6 months")


def gd_both_detained(c: Ctx, fam: Family) -> None:
    start = c.ago(20, 60)
    for parent in (fam.father, fam.mother):
        ev.custody(c.world, parent, "detention", start, start + timedelta(days=c.rng.randint(60, 120)))
    register_or_not(c, fam, "guardianship_difficulty", "parents_restricted", "父母均被羁押",
                     "father:restriction;mother:restriction", "羁押", "羁押", "gd_both_detained",
                     "both parents in criminal detention, under 6 months")


def gd_revoked(c: Ctx, fam: Family) -> None:
    parent = c.rng.choice((fam.father, fam.mother))
    on = max(c.ago(60, 900), c.birth(fam.child) + timedelta(days=30))
    for kid in c.born_by(fam, on):
        ev.guardianship_revoked(c.world, parent, kid, on)
    register_or_not(c, fam, "guardianship_difficulty", "guardianship_failure", "监护人资格被撤销",
                     f"{c.role(fam, parent)}:guardianship_revoked", "", "", "gd_revoked",
                     "one parent's guardianship revoked, the other parent present")


def own_disabled(c: Ctx, fam: Family) -> None:
    ev.disability(c.world, fam.child, c.rng.choice("1234567"), c.rng.choice("1234"),
                  max(c.ago(30, 2000), c.birth(fam.child) + timedelta(days=200)))
    register_main(c, fam, "own_difficulty", "disabled_child", "持证残疾儿童", "child:disability", "own_disabled")


def own_ill(c: Ctx, fam: Family) -> None:
    ev.illness(c.world, fam.child, max(c.ago(30, 1200), c.birth(fam.child) + timedelta(days=100)))
    register_main(c, fam, "own_difficulty", "seriously_ill_child", "患重病", "child:illness", "own_ill")


def own_hiv(c: Ctx, fam: Family) -> None:
    ev.hiv(c.world, fam.child, max(c.ago(100, 2000), c.birth(fam.child) + timedelta(days=90)))
    register_main(c, fam, "own_difficulty", "hiv_infected", "艾滋病病毒感染", "child:hiv", "own_hiv")


def own_near_miss(c: Ctx, fam: Family) -> None:
    ev.illness(c.world, fam.child, c.ago(30, 600), listed=False)
    c.world.add_fact(ev.Fact("rehab", fam.child, c.ago(30, 300), attrs={"category": "5", "programme": "孤独症儿童康复训练"}))
    c.world.scenario(fam.child, "own_near_miss", "none: illness off the list; rehab assistance without certificate")


def fd_poverty(kind: str) -> Callable[[Ctx, Family], None]:
    def plant(c: Ctx, fam: Family) -> None:
        members = [fam.father, fam.mother, *fam.minors]
        ev.assistance(c.world, members, kind, c.ago(100, 1500))
        register_or_not(c, fam, "family_difficulty", "poor_household", "低保家庭" if kind == "dibao" else "特困供养家庭",
                         "child:assistance", "", "", f"fd_{kind}", f"household receives {kind}")
    return plant


def fd_temporary_near_miss(c: Ctx, fam: Family) -> None:
    ev.assistance(c.world, [fam.father, fam.mother, *fam.minors], "temporary", c.ago(30, 300))
    c.note(fam, "fd_temporary_near_miss", "none: temporary assistance is not poverty (§1.3.1)")


# -- left-behind (§1.4) ---------------------------------------------------------

def lb_both_away(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        away(c, parent, c.ago(200, 1500))
    register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                     "外出务工", "lb_both_away", "both parents away >= 6 months")


def lb_gap_short(c: Ctx, fam: Family) -> None:
    away(c, fam.father, c.ago(400, 600), gap_days=20)
    away(c, fam.mother, c.ago(200, 900))
    register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                     "外出务工", "lb_gap_short", "father's 20-day gap does not break the spell")


def lb_gap_long_near_miss(c: Ctx, fam: Family) -> None:
    away(c, fam.father, c.ago(400, 600), gap_days=45)
    away(c, fam.mother, c.ago(200, 900))
    c.note(fam, "lb_gap_long_near_miss", "none: father's 45-day gap breaks the spell, 4 months since")


def lb_one_away_other_ill(c: Ctx, fam: Family) -> None:
    worker, home = c.pair(fam)
    away(c, worker, c.ago(200, 1200))
    ev.illness(c.world, home, c.ago(60, 900))
    register_or_not(c, fam, "left_behind", None, "一方外出务工，另一方重病",
                     f"{c.role(fam, worker)}:work_away;{c.role(fam, home)}:illness", "", "", "lb_one_away_other_ill",
                     "one parent away, the other seriously ill")


def lb_same_county_near_miss(c: Ctx, fam: Family) -> None:
    towns = [v.township_code for v in county_villages(c.world.county)]
    for parent in (fam.father, fam.mother):
        ev.work_away(c.world, parent, c.ago(200, 900), None, division=c.rng.choice(towns))
    c.note(fam, "lb_same_county_near_miss", "none: both parents work inside the county")


def lb_same_city_core(c: Ctx, fam: Family) -> None:
    from childlink.synth.truth import default_policy

    core = sorted(default_policy().core_urban_of_city(c.world.county) - {c.world.county}) or ["220102"]
    place = c.rng.choice(core)
    for parent in (fam.father, fam.mother):
        ev.work_away(c.world, parent, c.ago(200, 900), None, division=place)
    county_core = c.world.county in default_policy().core_urban_of_city(c.world.county)
    note = ("none: work and hukou both core urban districts of the same city" if county_core else
            "left_behind: work in a core urban district of the same city, hukou county not core urban")
    if not county_core:
        register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                         "外出务工", "lb_same_city_core", note, p=0.3)
    else:
        c.note(fam, "lb_same_city_core", note)
