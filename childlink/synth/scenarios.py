"""Planted scenarios: families whose outcome at the as-of date is known by construction.

Every category of policy.md §1 and every flag of §2.1 is planted, with the
near-misses that a literal reading must reject (a 5-month sentence, a 45-day
break in work away, work inside the county, an illness off the list, a
temporary assistance, a 4-month stay). Each planted child gets a line in
``truth/scenarios.csv``; ``truth.py`` then evaluates the whole world, planted
or not, so the expected outcome never depends on these notes.

Counts scale with the square root of the population above 3,000 people (so a
million-person county is not all scenarios) and linearly below it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from childlink.synth import events as ev
from childlink.synth.dates import add_months, age_on
from childlink.synth.divisions import county_villages
from childlink.synth.families import Family, FamilyPool, add_person
from childlink.synth.world import LOCAL, Household, RegisterEntry, World

# Work places for left-behind parents: county-level codes outside the county.
AWAY_COUNTIES = ("330212", "440306", "320506", "440113")


@dataclass
class Ctx:
    world: World
    rng: random.Random
    pool: FamilyPool

    @property
    def as_of(self) -> date:
        return self.world.as_of

    def ago(self, low: int, high: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(low, high))

    def birth(self, pid: int) -> date:
        return date.fromordinal(self.world.people.birth[pid])

    def age(self, pid: int) -> int:
        return age_on(self.birth(pid), self.as_of)

    def pair(self, fam: Family) -> tuple[int, int]:
        """(one parent, the other) in random order."""
        return (fam.father, fam.mother) if self.rng.random() < 0.5 else (fam.mother, fam.father)

    def born_by(self, fam: Family, day: date) -> list[int]:
        """The family's minor children already born on ``day`` (a judgment names only those)."""
        return [kid for kid in fam.minors if self.birth(kid) < day]

    def role(self, fam: Family, pid: int) -> str:
        return "father" if pid == fam.father else "mother"

    def guardian(self, fam: Family, *, not_: tuple[int, ...] = ()) -> tuple[int, str]:
        people = self.world.people
        for g in fam.grandparents:
            return g, "paternal_grandparent"
        for parent in (fam.mother, fam.father):
            # A parent to whom anything happened (death, prison, work away...) is not the one at home.
            if parent not in not_ and not self.world.facts_of(parent):
                return parent, "mother" if parent == fam.mother else "father"
        # A relative from an elderly household of the county.
        for _ in range(50):
            pid = self.rng.randrange(len(people))
            if people.kind[pid] == LOCAL and self.age(pid) >= 55 and people.relation[pid] == "02":
                return pid, "other_relative"
        return -1, "other_relative"

    def register(self, fam: Family, category: str, sub: str | None, basis: str, basis_kind: str, when: date, *,
                 father_status: str = "", mother_status: str = "", main_only: bool = False,
                 guardian: tuple[int, str] | None = None, institution: bool = False) -> None:
        """Register the family's minor children (those young enough for the category)."""
        from childlink.synth.truth import MAX_AGE_FIELD, default_policy

        max_age = getattr(default_policy(), MAX_AGE_FIELD[category])
        g, rel = guardian or self.guardian(fam, not_=())
        targets = [fam.child] if main_only else [c for c in fam.minors if c == fam.child or self.age(c) < max_age]
        if "guardianship_revoked" in basis_kind:
            # A judgment names the children born by then; a younger sibling is not concerned.
            named = {f.attrs["child"] for p in (fam.father, fam.mother) for f in self.world.facts_of(p, "guardianship_revoked")}
            targets = [c for c in targets if c in named]
        for child in targets:
            if self.world.death_date(child) and child != fam.child:
                continue
            on = max(when, self.birth(child) + timedelta(days=40))
            on = min(on, self.as_of - timedelta(days=3))
            self.world.register.append(RegisterEntry(
                child=child, category=category, sub_category=sub, basis=basis, basis_kind=basis_kind, registered_on=on,
                father_status=father_status, mother_status=mother_status, guardian=g, guardian_relation=rel,
                in_institution=institution))

    def note(self, fam: Family, scenario: str, note: str) -> None:
        for child in fam.minors:
            self.world.scenario(child, scenario, note if child == fam.child else f"sibling: {note}")


