"""``childlink ingest`` through Typer's CliRunner on files in tmp_path, then the stored rows."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from childlink.cli import _register_commands
from childlink.cli.app import app
from childlink.store import open_store
from childlink.store import repository as repo

_register_commands()
runner = CliRunner()
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(i: int) -> str:
    born = date.fromordinal(date(2013, 5, 1).toordinal() + i)
    body = f"220183{born:%Y%m%d}{i % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


@pytest.fixture
def extracts(tmp_path: Path) -> Path:
    folder = tmp_path / "extracts"
    folder.mkdir()
    rows = [f"{id_number(i)},王{'一二三四五六七八九十'[i % 10]}{'甲乙'[i // 10 % 2]}" for i in range(20)]
    rows[4] = f"{id_number(4)},"  # blank name
    (folder / "hukou_population_20260930.csv").write_text("公民身份号码,姓名\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def _invoke(args: list[str], env: dict[str, str] | None = None):
    return runner.invoke(app, ["ingest", *args], env=env, catch_exceptions=False)


def test_ingest_loads_and_reports(extracts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default data folder is relative to the working folder
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = _invoke(["--extracts", str(extracts), "--out", str(tmp_path / "out"), "--db", db, "--as-of", "2026-09-30"])
    assert result.exit_code == 0, result.output
    assert "hukou_population_20260930.csv" in result.output and "notes.csv" in result.output
    assert "读取 20 行 = 通过 19 + 隔离 1" in result.output
    assert str(tmp_path / "out" / "intake.csv") in result.output
    for name in ("intake.csv", "quarantine.csv", "intake_summary.json"):
        assert (tmp_path / "out" / name).is_file()

    store = open_store(db, data_dir=tmp_path / "childlink-data")
    try:
        batches = {b.source_file: b for b in repo.list_batches(store)}
        assert batches["hukou_population_20260930.csv"].status == "accepted"
        assert (batches["hukou_population_20260930.csv"].rows_accepted, batches["notes.csv"].status) == (19, "rejected")
        assert batches["notes.csv"].reject_rule == "unknown_source"
        quarantine = repo.load_quarantine_rows(store)
        assert quarantine.select("row", "field", "rule").rows() == [(5, "name", "required_missing")]
    finally:
        store.close()


def test_missing_folder_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    result = _invoke(["--extracts", str(tmp_path / "nope"), "--out", str(tmp_path / "out"),
                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2
    assert "数据文件夹不存在" in result.output and "nope" in result.output


def test_bad_database_url_exits_2(extracts: Path, tmp_path: Path) -> None:
    result = _invoke(["--extracts", str(extracts), "--out", str(tmp_path / "out"), "--db", "oracle://somewhere/db"])
    assert result.exit_code == 2
    assert "无法打开数据库" in result.output


def test_help_is_bilingual() -> None:
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "导入部门数据并校验" in result.output and "Load and validate department extracts" in result.output


@pytest.mark.postgres
def test_ingest_into_postgresql_from_the_environment(extracts: Path, tmp_path: Path, monkeypatch) -> None:
    """CHILDLINK_DATABASE_URL selects the store; a fresh database on the local server."""
    server = os.environ.get("CHILDLINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parsed = make_url(server)
    connect = dict(host=parsed.host, port=parsed.port or 5432, user=parsed.username, password=parsed.password,
                   connect_timeout=5, autocommit=True)
    try:
        admin = psycopg.connect(dbname=parsed.database, **connect)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"childlink_ingest_{os.getpid()}"
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = parsed.set(database=name).render_as_string(hide_password=False)
    monkeypatch.chdir(tmp_path)
    try:
        result = _invoke(["--extracts", str(extracts), "--out", str(tmp_path / "out")],
                         env={"CHILDLINK_DATABASE_URL": url})
        assert result.exit_code == 0, result.output
        store = open_store(url, data_dir=tmp_path / "childlink-data")
        try:
            [accepted] = repo.list_batches(store, status="accepted")
            assert (accepted.rows_read, accepted.rows_accepted, accepted.rows_quarantined) == (20, 19, 1)
            assert repo.load_quarantine_rows(store, batch_ids=[accepted.batch_id]).height == 1
        finally:
            store.close()
    finally:
        with psycopg.connect(dbname=parsed.database, **connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
