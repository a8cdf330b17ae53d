"""ingest_folder end to end on files in tmp_path: each kind of bad input, stored rows, reconciliation."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from childlink.intake import ingest_folder
from childlink.settings import Settings
from childlink.store import open_store
from childlink.store import repository as repo
from childlink.store.records import read_batch_records

AS_OF = date(2026, 9, 30)
HUKOU_HEADER = ["公民身份号码", "姓名", "性别", "出生日期", "民族", "住址区划"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(i: int) -> str:
    born = date.fromordinal(date(2012, 3, 1).toordinal() + i)
    body = f"220183{born:%Y%m%d}{i % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def hukou_row(i: int) -> list[str]:
    number = id_number(i)
    name = "张" + "一二三四五六七八九十"[i % 10] + "甲乙丙丁戊"[i // 10 % 5]
    sex = "男" if int(number[16]) % 2 else "女"
    return [number, name, sex, f"{number[6:10]}-{number[10:12]}-{number[12:14]}", "汉族", "220183100"]


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def read_out_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} must start with a UTF-8 BOM for Excel"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().with_overrides(
        store={"database_url": f"sqlite:///{tmp_path / 'db' / 'childlink.db'}", "data_dir": str(tmp_path / "data")}
    )


@pytest.fixture
def store(settings: Settings):
    opened = open_store(settings.store.database_url, data_dir=settings.store.data_dir)
    yield opened
    opened.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """One file of each kind: good with 5% invalid rows, truncated, missing column, UTF-16, empty, duplicate."""
    folder = tmp_path / "extracts"
    folder.mkdir()
    rows = [hukou_row(i) for i in range(40)]
    rows[9][1] = ""  # blank name: required_missing
    rows[29][0] = "22018312"  # not an ID number: id_number_format
    write_csv(folder / "hukou_population_20260930.csv", HUKOU_HEADER, rows)
    shutil.copy(folder / "hukou_population_20260930.csv", folder / "hukou_population_copy_20260930.csv")
    truncated = write_csv(folder / "medical_insurance_2026h1.csv", ["公民身份号码", "姓名", "性别"], [[id_number(1), "李四", "女"]])
    truncated.write_bytes(truncated.read_bytes() + f"{id_number(2)},王".encode())
    write_csv(folder / "hukou_population_20260630.csv", ["公民身份号码", "性别", "出生日期"], [[id_number(3), "男", "2012-03-04"]])
    write_csv(folder / "rehab_assistance_2026h1.csv", ["公民身份号码", "姓名"], [[id_number(4), "赵六"]], encoding="utf-16")
    (folder / "disability_20260930.csv").write_bytes(b"")
    return folder


def test_each_kind_of_bad_input(folder: Path, tmp_path: Path, settings: Settings, store) -> None:
    out = tmp_path / "out"
    result = ingest_folder(folder, out, settings=settings, store=store, as_of=AS_OF)
    by_file = {r["source_file"]: r for r in read_out_csv(out / "intake.csv")}

    good = by_file["hukou_population_20260930.csv"]
    assert (good["status"], good["rows_read"], good["rows_accepted"], good["rows_quarantined"]) == (
        "accepted", "40", "38", "2")
    duplicate = by_file["hukou_population_copy_20260930.csv"]
    assert (duplicate["status"], duplicate["rule"]) == ("skipped", "duplicate_file")
    assert "已导入" in duplicate["message"]

    rejected = {name: r["rule"] for name, r in by_file.items() if r["status"] == "rejected"}
    assert rejected == {
        "medical_insurance_2026h1.csv": "file_truncated",
        "hukou_population_20260630.csv": "required_column_missing",
        "rehab_assistance_2026h1.csv": "encoding_undetected",
        "disability_20260930.csv": "header_not_found",
    }
    for name in rejected:
        assert name in by_file[name]["message"]  # the message names the file
    assert "姓名" in by_file["hukou_population_20260630.csv"]["message"]  # ... and the missing column
    assert "文件为空" in by_file["disability_20260930.csv"]["message"]

    lines = read_out_csv(out / "quarantine.csv")
    assert [(q["source_file"], q["row"], q["column"], q["rule"], q["value"]) for q in lines] == [
        ("hukou_population_20260930.csv", "10", "姓名", "required_missing", ""),
        ("hukou_population_20260930.csv", "30", "公民身份号码", "id_number_format", "22018312"),
    ]
    assert all(q["message_zh"] for q in lines)
    assert (out / "validation" / "hukou_population_20260930.csv.html").is_file()

    summary = result.summary
    assert summary["reconciled"] and summary["rows_read"] == 40 == summary["rows_accepted"] + summary["rows_quarantined"]
    assert (summary["accepted"], summary["rejected"], summary["skipped"]) == (1, 4, 1)

    # What the store holds: one accepted batch, its quarantine lines and its Parquet records.
    batches = repo.list_batches(store, run_id=result.run_id)
    assert sorted(b.status for b in batches) == ["accepted", "rejected", "rejected", "rejected", "rejected"]
    accepted = [b for b in batches if b.status == "accepted"][0]
    assert (accepted.rows_read, accepted.rows_accepted, accepted.rows_quarantined) == (40, 38, 2)
    stored = repo.load_quarantine_rows(store, batch_ids=[accepted.batch_id])
    assert stored.select("row", "rule").rows() == [(10, "required_missing"), (30, "id_number_format")]
    records = read_batch_records(store, batch_id=accepted.batch_id)
    assert records.height == 38 and 10 not in records["row"].to_list()
    assert repo.get_run(store, run_id=result.run_id)["status"] == "succeeded"


def test_second_run_skips_what_is_already_stored(folder: Path, tmp_path: Path, settings: Settings, store) -> None:
    first = ingest_folder(folder, tmp_path / "out1", settings=settings, store=store, as_of=AS_OF)
    second = ingest_folder(folder, tmp_path / "out2", settings=settings, store=store, as_of=AS_OF)
    statuses = {r.source_file: r.status for r in second.files}
    assert statuses["hukou_population_20260930.csv"] == "skipped"
    assert statuses["hukou_population_copy_20260930.csv"] == "skipped"
    assert len(repo.list_batches(store, status="accepted")) == 1
    assert repo.list_batches(store, run_id=second.run_id, status="accepted") == []
    assert first.summary["rows_read"] == 40 and second.summary["rows_read"] == 0


def test_sensitive_source_quarantine_shows_row_and_rule_only(tmp_path: Path, settings: Settings, store) -> None:
    folder = tmp_path / "hiv"
    folder.mkdir()
    write_csv(folder / "hiv_20260930.csv", ["公民身份号码", "姓名"], [[id_number(5), "孙七"], ["12345", "周八"]])
    result = ingest_folder(folder, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    lines = read_out_csv(tmp_path / "out" / "quarantine.csv")
    assert [(q["row"], q["rule"], q["column"], q["value"]) for q in lines] == [("2", "id_number_format", "", "")]
    assert "12345" not in (tmp_path / "out" / "quarantine.csv").read_text(encoding="utf-8-sig")
    assert result.summary["rows_quarantined"] == 1


def test_header_only_file_is_accepted_empty_with_a_warning(tmp_path: Path, settings: Settings, store) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    write_csv(folder / "hukou_population_20260930.csv", HUKOU_HEADER, [])
    result = ingest_folder(folder, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    [file] = result.files
    assert (file.status, file.rows_read, file.rule) == ("accepted", 0, "empty_file")
    assert "没有数据行" in file.message


def test_missing_folder_is_a_clear_error(tmp_path: Path, settings: Settings, store) -> None:
    with pytest.raises(FileNotFoundError, match="extracts folder not found"):
        ingest_folder(tmp_path / "nope", tmp_path / "out", settings=settings, store=store)


def test_batches_join_a_run_the_caller_owns(folder: Path, tmp_path: Path, settings: Settings, store) -> None:
    run_id = repo.start_run(store, kind="compare", county="220183", as_of=AS_OF)
    result = ingest_folder(folder, tmp_path / "out", settings=settings, store=store, run_id=run_id, as_of=AS_OF)
    assert result.run_id == run_id
    assert len(repo.list_batches(store, run_id=run_id)) == 5  # the duplicate copy is skipped, not stored
    assert repo.get_run(store, run_id=run_id)["status"] == "running"  # the caller finishes its own run


@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    """One hukou file with a quarantined row and a flagged one."""
    folder = tmp_path / "one"
    folder.mkdir()
    rows = [hukou_row(i) for i in range(10)]
    rows[2][1] = ""  # required_missing: quarantined
    rows[5][3] = "2012-01-01"  # birth_date_mismatch_id: a field flag on an accepted row
    write_csv(folder / "hukou_population_20260930.csv", HUKOU_HEADER, rows)
    return folder


def test_a_failure_while_storing_leaves_no_accepted_batch(one_file: Path, tmp_path: Path, settings: Settings, store) -> None:
    blocker = Path(settings.store.data_dir) / "records"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # the Parquet file cannot be written
    with pytest.raises(OSError):
        ingest_folder(one_file, tmp_path / "out1", settings=settings, store=store, as_of=AS_OF)
    assert repo.list_batches(store, status="accepted") == []
    assert repo.load_quarantine_rows(store).is_empty() and repo.load_field_flags(store).is_empty()

    blocker.unlink()
    result = ingest_folder(one_file, tmp_path / "out2", settings=settings, store=store, as_of=AS_OF)
    [file] = result.files
    assert (file.status, file.rows_read, file.rows_accepted, file.rows_quarantined) == ("accepted", 10, 9, 1)
    [batch] = repo.list_batches(store, status="accepted")
    assert read_batch_records(store, batch_id=batch.batch_id).height == 9
    assert repo.load_quarantine_rows(store, batch_ids=[batch.batch_id])["row"].to_list() == [3]
    flags = repo.load_field_flags(store, batch_ids=[batch.batch_id])
    assert ("birth_date", "birth_date_mismatch_id") in flags.select("field", "rule").rows()
    assert flags["message_zh"].is_not_null().all()


def test_a_database_failure_after_the_records_removes_them(
    one_file: Path, tmp_path: Path, settings: Settings, store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import childlink.store.records as records

    def refuse(*args, **kwargs):
        raise ValueError("field flags refused")

    monkeypatch.setattr(records, "insert_field_flags", refuse)
    with pytest.raises(ValueError, match="refused"):
        ingest_folder(one_file, tmp_path / "out1", settings=settings, store=store, as_of=AS_OF)
    assert repo.list_batches(store, status="accepted") == []
    assert not list(Path(settings.store.data_dir).rglob("*.parquet"))

    monkeypatch.undo()
    result = ingest_folder(one_file, tmp_path / "out2", settings=settings, store=store, as_of=AS_OF)
    assert [f.status for f in result.files] == ["accepted"]


def test_repeated_id_numbers_with_other_content_are_accepted_and_flagged(tmp_path: Path, settings: Settings, store) -> None:
    folder = tmp_path / "repeated"
    folder.mkdir()
    rows = [hukou_row(i) for i in range(6)]
    rows[3][0] = rows[1][0]  # same ID number as row 2, other name
    rows[4] = list(rows[1])
    rows[4][4] = "回族"  # and a third row with that number and another ethnicity
    write_csv(folder / "hukou_population_20260930.csv", HUKOU_HEADER, rows)
    result = ingest_folder(folder, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    [file] = result.files
    assert (file.status, file.rows_read, file.rows_accepted) == ("accepted", 6, 6)
    flags = repo.load_field_flags(store, batch_ids=[file.batch_id]).filter(pl.col("rule") == "duplicate_record")
    assert flags.select("row", "field").rows() == [(2, "id_number"), (4, "id_number"), (5, "id_number")]


def test_a_bug_in_a_row_check_raises_instead_of_rejecting_the_file(
    one_file: Path, tmp_path: Path, settings: Settings, store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import connectors.row_checks as row_checks

    def broken(frame, source):
        raise pl.exceptions.ShapeError("filter predicate length 3 does not match DataFrame height 2")

    monkeypatch.setattr(row_checks, "_duplicate_records", broken)
    with pytest.raises(pl.exceptions.ShapeError):
        ingest_folder(one_file, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    assert repo.list_batches(store, status="rejected") == []


def test_a_file_that_cannot_be_read_is_rejected_as_unreadable(
    one_file: Path, tmp_path: Path, settings: Settings, store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import childlink.intake as intake

    def unreadable(path, *args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(intake, "read_extract", unreadable)
    result = ingest_folder(one_file, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    [file] = result.files
    assert (file.status, file.rule) == ("rejected", "file_unreadable")
    assert file.message.startswith("文件“hukou_population_20260930.csv”：")


def test_officer_messages_are_in_chinese(folder: Path, tmp_path: Path, settings: Settings, store) -> None:
    (folder / "report.csv").write_text("a\n", encoding="utf-8")  # unknown_source
    (folder / "death_2026q3.pdf").write_text("a\n", encoding="utf-8")  # unsupported_format
    write_csv(folder / "hiv.csv", ["公民身份号码", "姓名"], [[id_number(6), "钱九"]])  # extract_date_unknown
    ingest_folder(folder, tmp_path / "out", settings=settings, store=store, as_of=AS_OF)
    by_file = {r["source_file"]: r for r in read_out_csv(tmp_path / "out" / "intake.csv")}

    assert "文件名应以下列来源代码之一开头" in by_file["report.csv"]["message"]
    assert "hukou_population（户籍人口信息）" in by_file["report.csv"]["message"]
    assert "扩展名“.pdf”" in by_file["death_2026q3.pdf"]["message"]
    assert "最后一行" in by_file["medical_insurance_2026h1.csv"]["message"]
    assert "不接受UTF-16编码" in by_file["rehab_assistance_2026h1.csv"]["message"]
    assert f"基准日 {AS_OF.isoformat()}" in by_file["hiv.csv"]["message"]
    english_prose = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")  # two English words in a row
    for row in by_file.values():
        assert not english_prose.search(row["message"]), row["message"]