STATUS_ZH = {"death": "死亡", "restriction": "服刑", "disability": "重残", "illness": "重病", "lost_contact": "失联",
             "declared_missing": "宣告失踪", "guardianship_revoked": "被撤销监护资格", "rehab": "强制隔离戒毒",
             "deported": "被遣送出境", "work_away": "外出务工", "declared_dead": "宣告死亡", "normal": "正常"}


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
    _register_or_not(c, fam, "de_facto_unsupported", None, "父母均服刑在押", "father:restriction;mother:restriction",
                     "服刑", "服刑", "dfu_both_prison", "both parents serving sentences >= 6 months")


def _register_or_not(c: Ctx, fam: Family, category: str, sub: str | None, basis: str, basis_kind: str,
                     fstatus: str, mstatus: str, scenario: str, note: str, p: float = 0.5) -> None:
    registered = c.rng.random() < p
    if registered:
        c.register(fam, category, sub, basis, basis_kind, c.ago(10, 40), father_status=fstatus, mother_status=mstatus)
    c.note(fam, scenario, f"{category}: {note}; {'registered' if registered else 'suspected_eligible'}")


def _dfu_variant(situation: str) -> Callable[[Ctx, Family], None]:
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
        _register_or_not(c, fam, "de_facto_unsupported", None, basis, claims, status["fstatus"], status["mstatus"],
                         f"dfu_dead_{situation}", f"one parent {gone_kind}, the other {situation}")
    return plant


