"""Department extracts as clean tables: one row per record, true values, and who each role is.

Each builder reads the world and returns a ``Table``: the source's fields as
true values (dates as ``date``, codes as codes) plus, per person role of the
source, the person id the role refers to. Noise and layout come later
(``noise.py``, ``writers.py``); the role columns become ``truth/mentions.csv``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from childlink.schema import BOOLEAN, DATE, INTEGER, exchange
from childlink.synth.dates import add_months, age_on, born_by, school_year_start
from childlink.synth.divisions import county_name, county_villages
from childlink.synth.world import EXTERNAL, LOCAL, MIGRANT, Fact, World, school_status

ROLE_PREFIX = "__pid_"


class Table:
    """Rows of one source under construction."""

    def __init__(self, source: str) -> None:
        self.source = exchange().source(source)
        self.columns: dict[str, list[Any]] = {f: [] for f in self.source.fields}
        self.roles: dict[str, list[int | None]] = {r: [] for r in self.source.persons}

    def add(self, roles: dict[str, int | None], **values: Any) -> None:
        for name, column in self.columns.items():
            column.append(values.get(name))
        for role, column in self.roles.items():
            pid = roles.get(role)
            column.append(pid if pid is not None and pid >= 0 else None)

    def __len__(self) -> int:
        return len(next(iter(self.roles.values()))) if self.roles else 0

    def frame(self) -> pl.DataFrame:
        data: dict[str, pl.Series] = {}
        types = {c.field: c.type for c in self.source.columns}
        for name, values in self.columns.items():
            data[name] = pl.Series(name, values, dtype=_DTYPES.get(types[name], pl.Utf8()), strict=False)
        for role, values in self.roles.items():
            data[ROLE_PREFIX + role] = pl.Series(ROLE_PREFIX + role, values, dtype=pl.Int64)
        return pl.DataFrame(data)


_DTYPES = {DATE: pl.Date(), BOOLEAN: pl.Boolean(), INTEGER: pl.Int64()}


class Facts:
    """Person attributes as the extracts show them."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.p = world.people
        self.as_of = world.as_of
        self.villages = {v.code: v for v in county_villages(world.county)}

    def id(self, pid: int) -> str | None:
        return self.p.id_number[pid] if pid >= 0 else None

    def name(self, pid: int, on: date | None = None) -> str | None:
        if pid < 0:
            return None
        names = self.w.adopted_names.get(pid)
        if names and on is not None:
            adopted = min(f.start for f in self.w.facts_of(pid, "adoption"))
            return names[0] if on < adopted else names[1]
        return self.p.name(pid)

    def birth(self, pid: int) -> date:
        return date.fromordinal(self.p.birth[pid])

    def sex(self, pid: int) -> str:
        return str(self.p.sex[pid])

    def hukou(self, pid: int) -> str:
        return self.p.hukou_division[pid]

    def residence(self, pid: int) -> str:
        """Village-level code of where the person lives in the county."""
        hh = self.w.households[self.p.household[pid]]
        return hh.residence_village or hh.division

    def address(self, pid: int) -> str:
        return self.w.households[self.p.household[pid]].address

    def phone(self, pid: int) -> str | None:
        if pid < 0:
            return None
        return f"1{(3, 5, 7, 8, 9)[pid % 5]}{(pid * 7919 + 1234567) % 10**9:09d}"

    def age(self, pid: int, on: date | None = None) -> int:
        return age_on(self.birth(pid), on or self.as_of)


def guardian_of(f: Facts, child: int) -> tuple[int, str]:
    """Who looks after a child: a parent at home, else a grandparent or the household head."""
    w = f.w
    father, mother = f.p.father[child], f.p.mother[child]
    for parent, rel in ((mother, "mother"), (father, "father")):
        if parent >= 0 and w.death_date(parent) is None and not any(x.active(f.as_of) for x in w.facts_of(parent, "work_away")):
            return parent, rel
    hh = w.households[f.p.household[child]]
    for pid in hh.members:
        if f.p.relation[pid] in ("02", "10") and pid not in (father, mother) and f.age(pid) >= 40:
            return pid, "paternal_grandparent"
    for parent, rel in ((mother, "mother"), (father, "father")):
        if parent >= 0 and w.death_date(parent) is None:
            return parent, rel
    return -1, "other"


# -- hukou_population (column-wise: it is the million-row file) -------------------

