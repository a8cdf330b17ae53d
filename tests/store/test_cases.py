import json

import polars as pl
import pytest

from childlink.store.repository import (
    add_flags,
    load_audit_log,
    load_case_events,
    load_cases,
    load_flags,
    load_open_cases,
    record_case_events,
    record_case_outcome,
    start_run,
    upsert_cases,
)

COUNTY = "220183"


def test_new_cases_get_county_ids_and_known_cases_are_updated(store, run_id):
    first = upsert_cases(
        store,
        run_id=run_id,
        cases=pl.DataFrame(
            {
                "flag": ["suspected_eligible", "should_exit"],
                "entity_id": ["220183-P0000000001", "220183-P0000000002"],
                "category": ["de_facto_unsupported", "left_behind"],
                "status": ["new", "new"],
                "evidence_hash": ["h1", "h2"],
            }
        ),
    )
    assert first["case_id"].to_list() == ["220183-C0000000001", "220183-C0000000002"]
    record_case_events(store, run_id=run_id, events=first.select("case_id", pl.lit("new").alias("event")))

    second_run = start_run(store, kind="compare", county=COUNTY)
    second = upsert_cases(
        store,
        run_id=second_run,
        cases=pl.DataFrame(
            {
                "case_id": ["220183-C0000000001", "220183-C0000000002", None],
                "flag": ["suspected_eligible", "should_exit", "emergency"],
                "entity_id": ["220183-P0000000001", "220183-P0000000002", "220183-P0000000009"],
                "status": ["open", "resolved", "new"],
                "evidence_hash": ["h1", "h2", "h9"],
            }
        ),
    )
    assert second["case_id"][2] == "220183-C0000000003"
    record_case_events(
        store,
        run_id=second_run,
        events=pl.DataFrame(
            {
                "case_id": second["case_id"],
                "event": ["still_open", "resolved", "new"],
                "detail": [None, json.dumps({"reason": "no longer meets §1.4"}), None],
            }
        ),
    )

    cases = load_cases(store).sort("case_id")
    assert cases["status"].to_list() == ["open", "resolved", "new"]
    assert cases["opened_run_id"].to_list() == [run_id, run_id, second_run]
    assert cases["last_seen_run_id"].to_list() == [second_run] * 3
    assert cases["county"].unique().to_list() == [COUNTY]
    assert load_open_cases(store, county=COUNTY)["case_id"].to_list() == ["220183-C0000000001", "220183-C0000000003"]
    events = load_case_events(store, case_id="220183-C0000000002")
    assert events["event"].to_list() == ["new", "resolved"]
    assert json.loads(events["detail"][1]) == {"reason": "no longer meets §1.4"}


def test_outcome_closes_a_case_and_a_reopen_clears_it(store, run_id):
    case_id = upsert_cases(
        store, run_id=run_id, cases=pl.DataFrame({"flag": ["should_exit"], "entity_id": ["220183-P0000000001"], "status": ["new"]})
    )["case_id"][0]
    with pytest.raises(ValueError, match="reason"):
        record_case_outcome(store, case_id=case_id, outcome="dismiss", decided_by="wang")
    record_case_outcome(store, case_id=case_id, outcome="exit", decided_by="wang", note="已满18周岁")
    closed = load_cases(store).row(0, named=True)
    assert (closed["status"], closed["outcome"], closed["outcome_by"]) == ("closed", "exit", "wang")
    assert load_open_cases(store).is_empty()
    assert load_audit_log(store, action="decide")["target"].to_list() == [f"case:{case_id}"]

    # New evidence: the rules reopen it.
    upsert_cases(
        store,
        run_id=run_id,
        cases=pl.DataFrame(
            {
                "case_id": [case_id],
                "flag": ["should_exit"],
                "entity_id": ["220183-P0000000001"],
                "status": ["open"],
                "evidence_hash": ["new"],
            }
        ),
    )
    reopened = load_cases(store).row(0, named=True)
    assert (reopened["status"], reopened["outcome"], reopened["evidence_hash"]) == ("open", None, "new")
    assert json.loads(load_case_events(store, case_id=case_id)["detail"][0])["outcome"] == "exit"


def test_case_values_are_checked(store, run_id):
    with pytest.raises(ValueError, match="status must be one of"):
        upsert_cases(store, run_id=run_id, cases=pl.DataFrame({"flag": ["x"], "entity_id": ["220183-P1"], "status": ["pending"]}))
    with pytest.raises(ValueError, match="event must be one of"):
        record_case_events(store, run_id=run_id, events=pl.DataFrame({"case_id": ["c"], "event": ["moved"]}))


def test_flags_round_trip_with_evidence(store, run_id):
    new_case = pl.DataFrame({"flag": ["suspected_eligible"], "entity_id": ["220183-P0000000001"], "status": ["new"]})
    case_id = upsert_cases(store, run_id=run_id, cases=new_case)["case_id"][0]
    evidence = {"records": [{"source": "prison", "source_file": "prison_2026q3.xlsx", "row": 12, "start": "2025-01-02"}]}
    flags = pl.DataFrame(
        {
            "flag": ["suspected_eligible", "dropout_risk"],
            "entity_id": ["220183-P0000000001", "220183-P0000000002"],
            "case_id": [case_id, None],
            "rule": ["de_facto_unsupported", "dropout_risk"],
            "clause": ["policy §1.2", "000 §三.10"],
            "category": ["de_facto_unsupported", None],
            "reason": ["父亲服刑，母亲死亡", None],
            "evidence": [json.dumps(evidence, ensure_ascii=False), None],
            "link_probability": [0.97, None],
        }
    )
    assert add_flags(store, run_id=run_id, flags=flags) == 2
    stored = load_flags(store, run_id=run_id)
    kept = [c for c in flags.columns if c != "evidence"]
    assert stored.select(kept).equals(flags.select(kept))
    assert json.loads(stored["evidence"][0]) == evidence
    assert load_flags(store, case_id=case_id).height == 1