def dfu_both_disabled(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        ev.disability(c.world, parent, c.rng.choice("14"), c.rng.choice("12"), c.ago(100, 3000))
    _register_or_not(c, fam, "de_facto_unsupported", None, "父母均重度残疾", "father:disability;mother:disability",
                     "重残", "重残", "dfu_both_disabled", "both parents grade 1-2 visual/physical (also family_difficulty)")


# -- difficulty (§1.3) ----------------------------------------------------------

def gd_dead_short_prison(c: Ctx, fam: Family) -> None:
    gone, other = c.pair(fam)
    ev.death(c.world, gone, c.ago(100, 1500))
    ev.prison(c.world, other, c.ago(20, 100), 5)
    _register_or_not(c, fam, "guardianship_difficulty", "parents_restricted", "一方死亡，另一方服刑",
                     f"{c.role(fam, gone)}:death;{c.role(fam, other)}:restriction", "", "", "gd_dead_short_prison",
                     "near-miss of §1.2: 5-month term, held under 6 months")


def gd_both_detained(c: Ctx, fam: Family) -> None:
    start = c.ago(20, 60)
    for parent in (fam.father, fam.mother):
        ev.custody(c.world, parent, "detention", start, start + timedelta(days=c.rng.randint(60, 120)))
    _register_or_not(c, fam, "guardianship_difficulty", "parents_restricted", "父母均被羁押",
                     "father:restriction;mother:restriction", "羁押", "羁押", "gd_both_detained",
                     "both parents in criminal detention, under 6 months")


def gd_revoked(c: Ctx, fam: Family) -> None:
    parent = c.rng.choice((fam.father, fam.mother))
    on = max(c.ago(60, 900), c.birth(fam.child) + timedelta(days=30))
    for kid in c.born_by(fam, on):
        ev.guardianship_revoked(c.world, parent, kid, on)
    _register_or_not(c, fam, "guardianship_difficulty", "guardianship_failure", "监护人资格被撤销",
                     f"{c.role(fam, parent)}:guardianship_revoked", "", "", "gd_revoked",
                     "one parent's guardianship revoked, the other parent present")


def own_disabled(c: Ctx, fam: Family) -> None:
    ev.disability(c.world, fam.child, c.rng.choice("1234567"), c.rng.choice("1234"),
                  max(c.ago(30, 2000), c.birth(fam.child) + timedelta(days=200)))
    _register_main(c, fam, "own_difficulty", "disabled_child", "持证残疾儿童", "child:disability", "own_disabled")


def own_ill(c: Ctx, fam: Family) -> None:
    ev.illness(c.world, fam.child, max(c.ago(30, 1200), c.birth(fam.child) + timedelta(days=100)))
    _register_main(c, fam, "own_difficulty", "seriously_ill_child", "患重病", "child:illness", "own_ill")


def own_hiv(c: Ctx, fam: Family) -> None:
    ev.hiv(c.world, fam.child, max(c.ago(100, 2000), c.birth(fam.child) + timedelta(days=90)))
    _register_main(c, fam, "own_difficulty", "hiv_infected", "艾滋病病毒感染", "child:hiv", "own_hiv")


def _register_main(c: Ctx, fam: Family, category: str, sub: str, basis: str, claims: str, scenario: str) -> None:
    registered = c.rng.random() < 0.5
    if registered:
        c.register(fam, category, sub, basis, claims, c.ago(10, 60), main_only=True)
    c.world.scenario(fam.child, scenario, f"{category}/{sub}; {'registered' if registered else 'suspected_eligible'}")


def own_near_miss(c: Ctx, fam: Family) -> None:
    ev.illness(c.world, fam.child, c.ago(30, 600), listed=False)
    c.world.add_fact(ev.Fact("rehab", fam.child, c.ago(30, 300), attrs={"category": "5", "programme": "孤独症儿童康复训练"}))
    c.world.scenario(fam.child, "own_near_miss", "none: illness off the list; rehab assistance without certificate")


def fd_poverty(kind: str) -> Callable[[Ctx, Family], None]:
    def plant(c: Ctx, fam: Family) -> None:
        members = [fam.father, fam.mother, *fam.minors]
        ev.assistance(c.world, members, kind, c.ago(100, 1500))
        _register_or_not(c, fam, "family_difficulty", "poor_household", "低保家庭" if kind == "dibao" else "特困供养家庭",
                         "child:assistance", "", "", f"fd_{kind}", f"household receives {kind}")
    return plant


def fd_temporary_near_miss(c: Ctx, fam: Family) -> None:
    ev.assistance(c.world, [fam.father, fam.mother, *fam.minors], "temporary", c.ago(30, 300))
    c.note(fam, "fd_temporary_near_miss", "none: temporary assistance is not poverty (§1.3.1)")


# -- left-behind (§1.4) ---------------------------------------------------------

def _away(c: Ctx, pid: int, start: date, *, division: str | None = None, gap_days: int | None = None) -> None:
    division = division or c.rng.choice(AWAY_COUNTIES)
    if gap_days is None:
        ev.work_away(c.world, pid, start, None, division=division)
        return
    # Two spells separated by gap_days, the second still running.
    second = c.as_of - timedelta(days=c.rng.randint(115, 130))
    first_end = second - timedelta(days=gap_days)
    ev.work_away(c.world, pid, start, first_end, division=division)
    ev.work_away(c.world, pid, second, None, division=division)


def lb_both_away(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        _away(c, parent, c.ago(200, 1500))
    _register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                     "外出务工", "lb_both_away", "both parents away >= 6 months")


def lb_gap_short(c: Ctx, fam: Family) -> None:
    _away(c, fam.father, c.ago(400, 600), gap_days=20)
    _away(c, fam.mother, c.ago(200, 900))
    _register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                     "外出务工", "lb_gap_short", "father's 20-day gap does not break the spell")


def lb_gap_long_near_miss(c: Ctx, fam: Family) -> None:
    _away(c, fam.father, c.ago(400, 600), gap_days=45)
    _away(c, fam.mother, c.ago(200, 900))
    c.note(fam, "lb_gap_long_near_miss", "none: father's 45-day gap breaks the spell, 4 months since")


