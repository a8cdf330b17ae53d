"""Cases (policy §2.3), their events across runs, and the flags comparison runs raise.

The rules decide what a case's status is in a run; the store keeps it. A case
id is allocated here when the rules hand over a case without one, so ids stay
unique per county however many runs or processes open cases.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import Connection, bindparam, case, null, select, update

from childlink.store.access import audit_in
from childlink.store.bulk import json_document, read_frame, require_columns
from childlink.store.engine import Store, StoreError
from childlink.store.ids import CASE, allocate_ids_in
from childlink.store.models import CASE_EVENTS, CASE_OUTCOMES, CASE_STATUSES, Case, CaseEvent, Flag, utc_now
from childlink.store.runs import run_county

CASE_SCHEMA = {
    "case_id": pl.Utf8,
    "county": pl.Utf8,
    "flag": pl.Utf8,
    "entity_id": pl.Utf8,
    "category": pl.Utf8,
    "status": pl.Utf8,
    "opened_run_id": pl.Utf8,
    "last_seen_run_id": pl.Utf8,
    "evidence_hash": pl.Utf8,
    "outcome": pl.Utf8,
    "outcome_by": pl.Utf8,
    "outcome_at": pl.Datetime("us", "UTC"),
    "outcome_note": pl.Utf8,
}
EVENT_SCHEMA = {
    "id": pl.Int64,
    "case_id": pl.Utf8,
    "run_id": pl.Utf8,
    "event": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
    "actor": pl.Utf8,
    "detail": pl.Utf8,  # JSON text
}
FLAG_SCHEMA = {
    "id": pl.Int64,
    "run_id": pl.Utf8,
    "case_id": pl.Utf8,
    "flag": pl.Utf8,
    "entity_id": pl.Utf8,
    "rule": pl.Utf8,
    "clause": pl.Utf8,
    "category": pl.Utf8,
    "reason": pl.Utf8,
    "evidence": pl.Utf8,  # JSON text
    "link_probability": pl.Float64,
}
_CASE_INPUT = ("case_id", "county", "flag", "entity_id", "category", "status", "evidence_hash")
OPEN_STATUSES = ("new", "open")


def _check_values(frame: pl.DataFrame, column: str, allowed: tuple[str, ...], what: str) -> None:
    bad = frame.filter(~pl.col(column).is_in(allowed))
    if bad.height:
        raise ValueError(f"{what}: {column} must be one of {', '.join(allowed)}, got {bad[column][0]!r}")


def upsert_cases(store: Store, *, run_id: str, cases: pl.DataFrame) -> pl.DataFrame:
    """Insert new cases and update known ones as seen in this run; returns ``cases`` with ``case_id`` filled.

    Columns: ``flag, entity_id, status`` and optionally ``case_id`` (null or
    absent = a new case, an id is allocated in the case's county),
    ``category``, ``evidence_hash``, ``county`` (default: the run's county).
    A known case gets the given values and ``last_seen_run_id = run_id``; a
    closed case set back to new/open loses its outcome (the 'closed' event
    keeps it). Record what happened with :func:`record_case_events`.
    """
    require_columns(cases, ("flag", "entity_id", "status"), what="cases")
    _check_values(cases, "status", CASE_STATUSES, "cases")
    frame = cases.with_columns(
        [pl.lit(None, dtype=pl.Utf8).alias(c) for c in _CASE_INPUT if c not in cases.columns]
    ).with_columns(pl.col(c).cast(pl.Utf8) for c in _CASE_INPUT)
    with store.begin() as connection:
        county = run_county(connection, run_id)
        frame = frame.with_columns(pl.col("county").fill_null(county))
        frame = _fill_case_ids(connection, frame)
        known = _known_case_ids(connection, frame["case_id"].to_list())
        rows = frame.select(_CASE_INPUT).to_dicts()
        new = [dict(r, opened_run_id=run_id, last_seen_run_id=run_id) for r in rows if r["case_id"] not in known]
        seen = [{f"b_{k}": v for k, v in r.items()} | {"b_run_id": run_id} for r in rows if r["case_id"] in known]
        if new:
            connection.execute(Case.__table__.insert(), new)
        if seen:
            table = Case.__table__
            # A closed case set back to new/open (its evidence changed) loses
            # its outcome; the 'closed' event keeps it.
            keep_if_closed = {
                c: case((bindparam("b_status") == "closed", table.c[c]), else_=null())
                for c in ("outcome", "outcome_by", "outcome_at", "outcome_note")
            }
            statement = (
                table.update()
                .where(table.c.case_id == bindparam("b_case_id"))
                .values(
                    flag=bindparam("b_flag"),
                    entity_id=bindparam("b_entity_id"),
                    category=bindparam("b_category"),
                    status=bindparam("b_status"),
                    evidence_hash=bindparam("b_evidence_hash"),
                    last_seen_run_id=bindparam("b_run_id"),
                    **keep_if_closed,
                )
            )
            connection.execute(statement, seen)
    return cases.with_columns(frame["case_id"])


def _known_case_ids(connection: Connection, case_ids: list[str]) -> set[str]:
    known: set[str] = set()
    # IN lists in slices: SQLite caps the number of bound parameters.
    for start in range(0, len(case_ids), 10_000):
        part = case_ids[start : start + 10_000]
        known.update(connection.execute(select(Case.case_id).where(Case.case_id.in_(part))).scalars())
    return known


def _fill_case_ids(connection: Connection, frame: pl.DataFrame) -> pl.DataFrame:
    missing = frame["case_id"].is_null()
    if not missing.any():
        return frame
    ids = frame["case_id"].to_list()
    counties = frame["county"].to_list()
    for county in sorted({c for c, m in zip(counties, missing) if m}):
        positions = [i for i, (c, m) in enumerate(zip(counties, missing)) if m and c == county]
        for i, new_id in zip(positions, allocate_ids_in(connection, county=county, kind=CASE, count=len(positions))):
            ids[i] = new_id
    return frame.with_columns(pl.Series("case_id", ids, dtype=pl.Utf8))


def load_cases(
    store: Store,
    *,
    county: str | None = None,
    statuses: tuple[str, ...] | list[str] | None = None,
    entity_ids: list[str] | None = None,
) -> pl.DataFrame:
    """Cases (every column of the table), optionally of a county, statuses or entities, by case id."""
    table = Case.__table__
    statement = select(*[table.c[c] for c in CASE_SCHEMA]).order_by(table.c.case_id)
    if county is not None:
        statement = statement.where(table.c.county == county)
    if statuses is not None:
        statement = statement.where(table.c.status.in_(list(statuses)))
    if entity_ids is not None:
        statement = statement.where(table.c.entity_id.in_(entity_ids))
    with store.engine.connect() as connection:
        return read_frame(connection, statement, CASE_SCHEMA)


def load_open_cases(store: Store, *, county: str | None = None) -> pl.DataFrame:
    """Cases still waiting for a field check (status new or open)."""
    return load_cases(store, county=county, statuses=OPEN_STATUSES)


def record_case_events(store: Store, *, run_id: str, events: pl.DataFrame) -> int:
    """Append case events of a run (``case_id, event`` and optional ``detail`` JSON); returns the count."""
    require_columns(events, ("case_id", "event"), what="case events")
    _check_values(events, "event", CASE_EVENTS, "case events")
    at = utc_now()
    rows = [
        {
            "case_id": e["case_id"],
            "event": e["event"],
            "detail": json_document(e.get("detail")),
            "run_id": run_id,
            "at": at,
        }
        for e in events.iter_rows(named=True)
    ]
    with store.begin() as connection:
        if rows:
            connection.execute(CaseEvent.__table__.insert(), rows)
    return len(rows)


def load_case_events(store: Store, *, case_id: str | None = None, run_id: str | None = None) -> pl.DataFrame:
    """Case events (``id, case_id, run_id, event, at, actor, detail``) in the order recorded."""
    table = CaseEvent.__table__
    statement = select(*[table.c[c] for c in EVENT_SCHEMA]).order_by(table.c.id)
    if case_id is not None:
        statement = statement.where(table.c.case_id == case_id)
    if run_id is not None:
        statement = statement.where(table.c.run_id == run_id)
    with store.engine.connect() as connection:
        return read_frame(connection, statement, EVENT_SCHEMA, json_columns=("detail",))


def record_case_outcome(
    store: Store, *, case_id: str, outcome: str, decided_by: str, note: str | None = None, at: datetime | None = None
) -> None:
    """A person's outcome of a field check (policy §2.3): closes the case, with event and audit entry.

    'dismiss' needs a reason in ``note``.
    """
    if outcome not in CASE_OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(CASE_OUTCOMES)}, got {outcome!r}")
    if outcome == "dismiss" and not (note and note.strip()):
        raise ValueError("dismissing a case needs a reason (policy §2.3) / 驳回需填写理由")
    at = at or utc_now()
    with store.begin() as connection:
        result = connection.execute(
            update(Case)
            .where(Case.case_id == case_id)
            .values(status="closed", outcome=outcome, outcome_by=decided_by, outcome_at=at, outcome_note=note)
        )
        if result.rowcount == 0:
            raise StoreError(f"no such case: {case_id}")
        detail = {"outcome": outcome, "note": note}
        connection.execute(
            CaseEvent.__table__.insert().values(
                case_id=case_id, run_id=None, event="closed", at=at, actor=decided_by, detail=detail
            )
        )
        audit_in(connection, actor=decided_by, action="decide", target=f"case:{case_id}", detail=detail, at=at)


def add_flags(store: Store, *, run_id: str, flags: pl.DataFrame) -> int:
    """Store a run's flags (``flag, entity_id`` and optional ``case_id, rule, clause, category,
    reason, evidence, link_probability``; ``evidence`` a JSON document); returns the count."""
    require_columns(flags, ("flag", "entity_id"), what="flags")
    optional = [c for c in FLAG_SCHEMA if c not in ("id", "run_id", "flag", "entity_id")]
    rows = []
    for flag in flags.iter_rows(named=True):
        row = {"run_id": run_id, "flag": flag["flag"], "entity_id": flag["entity_id"]}
        row.update({c: flag.get(c) for c in optional})
        row["evidence"] = json_document(row["evidence"])
        rows.append(row)
    with store.begin() as connection:
        if rows:
            connection.execute(Flag.__table__.insert(), rows)
    return len(rows)


def load_flags(store: Store, *, run_id: str | None = None, case_id: str | None = None) -> pl.DataFrame:
    """Flags (``evidence`` as JSON text) in the order stored."""
    table = Flag.__table__
    statement = select(*[table.c[c] for c in FLAG_SCHEMA]).order_by(table.c.id)
    if run_id is not None:
        statement = statement.where(table.c.run_id == run_id)
    if case_id is not None:
        statement = statement.where(table.c.case_id == case_id)
    with store.engine.connect() as connection:
        return read_frame(connection, statement, FLAG_SCHEMA, json_columns=("evidence",))
