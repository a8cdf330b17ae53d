"""Alembic environment of the store.

Run programmatically by ``childlink.store.engine.migrate_to_head`` (which hands
over an open connection), or from the command line through
``childlink/store/alembic.ini`` (then the database comes from the settings).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from childlink.store.models import Base

config = context.config
target_metadata = Base.metadata

# Only the command line configures logging; an application's own logging
# must not be reset when it opens the store.
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # The store begins a real transaction on SQLite too (engine._sqlite_begin),
        # so a failed migration leaves no half-built schema on either backend.
        transactional_ddl=True,
        # SQLite cannot ALTER most things: batch mode rebuilds the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    from childlink.settings import load_settings
    from childlink.store.engine import create_store_engine

    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or load_settings().store.database_url)
    try:
        with engine.begin() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    from childlink.settings import load_settings
    from childlink.store.engine import normalise_url

    url = config.get_main_option("sqlalchemy.url") or load_settings().store.database_url
    context.configure(url=normalise_url(url), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