def hukou_population(f: Facts) -> pl.DataFrame:
    w, p = f.w, f.p
    as_of = f.as_of
    status: dict[int, tuple[str, date, str | None]] = {}
    for fact in w.facts:
        if fact.start > as_of:
            continue
        if fact.kind == "death":
            status[fact.pid] = ("dead", fact.start, None)
        elif fact.kind == "declared_dead" and fact.active(as_of) and fact.pid not in status:
            status[fact.pid] = ("declared_dead", fact.start, None)
        elif fact.kind == "moved_out" and fact.pid not in status:
            status[fact.pid] = (fact.attrs.get("status", "moved_out"), fact.start, fact.attrs["to"])
    # Column by column (list comprehensions), not row by row: this is the million-row file.
    adult = born_by(as_of, 18)
    pids = [pid for pid, kind in enumerate(p.kind) if kind == LOCAL]
    adopted_parents = {f_.pid: f_.attrs["adopters"] for f_ in w.facts if f_.kind == "adoption" and f_.start <= as_of}
    names = [sur + giv for sur, giv in zip(p.surname, p.given)]
    ids = p.id_number
    hhs = [w.households[p.household[pid]] for pid in pids]
    fathers = [adopted_parents[pid][0] if pid in adopted_parents else p.father[pid] for pid in pids]
    mothers = [adopted_parents[pid][1] if pid in adopted_parents else p.mother[pid] for pid in pids]
    states = [status.get(pid) for pid in pids]
    heads = [hh.head for hh in hhs]
    cols: dict[str, list[Any]] = {
        "id_number": [ids[pid] for pid in pids],
        "name": [names[pid] for pid in pids],
        "former_name": [p.former_name[pid] for pid in pids],
        "sex": [str(p.sex[pid]) for pid in pids],
        "birth_date": [date.fromordinal(p.birth[pid]) for pid in pids],
        "ethnicity": [p.ethnicity[pid] for pid in pids],
        "household_number": [hh.number for hh in hhs],
        "household_type": ["collective" if hh.collective else "family" for hh in hhs],
        "relation_to_head": [p.relation[pid] for pid in pids],
        "head_name": [names[h] for h in heads],
        "head_id_number": [ids[h] for h in heads],
        "division": [hh.division for hh in hhs],
        "address": [hh.address for hh in hhs],
        # Since the 2014 reform many records say 居民; the others keep 农业 / 非农业.
        "hukou_nature": ["resident" if p.household[pid] % 10 < 6 else ("agricultural" if hh.rural else "non_agricultural")
                         for pid, hh in zip(pids, hhs)],
        "status": [st[0] if st else "normal" for st in states],
        "status_date": [st[1] if st else None for st in states],
        "moved_out_to_division": [st[2] if st else None for st in states],
        "father_name": [names[x] if x >= 0 else None for x in fathers],
        "father_id_number": [ids[x] if x >= 0 else None for x in fathers],
        "mother_name": [names[x] if x >= 0 else None for x in mothers],
        "mother_id_number": [ids[x] if x >= 0 else None for x in mothers],
        "moved_in_date": [hh.moved_in if hh.moved_in is not None and hh.moved_in.toordinal() > p.birth[pid] else None
                          for pid, hh in zip(pids, hhs)],
    }
    cols["moved_in_from_division"] = [hh.moved_in_from if day is not None else None
                                      for hh, day in zip(hhs, cols["moved_in_date"])]
    guardians: list[int | None] = [None] * len(pids)
    relations: list[str | None] = [None] * len(pids)
    for i, pid in enumerate(pids):
        if p.birth[pid] > adult and states[i] is None:
            g, relation = (adopted_parents[pid][1], "step_or_adoptive_parent") if pid in adopted_parents \
                else guardian_of(f, pid)
            if g >= 0:
                guardians[i], relations[i] = g, relation
    cols["guardian_name"] = [names[g] if g is not None else None for g in guardians]
    cols["guardian_id_number"] = [ids[g] if g is not None else None for g in guardians]
    cols["guardian_relation"] = relations
    roles: dict[str, list[int | None]] = {
        "person": pids, "father": [x if x >= 0 else None for x in fathers],
        "mother": [x if x >= 0 else None for x in mothers], "guardian": guardians, "head": heads,
    }
    table = Table("hukou_population")
    table.columns = cols
    table.roles = roles
    return table.frame()


# -- register -------------------------------------------------------------------------

