"""Households and people: the county's hukou population and its migrants.

A loop over households draws the family structure (couples with children,
three-generation households, elderly and single-person households, single
mothers, migrant families living here with hukou elsewhere); ID numbers are
then built column-wise from the true birth place, birth date and sex.
"""

from __future__ import annotations

import itertools
import random
from datetime import date

import numpy as np
import polars as pl

from childlink.synth.divisions import MIGRANT_ORIGINS, Village, city_name, county_name, county_villages, province_name
from childlink.synth.idnumbers import build_id_numbers
from childlink.synth.names import NamePicker
from childlink.synth.world import LOCAL, MIGRANT, Household, People

_ETHNICITIES = (("01", 0.925), ("11", 0.04), ("10", 0.02), ("03", 0.01), ("02", 0.005))
# Share of household kinds (locals); migrants are drawn separately.
_KINDS = (("family", 0.50), ("three_generation", 0.14), ("single_mother", 0.03), ("elderly", 0.12),
          ("adult_children", 0.10), ("single", 0.07), ("couple", 0.04))
MIGRANT_SHARE = 0.05


def _birth(rng: random.Random, as_of_ord: int, age: float) -> int:
    """An ordinal birth date for someone ``age`` years old (fractional part random within the year)."""
    return as_of_ord - int(age * 365.25) - rng.randrange(365)


