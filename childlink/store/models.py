"""The store's tables as SQLAlchemy 2 declarative models.

Identifiers
-----------
Everything another county, a province-wide store or a later distributed run
may see is keyed by a **string** that carries its county, so rows from many
counties can be pushed, merged or unioned without renumbering:

- ``run_id``     ``'<county>-R<yyyymmddThhmmss>-<6 hex>'`` (time-sortable, no counter needed);
- ``entity_id``  ``'<county>-P<10-digit zero-padded counter>'``;
- ``case_id``    ``'<county>-C<10-digit zero-padded counter>'``.

Counters come from ``id_counters`` (one row per county and kind, bumped in
blocks inside a transaction, see :mod:`childlink.store.ids`). Zero padding
keeps the text order equal to the numeric order, so ids sort and range-scan
well in every engine (DuckDB, Spark, Parquet partitions) without parsing.
A county code is fixed-width (6 digits), so the prefix never collides.

Intake batches keep an integer ``batch_id`` (the exchange contract builds
``mention_id = '<batch_id>:<row>:<role>'`` from it); it is unique within one
store. A province store holds all its counties in one database and so one
sequence; a record pushed from another store travels as a file (the
``inbound_push`` source) and gets a batch of its own here.

Enumerations are plain strings guarded by CHECK constraints rather than
native enum types: adding a value then needs no type migration on PostgreSQL.
Constraint and index names follow one naming convention so that Alembic
migrations can address them on every backend.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")
# Surrogate keys of tables that grow large: 64-bit on PostgreSQL; SQLite needs
# exactly INTEGER PRIMARY KEY for its rowid alias (and it is 64-bit anyway).
BigId = BigInteger().with_variant(Integer(), "sqlite")

COUNTY = 6  # GB/T 2260 county-level code
ID_LEN = 40  # entity, case and run ids
KEY_LEN = 128  # record fingerprints supplied by matching

RUN_KINDS = ("intake", "link", "compare", "flow_children", "school_list")
RUN_STATUSES = ("running", "succeeded", "failed")
BATCH_STATUSES = ("accepted", "rejected")
ENTITY_STATUSES = ("active", "merged", "split")
MEMBER_METHODS = ("deterministic", "probabilistic", "review", "singleton")
LINEAGE_CHANGES = ("merge", "split", "rename")
REVIEW_ITEM_STATUSES = ("open", "decided", "superseded")
REVIEW_DECISIONS = ("linked", "not_linked")
CASE_STATUSES = ("new", "open", "resolved", "closed")
CASE_OUTCOMES = ("enrol", "change_category", "exit", "dismiss")
CASE_EVENTS = ("new", "still_open", "resolved", "reopened", "closed")
AUDIT_ACTIONS = ("reveal", "view", "export", "decide", "ingest", "run")


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column holds)."""
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """A timestamp that is timezone-aware UTC on the way out of every backend.

    PostgreSQL keeps the zone (timestamptz); SQLite has no zone, so values are
    stored as UTC and marked UTC when read. Naive inputs are taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _one_of(column: str, values: tuple[str, ...], name: str, *, nullable: bool = False) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    condition = f"{column} IN ({listed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Run(Base):
    """One job run (intake, linkage, comparison, ...), with what it was run with."""

    __tablename__ = "runs"
    __table_args__ = (
        _one_of("kind", RUN_KINDS, "kind"),
        _one_of("status", RUN_STATUSES, "status"),
        Index("ix_runs_county_kind_started_at", "county", "kind", "started_at"),
    )

    run_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    county: Mapped[str] = mapped_column(String(COUNTY))
    as_of: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12))
    summary: Mapped[Any | None] = mapped_column(JSONDoc)
    settings: Mapped[Any | None] = mapped_column(JSONDoc)
    code_version: Mapped[str | None] = mapped_column(String(64))


class Batch(Base):
    """One extract file an intake run read: accepted (rows stored as Parquet) or rejected."""

    __tablename__ = "batches"
    __table_args__ = (
        _one_of("status", BATCH_STATUSES, "status"),
        # Ingesting the same file twice changes nothing: one accepted batch per
        # (source, checksum). Rejected attempts may repeat and are all kept.
        Index(
            "uq_batches_accepted_source_checksum",
            "source",
            "checksum",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index("ix_batches_source_extract_date", "source", "extract_date"),
    )

    batch_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), index=True)
    source_file: Mapped[str] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(64))  # None when the file's source is unknown
    checksum: Mapped[str] = mapped_column(String(64))  # sha256, hex
    status: Mapped[str] = mapped_column(String(10))
    reject_rule: Mapped[str | None] = mapped_column(String(64))  # exchange.yaml file_rules
    rows_read: Mapped[int | None] = mapped_column(Integer)
    rows_accepted: Mapped[int | None] = mapped_column(Integer)
    rows_quarantined: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(32))
    sheet: Mapped[str | None] = mapped_column(String(200))
    header_row: Mapped[int | None] = mapped_column(Integer)
    extract_date: Mapped[date | None] = mapped_column(Date)
    records_path: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuarantineRow(Base):
    """One failed rule of a quarantined row (exchange.yaml quarantine_rules)."""

    __tablename__ = "quarantine_rows"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))  # None for row rules (duplicate_row)
    rule: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    message_zh: Mapped[str | None] = mapped_column(Text)


class FieldFlag(Base):
    """A field flag kept on an accepted row (the row stays in the records)."""

    __tablename__ = "field_flags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    message_zh: Mapped[str | None] = mapped_column(Text)


class Entity(Base):
    """A person as the linker knows them; never deleted, only merged or split."""

    __tablename__ = "entities"
    __table_args__ = (_one_of("status", ENTITY_STATUSES, "status"),)

    entity_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    county: Mapped[str] = mapped_column(String(COUNTY), index=True)
    created_run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    status: Mapped[str] = mapped_column(String(10), server_default="active")
    superseded_by: Mapped[str | None] = mapped_column(String(ID_LEN))


class EntityMember(Base):
    """Which entity a mention (one person role of one record) belongs to now.

    The biggest table (a row per person role of every record), written in bulk
    by ``save_entity_assignments``. It has no foreign keys on purpose: on
    PostgreSQL the per-row constraint triggers more than doubled the time of
    a million-row upsert. The writer checks the same references set-wise
    (the run and the batches exist, missing entities are created in the same
    transaction), and it is the only writer of this table.
    """

    __tablename__ = "entity_members"
    __table_args__ = (_one_of("method", MEMBER_METHODS, "method"),)

    mention_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # '<batch_id>:<row>:<role>'
    batch_id: Mapped[int] = mapped_column(Integer, index=True)  # batches.batch_id
    row: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)  # entities.entity_id
    match_probability: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[str] = mapped_column(String(ID_LEN))  # runs.run_id: the run that set this assignment
    method: Mapped[str] = mapped_column(String(16))


class EntityLineage(Base):
    """How entity ids changed between runs (old -> new), for cases and reviews to follow."""

    __tablename__ = "entity_lineage"
    __table_args__ = (_one_of("change", LINEAGE_CHANGES, "change"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), index=True)
    old_entity_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    new_entity_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    change: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReviewItem(Base):
    """A candidate pair between the thresholds, queued for a person to decide."""

    __tablename__ = "review_items"
    __table_args__ = (
        _one_of("status", REVIEW_ITEM_STATUSES, "status"),
        Index("ix_review_items_run_id_status", "run_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    left_mention_id: Mapped[str] = mapped_column(String(64))
    right_mention_id: Mapped[str] = mapped_column(String(64))
    left_key: Mapped[str | None] = mapped_column(String(KEY_LEN))
    right_key: Mapped[str | None] = mapped_column(String(KEY_LEN))
    left_entity_id: Mapped[str | None] = mapped_column(String(ID_LEN))
    right_entity_id: Mapped[str | None] = mapped_column(String(ID_LEN))
    match_probability: Mapped[float | None] = mapped_column(Float)
    comparison: Mapped[Any | None] = mapped_column(JSONDoc)  # levels and weights per comparison
    status: Mapped[str] = mapped_column(String(12), server_default="open")


class ReviewDecision(Base):
    """A person's decision on a pair, keyed by record fingerprints that survive re-ingestion.

    The pair is stored in canonical order (left_key <= right_key); decisions are
    kept as history and the newest one per pair counts.
    """

    __tablename__ = "review_decisions"
    __table_args__ = (
        _one_of("decision", REVIEW_DECISIONS, "decision"),
        Index("ix_review_decisions_left_key_right_key", "left_key", "right_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    left_key: Mapped[str] = mapped_column(String(KEY_LEN))
    right_key: Mapped[str] = mapped_column(String(KEY_LEN))
    decision: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))


class Case(Base):
    """A lead for a field check (policy §2.3), persisting across runs until a person closes it."""

    __tablename__ = "cases"
    __table_args__ = (
        _one_of("status", CASE_STATUSES, "status"),
        _one_of("outcome", CASE_OUTCOMES, "outcome", nullable=True),
        Index("ix_cases_county_status", "county", "status"),
        Index("ix_cases_entity_id_flag", "entity_id", "flag"),
    )

    case_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    county: Mapped[str] = mapped_column(String(COUNTY))
    flag: Mapped[str] = mapped_column(String(40))
    # Entity ids are never deleted (merged/split entities stay with a status),
    # so this reference stays meaningful; no foreign key, so cases pushed from
    # another county can be stored before their entities.
    entity_id: Mapped[str] = mapped_column(String(ID_LEN))
    category: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    opened_run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    last_seen_run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    evidence_hash: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_by: Mapped[str | None] = mapped_column(String(64))
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome_note: Mapped[str | None] = mapped_column(Text)


class CaseEvent(Base):
    """What happened to a case in a run (or by a person's outcome, then without run)."""

    __tablename__ = "case_events"
    __table_args__ = (_one_of("event", CASE_EVENTS, "event"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.run_id"))
    event: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[Any | None] = mapped_column(JSONDoc)


class Flag(Base):
    """One flag a comparison run raised, with the rule, clause and evidence behind it."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.case_id"), index=True)
    flag: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    rule: Mapped[str | None] = mapped_column(String(64))
    clause: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[Any | None] = mapped_column(JSONDoc)
    link_probability: Mapped[float | None] = mapped_column(Float)


class User(Base):
    """A person who uses the review workspace (child director, supervisor, officer)."""

    __tablename__ = "users"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str | None] = mapped_column(String(COUNTY))  # None = province level
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Role(Base):
    """A named set of permissions (e.g. ``view_hiv``, ``reveal_id_number``, policy §4)."""

    __tablename__ = "roles"

    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    permissions: Mapped[Any] = mapped_column(JSONDoc)  # list of permission names


class UserRole(Base):
    """A role granted to a user."""

    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.role"), primary_key=True)
    granted_by: Mapped[str | None] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Policy §4: every reveal, view, export and decision (and each intake and run) is logged."""

    __tablename__ = "audit_log"
    __table_args__ = (
        _one_of("action", AUDIT_ACTIONS, "action"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    target: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[Any | None] = mapped_column(JSONDoc)


class IdCounter(Base):
    """The next free number of a county's entity ('P') or case ('C') ids."""

    __tablename__ = "id_counters"

    county: Mapped[str] = mapped_column(String(COUNTY), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger)
