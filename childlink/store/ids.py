"""Identifiers that stay unique across counties (see the models' module docstring).

Entity and case ids are ``'<county>-<kind><10-digit counter>'``; the counter of
each (county, kind) lives in ``id_counters`` and is bumped by whole blocks in
one statement, so a run allocating a million ids makes one round trip and two
writers never receive the same number.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from childlink.store.engine import Store
from childlink.store.models import IdCounter

ENTITY = "P"
CASE = "C"
KINDS = (ENTITY, CASE)
COUNTER_DIGITS = 10


def format_id(county: str, kind: str, number: int) -> str:
    """``format_id('220183', 'P', 42) == '220183-P0000000042'``."""
    return f"{county}-{kind}{number:0{COUNTER_DIGITS}d}"


def county_of(identifier: str) -> str:
    """The county code an entity, case or run id starts with."""
    return identifier.split("-", 1)[0]


def new_run_id(county: str, *, at: datetime | None = None) -> str:
    """A fresh run id, ``'<county>-R<yyyymmddThhmmss>-<6 hex>'`` (sorts by start time)."""
    moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"{county}-R{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def allocate_ids(store: Store, *, county: str, kind: str, count: int) -> list[str]:
    """``count`` new, never used ids of ``kind`` ('P' entity, 'C' case) for the county."""
    with store.begin() as connection:
        return allocate_ids_in(connection, county=county, kind=kind, count=count)


def allocate_ids_in(connection: Connection, *, county: str, kind: str, count: int) -> list[str]:
    """:func:`allocate_ids` inside the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"id kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if not (len(county) == 6 and county.isdigit()):
        raise ValueError(f"county must be a 6-digit code, got {county!r}")
    if count <= 0:
        return []
    key = (IdCounter.county == county) & (IdCounter.kind == kind)
    if connection.execute(select(IdCounter.next_value).where(key)).first() is None:
        _insert_counter(connection, county, kind)
    # One UPDATE ... RETURNING: the row lock makes concurrent allocations queue.
    end = connection.execute(
        update(IdCounter).where(key).values(next_value=IdCounter.next_value + count).returning(IdCounter.next_value)
    ).scalar_one()
    start = end - count
    return [format_id(county, kind, n) for n in range(start, end)]


def _insert_counter(connection: Connection, county: str, kind: str) -> None:
    # ON CONFLICT DO NOTHING: another writer may create the row between our
    # SELECT and this INSERT; the UPDATE that follows is what allocates.
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        dialect_insert(IdCounter).values(county=county, kind=kind, next_value=1).on_conflict_do_nothing()
    )
