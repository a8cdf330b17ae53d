"""policy §2.3: cases across three runs."""

from __future__ import annotations

import polars as pl

from childlink.rules.cases import attach_case_ids, case_id, reconcile_cases

COUNTY = "220183"


def flags(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame([{"flag": f, "entity_id": e, "category_code": c, "evidence_hash": h} for f, e, c, h in rows],
                        schema={"flag": pl.Utf8, "entity_id": pl.Utf8, "category_code": pl.Utf8, "evidence_hash": pl.Utf8})


def stored(cases: pl.DataFrame, outcomes: dict[str, str] | None = None) -> pl.DataFrame:
    """What the store would hold after the run (with outcomes a person recorded)."""
    outcomes = outcomes or {}
    return cases.with_columns(
        pl.col("case_id").replace_strict(outcomes, default=None, return_dtype=pl.Utf8).alias("outcome"),
    ).with_columns(pl.when(pl.col("outcome").is_not_null()).then(pl.lit("closed")).otherwise(pl.col("status")).alias("status"))


def test_case_ids_are_stable_format():
    assert case_id(COUNTY, 7) == "220183-C00000007"


def test_three_runs():
    run1 = flags(("suspected_eligible", "A", "social_orphan", "h1"), ("should_exit", "B", "left_behind", "h2"),
                 ("emergency", "C", None, "h3"))
    cases1, events1 = reconcile_cases(run1, pl.DataFrame(), run_id="R1", county=COUNTY, next_counter=1)
    assert cases1["status"].to_list() == ["new", "new", "new"]
    assert sorted(events1["event"].to_list()) == ["new", "new", "new"]
    ids = dict(zip(cases1["entity_id"], cases1["case_id"]))
    assert sorted(ids.values()) == ["220183-C00000001", "220183-C00000002", "220183-C00000003"]

    # Run 2: A still flagged; B no longer; C still flagged; B's officer had not acted.
    # A person closed C (dismissed) after run 1.
    run2 = flags(("suspected_eligible", "A", "social_orphan", "h1"), ("emergency", "C", None, "h3"))
    cases2, events2 = reconcile_cases(run2, stored(cases1, {ids["C"]: "dismiss"}), run_id="R2", county=COUNTY,
                                      next_counter=4)
    by = {r["entity_id"]: r for r in cases2.iter_rows(named=True)}
    assert by["A"]["status"] == "open" and by["A"]["event"] == "still_open" and by["A"]["case_id"] == ids["A"]
    assert by["B"]["status"] == "resolved" and by["B"]["event"] == "resolved"
    assert by["C"]["status"] == "closed" and by["C"]["event"] is None and by["C"]["raised"] is False
    assert set(events2["event"]) == {"still_open", "resolved"}

    # Run 3: C flagged with new evidence -> reopened with the same id; B flagged again -> reopened;
    # a new flag for D gets the next id.
    run3 = flags(("suspected_eligible", "A", "social_orphan", "h1"), ("should_exit", "B", "left_behind", "h2"),
                 ("emergency", "C", None, "h4"), ("dropout_risk", "D", "flow", "h5"))
    previous = pl.concat([stored(cases1, {ids["C"]: "dismiss"}).filter(pl.col("entity_id") == "C"),
                          cases2.filter(pl.col("entity_id") != "C")], how="diagonal_relaxed")
    cases3, events3 = reconcile_cases(run3, previous, run_id="R3", county=COUNTY, next_counter=4)
    by = {r["entity_id"]: r for r in cases3.iter_rows(named=True)}
    assert by["C"]["event"] == "reopened" and by["C"]["case_id"] == ids["C"] and by["C"]["status"] == "open"
    assert by["B"]["event"] == "reopened" and by["B"]["case_id"] == ids["B"]
    assert by["D"]["event"] == "new" and by["D"]["case_id"] == "220183-C00000004"
    assert by["A"]["event"] == "still_open"
    assert events3["run_id"].unique().to_list() == ["R3"]


def test_closed_case_not_raised_again_without_new_evidence():
    run = flags(("should_exit", "B", "left_behind", "h2"))
    cases1, _ = reconcile_cases(run, pl.DataFrame(), run_id="R1", county=COUNTY, next_counter=1)
    cases2, events2 = reconcile_cases(run, stored(cases1, {cases1["case_id"][0]: "dismiss"}), run_id="R2",
                                      county=COUNTY, next_counter=2)
    assert events2.is_empty()
    assert attach_case_ids(run, cases2).is_empty()


def test_case_key_includes_category():
    run1 = flags(("category_change", "A", "own_difficulty", "h1"))
    run2 = flags(("category_change", "A", "family_difficulty", "h1"))
    cases1, _ = reconcile_cases(run1, pl.DataFrame(), run_id="R1", county=COUNTY, next_counter=1)
    cases2, events2 = reconcile_cases(run2, cases1, run_id="R2", county=COUNTY, next_counter=2)
    assert sorted(events2["event"].to_list()) == ["new", "resolved"]


def test_attach_case_ids_and_store_allocation():
    run = flags(("emergency", "C", None, "h3"))
    cases, _ = reconcile_cases(run, pl.DataFrame(), run_id="R1", county=COUNTY, next_counter=None)
    assert cases["case_id"].to_list() == [None]
    cases, _ = reconcile_cases(run, pl.DataFrame(), run_id="R1", county=COUNTY, next_counter=9)
    attached = attach_case_ids(run, cases)
    assert attached["case_id"].to_list() == ["220183-C00000009"]
