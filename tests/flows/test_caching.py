from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from childlink.settings import Settings
from flows.caching import is_transient_io_error, job_cache_key


def _folder(tmp_path):
    folder = tmp_path / "extracts"
    (folder / "sub").mkdir(parents=True)
    (folder / "death.csv").write_text("公民身份号码,姓名\n220183201503150011,王小明\n", encoding="utf-8")
    (folder / "sub" / "prison.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return folder


def _params(folder, **changes):
    params = {
        "extracts_dir": folder,
        "out_dir": folder.parent / "out",
        "settings": Settings(),
        "as_of": date(2026, 9, 30),
        "county": "220183",
    }
    return params | changes


def test_key_is_stable_for_unchanged_inputs(tmp_path):
    folder = _folder(tmp_path)
    assert job_cache_key("comparison", _params(folder)) == job_cache_key("comparison", _params(folder))
    # Touching a file without changing its bytes changes nothing.
    (folder / "death.csv").write_bytes((folder / "death.csv").read_bytes())
    assert job_cache_key("comparison", _params(folder)) == job_cache_key("comparison", _params(folder))


def test_key_changes_when_a_file_changes_or_appears(tmp_path):
    folder = _folder(tmp_path)
    before = job_cache_key("comparison", _params(folder))
    (folder / "sub" / "prison.xlsx").write_bytes(b"PK\x03\x04 another workbook")
    changed = job_cache_key("comparison", _params(folder))
    assert changed != before
    (folder / "custody.csv").write_text("x\n", encoding="utf-8")
    assert job_cache_key("comparison", _params(folder)) != changed


def test_hidden_files_do_not_change_the_key(tmp_path):
    folder = _folder(tmp_path)
    before = job_cache_key("comparison", _params(folder))
    (folder / ".~lock.death.csv#").write_text("officer,pc", encoding="utf-8")
    assert job_cache_key("comparison", _params(folder)) == before


@pytest.mark.parametrize(
    "change",
    [
        {"as_of": date(2026, 6, 30)},
        {"county": "220102"},
        {"settings": Settings().with_overrides(policy={"left_behind_max_age": 14})},
    ],
)
def test_key_changes_with_settings_as_of_and_county(tmp_path, change):
    folder = _folder(tmp_path)
    assert job_cache_key("comparison", _params(folder, **change)) != job_cache_key("comparison", _params(folder))


def test_key_differs_between_jobs_and_output_folders(tmp_path):
    folder = _folder(tmp_path)
    assert job_cache_key("intake", _params(folder)) != job_cache_key("comparison", _params(folder))
    assert job_cache_key("comparison", _params(folder, out_dir=tmp_path / "other")) != job_cache_key(
        "comparison", _params(folder)
    )


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="extracts folder not found"):
        job_cache_key("comparison", _params(tmp_path / "nowhere"))


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (OSError("share went away"), True),
        (TimeoutError(), True),
        (ConnectionResetError(), True),
        (OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
        (FileNotFoundError("x"), False),
        (PermissionError("x"), False),
        (NotImplementedError(), False),
        (ValueError("bad county"), False),
        (None, False),
    ],
)
def test_only_transient_io_errors_are_retried(exc, transient):
    assert is_transient_io_error(exc) is transient
