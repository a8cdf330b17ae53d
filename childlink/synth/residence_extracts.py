"""Extracts about where people live and work: residence permits, child health, vaccination,
employment away from home, and the flow-child lists other counties push to this one.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from childlink.synth.dates import add_months
from childlink.synth.divisions import county_name, place_name
from childlink.synth.extracts import Facts, Table, guardian_of
from childlink.synth.world import LOCAL, MIGRANT


def residence_permit(f: Facts) -> pl.DataFrame:
    """Migrants' residence registrations; the holder is a parent, accompanying children are linked to them."""
    t = Table("residence_permit")
    w, p = f.w, f.p
    for hh in w.households:
        if hh.kind != "migrant":
            continue
        members = [m for m in hh.members if p.arrived[m] is not None and p.arrived[m] <= f.as_of]
        if not members:
            continue
        holder = members[0]
        for pid in members:
            registered = p.arrived[pid] + timedelta(days=3 + pid % 20)
            if registered > f.as_of:
                continue
            issued = add_months(registered, 6) + timedelta(days=pid % 15)
            child = f.age(pid) < 18
            has_permit = issued <= f.as_of and not (child and f.age(pid) < 16 and pid % 3 == 0)
            if has_permit:
                renewals = 0
                while add_months(issued, 12 * (renewals + 1)) <= f.as_of:
                    renewals += 1
                issued = add_months(issued, 12 * renewals)
            relation = "self" if pid == holder else ("child" if child else "spouse")
            t.add({"person": pid, "holder": None if pid == holder else holder},
                  id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
                  hukou_division=f.hukou(pid), residence_division=f.residence(pid), address=hh.address,
                  registered_on=registered, permit_issued_date=issued if has_permit else None,
                  valid_until=add_months(issued, 12) if has_permit else None,
                  permit_number=f"{w.county}{registered:%Y}{pid:07d}" if has_permit else None,
                  holder_id_number=None if pid == holder else f.id(holder),
                  holder_name=None if pid == holder else f.name(holder), relation_to_holder=relation,
                  phone=f.phone(pid) if not child else None)
    return t.frame()


def _resident_child(f: Facts, pid: int) -> bool:
    """A child living in the county now (locals at home, migrants who have arrived)."""
    p, w = f.p, f.w
    if pid in w.living_elsewhere or w.death_date(pid) is not None:
        return False
    if p.kind[pid] == LOCAL:
        return not w.facts_of(pid, "moved_out")
    return p.kind[pid] == MIGRANT and p.arrived[pid] is not None and p.arrived[pid] <= f.as_of


def child_health(f: Facts) -> pl.DataFrame:
    """Children 0-6 under health management; infants often without ID, newborns under a placeholder."""
    t = Table("child_health")
    w, p = f.w, f.p
    cname = county_name(w.county)
    for pid in range(len(p)):
        if p.kind[pid] not in (LOCAL, MIGRANT) or f.age(pid) > 6 or not _resident_child(f, pid):
            continue
        birth = f.birth(pid)
        start = max(birth, p.arrived[pid] or birth) + timedelta(days=20 + pid % 40)
        if start > f.as_of:
            continue
        mother, father = p.mother[pid], p.father[pid]
        guardian, _ = guardian_of(f, pid)
        infant_days = (f.as_of - birth).days
        name = f.name(pid)
        if infant_days < 120 and p.twin[pid] < 0 and mother >= 0 and pid % 2 == 0:
            name = f"{f.name(mother)}之{'子' if p.sex[pid] == 1 else '女'}"
        ident = None if infant_days < 365 and pid % 2 == 1 else f.id(pid)
        t.add({"child": pid, "guardian": guardian, "mother": mother, "father": father},
              id_number=ident, name=name, sex=f.sex(pid), birth_date=birth, hukou_division=f.hukou(pid),
              residence_division=f.residence(pid), residence_address=f.address(pid), mother_name=f.name(mother),
              father_name=f.name(father), guardian_name=f.name(guardian), guardian_id_number=f.id(guardian),
              guardian_phone=f.phone(guardian), record_created=start,
              managing_unit=f"{cname}{['妇幼保健院', '社区卫生服务中心', '乡镇卫生院'][pid % 3]}",
              last_followup_date=max(start, f.as_of - timedelta(days=pid % 90)))
    return t.frame()