def child_register(f: Facts) -> pl.DataFrame:
    t = Table("child_register")
    w, p = f.w, f.p
    for e in w.register:
        c = e.child
        father, mother = p.father[c], p.mother[c]
        g = e.guardian
        hh = w.households[p.household[c]]
        village = f.villages.get(f.residence(c))
        t.add({"child": c, "guardian": g, "father": father, "mother": mother},
              id_number=f.id(c), name=f.name(c, e.registered_on), sex=f.sex(c), birth_date=f.birth(c),
              category=e.category, sub_category=e.sub_category, registered_on=e.registered_on, basis=e.basis,
              township_division=village.township_code if village else None, village=village.name if village else None,
              hukou_division=f.hukou(c), residence_division=f.residence(c), residence_address=hh.address,
              in_institution=e.in_institution, guardian_name=f.name(g), guardian_id_number=f.id(g),
              guardian_relation=e.guardian_relation, guardian_phone=f.phone(g),
              father_name=f.name(father), father_id_number=f.id(father), father_status=e.father_status or None,
              mother_name=f.name(mother), mother_id_number=f.id(mother), mother_status=e.mother_status or None,
              status=e.status, exit_date=e.exit_date, exit_reason=e.exit_reason or None)
    return t.frame()


# -- deaths, courts, restrictions --------------------------------------------------------

def death(f: Facts) -> pl.DataFrame:
    t = Table("death")
    w = f.w
    for fact in sorted((x for x in w.facts if x.kind == "death" and x.start <= f.as_of), key=lambda x: x.pid):
        pid = fact.pid
        infant = f.age(pid, fact.start) < 1
        common = dict(name=f.name(pid, fact.start), sex=f.sex(pid), birth_date=f.birth(pid), death_date=fact.start,
                      hukou_division=f.hukou(pid), cause=fact.attrs.get("cause"))
        id_number = None if infant else f.id(pid)
        t.add({"person": pid}, id_number=id_number, death_place_division=f.residence(pid),
              certificate_number=f"S{fact.start:%Y}{pid:08d}" if fact.attrs.get("cause") != "衰老" else None,
              registering_agency=f"{county_name(w.county)}公安局", **common)
        if fact.attrs.get("twice"):
            t.add({"person": pid}, id_number=id_number, death_place_division=f.residence(pid)[:6],
                  certificate_number=f"S{fact.start:%Y}{pid:08d}", registering_agency=f"{county_name(w.county)}人民医院",
                  **common)
    return t.frame()


def court_judgment(f: Facts) -> pl.DataFrame:
    t = Table("court_judgment")
    w = f.w
    court = f"{county_name(w.county)}人民法院"
    # Case numbers carry the province's abbreviation and the court's county digits: （2025）吉0183民特101号.
    court_prefix = PROVINCE_ABBREVIATIONS.get(w.county[:2], "") + w.county[2:]
    n = 0

    def case(year: int, kind: str) -> str:
        nonlocal n
        n += 1
        return f"（{year}）{court_prefix}民{'特' if kind != 'guardian' else '初'}{100 + n}号"

    for fact in w.facts:
        if fact.start > f.as_of:
            continue
        pid = fact.pid
        if fact.kind in ("declared_dead", "declared_missing"):
            jtype = "declare_dead" if fact.kind == "declared_dead" else "declare_missing"
            judged = fact.start - timedelta(days=15)
            t.add({"subject": pid}, case_number=case(judged.year, "declare"), judgment_type=jtype, subject_name=f.name(pid),
                  subject_id_number=f.id(pid), judgment_date=judged, effective_date=fact.start,
                  deemed_death_date=fact.attrs.get("deemed") if jtype == "declare_dead" else None, court=court)
            if fact.end is not None and fact.end <= f.as_of:
                t.add({"subject": pid}, case_number=case((fact.end - timedelta(days=15)).year, "revoke"),
                      judgment_type="revoke_death" if jtype == "declare_dead" else "revoke_missing",
                      subject_name=f.name(pid), subject_id_number=f.id(pid), judgment_date=fact.end - timedelta(days=15),
                      effective_date=fact.end, court=court)
        elif fact.kind == "guardian_appointed":
            child = fact.attrs["child"]
            t.add({"subject": pid, "child": child}, case_number=case((fact.start - timedelta(days=15)).year, "guardian"),
                  judgment_type="appoint_guardian", subject_name=f.name(pid), subject_id_number=f.id(pid),
                  child_name=f.name(child, fact.start), child_id_number=f.id(child),
                  judgment_date=fact.start - timedelta(days=15), effective_date=fact.start, court=court)
        elif fact.kind == "guardianship_revoked":
            child = fact.attrs["child"]
            t.add({"subject": pid, "child": child}, case_number=case((fact.start - timedelta(days=15)).year, "guardian"),
                  judgment_type="revoke_guardianship", subject_name=f.name(pid), subject_id_number=f.id(pid),
                  child_name=f.name(child, fact.start), child_id_number=f.id(child),
                  judgment_date=fact.start - timedelta(days=15), effective_date=fact.start, court=court)
            if fact.end is not None and fact.end <= f.as_of:
                t.add({"subject": pid, "child": child}, case_number=case((fact.end - timedelta(days=15)).year, "guardian"),
                      judgment_type="restore_guardianship", subject_name=f.name(pid), subject_id_number=f.id(pid),
                      child_name=f.name(child, fact.end), child_id_number=f.id(child),
                      judgment_date=fact.end - timedelta(days=15), effective_date=fact.end, court=court)
    return t.frame()


