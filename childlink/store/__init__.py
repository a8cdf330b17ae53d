"""The store: SQLAlchemy models, Alembic migrations and repository functions.

The only package that writes SQL. Open it with :func:`open_store` (or
:func:`store_from_settings`); read and write through
:mod:`childlink.store.repository` and :mod:`childlink.store.records`.
"""

from childlink.store.engine import Store, StoreError, open_store, store_from_settings

__all__ = ["Store", "StoreError", "open_store", "store_from_settings"]