class _Builder:
    def __init__(self, county: str, as_of: date, rng: random.Random) -> None:
        self.county = county
        self.as_of = as_of
        self.as_of_ord = as_of.toordinal()
        self.rng = rng
        self.names = NamePicker(rng)
        self.people = People()
        self.households: list[Household] = []
        villages = county_villages(county)
        # Urban communities are denser than villages.
        self.villages = villages
        weights = [3.0 if v.urban_rural == "111" else 1.6 if v.urban_rural.startswith("1") else 1.0 for v in villages]
        self.village_cum = list(itertools.accumulate(weights))
        self.urban_villages = [v for v in villages if v.urban_rural.startswith("1")]
        self.place = province_name(county) + city_name(county) + county_name(county)
        self.hh_counter = 0

    # -- households ---------------------------------------------------------
    def household(self, kind: str, *, migrant_from: str | None = None) -> Household:
        self.hh_counter += 1
        if migrant_from:
            # Migrants rent in the county seat or a town centre; their hukou division is their home county.
            village = self.rng.choice(self.urban_villages)
            hh = Household(number=f"{self.hh_counter:09d}", division=migrant_from, rural=False, collective=False,
                           address=self._address(village), kind=kind)
            hh.moved_in = None
            hh.residence_village = village.code
        else:
            village = self.rng.choices(self.villages, cum_weights=self.village_cum)[0]
            hh = Household(number=f"{village.code[6:9]}{self.hh_counter:06d}", division=village.code,
                           rural=village.rural, collective=False, address=self._address(village), kind=kind)
            hh.residence_village = village.code
            if self.rng.random() < 0.12:
                hh.moved_in = date.fromordinal(self.as_of_ord - self.rng.randrange(200, 9000))
                hh.moved_in_from = self.rng.choice(MIGRANT_ORIGINS)
        self.households.append(hh)
        return hh

    def _address(self, village: Village) -> str:
        if village.rural and village.urban_rural == "220":
            return f"{self.place}{village.township_name}{village.name}{self.rng.randint(1, 9)}组"
        return (f"{self.place}{village.township_name}{village.name}{self.rng.randint(1, 30)}栋"
                f"{self.rng.randint(1, 6)}单元{self.rng.randint(1, 6)}0{self.rng.randint(1, 4)}室")

    # -- people -------------------------------------------------------------
    def person(self, hh: Household, *, sex: int, birth: int, relation: str, surname: str | None = None,
               given: str | None = None, father: int = -1, mother: int = -1, ethnicity: str = "01",
               twin: int = -1, kind: str = LOCAL) -> int:
        year = date.fromordinal(birth).year
        if ethnicity == "05":
            surname, given = "", self.names.minority(sex)
        surname = surname if surname is not None else self.names.surname()
        given = given or self.names.given(sex, year)
        if kind == MIGRANT:
            birth_division = hh.division[:6]
        elif hh.moved_in_from and relation not in ("20", "30", "41", "42", "22", "23", "32", "33"):
            birth_division = hh.moved_in_from
        else:
            birth_division = self.county
        pid = self.people.add(sex=sex, birth=birth, father=father, mother=mother, twin=twin, household=len(self.households) - 1,
                              relation=relation, kind=kind, surname=surname, given=given, ethnicity=ethnicity,
                              hukou_division=hh.division, rural=hh.rural, birth_division=birth_division,
                              arrived=None, arrived_from=None, former_name=None)
        hh.members.append(pid)
        if hh.head < 0:
            hh.head = pid
        return pid

    def ethnicity(self) -> str:
        r = self.rng.random()
        if r < 0.002:
            return "05"
        total = 0.0
        for code, share in _ETHNICITIES:
            total += share
            if r < total:
                return code
        return "01"

    def children(self, hh: Household, father: int, mother: int, mother_birth: int, surname: str,
                 ethnicity: str, count: int, child_rel: tuple[str, str], max_age: float = 17.9,
                 min_age: float = 0.0) -> list[int]:
        rng = self.rng
        kids: list[int] = []
        mother_age_now = (self.as_of_ord - mother_birth) / 365.25
        latest = max(min_age, mother_age_now - 40)  # youngest possible child age (mother was 40)
        oldest = min(max_age, mother_age_now - 20)
        if oldest < latest:
            return kids
        for _ in range(count):
            age = rng.uniform(latest, oldest)
            birth = min(self.as_of_ord - 5, self.as_of_ord - int(age * 365.25) - rng.randrange(365))
            birth = max(birth, mother_birth + 20 * 365)
            if birth >= self.as_of_ord:
                continue
            twins = rng.random() < 0.025 and age < 16
            if twins:
                group = len(self.people)
                g1, g2 = self.names.twin_givens()
                for given in (g1, g2):
                    sex = 1 if given in ("浩宇", "浩轩", "思远", "思源", "一鸣", "一航", "子轩", "博文", "博武") else 2
                    kids.append(self.person(hh, sex=sex, birth=birth, relation=child_rel[0] if sex == 1 else child_rel[1],
                                            surname=surname, given=given, father=father, mother=mother,
                                            ethnicity=ethnicity, twin=group, kind=self._kind(hh)))
            else:
                sex = 1 if rng.random() < 0.52 else 2
                kids.append(self.person(hh, sex=sex, birth=birth, relation=child_rel[0] if sex == 1 else child_rel[1],
                                        surname=surname, father=father, mother=mother, ethnicity=ethnicity,
                                        kind=self._kind(hh)))
        return kids

    def _kind(self, hh: Household) -> str:
        return MIGRANT if hh.kind == "migrant" else LOCAL

    def couple(self, hh: Household, age_low: float, age_high: float, head_rel: tuple[str, str] = ("02", "10"),
               kind: str = LOCAL) -> tuple[int, int, int, str, str]:
        rng = self.rng
        eth = self.ethnicity()
        fage = rng.uniform(age_low, age_high)
        mage = max(age_low - 2, fage - rng.uniform(-1, 5))
        fbirth = _birth(rng, self.as_of_ord, fage)
        mbirth = _birth(rng, self.as_of_ord, mage)
        surname = self.names.surname()
        father = self.person(hh, sex=1, birth=fbirth, relation=head_rel[0], surname=surname, ethnicity=eth, kind=kind)
        mother = self.person(hh, sex=2, birth=mbirth, relation=head_rel[1], ethnicity=eth if rng.random() < 0.8 else "01",
                             kind=kind)
        return father, mother, mbirth, surname, eth

    def family(self, kind: str, migrant_from: str | None = None) -> None:
        rng = self.rng
        hh = self.household(kind, migrant_from=migrant_from)
        pkind = MIGRANT if migrant_from else LOCAL
        n_kids = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        if kind == "three_generation":
            # Head is the grandfather; the couple are 子 and 儿媳, the children 孙子/孙女.
            gage = rng.uniform(58, 82)
            gsurname = self.names.surname()
            gf = self.person(hh, sex=1, birth=_birth(rng, self.as_of_ord, gage), relation="02", surname=gsurname)
            gm = self.person(hh, sex=2, birth=_birth(rng, self.as_of_ord, gage - rng.uniform(0, 4)), relation="10")
            fage = gage - rng.uniform(22, 32)
            fbirth = _birth(rng, self.as_of_ord, fage)
            father = self.person(hh, sex=1, birth=fbirth, relation="20", surname=gsurname, father=gf, mother=gm)
            mbirth = _birth(rng, self.as_of_ord, fage - rng.uniform(-1, 4))
            mother = self.person(hh, sex=2, birth=mbirth, relation="38")
            self.children(hh, father, mother, mbirth, gsurname, "01", n_kids, ("41", "42"))
        elif kind == "single_mother":
            mage = rng.uniform(22, 45)
            mbirth = _birth(rng, self.as_of_ord, mage)
            surname = self.names.surname()
            mother = self.person(hh, sex=2, birth=mbirth, relation="02", surname=surname)
            self.children(hh, -1, mother, mbirth, surname, "01", rng.choice((1, 1, 2)), ("20", "30"))
        elif kind in ("family", "migrant"):
            father, mother, mbirth, surname, eth = self.couple(hh, 23, 50, kind=pkind)
            if rng.random() < 0.1:
                surname = self.people.surname[mother]
            self.children(hh, father, mother, mbirth, surname, eth, n_kids, ("20", "30"))
        elif kind == "adult_children":
            father, mother, mbirth, surname, eth = self.couple(hh, 45, 62)
            self.children(hh, father, mother, mbirth, surname, eth, rng.choice((1, 2)), ("20", "30"),
                          max_age=30, min_age=18.2)
        elif kind == "elderly":
            if rng.random() < 0.6:
                self.couple(hh, 60, 90)
            else:
                self.person(hh, sex=rng.choice((1, 2)), birth=_birth(rng, self.as_of_ord, rng.uniform(62, 95)),
                            relation="02")
        elif kind == "couple":
            self.couple(hh, 20, 35)
        else:
            self.person(hh, sex=rng.choice((1, 2)), birth=_birth(rng, self.as_of_ord, rng.uniform(19, 60)),
                        relation="02", ethnicity=self.ethnicity())