def lb_one_away_other_ill(c: Ctx, fam: Family) -> None:
    away, home = c.pair(fam)
    _away(c, away, c.ago(200, 1200))
    ev.illness(c.world, home, c.ago(60, 900))
    _register_or_not(c, fam, "left_behind", None, "一方外出务工，另一方重病",
                     f"{c.role(fam, away)}:work_away;{c.role(fam, home)}:illness", "", "", "lb_one_away_other_ill",
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
        _register_or_not(c, fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", "外出务工",
                         "外出务工", "lb_same_city_core", note, p=0.3)
    else:
        c.note(fam, "lb_same_city_core", note)


# -- register out of date: should_exit --------------------------------------------

def se_died(c: Ctx, fam: Family) -> None:
    ev.illness(c.world, fam.child, c.ago(400, 1200))
    c.register(fam, "own_difficulty", "seriously_ill_child", "患重病", "child:illness", c.ago(300, 380), main_only=True)
    ev.death(c.world, fam.child, c.ago(20, 250), cause="白血病")
    c.world.scenario(fam.child, "se_died", "should_exit: registered child died")


def se_adopted(c: Ctx, fam: Family) -> None:
    ev.death(c.world, fam.father, c.ago(800, 2000))
    ev.death(c.world, fam.mother, c.ago(700, 1800))
    c.register(fam, "social_orphan", None, "父母双亡", "father:death;mother:death", c.ago(500, 650),
               father_status="死亡", mother_status="死亡", main_only=True)
    adopters = _adopters(c)
    if adopters[0] < 0:
        c.world.scenario(fam.child, "se_adopted", "social_orphan registered (no adopters available)")
        return
    on = c.ago(30, 300)
    people = c.world.people
    new_surname = people.surname[adopters[0]]
    new_given = c.world.people.given[fam.child]
    new_given = "新" + new_given[-1] if c.rng.random() < 0.5 else new_given
    ev.adoption(c.world, fam.child, on, adopters, new_given)
    c.world.adopted_names[fam.child] = (people.name(fam.child), new_surname + new_given)
    people.former_name[fam.child] = people.name(fam.child)
    people.surname[fam.child], people.given[fam.child] = new_surname, new_given
    c.world.scenario(fam.child, "se_adopted", "should_exit: registered orphan adopted (name changed)")
    for sib in fam.minors:
        if sib != fam.child:
            c.world.scenario(sib, "se_adopted", "sibling: orphan, not adopted, not registered (suspected_eligible)")


def _adopters(c: Ctx) -> tuple[int, int]:
    for hh in c.world.households:
        if hh.kind == "couple" and len(hh.members) == 2 and hh.number not in c.world.adopter_households:
            c.world.adopter_households.add(hh.number)
            return hh.members[0], hh.members[1]
    return -1, -1


def se_released(c: Ctx, fam: Family) -> None:
    gone, other = c.pair(fam)
    ev.death(c.world, gone, c.ago(600, 2000))
    start = c.ago(700, 1200)
    ev.prison(c.world, other, start, 18, released=min(add_months(start, 18), c.as_of - timedelta(days=20)))
    c.register(fam, "de_facto_unsupported", None, "一方死亡，另一方服刑",
               f"{c.role(fam, gone)}:death;{c.role(fam, other)}:restriction", start + timedelta(days=90))
    c.note(fam, "se_released", "should_exit: parent released from prison")


def se_cert_cancelled(c: Ctx, fam: Family) -> None:
    issued = max(c.ago(600, 1500), c.birth(fam.child) + timedelta(days=200))
    ev.disability(c.world, fam.child, c.rng.choice("2345"), c.rng.choice("34"), issued,
                  cancelled=c.ago(20, 200), cancel_reason="复查不符合残疾标准")
    c.register(fam, "own_difficulty", "disabled_child", "持证残疾儿童", "child:disability", issued + timedelta(days=30),
               main_only=True)
    c.world.scenario(fam.child, "se_cert_cancelled", "should_exit: disability certificate cancelled")


def se_declaration_revoked(c: Ctx, fam: Family) -> None:
    ev.declaration(c.world, fam.father, "declared_dead", c.ago(700, 1200), revoked=c.ago(20, 200))
    ev.death(c.world, fam.mother, c.ago(800, 2000))
    c.register(fam, "social_orphan", None, "父亲被宣告死亡，母亲死亡", "father:death;mother:death", c.ago(500, 650),
               father_status="宣告死亡", mother_status="死亡")
    c.note(fam, "se_declaration_revoked", "should_exit: father's declaration of death revoked")


def se_guardianship_restored(c: Ctx, fam: Family) -> None:
    parent = c.rng.choice((fam.father, fam.mother))
    on = max(c.ago(500, 900), c.birth(fam.child) + timedelta(days=30))
    restored = c.ago(20, 200)
    for kid in c.born_by(fam, on):
        ev.guardianship_revoked(c.world, parent, kid, on, restored=restored)
    c.register(fam, "guardianship_difficulty", "guardianship_failure", "监护人资格被撤销",
               f"{c.role(fam, parent)}:guardianship_revoked", on + timedelta(days=40))
    c.note(fam, "se_guardianship_restored", "should_exit: guardianship restored by the court")


def se_moved_away(c: Ctx, fam: Family) -> None:
    start = c.ago(500, 1200)
    moved = c.ago(30, 250)
    ev.assistance(c.world, [fam.father, fam.mother, *fam.minors], "dibao", start, end=moved)
    c.register(fam, "family_difficulty", "poor_household", "低保家庭", "child:assistance", start + timedelta(days=40))
    hh = c.world.households[fam.household]
    to = c.rng.choice(("220102", "220104", "330212"))
    for pid in hh.members:
        ev.moved_out(c.world, pid, moved, to)
    c.note(fam, "se_moved_away", "should_exit: family's hukou moved out of the county")


def se_aged_out(c: Ctx, fam: Family) -> None:
    for parent in (fam.father, fam.mother):
        _away(c, parent, c.ago(1500, 2500))
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", c.ago(900, 1200),
               main_only=True, father_status="外出务工", mother_status="外出务工")
    c.world.scenario(fam.child, "se_aged_out", "should_exit: left-behind child now 16 or older")
    for sib in fam.minors:
        if sib != fam.child:
            c.world.scenario(sib, "se_aged_out", "sibling: parents away (left_behind if under 16)")


