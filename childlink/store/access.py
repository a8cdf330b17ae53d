"""Users, roles and the audit log (policy §4: every reveal, view, export and decision is logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, select

from childlink.store.bulk import read_frame
from childlink.store.engine import Store, StoreError
from childlink.store.models import AUDIT_ACTIONS, AuditEntry, Role, User, UserRole, utc_now

AUDIT_SCHEMA = {
    "id": pl.Int64,
    "at": pl.Datetime("us", "UTC"),
    "actor": pl.Utf8,
    "action": pl.Utf8,
    "target": pl.Utf8,
    "detail": pl.Utf8,  # JSON text
}


def log_audit(
    store: Store, *, actor: str, action: str, target: str | None = None, detail: dict[str, Any] | None = None
) -> int:
    """Append one audit entry and return its id."""
    with store.begin() as connection:
        return audit_in(connection, actor=actor, action=action, target=target, detail=detail)


def audit_in(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """:func:`log_audit` inside the caller's transaction (the entry commits with the act)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"audit action must be one of {', '.join(AUDIT_ACTIONS)}, got {action!r}")
    if not actor:
        raise ValueError("an audit entry needs an actor")
    return connection.execute(
        AuditEntry.__table__.insert()
        .values(at=at or utc_now(), actor=actor, action=action, target=target, detail=detail)
        .returning(AuditEntry.id)
    ).scalar_one()


def load_audit_log(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    target: str | None = None,
) -> pl.DataFrame:
    """Audit entries (``id, at, actor, action, target, detail``) in the order written."""
    table = AuditEntry.__table__
    statement = select(*[table.c[c] for c in AUDIT_SCHEMA]).order_by(table.c.id)
    if actor is not None:
        statement = statement.where(table.c.actor == actor)
    if action is not None:
        statement = statement.where(table.c.action == action)
    if since is not None:
        statement = statement.where(table.c.at >= since)
    if target is not None:
        statement = statement.where(table.c.target == target)
    with store.engine.connect() as connection:
        return read_frame(connection, statement, AUDIT_SCHEMA, json_columns=("detail",))


def save_role(store: Store, *, role: str, permissions: list[str], description: str | None = None) -> None:
    """Create or replace a role and its permissions (e.g. ``view_hiv``, ``reveal_id_number``)."""
    with store.begin() as connection:
        existing = connection.execute(select(Role.role).where(Role.role == role)).first()
        values = {"permissions": sorted(set(permissions)), "description": description}
        if existing:
            connection.execute(Role.__table__.update().where(Role.role == role).values(**values))
        else:
            connection.execute(Role.__table__.insert().values(role=role, **values))


def add_user(store: Store, *, user_id: str, display_name: str, county: str | None = None) -> None:
    """Create a user (county None = province level)."""
    with store.begin() as connection:
        connection.execute(
            User.__table__.insert().values(
                user_id=user_id, display_name=display_name, county=county, active=True, created_at=utc_now()
            )
        )


def grant_role(store: Store, *, user_id: str, role: str, granted_by: str) -> None:
    """Give a user a role (idempotent); logged as a 'decide' audit entry."""
    with store.begin() as connection:
        if connection.execute(select(User.user_id).where(User.user_id == user_id)).first() is None:
            raise StoreError(f"no such user: {user_id}")
        if connection.execute(select(Role.role).where(Role.role == role)).first() is None:
            raise StoreError(f"no such role: {role}")
        key = (UserRole.user_id == user_id) & (UserRole.role == role)
        if connection.execute(select(UserRole.role).where(key)).first() is None:
            connection.execute(
                UserRole.__table__.insert().values(
                    user_id=user_id, role=role, granted_by=granted_by, granted_at=utc_now()
                )
            )
            audit_in(
                connection, actor=granted_by, action="decide", target=f"user:{user_id}", detail={"grant_role": role}
            )


def user_permissions(store: Store, *, user_id: str) -> set[str]:
    """Every permission an active user holds through their roles (empty for unknown or inactive users)."""
    statement = (
        select(Role.permissions)
        .join(UserRole, UserRole.role == Role.role)
        .join(User, User.user_id == UserRole.user_id)
        .where(User.user_id == user_id, User.active.is_(True))
    )
    with store.engine.connect() as connection:
        return {p for permissions in connection.execute(statement).scalars() for p in permissions or []}
