"""Scenarios where the register no longer matches the world (should_exit, category_change,
cannot_verify) and emergencies (policy §2.1).
"""

from __future__ import annotations

from datetime import timedelta

from childlink.synth import events as ev
from childlink.synth.dates import add_months
from childlink.synth.families import Family
from childlink.synth.scenario_context import AWAY_COUNTIES, Ctx, away


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
        away(c, parent, c.ago(1500, 2500))
    c.register(fam, "left_behind", None, "父母均外出务工", "father:work_away;mother:work_away", c.ago(900, 1200),
               main_only=True, father_status="外出务工", mother_status="外出务工")
    c.world.scenario(fam.child, "se_aged_out", "should_exit: left-behind child now 16 or older")
    for sib in fam.minors:
        if sib != fam.child:
            c.world.scenario(sib, "se_aged_out", "sibling: parents away (left_behind if under 16)")


def se_parent_returned(c: Ctx, fam: Family) -> None:
    start = c.ago(600, 1200)
    ev.work_away(c.world, fam.father, start, c.ago(40, 150), division=c.rng.choice(AWAY_COUNTIES))
    away(c, fam.mother, c.ago(300, 1200))
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
        away(c, parent, c.ago(700, 1500), division=place)
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
        away(c, parent, c.ago(400, 1500), division=place)
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