def se_parent_returned(c: Ctx, fam: Family) -> None:
    start = c.ago(600, 1200)
    ev.work_away(c.world, fam.father, start, c.ago(40, 150), division=c.rng.choice(AWAY_COUNTIES))
    _away(c, fam.mother, c.ago(300, 1200))
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", start + timedelta(days=200),
               father_status="外出务工", mother_status="外出务工")
    c.note(fam, "se_parent_returned", "should_exit: father came home")


def se_dibao_ended(c: Ctx, fam: Family) -> None:
    start = c.ago(500, 1500)
    ev.assistance(c.world, [fam.father, fam.mother, *fam.minors], "dibao", start, end=c.ago(20, 200))
    c.register(fam, "family_difficulty", "poor_household", "低保家庭", "child:assistance", start + timedelta(days=30))
    c.note(fam, "se_dibao_ended", "should_exit: dibao ended")


def se_living_elsewhere(c: Ctx, fam: Family) -> None:
    place = c.rng.choice(AWAY_COUNTIES)
    for parent in (fam.father, fam.mother):
        _away(c, parent, c.ago(700, 1500), division=place)
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", c.ago(500, 650),
               father_status="外出务工", mother_status="外出务工")
    moved = c.ago(200, 400)
    for kid in fam.minors:
        c.world.living_elsewhere[kid] = place
        c.world.living_since[kid] = moved
    c.note(fam, "se_living_elsewhere", "should_exit: left-behind child now lives with parents in another county (inbound push)")


def lb_with_parents_near_miss(c: Ctx, fam: Family) -> None:
    place = c.rng.choice(AWAY_COUNTIES)
    for parent in (fam.father, fam.mother):
        _away(c, parent, c.ago(400, 1500), division=place)
    moved = c.ago(200, 400)
    for kid in fam.minors:
        c.world.living_elsewhere[kid] = place
        c.world.living_since[kid] = moved
    c.note(fam, "lb_with_parents_near_miss", "none: parents away, but the children live with them (inbound push)")


