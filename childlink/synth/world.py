"""The synthetic world: people, households, life-event facts and the register.

Everything the extracts show is derived from this one model, and the truth
evaluator (``truth.py``) reads only this model, never the extracts. People are
stored column-wise (one list per attribute, indexed by person id) so that a
million people fit in a few hundred megabytes.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Kinds of people by where they belong.
LOCAL = "local"  # hukou in the county
MIGRANT = "migrant"  # hukou elsewhere, living in the county
EXTERNAL = "external"  # neither (adopters from elsewhere, people only mentioned)


@dataclass
class Fact:
    """One situation of one person over an interval (the world's truth, not a record).

    kind: death, declared_dead, declared_missing, guardianship_revoked,
    restriction, lost_contact, disability, illness, hiv, work_away, assistance,
    adoption, moved_out, emergency, enrolment, rehab.
    """

    kind: str
    pid: int
    start: date
    end: date | None = None
    planned_end: date | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def active(self, on: date) -> bool:
        """policy.md: started on or before ``on`` and not ended by it (end after ``on`` still holds)."""
        return self.start <= on and (self.end is None or self.end > on)


@dataclass
class Household:
    number: str
    division: str  # 12-digit village code for local households, county code for migrants
    rural: bool
    collective: bool
    address: str
    kind: str
    head: int = -1
    members: list[int] = field(default_factory=list)
    moved_in: date | None = None
    moved_in_from: str | None = None
    residence_village: str = ""  # where the household lives (village-level code in the county)


@dataclass
class RegisterEntry:
    """One row of the child register as recorded when the child was registered."""

    child: int
    category: str
    sub_category: str | None
    basis: str
    basis_kind: str  # what the basis claims: e.g. "father:restriction", "child:disability", "poverty"
    registered_on: date
    father_status: str = ""
    mother_status: str = ""
    guardian: int = -1
    guardian_relation: str | None = None
    in_institution: bool = False
    status: str = "active"
    exit_date: date | None = None
    exit_reason: str = ""


@dataclass
class Scenario:
    pid: int
    scenario: str
    note: str


class People:
    """Column-wise person attributes, indexed by person id (0..n-1)."""

    def __init__(self) -> None:
        self.sex: list[int] = []
        self.birth: list[int] = []  # date ordinals
        self.father: list[int] = []  # person id, -1 unknown
        self.mother: list[int] = []
        self.twin: list[int] = []  # twin group id, -1 none
        self.household: list[int] = []  # index into World.households
        self.relation: list[str] = []  # household_relation code to the head
        self.kind: list[str] = []  # LOCAL, MIGRANT, EXTERNAL
        self.surname: list[str] = []
        self.given: list[str] = []
        self.ethnicity: list[str] = []
        self.hukou_division: list[str] = []
        self.rural: list[bool] = []
        self.birth_division: list[str] = []  # the 6 digits the ID number starts with
        self.arrived: list[date | None] = []  # migrants: when they came to live in the county
        self.arrived_from: list[str | None] = []
        self.former_name: list[str | None] = []
        self.id_number: list[str] = []

    def __len__(self) -> int:
        return len(self.sex)

    def add(self, *, sex: int, birth: int, household: int, relation: str, kind: str, surname: str, given: str,
            hukou_division: str, rural: bool, birth_division: str, father: int = -1, mother: int = -1, twin: int = -1,
            ethnicity: str = "01", arrived: date | None = None, arrived_from: str | None = None,
            former_name: str | None = None) -> int:
        pid = len(self.sex)
        self.sex.append(sex)
        self.birth.append(birth)
        self.father.append(father)
        self.mother.append(mother)
        self.twin.append(twin)
        self.household.append(household)
        self.relation.append(relation)
        self.kind.append(kind)
        self.surname.append(surname)
        self.given.append(given)
        self.ethnicity.append(ethnicity)
        self.hukou_division.append(hukou_division)
        self.rural.append(rural)
        self.birth_division.append(birth_division)
        self.arrived.append(arrived)
        self.arrived_from.append(arrived_from)
        self.former_name.append(former_name)
        return pid

    def name(self, pid: int) -> str:
        return self.surname[pid] + self.given[pid]


@dataclass
class World:
    county: str
    as_of: date
    seed: int
    people: People
    households: list[Household]
    rng: random.Random
    facts: list[Fact] = field(default_factory=list)
    register: list[RegisterEntry] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    # per child: school roll situation planted by scenarios ("dropped_out", "suspended", "missing")
    school_override: dict[int, str] = field(default_factory=dict)
    # children living in another county now (pushed back to us by that county): pid -> county code
    living_elsewhere: dict[int, str] = field(default_factory=dict)
    # children in the county's welfare institution
    in_institution: set[int] = field(default_factory=set)
    # migrant children whose family left the county again: pid -> date
    left_county: dict[int, date] = field(default_factory=dict)
    # emergency events: (name, type, date)
    events: list[tuple[str, str, date]] = field(default_factory=list)
    # since when a child lives in another county (living_elsewhere)
    living_since: dict[int, date] = field(default_factory=dict)
    # adopted children: pid -> (name before, name after)
    adopted_names: dict[int, tuple[str, str]] = field(default_factory=dict)
    adopter_households: set[str] = field(default_factory=set)
    _by_pid: dict[int, list[Fact]] | None = None
    # categories per child, filled by the truth evaluator once planting is over (facts no longer change)
    category_cache: dict[int, list[str]] = field(default_factory=dict)

    def add_fact(self, fact: Fact) -> Fact:
        self.facts.append(fact)
        if self._by_pid is not None:
            self._by_pid[fact.pid].append(fact)
        return fact

    def facts_of(self, pid: int, kind: str | None = None) -> list[Fact]:
        """The person's facts (of one kind); callers must not modify the list returned."""
        if self._by_pid is None:
            index: dict[int, list[Fact]] = defaultdict(list)
            for f in self.facts:
                index[f.pid].append(f)
            self._by_pid = index
        found = self._by_pid.get(pid)
        if not found:
            return []
        if kind is None:
            return found
        return [f for f in found if f.kind == kind]

    def death_date(self, pid: int) -> date | None:
        dates = [f.start for f in self.facts_of(pid, "death")]
        return min(dates) if dates else None

    def scenario(self, pid: int, name: str, note: str) -> None:
        self.scenarios.append(Scenario(pid, name, note))


def school_status(world: World, pid: int, birth: date) -> str | None:
    """The child's status on the county's school roll at the as-of date, or None when not on it.

    Children of school age (6-17 on 1 September) living in the county are on
    the roll as studying unless a scenario planted a drop-out, a suspension or
    an absence from the roll.
    """
    from childlink.synth.dates import age_on, school_year_start

    override = world.school_override.get(pid)
    if override == "missing":
        return None
    age = age_on(birth, school_year_start(world.as_of))
    if age < 6 or age > 17:
        return None
    if pid in world.living_elsewhere or pid in world.left_county:
        return None
    if any(f.start <= world.as_of for f in world.facts_of(pid, "moved_out")):
        return None
    death = world.death_date(pid)
    if death is not None and death <= world.as_of:
        return "died"
    people = world.people
    if people.kind[pid] == MIGRANT and (people.arrived[pid] is None or people.arrived[pid] > world.as_of):
        return None
    if people.kind[pid] == EXTERNAL:
        return None
    return override or "studying"
