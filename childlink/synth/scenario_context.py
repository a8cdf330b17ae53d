"""What every scenario planter works with: the world, its random stream, the family pool,
and the helpers that register children and write scenario notes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from childlink.synth import events as ev
from childlink.synth.dates import age_on
from childlink.synth.families import Family, FamilyPool
from childlink.synth.world import LOCAL, RegisterEntry, World

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


def register_or_not(c: Ctx, fam: Family, category: str, sub: str | None, basis: str, basis_kind: str,
                     fstatus: str, mstatus: str, scenario: str, note: str, p: float = 0.5) -> None:
    registered = c.rng.random() < p
    if registered:
        c.register(fam, category, sub, basis, basis_kind, c.ago(10, 40), father_status=fstatus, mother_status=mstatus)
    c.note(fam, scenario, f"{category}: {note}; {'registered' if registered else 'suspected_eligible'}")


def register_main(c: Ctx, fam: Family, category: str, sub: str, basis: str, claims: str, scenario: str) -> None:
    registered = c.rng.random() < 0.5
    if registered:
        c.register(fam, category, sub, basis, claims, c.ago(10, 60), main_only=True)
    c.world.scenario(fam.child, scenario, f"{category}/{sub}; {'registered' if registered else 'suspected_eligible'}")


def away(c: Ctx, pid: int, start: date, *, division: str | None = None, gap_days: int | None = None) -> None:
    division = division or c.rng.choice(AWAY_COUNTIES)
    if gap_days is None:
        ev.work_away(c.world, pid, start, None, division=division)
        return
    # Two spells separated by gap_days, the second still running.
    second = c.as_of - timedelta(days=c.rng.randint(115, 130))
    first_end = second - timedelta(days=gap_days)
    ev.work_away(c.world, pid, start, first_end, division=division)
    ev.work_away(c.world, pid, second, None, division=division)
