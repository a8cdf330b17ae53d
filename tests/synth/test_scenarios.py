"""Planted scenarios and the independent evaluator agree on every planted child."""

from __future__ import annotations

import re

import polars as pl

from childlink.schema import exchange

CATEGORIES = set(exchange().code_list("child_category").codes)
FLAGS = {"should_exit", "category_change", "cannot_verify", "dropout_risk", "emergency", "suspected_eligible"}


def test_scenario_outcomes_match_truth(county_3000):
    out, _ = county_3000
    truth = out / "truth"
    scenarios = pl.read_csv(truth / "scenarios.csv", infer_schema=False)
    categories = pl.read_csv(truth / "categories.csv", infer_schema=False)
    flags = pl.read_csv(truth / "flags.csv", infer_schema=False)
    cats = {r["person_id"]: set(r["categories"].split(";")) if r["categories"] else set() for r in categories.iter_rows(named=True)}
    flagged: dict[str, set[str]] = {}
    for r in flags.iter_rows(named=True):
        flagged.setdefault(r["person_id"], set()).add(r["flag"])
    problems = []
    for r in scenarios.iter_rows(named=True):
        note = r["note"]
        if note.startswith("sibling"):
            continue
        expected = re.split(r"[:;/ ]", note, maxsplit=1)[0]
        pid = r["person_id"]
        if expected in CATEGORIES:
            ok = expected in cats.get(pid, set())
            if "suspected_eligible" in note:
                ok = ok and "suspected_eligible" in flagged.get(pid, set())
        elif expected in FLAGS:
            ok = expected in flagged.get(pid, set())
        elif expected == "none":
            ok = not cats.get(pid) and not (flagged.get(pid, set()) - {"dropout_risk", "emergency"})
        else:
            ok = False
        if not ok:
            problems.append((r["scenario"], note, cats.get(pid), flagged.get(pid)))
    assert not problems, problems[:10]


def test_near_misses_are_planted(county_3000):
    out, _ = county_3000
    scenarios = pl.read_csv(out / "truth" / "scenarios.csv", infer_schema=False)
    names = set(scenarios["scenario"])
    for name in ("gd_dead_short_prison", "lb_gap_long_near_miss", "lb_same_county_near_miss", "own_near_miss",
                 "fd_temporary_near_miss", "flow_recent_near_miss", "em_old_event", "dropout_unflagged",
                 "dfu_dead_chain", "institution_foundling"):
        assert name in names, name


def _mismatches(world, truth):
    problems = []
    for s in world.scenarios:
        if s.note.startswith("sibling"):
            continue
        t = truth.get(s.pid)
        cats = set(t.categories) if t else set()
        flagged = {f[0] for f in t.flags} if t else set()
        expected = re.split(r"[:;/ ]", s.note, maxsplit=1)[0]
        if expected in CATEGORIES:
            ok = expected in cats
        elif expected in FLAGS:
            ok = expected in flagged
        else:
            ok = expected == "none" and not cats and not (flagged - {"dropout_risk", "emergency"})
        if not ok:
            problems.append((s.scenario, s.note, cats, flagged))
    return problems


def test_core_urban_county_excludes_moves_between_core_districts():
    from datetime import date

    from childlink.synth.county import build_world
    from childlink.synth.truth import evaluate

    world = build_world(2500, 3, date(2026, 9, 30), "220102")
    assert not _mismatches(world, evaluate(world))
    names = {s.scenario for s in world.scenarios}
    assert {"flow_core_near_miss", "lb_same_city_core"} <= names
    core_notes = {s.note for s in world.scenarios if s.scenario == "lb_same_city_core"}
    assert any(n.startswith("none") for n in core_notes)
