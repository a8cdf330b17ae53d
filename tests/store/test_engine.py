from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from childlink.settings import Settings
from childlink.store import StoreError, open_store, store_from_settings
from childlink.store.engine import alembic_config, normalise_url
from childlink.store.models import Base

TABLES = {
    "runs",
    "batches",
    "quarantine_rows",
    "field_flags",
    "entities",
    "entity_members",
    "entity_lineage",
    "review_items",
    "review_decisions",
    "cases",
    "case_events",
    "flags",
    "users",
    "roles",
    "user_roles",
    "audit_log",
    "id_counters",
}


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_create_every_table_on_a_fresh_database(store):
    tables = set(inspect(store.engine).get_table_names())
    assert tables == TABLES | {"alembic_version"}
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()


def test_opening_twice_is_idempotent(store, store_url, tmp_path):
    with store.engine.begin() as connection:
        connection.execute(text("INSERT INTO id_counters (county, kind, next_value) VALUES ('220183', 'P', 7)"))
    again = open_store(store_url, data_dir=tmp_path / "data")
    try:
        with again.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
            assert connection.execute(text("SELECT next_value FROM id_counters")).scalar_one() == 7
    finally:
        again.close()


def test_models_and_migrations_do_not_drift(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(store):
    from alembic import command

    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert TABLES <= set(inspect(store.engine).get_table_names())


def test_sqlite_file_gets_folders_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "a" / "b" / "store.db"
    store = open_store(f"sqlite:///{path}", data_dir=tmp_path / "records")
    try:
        assert path.is_file() and (tmp_path / "records").is_dir()
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30_000
    finally:
        store.close()


def test_in_memory_sqlite_keeps_its_tables_across_connections(tmp_path):
    store = open_store("sqlite://", data_dir=tmp_path)
    try:
        assert "runs" in inspect(store.engine).get_table_names()
    finally:
        store.close()


def test_plain_postgresql_urls_use_psycopg_3():
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_unsupported_or_missing_url_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        open_store("mysql://u@h/db", data_dir=tmp_path)
    with pytest.raises(StoreError, match="no database URL"):
        open_store("", data_dir=tmp_path)


def test_store_from_settings_uses_url_and_data_dir(tmp_path):
    settings = Settings().with_overrides(
        store={"database_url": f"sqlite:///{tmp_path / 'x.db'}", "data_dir": str(tmp_path / "d")}
    )
    store = store_from_settings(settings)
    try:
        assert store.dialect == "sqlite"
        assert store.data_dir == Path(tmp_path / "d").resolve()
    finally:
        store.close()


def _open_and_close(url: str, data_dir: str) -> str:
    store = open_store(url, data_dir=data_dir)
    store.close()
    return "ok"


def test_concurrent_opens_of_a_fresh_store_migrate_once(store_url, tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_open_and_close, [store_url] * 3, [str(tmp_path / "data")] * 3))
    assert results == ["ok"] * 3
    store = open_store(store_url, data_dir=tmp_path / "data")
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]
    finally:
        store.close()


def test_a_failed_transaction_leaves_nothing_behind_on_sqlite(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}", data_dir=tmp_path)
    try:
        with pytest.raises(RuntimeError), store.engine.begin() as connection:
            connection.execute(text("CREATE TABLE scratch (x INTEGER)"))
            raise RuntimeError("undo")
        assert "scratch" not in inspect(store.engine).get_table_names()
    finally:
        store.close()
