"""Build the whole synthetic world for one county, seed and as-of date.

Each stage draws from its own random stream (derived from the seed and the
stage name), so adding a draw to one stage never shifts another stage.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from childlink.synth.dates import add_months, age_on, school_year_start
from childlink.synth.events import background_events, declare_events
from childlink.synth.families import adults_and_elderly, parents_of_minors
from childlink.synth.population import assign_id_numbers, build_population
from childlink.synth.scenarios import plant_scenarios
from childlink.synth.truth import FLAG_KINDS, Evaluator, active_register, evaluate
from childlink.synth.world import MIGRANT, RegisterEntry, World, school_status


def stream(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}:{stage}")


def build_world(people: int, seed: int, as_of: date, county: str, *, register_and_school: bool = True) -> World:
    """The world of one county. ``register_and_school=False`` skips the register's background rows and the
    drop-outs (both need the truth evaluator); only child_register, student_roll and the truth depend on them."""
    population, households = build_population(people, county, as_of, stream(seed, "population"))
    world = World(county, as_of, seed, population, households, stream(seed, "events"))
    settle_migrants(world, stream(seed, "migrants"))
    declare_events(world, stream(seed, "emergencies"))
    parents = parents_of_minors(world)
    adults, elderly, minors = adults_and_elderly(world, parents)
    background_events(world, adults, elderly, minors)
    world.rng = stream(seed, "scenarios")
    plant_scenarios(world, world.rng, people)
    assign_id_numbers(world.people, np.random.default_rng(seed + 7))
    if register_and_school:
        register_background(world, stream(seed, "register"))
        plant_dropouts(world, stream(seed, "school"))
    return world


def settle_migrants(world: World, rng: random.Random) -> None:
    """Migrant households' arrival dates; about one in eight arrived less than 6 months ago (§1.5 near-miss)."""
    from childlink.synth.truth import default_policy

    people = world.people
    core = default_policy().core_urban_of_city(world.county)
    for hh in world.households:
        if hh.kind != "migrant":
            continue
        recent = rng.random() < 0.12
        arrived = world.as_of - timedelta(days=rng.randint(20, 170) if recent else rng.randint(200, 3000))
        for pid in hh.members:
            birth = date.fromordinal(people.birth[pid])
            people.arrived[pid] = max(arrived, birth)
            people.arrived_from[pid] = hh.division
        young = [pid for pid in hh.members if age_on(date.fromordinal(people.birth[pid]), world.as_of) < 16]
        if recent:
            for pid in young:
                world.scenario(pid, "flow_recent_near_miss", "none: migrant child arrived less than 6 months ago")
        elif hh.division in core and world.county in core:
            for pid in young:
                world.scenario(pid, "flow_core_near_miss", "none: moved between core urban districts of the same city")


def register_background(world: World, rng: random.Random) -> None:
    """The register's ordinary content: about half of the flow children, and rows of children who left it."""
    ev = Evaluator(world)
    people = world.people
    registered = set(active_register(world))
    for pid in range(len(people)):
        if people.kind[pid] != MIGRANT or pid in registered:
            continue
        if "flow" in ev.categories(pid) and rng.random() < 0.45:
            arrived = people.arrived[pid] or world.as_of
            world.register.append(RegisterEntry(
                child=pid, category="flow", sub_category=None, basis="随父母在本地居住", basis_kind="",
                registered_on=min(add_months(arrived, 7), world.as_of - timedelta(days=5)),
                guardian=people.mother[pid], guardian_relation="mother"))
    # Young adults who left the register on turning 18 (history, never flagged).
    for pid in range(len(people)):
        birth = date.fromordinal(people.birth[pid])
        age = age_on(birth, world.as_of)
        if 18 <= age <= 20 and people.kind[pid] != "external" and rng.random() < 0.03:
            turned = birth.replace(year=birth.year + 18) if not (birth.month == 2 and birth.day == 29) else date(birth.year + 18, 3, 1)
            world.register.append(RegisterEntry(
                child=pid, category="family_difficulty", sub_category="poor_household", basis="低保家庭",
                basis_kind="child:assistance", registered_on=add_months(turned, -40), status="exited",
                exit_date=turned, exit_reason="年满18周岁"))


def plant_dropouts(world: World, rng: random.Random) -> None:
    """Drop-outs, suspensions and absences from the roll among registered or flagged school-age children.

    A few unflagged children drop out too: they must raise no dropout_risk.
    """
    truth = evaluate(world)
    school_day = school_year_start(world.as_of)
    people = world.people
    candidates = []
    for pid, t in truth.items():
        flagged = t.on_register or any(f[0] in FLAG_KINDS[:4] for f in t.flags)
        birth = date.fromordinal(people.birth[pid])
        if not flagged or not (6 <= age_on(birth, school_day) <= 15):
            continue
        if school_status(world, pid, birth) == "studying":
            candidates.append(pid)
    k = min(len(candidates), max(3, round(len(candidates) * 0.12)))
    for pid in rng.sample(candidates, k):
        world.school_override[pid] = rng.choice(("dropped_out", "dropped_out", "suspended", "missing"))
        world.scenario(pid, "dropout", f"dropout_risk: {world.school_override[pid]}")
    others = [pid for pid in range(len(people)) if pid not in truth and people.kind[pid] != "external"
              and 6 <= age_on(date.fromordinal(people.birth[pid]), school_day) <= 15]
    for pid in rng.sample(others, min(len(others), max(2, len(others) // 200))):
        world.school_override[pid] = "dropped_out"
        world.scenario(pid, "dropout_unflagged", "none: dropped out, but neither registered nor flagged")
