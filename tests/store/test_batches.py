import hashlib
from datetime import date

import polars as pl
import pytest

from childlink.store.repository import (
    BatchAlreadyIngested,
    add_field_flags,
    add_quarantine_rows,
    find_accepted_batch,
    latest_batches,
    list_batches,
    load_field_flags,
    load_quarantine_rows,
    record_batch,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def accepted(store, run_id, name, *, source="prison", content=None, extract_date=None):
    return record_batch(
        store,
        run_id=run_id,
        source_file=name,
        source=source,
        checksum=sha(content or name),
        status="accepted",
        rows_read=3,
        rows_accepted=2,
        rows_quarantined=1,
        extract_date=extract_date,
    )


def test_same_file_is_recorded_once(store, run_id):
    first = accepted(store, run_id, "prison_2026q3.xlsx")
    with pytest.raises(BatchAlreadyIngested) as caught:
        accepted(store, run_id, "prison_2026q3 (copy).xlsx", content="prison_2026q3.xlsx")
    assert caught.value.batch_id == first
    assert [b.batch_id for b in list_batches(store)] == [first]
    found = find_accepted_batch(store, source="prison", checksum=sha("prison_2026q3.xlsx"))
    assert found is not None and found.batch_id == first and found.rows_accepted == 2


def test_same_content_under_another_source_or_rejected_is_a_new_batch(store, run_id):
    first = accepted(store, run_id, "a.csv", content="same")
    other = accepted(store, run_id, "b.csv", source="death", content="same")
    rejected = [
        record_batch(
            store, run_id=run_id, source_file="a.csv", source="prison", checksum=sha("same"),
            status="rejected", reject_rule="encoding_undetected", message="无法识别编码",
        )
        for _ in range(2)
    ]
    assert len({first, other, *rejected}) == 4
    assert find_accepted_batch(store, source="death", checksum=sha("same")).batch_id == other
    assert find_accepted_batch(store, source="hiv", checksum=sha("same")) is None


def test_bad_status_or_checksum_is_refused(store, run_id):
    with pytest.raises(ValueError, match="batch status"):
        record_batch(store, run_id=run_id, source_file="x", source="prison", checksum=sha("x"), status="ok")
    with pytest.raises(ValueError, match="sha256"):
        record_batch(store, run_id=run_id, source_file="x", source="prison", checksum="abc", status="accepted")


def test_quarantine_rows_and_field_flags_round_trip(store, run_id):
    batch_id = accepted(store, run_id, "prison.csv")
    quarantine = pl.DataFrame(
        {
            "row": [3, 3, 7],
            "field": ["id_number", "name", None],
            "rule": ["id_check_digit", "required_missing", "duplicate_row"],
            "value": ["22018319900101123X", "", None],
            "message_zh": ["身份证号校验位错误", "必填项为空", "重复行"],
        }
    )
    assert add_quarantine_rows(store, batch_id=batch_id, rows=quarantine) == 3
    loaded = load_quarantine_rows(store, batch_ids=[batch_id])
    assert loaded.drop("batch_id").equals(quarantine.cast({"row": pl.Int64}))
    assert loaded["batch_id"].to_list() == [batch_id] * 3

    flags = pl.DataFrame({"row": list(range(1, 1001)), "field": "birth_date", "rule": "date_implausible", "value": "1900-01-01"})
    assert add_field_flags(store, batch_id=batch_id, flags=flags) == 1000
    stored = load_field_flags(store, batch_ids=[batch_id])
    assert stored.height == 1000 and stored["message_zh"].null_count() == 1000
    assert stored["row"].to_list() == list(range(1, 1001))
    assert load_quarantine_rows(store, batch_ids=[batch_id + 1]).is_empty()


def test_issue_frames_need_row_and_rule(store, run_id):
    batch_id = accepted(store, run_id, "prison.csv")
    with pytest.raises(ValueError, match="missing column"):
        add_quarantine_rows(store, batch_id=batch_id, rows=pl.DataFrame({"row": [1]}))


def test_latest_batches_are_the_newest_extract_per_source(store, run_id):
    old = accepted(store, run_id, "prison_2026q2.xlsx", extract_date=date(2026, 6, 30))
    new = accepted(store, run_id, "prison_2026q3.xlsx", extract_date=date(2026, 9, 30))
    # The same file name re-sent with other content: only the newer counts.
    accepted(store, run_id, "death_2026q3.csv", source="death", content="v1", extract_date=date(2026, 9, 30))
    death_v2 = accepted(store, run_id, "death_2026q3.csv", source="death", content="v2", extract_date=date(2026, 9, 30))
    # One extract split over two files of the same date: both count.
    push_a = accepted(store, run_id, "inbound_push_220381_20260715.xlsx", source="inbound_push", extract_date=date(2026, 7, 15))
    push_b = accepted(store, run_id, "inbound_push_220382_20260715.xlsx", source="inbound_push", extract_date=date(2026, 7, 15))
    record_batch(store, run_id=run_id, source_file="prison_2026q4.xlsx", source="prison", checksum=sha("bad"), status="rejected")

    assert [b.batch_id for b in latest_batches(store)] == [death_v2, push_a, push_b, new]
    assert [b.batch_id for b in latest_batches(store, sources=["prison"])] == [new]
    assert [b.batch_id for b in latest_batches(store, sources=["prison"], as_of=date(2026, 7, 1))] == [old]
    assert latest_batches(store, sources=["hiv"]) == []