def vaccination(f: Facts) -> pl.DataFrame:
    """Children with hukou elsewhere vaccinated here (and a few local ones, kept but ignored by the ledger)."""
    t = Table("vaccination")
    w, p = f.w, f.p
    cname = county_name(w.county)
    for pid in range(len(p)):
        if f.age(pid) > 6 or not _resident_child(f, pid):
            continue
        if p.kind[pid] == LOCAL and pid % 50 != 0:
            continue
        mother = p.mother[pid]
        birth = f.birth(pid)
        last = f.as_of - timedelta(days=(pid * 37) % 200)
        last = max(last, birth + timedelta(days=1), p.arrived[pid] or birth)
        if last > f.as_of:
            continue
        guardian = mother if mother >= 0 else guardian_of(f, pid)[0]
        t.add({"child": pid, "guardian": guardian}, id_number=f.id(pid) if (f.as_of - birth).days > 200 else None,
              name=f.name(pid), sex=f.sex(pid), birth_date=birth, child_code=f"{w.county}{birth:%y}{pid:08d}",
              hukou_division=f.hukou(pid)[:6] if p.kind[pid] == MIGRANT else f.hukou(pid),
              residence_division=f.residence(pid), residence_address=f.address(pid),
              vaccinating_unit=f"{cname}{['疾病预防控制中心门诊', '妇幼保健院接种门诊'][pid % 2]}",
              last_vaccination_date=last, guardian_name=f.name(guardian), guardian_id_number=f.id(guardian),
              guardian_phone=f.phone(guardian))
    return t.frame()


def employment(f: Facts) -> pl.DataFrame:
    t = Table("employment")
    for fact in f.w.facts:
        if fact.kind != "work_away" or fact.start > f.as_of:
            continue
        pid = fact.pid
        code = fact.attrs["division"]
        # Officers often write the place as a name; a county inside this county stays a code.
        shown = place_name(code) if (pid + fact.start.toordinal()) % 4 == 0 and not code.startswith(f.w.county) else code
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), hukou_division=f.hukou(pid),
              work_division=shown, work_address=place_name(code) if len(code) == 6 else None,
              employer=fact.attrs["employer"], employment_form=fact.attrs["form"], start_date=fact.start,
              end_date=fact.end if fact.end is not None and fact.end <= f.as_of else None)
    return t.frame()


def inbound_push(f: Facts) -> dict[str, pl.DataFrame]:
    """Children of this county living in other counties, one file per sending county."""
    w, p = f.w, f.p
    by_county: dict[str, Table] = {}
    for pid in sorted(w.living_elsewhere):
        if w.death_date(pid) is not None or f.age(pid) >= 18:
            continue
        county = w.living_elsewhere[pid]
        t = by_county.setdefault(county, Table("inbound_push"))
        father, mother = p.father[pid], p.mother[pid]
        since = w.living_since.get(pid) or f.as_of
        t.add({"child": pid, "guardian": father, "guardian2": mother},
              id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), residence_division=county,
              residence_address=f"{place_name(county)}{['幸福里', '新城家园', '阳光小区'][pid % 3]}{pid % 30 + 1}号",
              arrived_on=max(since, f.birth(pid)), guardian_name=f.name(father), guardian_id_number=f.id(father),
              guardian_relation="father", guardian_phone=f.phone(father), guardian2_name=f.name(mother),
              guardian2_id_number=f.id(mother), guardian2_relation="mother", sending_county_division=county,
              sending_unit=f"{place_name(county)}民政局", sent_on=f.as_of - timedelta(days=5 + pid % 20))
    return {county: t.frame() for county, t in sorted(by_county.items())}