# -- register out of date: category_change -------------------------------------

def cc_lb_to_dfu(c: Ctx, fam: Family) -> None:
    start = c.ago(700, 1200)
    ev.work_away(c.world, fam.father, start, None, division=c.rng.choice(AWAY_COUNTIES))
    ev.work_away(c.world, fam.mother, start, c.ago(150, 300), division=c.rng.choice(AWAY_COUNTIES))
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", start + timedelta(days=200),
               father_status="外出务工", mother_status="外出务工")
    ev.death(c.world, fam.father, c.ago(20, 120), cause="工伤事故")
    ev.illness(c.world, fam.mother, c.ago(100, 250))
    c.note(fam, "cc_lb_to_dfu", "category_change: father died, mother seriously ill -> de_facto_unsupported")


def cc_fd_to_own(c: Ctx, fam: Family) -> None:
    start = c.ago(600, 1200)
    ev.assistance(c.world, [fam.father, fam.mother, *fam.minors], "dibao", start, end=c.ago(60, 200))
    c.register(fam, "family_difficulty", "poor_household", "低保家庭", "child:assistance", start + timedelta(days=30),
               main_only=True)
    ev.disability(c.world, fam.child, c.rng.choice("1245"), c.rng.choice("1234"),
                  max(c.ago(30, 300), c.birth(fam.child) + timedelta(days=200)))
    c.world.scenario(fam.child, "cc_fd_to_own", "category_change: dibao ended, child now holds a disability certificate")


def cc_dfu_to_fd(c: Ctx, fam: Family) -> None:
    gone, other = c.pair(fam)
    ev.death(c.world, gone, c.ago(700, 2000))
    start = c.ago(700, 1000)
    ev.prison(c.world, other, start, 14, released=add_months(start, 14))
    c.register(fam, "de_facto_unsupported", None, "一方死亡，另一方服刑",
               f"{c.role(fam, gone)}:death;{c.role(fam, other)}:restriction", start + timedelta(days=60))
    ev.assistance(c.world, [other, *fam.minors], "dibao", add_months(start, 14) + timedelta(days=30))
    c.note(fam, "cc_dfu_to_fd", "category_change: parent released, household now on dibao -> family_difficulty")


# -- register without evidence: cannot_verify ---------------------------------------

def cv_prison(c: Ctx, fam: Family) -> None:
    gone, other = c.pair(fam)
    ev.death(c.world, gone, c.ago(300, 1500))
    c.register(fam, "de_facto_unsupported", None, "一方死亡，另一方服刑",
               f"{c.role(fam, gone)}:death;{c.role(fam, other)}:restriction", c.ago(100, 250),
               father_status="死亡" if gone == fam.father else "服刑", mother_status="死亡" if gone == fam.mother else "服刑")
    c.note(fam, "cv_prison", "cannot_verify: no prison or custody record of the parent said to be serving")


def cv_disability(c: Ctx, fam: Family) -> None:
    c.register(fam, "own_difficulty", "disabled_child", "持证残疾儿童（肢体）", "child:disability", c.ago(100, 500),
               main_only=True)
    c.world.scenario(fam.child, "cv_disability", "cannot_verify: no disability certificate on record")


def cv_work_away(c: Ctx, fam: Family) -> None:
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", c.ago(100, 500),
               father_status="外出务工", mother_status="外出务工")
    c.note(fam, "cv_work_away", "cannot_verify: no employment record of either parent")


# -- emergencies (§2.1.3) ---------------------------------------------------------------

