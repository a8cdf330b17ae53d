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
from datetime import timedelta
from typing import Callable

from childlink.synth.category_scenarios import (
    dfu_variant,
    dfu_both_disabled,
    dfu_both_prison,
    fd_poverty,
    fd_temporary_near_miss,
    lb_both_away,
    gd_both_detained,
    gd_dead_short_prison,
    gd_revoked,
    institution_orphan_parents_dead,
    lb_gap_long_near_miss,
    lb_gap_short,
    lb_one_away_other_ill,
    lb_same_city_core,
    lb_same_county_near_miss,
    orphan_both_dead,
    orphan_declared_dead,
    own_disabled,
    own_hiv,
    own_ill,
    own_near_miss,
)
from childlink.synth.divisions import county_villages
from childlink.synth.families import Family, FamilyPool, add_person
from childlink.synth.register_scenarios import (
    cc_dfu_to_fd,
    cc_fd_to_own,
    cc_lb_to_dfu,
    cv_disability,
    cv_prison,
    cv_work_away,
    em_in_period,
    em_old_event,
    lb_with_parents_near_miss,
    se_adopted,
    se_aged_out,
    se_cert_cancelled,
    se_declaration_revoked,
    se_dibao_ended,
    se_died,
    se_guardianship_restored,
    se_moved_away,
    se_living_elsewhere,
    se_parent_returned,
    se_released,
)
from childlink.synth.scenario_context import Ctx
from childlink.synth.world import Household, RegisterEntry, World


CATALOGUE: tuple[tuple[str, int, int, int, Callable[[Ctx, Family], None]], ...] = (
    ("orphan_both_dead", 10, 0, 16, orphan_both_dead),
    ("orphan_declared_dead", 7, 3, 16, orphan_declared_dead),
    ("institution_orphan_parents_dead", 8, 0, 15, institution_orphan_parents_dead),
    ("dfu_both_prison", 4, 0, 16, dfu_both_prison),
    ("dfu_dead_prison", 4, 0, 16, dfu_variant("prison")),
    ("dfu_dead_disability", 3, 0, 16, dfu_variant("disability")),
    ("dfu_dead_intellectual3", 2, 0, 16, dfu_variant("intellectual3")),
    ("dfu_missing_illness", 3, 0, 16, dfu_variant("missing_illness")),
    ("dfu_dead_lost_contact", 3, 0, 16, dfu_variant("lost_contact")),
    ("dfu_dead_revoked", 2, 0, 16, dfu_variant("revoked")),
    ("dfu_dead_deported", 2, 0, 16, dfu_variant("deported")),
    ("dfu_dead_rehab", 3, 0, 16, dfu_variant("rehab")),
    ("dfu_dead_chain", 3, 0, 16, dfu_variant("chain")),
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
