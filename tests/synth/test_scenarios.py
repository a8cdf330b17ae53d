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
