from datetime import date

import polars as pl
import pytest

from childlink.store import StoreError
from childlink.store.records import read_batch_records, read_current_records, write_batch_records
from childlink.store.repository import get_batch, record_batch


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
    assert relative == f"records/prison/{batch_id}.parquet"
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
