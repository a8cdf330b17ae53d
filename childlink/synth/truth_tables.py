"""The ground-truth tables written to ``truth/`` beside the extracts.

Only evaluation code and tests read them; the product never does.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.synth.truth import ChildTruth
from childlink.synth.world import World


def persons_table(world: World) -> pl.DataFrame:
    p = world.people
    households = world.households
    n = len(p)
    return pl.DataFrame({
        "person_id": pl.Series(range(n), dtype=pl.Int64),
        "id_number": p.id_number,
        "name": [p.surname[i] + p.given[i] for i in range(n)],
        "sex": pl.Series(p.sex, dtype=pl.Int64).cast(pl.Utf8),
        "birth_date": _ordinal_to_date(pl.Series(p.birth, dtype=pl.Int64)),
        "father_person_id": pl.Series(p.father, dtype=pl.Int64).replace(-1, None),
        "mother_person_id": pl.Series(p.mother, dtype=pl.Int64).replace(-1, None),
        "twin_group": pl.Series(p.twin, dtype=pl.Int64).replace(-1, None),
        "household": [households[h].number for h in p.household],
        "hukou_division": p.hukou_division,
        "rural": pl.Series(p.rural, dtype=pl.Boolean),
        "kind": p.kind,
        "former_name": pl.Series(p.former_name, dtype=pl.Utf8),
    })


def _ordinal_to_date(series: pl.Series) -> pl.Series:
    # Ordinal 719163 is 1970-01-01: shift to days since the epoch.
    return (series - date(1970, 1, 1).toordinal()).cast(pl.Int32).cast(pl.Date)


def categories_table(world: World, truth: dict[int, ChildTruth]) -> pl.DataFrame:
    rows = [{
        "person_id": t.pid, "id_number": world.people.id_number[t.pid], "categories": ";".join(t.categories),
        "primary": t.primary or "", "on_register": t.on_register, "registered_category": t.registered_category or "",
        "rural_single_parent": t.focus_rural_single_parent,
    } for t in sorted(truth.values(), key=lambda t: t.pid)]
    return pl.DataFrame(rows, schema={"person_id": pl.Int64, "id_number": pl.Utf8, "categories": pl.Utf8,
                                      "primary": pl.Utf8, "on_register": pl.Boolean, "registered_category": pl.Utf8,
                                      "rural_single_parent": pl.Boolean})


def flags_table(world: World, truth: dict[int, ChildTruth]) -> pl.DataFrame:
    rows = [{"flag": flag, "person_id": t.pid, "id_number": world.people.id_number[t.pid], "category": label,
             "reason": reason}
            for t in sorted(truth.values(), key=lambda t: t.pid) for flag, label, reason in t.flags]
    return pl.DataFrame(rows, schema={"flag": pl.Utf8, "person_id": pl.Int64, "id_number": pl.Utf8,
                                      "category": pl.Utf8, "reason": pl.Utf8})


def scenarios_table(world: World) -> pl.DataFrame:
    rows = [{"person_id": s.pid, "scenario": s.scenario, "note": s.note} for s in world.scenarios]
    return pl.DataFrame(rows, schema={"person_id": pl.Int64, "scenario": pl.Utf8, "note": pl.Utf8}).sort(
        ["person_id", "scenario"], maintain_order=True)


