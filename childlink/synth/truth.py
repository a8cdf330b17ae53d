"""The expected outcome at the as-of date, evaluated on the world's true intervals.

This evaluator is deliberately small and independent of the product's rules:
it reads the synthetic world (never the extracts) and follows policy.md §1
and §2.1 literally, with the bundled default settings. Choices where the
policy leaves room, made here and avoided by construction in the scenarios:

* §1.2 "6 months": a restriction counts when its chain (custody, prison and
  rehab spells that touch or overlap) started at least 6 calendar months
  before the as-of date or before its planned end; life sentences count.
* §1.3.3 "in prison/custody or compulsory rehab" counts serving a sentence,
  criminal detention and compulsory rehab of any length (administrative or
  judicial detention and deportation do not); "dead or missing" is death,
  a declaration of death or a declaration of disappearance.
* §1.4 the parent who is not away must be in a §1.2 situation (with its
  6-month thresholds); a child living with a parent in another county is not
  left behind.
* §1.5 only children living in this county with hukou elsewhere are its flow
  children.
* §2.1 emergency: events dated within the last ``comparison_cadence_months``
  (the quarter up to the as-of date); dropout_risk: registered or flagged
  children, alive, school age (6-15 on 1 September), not studying on the roll.
* Flags per child: at most one of suspected_eligible / category_change /
  should_exit / cannot_verify, then emergency and dropout_risk independently.
  For a registered child: an exit cause (died, adopted, moved away, aged out)
  comes first; then, if the registered category still holds, no flag; then a
  basis with no record of any date is cannot_verify; then another category is
  category_change; else should_exit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from childlink.resources import data_path
from childlink.schema import exchange
from childlink.settings import PolicySettings
from childlink.synth.dates import add_months, age_on, held_months, school_year_start
from childlink.synth.world import LOCAL, MIGRANT, Fact, RegisterEntry, World

ORPHAN_CODES = ("social_orphan", "institution_orphan")
MAX_AGE_FIELD = {
    "social_orphan": "orphan_max_age", "institution_orphan": "orphan_max_age",
    "de_facto_unsupported": "unsupported_max_age", "family_difficulty": "difficulty_max_age",
    "own_difficulty": "difficulty_max_age", "guardianship_difficulty": "difficulty_max_age",
    "left_behind": "left_behind_max_age", "flow": "flow_max_age",
}
# §1.3.3 measures: prison, criminal detention, compulsory rehab.
RESTRICTION_3_3 = frozenset({"serving_sentence", "detention", "compulsory_rehab"})
FLAG_KINDS = ("suspected_eligible", "category_change", "should_exit", "cannot_verify", "emergency", "dropout_risk")
# Which facts support a register claim of a kind (§2.1 cannot_verify: "no supporting record at all").
CLAIM_FACTS = {
    "death": ("death", "declared_dead"), "restriction": ("restriction",), "disability": ("disability",),
    "illness": ("illness",), "lost_contact": ("lost_contact",), "declared_missing": ("declared_missing",),
    "guardianship_revoked": ("guardianship_revoked",), "work_away": ("work_away",), "assistance": ("assistance",),
    "hiv": ("hiv",), "deported": ("restriction",),
}


@cache
def default_policy() -> PolicySettings:
    """The bundled default policy settings (data/settings.toml), independent of the environment."""
    with open(data_path("settings.toml"), "rb") as fh:
        return PolicySettings.model_validate(tomllib.load(fh)["policy"])


def category_label(code: str) -> str:
    return exchange().code_list("child_category").label_of(code) or code


@dataclass
class ChildTruth:
    pid: int
    categories: list[str]
    primary: str | None
    on_register: bool
    registered_category: str | None
    focus_rural_single_parent: bool
    flags: list[tuple[str, str, str]] = field(default_factory=list)  # (flag, category label, reason)


class Evaluator:
    """policy.md §1 on one world at its as-of date."""

    def __init__(self, world: World, policy: PolicySettings | None = None) -> None:
        self.world = world
        self.p = policy or default_policy()
        self.as_of = world.as_of
        listed = self.p.serious_illness_list or list(exchange().code_list("serious_illness").codes)
        self.illness_codes = frozenset(listed)
        self._cache: dict[int, list[str]] = {}

    # -- person states ------------------------------------------------------
    def birth(self, pid: int) -> date:
        return date.fromordinal(self.world.people.birth[pid])

    def _active(self, pid: int, kind: str) -> list[Fact]:
        return [f for f in self.world.facts_of(pid, kind) if f.active(self.as_of)]

    def dead(self, pid: int) -> bool:
        if pid < 0:
            return False
        d = self.world.death_date(pid)
        return (d is not None and d <= self.as_of) or bool(self._active(pid, "declared_dead"))

    def dead_or_missing(self, pid: int) -> bool:
        return pid >= 0 and (self.dead(pid) or bool(self._active(pid, "declared_missing")))

    def restricted_6m(self, pid: int) -> bool:
        """§1.2: serving, held, in rehab or otherwise restricted for at least restriction_min_months."""
        spells = sorted((f for f in self.world.facts_of(pid, "restriction") if f.attrs["measure"] != "deportation"
                         and f.start <= self.as_of), key=lambda f: f.start)
        chains: list[list] = []  # [start, end or None while open, facts]
        for f in spells:
            last = chains[-1] if chains else None
            if last is not None and (last[1] is None or f.start <= last[1] + timedelta(days=1)):
                last[1] = None if (last[1] is None or f.end is None) else max(last[1], f.end)
                last[2].append(f)
            else:
                chains.append([f.start, f.end, [f]])
        for start, _end, facts in chains:
            current = [f for f in facts if f.active(self.as_of)]
            if not current:
                continue
            now = max(current, key=lambda f: f.start)
            if now.attrs.get("source") == "prison" and now.planned_end is None:
                return True  # life sentence
            if held_months(start, self.as_of, self.p.restriction_min_months):
                return True
            if now.planned_end is not None and held_months(start, now.planned_end, self.p.restriction_min_months):
                return True
        return False

    def restricted_any(self, pid: int) -> bool:
        return any(f.attrs["measure"] in RESTRICTION_3_3 for f in self._active(pid, "restriction"))

    def valid_disability(self, pid: int) -> list[Fact]:
        return [f for f in self._active(pid, "disability")
                if f.planned_end is None or f.planned_end > self.as_of]

    def seriously_ill(self, pid: int) -> bool:
        return any(f.attrs.get("code") in self.illness_codes for f in self._active(pid, "illness"))

    def situations(self, pid: int, child: int) -> set[str]:
        """§1.2 situations of a parent at the as-of date."""
        if pid < 0 or self.dead(pid):
            return set()
        found: set[str] = set()
        if any(self.p.is_severe_disability(f.attrs["category"], f.attrs["grade"]) for f in self.valid_disability(pid)):
            found.add("severe_disability")
        if self.seriously_ill(pid):
            found.add("serious_illness")
        if self.restricted_6m(pid):
            found.add("restricted")
        if any(held_months(f.start, self.as_of, self.p.lost_contact_min_months) for f in self._active(pid, "lost_contact")):
            found.add("lost_contact")
        if any(f.attrs["child"] == child for f in self._active(pid, "guardianship_revoked")):
            found.add("guardianship_revoked")
        if any(f.attrs["measure"] == "deportation" for f in self._active(pid, "restriction")):
            found.add("deported")
        return found

    def family_disabled_or_ill(self, pid: int) -> bool:
        if pid < 0 or self.dead(pid):
            return False
        return self.seriously_ill(pid) or any(
            self.p.is_family_difficulty_disability(f.attrs["category"], f.attrs["grade"]) for f in self.valid_disability(pid))

    def works_away(self, pid: int, hukou_county: str) -> bool:
        """§1.4: away from the hukou county continuously for work_away_min_months (short gaps bridged)."""
        if pid < 0 or self.dead(pid):
            return False
        core = self.p.core_urban_of_city(hukou_county)
        spells = []
        for f in self.world.facts_of(pid, "work_away"):
            place = f.attrs["division"]
            if place.startswith(hukou_county) or (place[:6] in core and hukou_county in core):
                continue
            if f.start <= self.as_of:
                spells.append(f)
        spells.sort(key=lambda f: f.start)
        merged: list[list] = []  # [start, end or None while still away]
        for f in spells:
            last = merged[-1] if merged else None
            if last is not None and (last[1] is None or (f.start - last[1]).days < self.p.work_away_max_gap_days):
                last[1] = None if (last[1] is None or f.end is None) else max(last[1], f.end)
            else:
                merged.append([f.start, f.end])
        if not merged:
            return False
        start, end = merged[-1]
        return (end is None or end > self.as_of) and held_months(start, self.as_of, self.p.work_away_min_months)

    # -- children -------------------------------------------------------------
    def in_county(self, pid: int) -> bool:
        """The child belongs to the county now: local hukou not moved out, or a migrant living here."""
        people = self.world.people
        kind = people.kind[pid]
        if kind == LOCAL:
            return not any(f.start <= self.as_of for f in self.world.facts_of(pid, "moved_out"))
        if kind == MIGRANT:
            arrived = people.arrived[pid]
            return arrived is not None and arrived <= self.as_of and pid not in self.world.left_county
        return False

    def parents(self, pid: int) -> tuple[int, int]:
        people = self.world.people
        if any(f.start <= self.as_of and (f.end is None or f.end > self.as_of) for f in self.world.facts_of(pid, "adoption")):
            return -2, -2  # adopted: new legal parents, none of the birth parents' situations count
        return people.father[pid], people.mother[pid]

    def legal_parents(self, pid: int) -> tuple[int, int]:
        """The child's parents in law at the as-of date: the adopters once an adoption holds
        (their relation replaces the birth parents'), else the birth parents."""
        for f in self.world.facts_of(pid, "adoption"):
            if f.active(self.as_of):
                people = self.world.people
                a, b = f.attrs["adopters"]
                return (b, a) if a >= 0 and people.sex[a] == 2 else (a, b)
        people = self.world.people
        return people.father[pid], people.mother[pid]

    def categories(self, pid: int) -> list[str]:
        """Every §1 category the child meets at the as-of date, in precedence order (§1.7)."""
        # The world's cache serves the default policy only; another policy gets its own.
        cache = self.world.category_cache if self.p is default_policy() else self._cache
        cached = cache.get(pid)
        if cached is None:
            cached = cache[pid] = self._categories(pid)
        return cached

    def _categories(self, pid: int) -> list[str]:
        if self.dead(pid) or not self.in_county(pid):
            return []
        age = age_on(self.birth(pid), self.as_of)
        if age >= 18:
            return []
        father, mother = self.parents(pid)
        cats: set[str] = set()
        institution = pid in self.world.in_institution
        p = self.p
        # §1.1
        orphan = (father >= 0 and mother >= 0 and self.dead(father) and self.dead(mother)) or (
            father == -1 and mother == -1 and institution)
        if p.missing_counts_as_dead_for_orphan and father >= 0 and mother >= 0:
            orphan = orphan or (self.dead_or_missing(father) and self.dead_or_missing(mother))
        if orphan and age < p.orphan_max_age:
            cats.add("institution_orphan" if institution else "social_orphan")
        s_f = self.situations(father, pid) if father >= 0 else set()
        s_m = self.situations(mother, pid) if mother >= 0 else set()
        dm_f = father >= 0 and self.dead_or_missing(father)
        dm_m = mother >= 0 and self.dead_or_missing(mother)
        # §1.2
        if not orphan and age < p.unsupported_max_age and ((s_f and s_m) or (dm_f and s_m) or (dm_m and s_f)):
            cats.add("de_facto_unsupported")
        if age < p.difficulty_max_age:
            # §1.3.3
            r_f = father >= 0 and self.restricted_any(father)
            r_m = mother >= 0 and self.restricted_any(mother)
            revoked = "guardianship_revoked" in s_f or "guardianship_revoked" in s_m
            if orphan or (r_f and r_m) or (dm_f and r_m) or (dm_m and r_f) or revoked:
                cats.add("guardianship_difficulty")
            # §1.3.2
            if (self.valid_disability_child(pid) or self.seriously_ill(pid) or self._active(pid, "hiv")):
                cats.add("own_difficulty")
            # §1.3.1
            fd_f, fd_m = self.family_disabled_or_ill(father), self.family_disabled_or_ill(mother)
            poor = any(f.attrs["type"] in p.poverty_assistance_types for f in self._active(pid, "assistance"))
            if (fd_f and fd_m) or (dm_f and fd_m) or (dm_m and fd_f) or poor:
                cats.add("family_difficulty")
        # §1.4
        hukou_county = self.world.people.hukou_division[pid][:6]
        if age < p.left_behind_max_age and pid not in self.world.living_elsewhere and father >= 0 and mother >= 0:
            a_f, a_m = self.works_away(father, hukou_county), self.works_away(mother, hukou_county)
            rural_ok = not p.left_behind_rural_only or self.world.people.rural[pid]
            if rural_ok and ((a_f and a_m) or (a_f and s_m) or (a_m and s_f)):
                cats.add("left_behind")
        # §1.5
        if age < p.flow_max_age and self.world.people.kind[pid] == MIGRANT:
            core = p.core_urban_of_city(self.world.county)
            arrived = self.world.people.arrived[pid]
            both_core = hukou_county in core and self.world.county in core
            if hukou_county != self.world.county and not both_core and held_months(arrived, self.as_of, p.flow_min_months):
                cats.add("flow")
        return self.ordered(cats)

    def valid_disability_child(self, pid: int) -> bool:
        return any(int(f.attrs["grade"]) <= self.p.child_disability_min_grade for f in self.valid_disability(pid))

    def ordered(self, cats: set[str]) -> list[str]:
        order: list[str] = []
        for group in self.p.category_precedence:
            codes = ORPHAN_CODES if group == "orphan" else (group,)
            order.extend(c for c in codes if c in cats)
        return order

    def rural_single_parent(self, pid: int) -> bool:
        """§1.6 focus marker: rural hukou and one parent dead, declared dead or missing, or absent and unmarried."""
        people = self.world.people
        if people.kind[pid] != LOCAL or not people.rural[pid] or self.dead(pid) or not self.in_county(pid):
            return False
        if age_on(self.birth(pid), self.as_of) >= 18:
            return False
        father, mother = self.parents(pid)
        if father == -2:
            return False
        known = [x for x in (father, mother) if x >= 0]
        gone = [x for x in known if self.dead_or_missing(x)]
        if len(known) == 2:
            return len(gone) == 1
        return len(known) == 1 and not gone

    # -- register and flags ---------------------------------------------------
    def claim_supported(self, entry: RegisterEntry, claim: tuple[str, str]) -> bool:
        role, kind = claim
        people = self.world.people
        pid = {"child": entry.child, "father": people.father[entry.child], "mother": people.mother[entry.child]}[role]
        if kind == "institution":
            return True
        if pid < 0:
            return False
        kinds = CLAIM_FACTS[kind]
        facts = [f for k in kinds for f in self.world.facts_of(pid, k) if f.start <= self.as_of]
        if kind == "guardianship_revoked":
            facts = [f for f in facts if f.attrs["child"] == entry.child]
        return bool(facts)

    def exit_cause(self, entry: RegisterEntry) -> str | None:
        pid = entry.child
        if self.dead(pid):
            return "died"
        if any(f.start <= self.as_of for f in self.world.facts_of(pid, "adoption")):
            return "adopted"
        if not self.in_county(pid):
            return "moved_away"
        max_age = getattr(self.p, MAX_AGE_FIELD[entry.category])
        if age_on(self.birth(pid), self.as_of) >= max_age:
            return "aged_out"
        return None


def active_register(world: World) -> dict[int, RegisterEntry]:
    """The latest active register row per child."""
    active: dict[int, RegisterEntry] = {}
    for entry in world.register:
        if entry.status == "active" and (entry.exit_date is None or entry.exit_date > world.as_of):
            active[entry.child] = entry
    return active


def in_emergency_period(world: World, day: date, months: int) -> bool:
    return add_months(world.as_of, -months) < day <= world.as_of


def evaluate(world: World, policy: PolicySettings | None = None) -> dict[int, ChildTruth]:
    """Expected categories and flags of every child the county answers for, and every registered child."""
    ev = Evaluator(world, policy)
    people = world.people
    as_of = world.as_of
    register = active_register(world)
    candidates = set(register)
    for pid in range(len(people)):
        if people.birth[pid] > as_of.toordinal() - 18 * 366 and people.kind[pid] != "external":
            candidates.add(pid)
    # Emergencies in the period: listed people.
    months = ev.p.comparison_cadence_months
    hit: dict[int, str] = {}
    for f in world.facts:
        if f.kind == "emergency" and in_emergency_period(world, f.start, months):
            hit.setdefault(f.pid, f.attrs["impact"])
    out: dict[int, ChildTruth] = {}
    school_day = school_year_start(as_of)
    quiet = _quiet_children(world, register)
    for pid in sorted(candidates):
        if pid in quiet:
            # Nothing happened to the child or the parents: only the §1.6 marker can apply.
            if ev.rural_single_parent(pid):
                out[pid] = ChildTruth(pid, [], None, False, None, True)
            continue
        birth = ev.birth(pid)
        if age_on(birth, as_of) >= 18 and pid not in register:
            continue
        cats = ev.categories(pid)
        entry = register.get(pid)
        truth = ChildTruth(pid, cats, cats[0] if cats else None, entry is not None,
                           entry.category if entry else None, ev.rural_single_parent(pid))
        primary_label = category_label(cats[0]) if cats else ""
        if entry is None:
            if cats:
                truth.flags.append(("suspected_eligible", primary_label, "not_on_register"))
        else:
            reg = entry.category
            holds = reg in cats or (reg in ORPHAN_CODES and any(c in ORPHAN_CODES for c in cats))
            cause = ev.exit_cause(entry)
            if cause:
                if cats and cause == "aged_out":
                    truth.flags.append(("category_change", primary_label, f"aged_out_now:{cats[0]}"))
                else:
                    truth.flags.append(("should_exit", category_label(reg), cause))
            elif holds:
                pass
            elif not all(ev.claim_supported(entry, c) for c in _claims(entry)):
                missing = [f"{r}:{k}" for r, k in _claims(entry) if not ev.claim_supported(entry, (r, k))]
                truth.flags.append(("cannot_verify", category_label(reg), "no_record:" + ",".join(missing)))
            elif cats:
                truth.flags.append(("category_change", primary_label, f"now:{cats[0]}"))
            else:
                truth.flags.append(("should_exit", category_label(reg), "situation_ended:" + entry.basis_kind))
        # §2.1.3 emergency: the child or a parent listed in the period; the parents are the
        # legal ones at the as-of date (an adopted child's adopters, not the birth parents).
        died = world.death_date(pid)
        if died is None or died > add_months(as_of, -months):
            father, mother = ev.legal_parents(pid)
            for role, who in (("child", pid), ("father", father), ("mother", mother)):
                if who >= 0 and who in hit and age_on(birth, as_of) < 18:
                    label = primary_label or (category_label(entry.category) if entry else "")
                    truth.flags.append(("emergency", label, f"{role}:{hit[who]}"))
                    break
        # dropout_risk: registered or flagged, alive, school age, not studying.
        flagged = entry is not None or any(f[0] in FLAG_KINDS[:4] for f in truth.flags)
        if flagged and not ev.dead(pid):
            age_sept = age_on(birth, school_day)
            if ev.p.school_age_min <= age_sept <= ev.p.school_age_max:
                from childlink.synth.world import school_status

                status = school_status(world, pid, birth)
                if status in (None, "dropped_out", "suspended"):
                    label = category_label(entry.category) if entry else primary_label
                    truth.flags.append(("dropout_risk", label, f"school:{status or 'missing'}"))
        if truth.flags or cats or entry is not None:
            out[pid] = truth
    return out


def _quiet_children(world: World, register: dict[int, RegisterEntry]) -> set[int]:
    """Local children outside the institution and the register, without a fact on themselves or a parent."""
    world.facts_of(-1)  # build the index
    index = world._by_pid or {}
    people = world.people
    quiet = set()
    for pid in range(len(people)):
        if (people.kind[pid] == LOCAL and pid not in index and people.father[pid] not in index
                and people.mother[pid] not in index and pid not in register and pid not in world.in_institution
                and pid not in world.living_elsewhere):
            quiet.add(pid)
    return quiet


def _claims(entry: RegisterEntry) -> list[tuple[str, str]]:
    claims = []
    for part in entry.basis_kind.split(";"):
        if part:
            role, kind = part.split(":")
            claims.append((role, kind))
    return claims