def em_in_period(c: Ctx, fam: Family) -> None:
    name, kind, day = c.world.events[0]
    w = c.world
    r = c.rng.random()
    if r < 0.4:
        impact = c.rng.choice(("injured", "relocated", "house_collapsed"))
        for pid in (fam.child, *((fam.father, fam.mother) if impact != "injured" else ())):
            w.add_fact(ev.Fact("emergency", pid, day, attrs={"event": name, "type": kind, "impact": impact}))
        note = f"emergency: child {impact}"
    elif r < 0.6:
        parent = c.rng.choice((fam.father, fam.mother))
        w.add_fact(ev.Fact("emergency", parent, day, attrs={"event": name, "type": kind, "impact": "dead"}))
        ev.death(w, parent, day, cause="洪涝灾害溺亡")
        note = "emergency: parent died in the event"
    elif r < 0.75:
        parent = c.rng.choice((fam.father, fam.mother))
        w.add_fact(ev.Fact("emergency", parent, day, attrs={"event": name, "type": kind, "impact": "missing"}))
        note = "emergency: parent missing in the event"
    else:
        parent = c.rng.choice((fam.father, fam.mother))
        w.add_fact(ev.Fact("emergency", parent, day, attrs={"event": name, "type": kind, "impact": "injured"}))
        w.add_fact(ev.Fact("emergency", parent, day, attrs={"event": name, "type": kind, "impact": "relocated"}))
        note = "emergency: parent injured and relocated"
    c.note(fam, "em_in_period", note)


def em_old_event(c: Ctx, fam: Family) -> None:
    name, kind, day = c.world.events[1]
    c.world.add_fact(ev.Fact("emergency", fam.child, day, attrs={"event": name, "type": kind, "impact": "relocated"}))
    c.note(fam, "em_old_event", "none: relocated in an event more than a year ago")


# name, count at 3,000 people, min age, max age, planter
CATALOGUE: tuple[tuple[str, int, int, int, Callable[[Ctx, Family], None]], ...] = (
    ("orphan_both_dead", 10, 0, 16, orphan_both_dead),
    ("orphan_declared_dead", 7, 3, 16, orphan_declared_dead),
    ("institution_orphan_parents_dead", 8, 0, 15, institution_orphan_parents_dead),
    ("dfu_both_prison", 4, 0, 16, dfu_both_prison),
    ("dfu_dead_prison", 4, 0, 16, _dfu_variant("prison")),
    ("dfu_dead_disability", 3, 0, 16, _dfu_variant("disability")),
    ("dfu_dead_intellectual3", 2, 0, 16, _dfu_variant("intellectual3")),
    ("dfu_missing_illness", 3, 0, 16, _dfu_variant("missing_illness")),
    ("dfu_dead_lost_contact", 3, 0, 16, _dfu_variant("lost_contact")),
    ("dfu_dead_revoked", 2, 0, 16, _dfu_variant("revoked")),
    ("dfu_dead_deported", 2, 0, 16, _dfu_variant("deported")),
    ("dfu_dead_rehab", 3, 0, 16, _dfu_variant("rehab")),
    ("dfu_dead_chain", 3, 0, 16, _dfu_variant("chain")),
    ("dfu_both_disabled", 3, 0, 16, dfu_both_disabled),
    ("gd_dead_short_prison", 8, 0, 16, gd_dead_short_prison),
    ("gd_both_detained", 6, 0, 16, gd_both_detained),
    ("gd_revoked", 8, 0, 16, gd_revoked),
    ("own_disabled", 10, 1, 16, own_disabled),
    ("own_ill", 8, 1, 16, own_ill),
    ("own_hiv", 5, 1, 16, own_hiv),
    ("own_near_miss", 4, 2, 14, own_near_miss),
    ("fd_dibao", 14, 0, 16, fd_poverty("dibao")),
    ("fd_tekun", 6, 0, 16, fd_poverty("tekun")),
    ("fd_temporary_near_miss", 4, 0, 16, fd_temporary_near_miss),
    ("lb_both_away", 12, 1, 14, lb_both_away),
    ("lb_gap_short", 5, 1, 14, lb_gap_short),
    ("lb_gap_long_near_miss", 4, 1, 14, lb_gap_long_near_miss),
    ("lb_one_away_other_ill", 5, 1, 14, lb_one_away_other_ill),
    ("lb_same_county_near_miss", 4, 1, 14, lb_same_county_near_miss),
    ("lb_same_city_core", 4, 1, 14, lb_same_city_core),
    ("lb_with_parents_near_miss", 4, 1, 14, lb_with_parents_near_miss),
    ("se_died", 4, 2, 16, se_died),
    ("se_adopted", 3, 1, 12, se_adopted),
    ("se_released", 3, 2, 15, se_released),
    ("se_cert_cancelled", 3, 3, 16, se_cert_cancelled),
    ("se_declaration_revoked", 3, 3, 15, se_declaration_revoked),
    ("se_guardianship_restored", 3, 3, 15, se_guardianship_restored),
    ("se_moved_away", 3, 3, 15, se_moved_away),
    ("se_aged_out", 4, 16, 17, se_aged_out),
    ("se_parent_returned", 3, 3, 14, se_parent_returned),
    ("se_dibao_ended", 3, 3, 15, se_dibao_ended),
    ("se_living_elsewhere", 3, 6, 14, se_living_elsewhere),
    ("cc_lb_to_dfu", 8, 3, 14, cc_lb_to_dfu),
    ("cc_fd_to_own", 7, 3, 15, cc_fd_to_own),
    ("cc_dfu_to_fd", 7, 3, 15, cc_dfu_to_fd),
    ("cv_prison", 8, 1, 15, cv_prison),
    ("cv_disability", 7, 1, 15, cv_disability),
    ("cv_work_away", 7, 1, 14, cv_work_away),
    ("em_in_period", 24, 0, 17, em_in_period),
    ("em_old_event", 4, 0, 17, em_old_event),
)