PROVINCE_ABBREVIATIONS = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
                          "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
                          "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
                          "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新"}


def _ended(fact: Fact, as_of: date) -> date | None:
    return fact.end if fact.end is not None and fact.end <= as_of else None


def prison(f: Facts) -> pl.DataFrame:
    t = Table("prison")
    for fact in f.w.facts:
        if fact.kind != "restriction" or fact.attrs["source"] != "prison" or fact.start > f.as_of:
            continue
        pid = fact.pid
        released = _ended(fact, f.as_of)
        no_start = fact.attrs.get("no_sentence_start")
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), prison=fact.attrs["facility"], admission_date=fact.attrs["admission"],
              sentence_term=fact.attrs["term_text"], sentence_start_date=None if no_start else fact.start,
              sentence_end_date=fact.planned_end, release_date=released,
              release_type=fact.attrs.get("release_type") if released else None)
    return t.frame()


def custody(f: Facts) -> pl.DataFrame:
    t = Table("custody")
    for fact in f.w.facts:
        if fact.kind != "restriction" or fact.attrs["source"] != "custody" or fact.start > f.as_of:
            continue
        pid = fact.pid
        ended = _ended(fact, f.as_of)
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), measure=fact.attrs["measure"], facility=fact.attrs["facility"],
              start_date=fact.start, planned_end_date=fact.planned_end, end_date=ended,
              end_reason=fact.attrs.get("end_reason") if ended else None)
    return t.frame()


def drug_rehab(f: Facts) -> pl.DataFrame:
    t = Table("drug_rehab")
    for fact in f.w.facts:
        if fact.kind != "restriction" or fact.attrs["source"] != "drug_rehab" or fact.start > f.as_of:
            continue
        pid = fact.pid
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), facility=fact.attrs["facility"], decision_date=fact.attrs["decision"],
              start_date=fact.start, planned_end_date=fact.planned_end, end_date=_ended(fact, f.as_of))
    return t.frame()


def missing_report(f: Facts) -> pl.DataFrame:
    t = Table("missing_report")
    for fact in f.w.facts:
        if fact.kind != "lost_contact" or fact.attrs["reported"] > f.as_of:
            continue
        pid = fact.pid
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), missing_since=fact.start, reported_date=fact.attrs["reported"],
              found_date=_ended(fact, f.as_of), reporting_agency=f"{county_name(f.w.county)}公安局")
    return t.frame()


def disability(f: Facts) -> pl.DataFrame:
    t = Table("disability")
    for fact in f.w.facts:
        if fact.kind != "disability" or fact.start > f.as_of:
            continue
        pid = fact.pid
        cat, grade = fact.attrs["category"], fact.attrs["grade"]
        cancelled = _ended(fact, f.as_of)
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              hukou_division=f.hukou(pid), certificate_number=f"{f.id(pid)}{cat}{grade}", category=cat, grade=grade,
              issued_date=fact.start, valid_until=fact.planned_end, cancelled_date=cancelled,
              cancel_reason=fact.attrs.get("cancel_reason") if cancelled else None)
    return t.frame()


