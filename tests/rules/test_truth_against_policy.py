"""The synthetic county's ground truth read against policy.md where the two once differed.

The accuracy tests score the rules against ``childlink.synth.truth``; a truth
that departs from the policy would score a correct rule as wrong. Each case is
a hand-made world of a few people.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from childlink.synth.truth import evaluate
from childlink.synth.world import LOCAL, Fact, Household, People, World

AS_OF = date(2026, 9, 30)
IN_PERIOD = date(2026, 8, 10)  # within the quarter before the as-of date (policy §2.1.3)


def _world() -> tuple[World, dict[str, int]]:
    """A child born 2020 to a birth couple, and an adopting couple in another household."""
    people = People()
    households = [Household("001", "220183100201", True, False, "", "family"),
                  Household("002", "220183100202", True, False, "", "couple")]

    def add(sex: int, born: date, household: int, **parents) -> int:
        pid = people.add(sex=sex, birth=born.toordinal(), household=household, relation="01", kind=LOCAL,
                         surname="李", given="某", hukou_division=households[household].division, rural=True,
                         birth_division="220183", **parents)
        households[household].members.append(pid)
        return pid

    ids = {"birth_father": add(1, date(1985, 1, 1), 0), "birth_mother": add(2, date(1986, 1, 1), 0)}
    ids["child"] = add(1, date(2020, 5, 1), 0, father=ids["birth_father"], mother=ids["birth_mother"])
    ids["adoptive_mother"] = add(2, date(1984, 1, 1), 1)
    ids["adoptive_father"] = add(1, date(1983, 1, 1), 1)
    world = World(county="220183", as_of=AS_OF, seed=0, people=people, households=households, rng=random.Random(0))
    world.people.id_number.extend(f"ID{i}" for i in range(len(people)))
    return world, ids


def _emergency(world: World, pid: int, on: date) -> None:
    world.add_fact(Fact("emergency", pid, on, attrs={"impact": "injured", "event": "暴雨"}))


def _adopt(world: World, ids: dict[str, int], on: date) -> None:
    world.add_fact(Fact("adoption", ids["child"], on,
                        attrs={"adopters": (ids["adoptive_mother"], ids["adoptive_father"]), "new_given": "新"}))


def _emergency_flags(world: World, child: int) -> list[tuple[str, str, str]]:
    truth = evaluate(world).get(child)
    return [f for f in truth.flags if f[0] == "emergency"] if truth else []


# policy §2.1.3 "children, or the parents of children": the parents are the child's parents in
# law at the as-of date; an adoption replaces the birth parents by the adopters (as the truth's
# own categories already read it, and as the rules' legal parents do).
EMERGENCY_PARENT_CASES = [
    ("birth_father", None, True),
    ("adoptive_father", date(2026, 8, 16), True),  # hit before the adoption, a parent at the as-of date
    ("adoptive_mother", date(2026, 3, 1), True),
    ("birth_father", date(2026, 3, 1), False),  # no longer the child's parent in law
    ("adoptive_father", None, False),  # never adopted: a stranger to the child
]


@pytest.mark.parametrize(("who", "adopted_on", "expected"), EMERGENCY_PARENT_CASES,
                         ids=[f"{w}-{'adopted' if a else 'not_adopted'}" for w, a, _ in EMERGENCY_PARENT_CASES])
def test_truth_emergency_uses_the_legal_parents_2_1_3(who, adopted_on, expected):
    world, ids = _world()
    if adopted_on is not None:
        _adopt(world, ids, adopted_on)
    _emergency(world, ids[who], IN_PERIOD)
    flags = _emergency_flags(world, ids["child"])
    assert bool(flags) == expected
    if expected:
        role = "father" if world.people.sex[ids[who]] == 1 else "mother"
        assert flags[0][2] == f"{role}:injured"