def scale(people: int) -> float:
    """Scenario multiplier: linear below 3,000 people, square root above."""
    ratio = people / 3000
    return ratio if ratio < 1 else math.sqrt(ratio)


def plant_scenarios(world: World, rng: random.Random, people: int) -> None:
    pool = FamilyPool(world, rng)
    ctx = Ctx(world, rng, pool)
    factor = scale(people)
    for name, base, low, high, planter in CATALOGUE:
        count = max(1, round(base * factor))
        for _ in range(count):
            fam = pool.take(low, high)
            if fam is None:
                break
            planter(ctx, fam)
    plant_institution_foundlings(ctx, max(1, round(12 * factor)))


def institution_household(world: World) -> Household:
    """The county's children's welfare institution (a collective household)."""
    for hh in world.households:
        if hh.kind == "institution":
            return hh
    from childlink.synth.divisions import county_name

    urban = next(v for v in county_villages(world.county) if v.urban_rural == "111")
    hh = Household(number="900000001", division=urban.code, rural=False, collective=True,
                   address=f"{county_name(world.county)}{urban.township_name}{county_name(world.county)}儿童福利院",
                   kind="institution")
    hh.residence_village = urban.code
    world.households.append(hh)
    return hh


def plant_institution_foundlings(c: Ctx, count: int) -> None:
    """Children found abandoned, parents never identified, raised in the institution (查找不到生父母)."""
    hh = institution_household(c.world)
    index = c.world.households.index(hh)
    for _ in range(count):
        sex = c.rng.choice((1, 2))
        birth = c.ago(200, 365 * 15)
        given = c.rng.choice(("爱民", "福生", "国庆", "安康", "小凤", "晓雪", "春燕", "思源", "念恩", "福瑞"))
        pid = add_person(c.world, sex=sex, birth=birth, surname=c.rng.choice(("党", "国", "民", "福")), given=given,
                         household=index, relation="99")
        c.world.in_institution.add(pid)
        registered = c.rng.random() < 0.7
        if registered:
            c.world.register.append(RegisterEntry(
                child=pid, category="institution_orphan", sub_category="parents_not_found", basis="查找不到生父母",
                basis_kind="child:institution", registered_on=min(birth + timedelta(days=120), c.as_of - timedelta(days=5)),
                guardian=-1, guardian_relation="institution", in_institution=True))
        c.world.scenario(pid, "institution_foundling",
                         f"institution_orphan/parents_not_found; {'registered' if registered else 'suspected_eligible'}")
