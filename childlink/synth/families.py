"""Families available to scenarios, and the people scenarios add to the world.

A scenario takes a whole family (a couple and their minor children), so that
the situation planted on the parents reaches every child of the family and the
truth stays consistent for siblings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from childlink.synth.dates import age_on, born_by
from childlink.synth.world import LOCAL, Household, World


@dataclass
class Family:
    child: int  # the scenario's main child
    father: int
    mother: int
    household: int
    minors: list[int] = field(default_factory=list)  # every child under 18 of the couple, main child included
    grandparents: list[int] = field(default_factory=list)


class FamilyPool:
    """Couples with minor children, drawn without replacement by the main child's age."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        people = world.people
        adult = born_by(world.as_of, 18)
        by_mother: dict[int, list[int]] = {}
        for pid in range(len(people)):
            m, f = people.mother[pid], people.father[pid]
            if m < 0 or f < 0 or people.kind[pid] != LOCAL:
                continue
            if people.birth[pid] > adult:
                by_mother.setdefault(m, []).append(pid)
        self.families: list[Family] = []
        for mother, kids in by_mother.items():
            father = people.father[kids[0]]
            hh = people.household[kids[0]]
            grand = [p for p in world.households[hh].members if people.relation[p] in ("02", "10")
                     and p not in (father, mother) and p not in kids]
            self.families.append(Family(child=kids[0], father=father, mother=mother, household=hh, minors=list(kids),
                                        grandparents=grand))
        rng.shuffle(self.families)
        self.used: set[int] = set()
        self._cursor: dict[tuple[float, float], int] = {}

    def take(self, min_age: float = 0.0, max_age: float = 17.9, *, migrant: bool = False) -> Family | None:
        """A fresh family whose main child is between the ages (whole years, inclusive bounds on age_on)."""
        as_of = self.world.as_of
        people = self.world.people
        # Families before the cursor of an age range are taken or have no child of that age: skip them for good.
        start = self._cursor.get((min_age, max_age), 0)
        for index in range(start, len(self.families)):
            fam = self.families[index]
            if fam.mother in self.used:
                continue
            for kid in fam.minors:
                age = age_on(date.fromordinal(people.birth[kid]), as_of)
                if min_age <= age <= max_age:
                    fam.child = kid
                    self.used.add(fam.mother)
                    self._cursor[(min_age, max_age)] = index + 1
                    return fam
        self._cursor[(min_age, max_age)] = len(self.families)
        return None

    def exclude(self, pids: set[int]) -> None:
        for fam in self.families:
            if fam.father in pids or fam.mother in pids:
                self.used.add(fam.mother)


def migrant_households(world: World) -> list[Household]:
    return [h for h in world.households if h.kind == "migrant"]


def parents_of_minors(world: World) -> set[int]:
    """Everyone who is a parent of a living minor (their background must stay empty)."""
    people = world.people
    adult = born_by(world.as_of, 18)
    out: set[int] = set()
    for pid in range(len(people)):
        if people.birth[pid] > adult:
            for parent in (people.father[pid], people.mother[pid]):
                if parent >= 0:
                    out.add(parent)
    return out


def adults_and_elderly(world: World, exclude: set[int]) -> tuple[list[int], list[int], list[int]]:
    """(adults 18-59 who are nobody's parent of a minor, people 60+, minors)."""
    people = world.people
    adult, old = born_by(world.as_of, 18), born_by(world.as_of, 60)
    adults, elderly, minors = [], [], []
    for pid in range(len(people)):
        birth = people.birth[pid]
        if birth > adult:
            minors.append(pid)
        elif pid in exclude:
            continue
        elif birth <= old:
            elderly.append(pid)
        else:
            adults.append(pid)
    return adults, elderly, minors


def add_person(world: World, *, sex: int, birth: date, surname: str, given: str, household: int,
               relation: str, kind: str = LOCAL, father: int = -1, mother: int = -1, birth_division: str | None = None) -> int:
    """A person added after the population was drawn (foundlings, adopters); needs ID assignment afterwards."""
    hh = world.households[household]
    pid = world.people.add(sex=sex, birth=birth.toordinal(), father=father, mother=mother, twin=-1, household=household,
                           relation=relation, kind=kind, surname=surname, given=given, ethnicity="01",
                           hukou_division=hh.division, rural=hh.rural, birth_division=birth_division or world.county,
                           arrived=None, arrived_from=None, former_name=None)
    hh.members.append(pid)
    if hh.head < 0:
        hh.head = pid
    return pid


