"""Fixtures of the store tests: every store test runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database ``childlink_test_<pid>`` is created on the server
at 127.0.0.1:5432 (user postgres; override the server with
CHILDLINK_TEST_POSTGRES_URL) for the test session and dropped at its end;
each test starts from an empty schema. An unreachable server fails the
PostgreSQL tests with a clear message; set CHILDLINK_SKIP_POSTGRES=1 to skip
them instead (e.g. on a laptop without PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from childlink.store import Store, open_store
from childlink.store.repository import start_run

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
COUNTY = "220183"


def _libpq(url: str) -> dict[str, object]:
    parsed = make_url(url)
    return {
        "host": parsed.host,
        "port": parsed.port or 5432,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
        "connect_timeout": 5,
        "autocommit": True,
    }


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """URL of a PostgreSQL database created for this test session (dropped afterwards)."""
    server_url = os.environ.get("CHILDLINK_TEST_POSTGRES_URL", DEFAULT_SERVER_URL)
    try:
        admin = psycopg.connect(**_libpq(server_url))
    except psycopg.OperationalError as exc:
        message = (
            f"PostgreSQL is not reachable at {make_url(server_url).render_as_string(hide_password=True)}: {exc}. "
            "Start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) "
            "or set CHILDLINK_SKIP_POSTGRES=1 to skip the PostgreSQL store tests."
        )
        if os.environ.get("CHILDLINK_SKIP_POSTGRES") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    name = f"childlink_test_{os.getpid()}"
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**_libpq(server_url)) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_schema(url: str) -> None:
    with psycopg.connect(**_libpq(url)) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file under tmp_path, or the session's PostgreSQL database, emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'childlink.db'}"
    url = request.getfixturevalue("postgres_database_url")
    _empty_schema(url)
    return url


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[Store]:
    """An open, migrated store with its data folder under tmp_path."""
    opened = open_store(store_url, data_dir=tmp_path / "data")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def run_id(store: Store) -> str:
    """A running intake run of the test county."""
    return start_run(store, kind="intake", county=COUNTY)