def serious_illness(f: Facts) -> pl.DataFrame:
    t = Table("serious_illness")
    for fact in f.w.facts:
        if fact.kind != "illness" or fact.start > f.as_of:
            continue
        pid = fact.pid
        t.add({"person": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
              insured_division=f.hukou(pid)[:6], illness_name=fact.attrs["name"], icd10=fact.attrs["icd10"],
              diagnosis_date=fact.start, last_treatment_date=fact.attrs["last_treatment"])
    return t.frame()


def hiv(f: Facts) -> pl.DataFrame:
    t = Table("hiv")
    for fact in f.w.facts:
        if fact.kind == "hiv" and fact.start <= f.as_of:
            pid = fact.pid
            t.add({"child": pid}, id_number=f.id(pid), name=f.name(pid), sex=f.sex(pid), birth_date=f.birth(pid),
                  diagnosis_date=fact.start)
    return t.frame()


# -- children's services -------------------------------------------------------------

GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三", "高一", "高二", "高三")


def student_roll(f: Facts) -> pl.DataFrame:
    t = Table("student_roll")
    w, p = f.w, f.p
    sept = school_year_start(f.as_of)
    villages = county_villages(w.county)
    for pid in range(len(p)):
        if p.kind[pid] == EXTERNAL:
            continue
        birth = f.birth(pid)
        status = school_status(w, pid, birth)
        if status is None:
            continue
        age = age_on(birth, sept)
        grade_index = min(max(age - 6, 0), 11)
        village = f.villages.get(f.residence(pid)) or villages[0]
        level = "小学" if grade_index < 6 else ("中学" if grade_index < 9 else "第一中学")
        school = f"{county_name(w.county)}{village.township_name}{level}" if grade_index < 9 else f"{county_name(w.county)}第一中学"
        guardian, _rel = guardian_of(f, pid)
        enrolled = date(sept.year - grade_index, 9, 1)
        changed = None
        if status in ("dropped_out", "suspended", "died"):
            changed = w.death_date(pid) if status == "died" else f.as_of - timedelta(days=20 + pid % 60)
            changed = max(changed, enrolled) if changed else None
        ident = f.id(pid)
        t.add({"child": pid, "guardian": guardian}, student_number=f"G{ident}", id_number=ident, name=f.name(pid),
              sex=f.sex(pid), birth_date=birth, school=school, school_division=village.township_code,
              grade=GRADES[grade_index], class_name=f"{1 + pid % 4}班", status=status, status_date=changed,
              enrolled_date=enrolled, is_migrant_child=p.kind[pid] == MIGRANT,
              is_left_behind=_left_behind_marker(f, pid), hukou_division=f.hukou(pid),
              guardian_name=f.name(guardian), guardian_id_number=f.id(guardian), guardian_phone=f.phone(guardian))
    return t.frame()


def _left_behind_marker(f: Facts, pid: int) -> bool:
    """The school's own marker: both parents away now (the school does not check the 6 months)."""
    parents = [f.p.father[pid], f.p.mother[pid]]
    return all(x >= 0 and any(w.active(f.as_of) for w in f.w.facts_of(x, "work_away")) for x in parents)


HOSPITALS = ("{c}人民医院", "{c}妇幼保健院", "{c}中医院")


def birth_certificate(f: Facts) -> pl.DataFrame:
    """Certificates of children born in the county in the last three years."""
    t = Table("birth_certificate")
    w, p = f.w, f.p
    since = add_months(f.as_of, -36)
    cname = county_name(w.county)
    for pid in range(len(p)):
        birth = f.birth(pid)
        if birth < since or p.kind[pid] == EXTERNAL or p.mother[pid] < 0:
            continue
        if p.kind[pid] == MIGRANT and (p.arrived[pid] is None or p.arrived[pid] > birth):
            continue
        mother, father = p.mother[pid], p.father[pid]
        name = f.name(pid, birth)
        if p.twin[pid] < 0 and pid % 10 < 3:
            name = f"{f.name(mother)}之{'子' if p.sex[pid] == 1 else '女'}"
        t.add({"child": pid, "mother": mother, "father": father},
              certificate_number=f"{chr(ord('P') + birth.year % 10)}{220000000 + pid:09d}", child_name=name,
              sex=f.sex(pid), birth_date=birth, birth_place_division=f.residence(pid)[:9],
              institution=HOSPITALS[pid % 3].format(c=cname), mother_name=f.name(mother), mother_id_number=f.id(mother),
              father_name=f.name(father), father_id_number=f.id(father),
              issued_date=min(birth + timedelta(days=1 + pid % 5), f.as_of))
    return t.frame()
