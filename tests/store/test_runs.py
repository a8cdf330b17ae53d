from datetime import date

import pytest

from childlink.settings import Settings
from childlink.store import StoreError
from childlink.store.repository import finish_run, get_run, start_run


def test_run_round_trip_with_settings_and_summary(store):
    run_id = start_run(store, kind="compare", county="220183", as_of=date(2026, 9, 30), settings=Settings(), code_version="1.2.3")
    started = get_run(store, run_id=run_id)
    assert started["status"] == "running" and started["finished_at"] is None
    assert started["as_of"] == date(2026, 9, 30) and started["code_version"] == "1.2.3"
    assert started["settings"]["county"]["code"] == "220183"
    assert started["started_at"].tzinfo is not None

    finish_run(store, run_id=run_id, summary={"flags": 12, "by_flag": {"should_exit": 3}})
    finished = get_run(store, run_id=run_id)
    assert finished["status"] == "succeeded" and finished["finished_at"] >= finished["started_at"]
    assert finished["summary"] == {"flags": 12, "by_flag": {"should_exit": 3}}
    assert get_run(store, run_id="220183-R00000000T000000-000000") is None


def test_run_values_are_checked(store):
    with pytest.raises(ValueError, match="run kind"):
        start_run(store, kind="nightly", county="220183")
    run_id = start_run(store, kind="intake", county="220183")
    with pytest.raises(ValueError, match="succeeded' or 'failed"):
        finish_run(store, run_id=run_id, status="running")
    with pytest.raises(StoreError, match="no such run: nope"):
        finish_run(store, run_id="nope")
    finish_run(store, run_id=run_id, status="failed")
    assert get_run(store, run_id=run_id)["status"] == "failed"
