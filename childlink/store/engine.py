"""Open the store: the database engine, the records folder, migrations to head.

``open_store(url, data_dir=...)`` is the one way in. It accepts any SQLAlchemy
URL; ``postgresql://`` and ``postgres://`` URLs are served by psycopg 3 (the
driver the project installs). SQLite files get WAL journaling (readers do not
block the writer), foreign keys and a busy timeout; their parent folders are
created.

Repository functions write inside ``store.begin()`` (on SQLite: BEGIN
IMMEDIATE) and read with ``store.engine.connect()``.

Migrations run programmatically on every open, so a county never runs a
separate upgrade step. Developers who write a new migration use the Alembic
command line through the bundled ini file, which takes the database from the
settings (``CHILDLINK_DATABASE_URL`` or ``data/settings.toml``)::

    uv run alembic -c childlink/store/alembic.ini revision --autogenerate -m "what changed"
    uv run alembic -c childlink/store/alembic.ini upgrade head
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from childlink.settings import Settings

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN_OPTION = "childlink_sqlite_begin"  # execution option: "" (deferred) or "IMMEDIATE"
# Any fixed number: PostgreSQL advisory lock that serialises concurrent migrators.
_MIGRATION_LOCK_KEY = 0x6368_6C6B


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked."""


@dataclass(frozen=True)
class Store:
    """An open store: the database engine and the folder holding record files."""

    engine: Engine
    data_dir: Path

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (commits at the end, rolls back on error).

        On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a
        transaction that reads and then writes could otherwise fail with
        "database is locked" when another process wrote in between, whatever
        the busy timeout. Readers are not blocked (WAL).
        """
        with self.engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}) as connection:
            with connection.begin():
                yield connection

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def normalise_url(url: str | URL) -> URL:
    """The URL with psycopg 3 as the PostgreSQL driver (plain ``postgresql://`` means psycopg2)."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str | URL) -> Engine:
    """A SQLAlchemy engine for the store URL, with the SQLite pragmas set on each connection."""
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreError(f"unsupported database {backend!r}: the store runs on {' or '.join(SUPPORTED_BACKENDS)}")
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if in_memory:
        # One shared connection, otherwise each connection sees its own empty database.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: Any) -> None:
    # Python's sqlite3 (3.11) opens no transaction before DDL, so a migration
    # would commit statement by statement; with the driver's own transaction
    # handling off (below), SQLAlchemy's BEGIN covers DDL too. Writers ask for
    # IMMEDIATE (Store.begin, migrate_to_head): they take the write lock up
    # front and queue behind each other under the busy timeout.
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # WAL + NORMAL is durable across application crashes and much faster
        # for bulk writes than FULL (a power cut may lose the last commit).
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def alembic_config() -> Config:
    """An Alembic configuration pointing at the bundled migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate_to_head(engine: Engine) -> None:
    """Upgrade the database to the newest migration; a no-op when it is already there."""
    config = alembic_config()
    with engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            # Two processes opening a fresh store at once must not both create tables.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str, *, data_dir: Path | str, migrate: bool = True) -> Store:
    """Open (and by default migrate to head) the store at ``url``, records under ``data_dir``.

    ``data_dir`` is created when missing; a relative path is resolved against
    the working folder now, so a later change of folder does not move it.
    """
    if not url:
        raise StoreError("no database URL given / 未设置数据库地址 (store.database_url)")
    try:
        engine = create_store_engine(url)
    except StoreError:
        raise
    except Exception as exc:  # bad URL or unknown driver: say which URL
        raise StoreError(f"cannot use database URL {_safe(url)}: {exc}") from exc
    folder = Path(data_dir).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if migrate:
        try:
            migrate_to_head(engine)
        except Exception:
            engine.dispose()
            raise
    return Store(engine=engine, data_dir=folder)


def store_from_settings(settings: Settings) -> Store:
    """Open the store the settings name (``settings.store.database_url`` and ``data_dir``)."""
    return open_store(settings.store.database_url, data_dir=settings.store.data_dir)


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"