def build_population(people: int, county: str, as_of: date, rng: random.Random) -> tuple[People, list[Household]]:
    """Draw households until ``people`` persons exist; assign ID numbers."""
    builder = _Builder(county, as_of, rng)
    kinds = [k for k, _ in _KINDS]
    cum = list(itertools.accumulate(w for _, w in _KINDS))
    origins = migrant_origins(county)
    while len(builder.people) < people:
        if rng.random() < MIGRANT_SHARE:
            builder.family("migrant", migrant_from=rng.choice(origins))
        else:
            builder.family(rng.choices(kinds, cum_weights=cum)[0])
    assign_id_numbers(builder.people, np.random.default_rng(rng.randrange(2**32)))
    return builder.people, builder.households


def migrant_origins(county: str) -> tuple[str, ...]:
    """Home counties of the county's migrants; a core urban district also draws from the other core districts
    of its city (moves that policy §1.5 does not count)."""
    from childlink.synth.truth import default_policy

    core = default_policy().core_urban_of_city(county)
    if county in core:
        return tuple(c for c in MIGRANT_ORIGINS if c != county) + tuple(sorted(core - {county}))
    return tuple(c for c in MIGRANT_ORIGINS if c != county)


def assign_id_numbers(people: People, gen: np.random.Generator) -> None:
    """ID numbers for everyone in ``people`` that has none yet (column-wise, unique by construction)."""
    start = len(people.id_number)
    n = len(people)
    if start >= n:
        return
    epoch = date(1970, 1, 1).toordinal()
    frame = pl.DataFrame({
        "div": pl.Series(people.birth_division[start:], dtype=pl.Utf8),
        "ymd": (pl.Series(people.birth[start:], dtype=pl.Int64) - epoch).cast(pl.Int32).cast(pl.Date).dt.strftime("%Y%m%d"),
        "sex": pl.Series(people.sex[start:], dtype=pl.Int64),
    })
    frame = frame.with_columns(pl.int_range(pl.len()).over(["div", "ymd", "sex"]).alias("rank"))
    base = gen.integers(5, 150, size=frame.height) * 2
    ids = build_id_numbers(frame["div"].to_numpy(), frame["ymd"].to_numpy(), frame["sex"].to_numpy(),
                           frame["rank"].to_numpy().astype(np.int64), base)
    # Different bases within one group can collide: step the sequence of the later ones until unique.
    taken = {v[:17] for v in people.id_number}
    counts = pl.Series(ids).is_duplicated().to_numpy()
    suspects = set(np.flatnonzero(counts).tolist())
    if taken:
        suspects.update(i for i, v in enumerate(ids.tolist()) if v[:17] in taken)
    out = ids.tolist()
    if suspects:
        seen = taken | {v[:17] for i, v in enumerate(out) if i not in suspects}
        for i in sorted(suspects):
            value = out[i]
            seq = int(value[14:17])
            while value[:17] in seen:
                seq = (seq + 2) % 1000 or 2
                value = build_id_numbers(np.array([value[:6]]), np.array([value[6:14]]), np.array([int(frame["sex"][i])]),
                                         np.array([0]), np.array([seq]))[0]
            seen.add(value[:17])
            out[i] = value
    people.id_number.extend(out)
