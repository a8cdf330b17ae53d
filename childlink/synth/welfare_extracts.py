"""Extracts about support and services: social assistance, medical insurance, adoption,
emergencies and rehabilitation assistance for disabled children.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from childlink.synth.divisions import county_name, county_villages
from childlink.synth.extracts import Facts, Table
from childlink.synth.world import LOCAL, MIGRANT


def _relation_to(f: Facts, applicant: int, member: int) -> str:
    """GB/T 4761 relation of a member to the applicant (who takes the place of the household head)."""
    p = f.p
    if member == applicant:
        return "01"
    if p.father[member] == applicant or p.mother[member] == applicant:
        return "20" if p.sex[member] == 1 else "30"
    if p.household[member] == p.household[applicant] and p.relation[member] in ("10", "38") or (
            p.relation[applicant] == "02" and p.relation[member] == "10"):
        return "10"
    for parent in (p.father[member], p.mother[member]):
        if parent >= 0 and (p.father[parent] == applicant or p.mother[parent] == applicant):
            return "41" if p.sex[member] == 1 else "42"
    if p.father[applicant] == member or p.mother[applicant] == member:
        return "51" if p.sex[member] == 1 else "52"
    return "10" if p.household[member] == p.household[applicant] else "80"


def social_assistance(f: Facts) -> pl.DataFrame:
    t = Table("social_assistance")
    for fact in f.w.facts:
        if fact.kind != "assistance" or fact.start > f.as_of:
            continue
        pid, applicant = fact.pid, fact.attrs["applicant"]
        t.add({"member": pid, "applicant": applicant}, household_id=fact.attrs["household_id"],
              applicant_id_number=f.id(applicant), applicant_name=f.name(applicant), member_id_number=f.id(pid),
              member_name=f.name(pid), relation=_relation_to(f, applicant, pid), assistance_type=fact.attrs["type"],
              division=f.hukou(pid) if f.p.kind[pid] == LOCAL else f.residence(pid), start_date=fact.start,
              end_date=fact.end if fact.end is not None and fact.end <= f.as_of else None)
    return t.frame()


def medical_insurance(f: Facts) -> pl.DataFrame:
    """Children insured as residents in the county, this insurance year and (for most) the year before."""
    t = Table("medical_insurance")
    p, w = f.p, f.w
    year = f.as_of.year
    for pid in range(len(p)):
        if p.kind[pid] not in (LOCAL, MIGRANT) or f.age(pid) >= 18:
            continue
        birth = f.birth(pid)
        if p.kind[pid] == MIGRANT and (p.arrived[pid] is None or (f.as_of - p.arrived[pid]).days < 60):
            continue
        if pid in w.living_elsewhere or w.facts_of(pid, "moved_out"):
            continue
        died = w.death_date(pid)
        for y in (year - 1, year):
            if birth.year > y or (y == year - 1 and pid % 3 == 0):
                continue
            insured = max(birth + timedelta(days=15), date(y - 1, 10, 1) + timedelta(days=pid % 80))
            if insured > f.as_of:
                continue
            status = "insured"
            if died is not None and died.year <= y:
                status = "terminated"
            elif y == year and pid % 97 == 0:
                status = "unpaid"
            t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=birth,
                  insured_division=w.county, insured_year=y, status=status, insured_date=insured)
    return t.frame()


def adoption(f: Facts) -> pl.DataFrame:
    t = Table("adoption")
    cname = county_name(f.w.county)
    for fact in f.w.facts:
        if fact.kind != "adoption" or fact.start > f.as_of:
            continue
        pid = fact.pid
        a1, a2 = fact.attrs["adopters"]
        before, after = f.w.adopted_names[pid]
        t.add({"child": pid, "adopter1": a1, "adopter2": a2}, id_number=f.id(pid), name=before, name_after=after,
              sex=f.sex(pid), birth_date=f.birth(pid), adopter1_name=f.name(a1), adopter1_id_number=f.id(a1),
              adopter2_name=f.name(a2), adopter2_id_number=f.id(a2), registration_date=fact.start,
              certificate_number=fact.attrs["certificate"], registering_agency=f"{cname}民政局")
    return t.frame()


def emergency(f: Facts) -> pl.DataFrame:
    """Lists compiled in haste: IDs often missing, age instead of birth date, places by name."""
    t = Table("emergency")
    villages = {v.code: v for v in county_villages(f.w.county)}
    for fact in sorted((x for x in f.w.facts if x.kind == "emergency" and x.start <= f.as_of),
                       key=lambda x: (x.start, x.pid)):
        pid = fact.pid
        v = villages.get(f.residence(pid))
        place = (v.township_name + v.name) if v and pid % 3 == 0 else f.residence(pid)
        t.add({"person": pid}, event_name=fact.attrs["event"], event_type=fact.attrs["type"], event_date=fact.start,
              id_number=f.id(pid) if pid % 5 >= 2 else None, name=f.name(pid), sex=f.sex(pid),
              birth_date=f.birth(pid) if pid % 4 == 0 else None, age=f.age(pid, fact.start), division=place,
              impact=fact.attrs["impact"], phone=f.phone(pid) if f.age(pid) >= 18 else None)
    return t.frame()


def rehab_assistance(f: Facts) -> pl.DataFrame:
    """Rehabilitation assistance: disabled children with certificates (some) and children without one."""
    t = Table("rehab_assistance")
    cname = county_name(f.w.county)
    rows = []
    for fact in f.w.facts:
        if fact.start > f.as_of:
            continue
        if fact.kind == "rehab":
            rows.append((fact.pid, fact.attrs["category"], fact.attrs["programme"], fact.start))
        elif fact.kind == "disability" and f.age(fact.pid) < 18 and fact.pid % 2 == 0 and fact.end is None:
            programme = {"2": "听力言语康复", "3": "听力言语康复", "4": "肢体康复训练", "5": "智力康复训练"}.get(
                fact.attrs["category"], "辅助器具适配")
            rows.append((fact.pid, fact.attrs["category"], programme, fact.start + timedelta(days=30)))
    for pid, category, programme, start in sorted(rows):
        if start > f.as_of:
            continue
        t.add({"child": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              disability_category=category, hukou_division=f.hukou(pid), residence_division=f.residence(pid),
              programme=programme, institution=f"{cname}残疾人康复中心", start_date=start,
              end_date=start + timedelta(days=180) if start + timedelta(days=180) <= f.as_of else None)
    return t.frame()
