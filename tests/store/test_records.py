import re
from datetime import date

import polars as pl
import pytest

from childlink.store import StoreError
from childlink.store.records import (
    read_batch_records,
    read_current_records,
    save_accepted_batch,
    write_batch_records,
)
from childlink.store.repository import (
    BatchAlreadyIngested,
    get_batch,
    list_batches,
    load_field_flags,
    load_quarantine_rows,
    record_batch,
)


def test_records_round_trip_through_parquet(store, run_id):
    batch_id = record_batch(store, run_id=run_id, source_file="prison.csv", source="prison", checksum="a" * 64, status="accepted")
    frame = pl.DataFrame(
        {
            "row": pl.Series([1, 2], dtype=pl.Int64),
            "name": ["张伟", None],
            "start_date": [date(2025, 1, 2), None],
            "id_check_ok": [True, False],
        }
    )
    relative = write_batch_records(store, batch_id=batch_id, source="prison", frame=frame)
    assert re.fullmatch(rf"records/prison/{batch_id}-[0-9a-f]{{8}}\.parquet", relative)
    assert (store.data_dir / relative).is_file()
    assert get_batch(store, batch_id=batch_id).records_path == relative
    assert read_batch_records(store, batch_id=batch_id).equals(frame)
    assert not list((store.data_dir / "records" / "prison").glob(".*partial"))


def test_records_errors_name_the_batch(store, run_id):
    batch_id = record_batch(store, run_id=run_id, source_file="prison.csv", source="prison", checksum="b" * 64, status="accepted")
    with pytest.raises(StoreError, match=f"batch {batch_id} .*no stored records"):
        read_batch_records(store, batch_id=batch_id)
    with pytest.raises(StoreError, match="not death"):
        write_batch_records(store, batch_id=batch_id, source="death", frame=pl.DataFrame({"row": [1]}))
    with pytest.raises(StoreError, match="no such batch: 999"):
        write_batch_records(store, batch_id=999, source="prison", frame=pl.DataFrame({"row": [1]}))
    with pytest.raises(ValueError, match="source key"):
        write_batch_records(store, batch_id=batch_id, source="../etc", frame=pl.DataFrame({"row": [1]}))


def test_current_records_are_the_latest_batches(store, run_id):
    old = record_batch(store, run_id=run_id, source_file="prison_2026q2.csv", source="prison", checksum="1" * 64,
                       status="accepted", extract_date=date(2026, 6, 30))
    new = record_batch(store, run_id=run_id, source_file="prison_2026q3.csv", source="prison", checksum="2" * 64,
                       status="accepted", extract_date=date(2026, 9, 30))
    for batch_id in (old, new):
        write_batch_records(store, batch_id=batch_id, source="prison", frame=pl.DataFrame({"row": [batch_id]}))
    current = read_current_records(store)
    assert list(current) == [new]
    source, frame = current[new]
    assert source == "prison" and frame["row"].to_list() == [new]


def test_an_accepted_batch_is_saved_all_or_nothing(store, run_id):
    records = pl.DataFrame({"row": [1, 2, 4], "name": ["张伟", "李娜", "王芳"]})
    quarantine = pl.DataFrame({"row": [3, 3], "field": ["id_number", "name"], "rule": ["id_check_digit", "required_missing"]})
    flags = pl.DataFrame({"row": [2], "field": ["birth_date"], "rule": ["date_implausible"], "value": ["1900-01-01"]})
    batch_id = save_accepted_batch(
        store, run_id=run_id, source_file="prison_2026q3.xlsx", source="prison", checksum="e" * 64,
        records=records, quarantine=quarantine, field_flags=flags, extract_date=date(2026, 9, 30),
    )
    batch = get_batch(store, batch_id=batch_id)
    assert (batch.rows_read, batch.rows_accepted, batch.rows_quarantined) == (4, 3, 1)
    assert read_batch_records(store, batch_id=batch_id).equals(records)
    assert load_quarantine_rows(store, batch_ids=[batch_id]).height == 2
    assert load_field_flags(store, batch_ids=[batch_id]).height == 1
    with pytest.raises(BatchAlreadyIngested):
        save_accepted_batch(store, run_id=run_id, source_file="again.xlsx", source="prison", checksum="E" * 64, records=records)

    # A broken quarantine frame: no batch, no file, and the same file can be ingested later.
    with pytest.raises(ValueError, match="missing column"):
        save_accepted_batch(
            store, run_id=run_id, source_file="death.csv", source="death", checksum="f" * 64,
            records=records, quarantine=pl.DataFrame({"row": [1]}),
        )
    assert list_batches(store) == [batch]
    assert not (store.data_dir / "records" / "death").exists() or not any((store.data_dir / "records" / "death").iterdir())
    again = save_accepted_batch(store, run_id=run_id, source_file="death.csv", source="death", checksum="f" * 64, records=records)
    assert re.fullmatch(rf"records/death/{again}-[0-9a-f]{{8}}\.parquet", get_batch(store, batch_id=again).records_path)


def test_two_stores_sharing_a_data_folder_keep_their_own_records(tmp_path, run_id, store):
    """Batch ids are per database: the same id in two stores must not share a file."""
    from childlink.store import open_store
    from childlink.store import repository as repo

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}", data_dir=store.data_dir)
    other_run = repo.start_run(other, kind="intake", county="220183")
    mine = pl.DataFrame({"row": [1], "name": ["张伟"]})
    theirs = pl.DataFrame({"row": [1], "name": ["王芳"]})
    a = save_accepted_batch(store, run_id=run_id, source_file="death_1.csv", source="death", checksum="a" * 64,
                            records=mine)
    b = save_accepted_batch(other, run_id=other_run, source_file="death_1.csv", source="death", checksum="b" * 64,
                            records=theirs)
    assert read_batch_records(store, batch_id=a)["name"].to_list() == ["张伟"]
    assert read_batch_records(other, batch_id=b)["name"].to_list() == ["王芳"]
