"""The match review queue and people's decisions on pairs.

Decisions are keyed by record fingerprints (``left_key``, ``right_key``) that
matching derives from the records' content, not by mention ids, so a decision
survives re-ingestion of the same records in a later batch. A pair is stored
in canonical order (smaller key first): deciding (a, b) and (b, a) is the same
pair. Decisions are history; the newest per pair is the one in force.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import func, select, update

from childlink.store.access import audit_in
from childlink.store.bulk import json_document, read_frame, require_columns
from childlink.store.engine import Store, StoreError
from childlink.store.models import REVIEW_DECISIONS, ReviewDecision, ReviewItem, Run, utc_now
from childlink.store.runs import run_county

REVIEW_ITEM_SCHEMA = {
    "id": pl.Int64,
    "run_id": pl.Utf8,
    "left_mention_id": pl.Utf8,
    "right_mention_id": pl.Utf8,
    "left_key": pl.Utf8,
    "right_key": pl.Utf8,
    "left_entity_id": pl.Utf8,
    "right_entity_id": pl.Utf8,
    "match_probability": pl.Float64,
    "comparison": pl.Utf8,  # JSON text
    "status": pl.Utf8,
}
DECISION_SCHEMA = {
    "left_key": pl.Utf8,
    "right_key": pl.Utf8,
    "decision": pl.Utf8,
    "decided_by": pl.Utf8,
    "decided_at": pl.Datetime("us", "UTC"),
    "note": pl.Utf8,
    "review_item_id": pl.Int64,
}
_OPTIONAL_ITEM_COLUMNS = (
    "left_key",
    "right_key",
    "left_entity_id",
    "right_entity_id",
    "match_probability",
    "comparison",
)


def add_review_items(store: Store, *, run_id: str, items: pl.DataFrame) -> int:
    """Queue pairs for review (``left_mention_id, right_mention_id`` and optionally
    ``left_key, right_key, left_entity_id, right_entity_id, match_probability,
    comparison``); ``comparison`` is a JSON document (struct, dict or JSON text)
    of levels and weights. Open items of the county's earlier runs are marked
    superseded. Returns the number queued."""
    require_columns(items, ("left_mention_id", "right_mention_id"), what="review items")
    rows = []
    for item in items.iter_rows(named=True):
        row = {"run_id": run_id, "status": "open"}
        row["left_mention_id"], row["right_mention_id"] = item["left_mention_id"], item["right_mention_id"]
        for column in _OPTIONAL_ITEM_COLUMNS:
            row[column] = item.get(column)
        row["comparison"] = json_document(row["comparison"])
        rows.append(row)
    with store.begin() as connection:
        county = run_county(connection, run_id)
        # The newest linkage run's queue replaces the county's older ones.
        same_county = select(Run.run_id).where(Run.county == county, Run.run_id != run_id)
        connection.execute(
            update(ReviewItem)
            .where(ReviewItem.status == "open", ReviewItem.run_id.in_(same_county))
            .values(status="superseded")
        )
        if rows:
            connection.execute(ReviewItem.__table__.insert(), rows)
    return len(rows)


def load_review_items(store: Store, *, run_id: str | None = None, status: str | None = "open") -> pl.DataFrame:
    """Review items (``comparison`` as JSON text), by default the open ones, highest probability first."""
    table = ReviewItem.__table__
    statement = select(*[table.c[c] for c in REVIEW_ITEM_SCHEMA]).order_by(
        table.c.match_probability.desc(), table.c.id
    )
    if run_id is not None:
        statement = statement.where(table.c.run_id == run_id)
    if status is not None:
        statement = statement.where(table.c.status == status)
    with store.engine.connect() as connection:
        return read_frame(connection, statement, REVIEW_ITEM_SCHEMA, json_columns=("comparison",))


def canonical_pair(left_key: str, right_key: str) -> tuple[str, str]:
    """The pair in stored order (smaller key first)."""
    return (left_key, right_key) if left_key <= right_key else (right_key, left_key)


def save_review_decision(
    store: Store,
    *,
    left_key: str,
    right_key: str,
    decision: str,
    decided_by: str,
    note: str | None = None,
    review_item_id: int | None = None,
    decided_at: datetime | None = None,
) -> int:
    """Record a person's decision on a pair and return its id.

    Also marks the review item decided (when given) and writes the policy §4
    audit entry ('decide') in the same transaction, so callers do not log it again.
    """
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}, got {decision!r}")
    if not left_key or not right_key or left_key == right_key:
        raise ValueError("a decision needs two different record keys")
    left, right = canonical_pair(left_key, right_key)
    at = decided_at or utc_now()
    with store.begin() as connection:
        if review_item_id is not None:
            result = connection.execute(
                update(ReviewItem).where(ReviewItem.id == review_item_id).values(status="decided")
            )
            if result.rowcount == 0:
                raise StoreError(f"no such review item: {review_item_id}")
        decision_id = connection.execute(
            ReviewDecision.__table__.insert()
            .values(
                left_key=left,
                right_key=right,
                decision=decision,
                decided_by=decided_by,
                decided_at=at,
                note=note,
                review_item_id=review_item_id,
            )
            .returning(ReviewDecision.id)
        ).scalar_one()
        audit_in(
            connection,
            actor=decided_by,
            action="decide",
            target=f"review_pair:{left}|{right}",
            detail={"decision": decision, "review_item_id": review_item_id, "decision_id": decision_id},
            at=at,
        )
    return decision_id


def load_review_decisions(store: Store, *, include_history: bool = False) -> pl.DataFrame:
    """Decisions in force, one per pair (or every decision with ``include_history``)."""
    table = ReviewDecision.__table__
    columns = [table.c[c] for c in DECISION_SCHEMA]
    if include_history:
        statement = select(*columns).order_by(table.c.id)
    else:
        newest = select(func.max(table.c.id).label("id")).group_by(table.c.left_key, table.c.right_key).subquery()
        statement = (
            select(*columns)
            .join(newest, newest.c.id == table.c.id)
            .order_by(table.c.left_key, table.c.right_key)
        )
    with store.engine.connect() as connection:
        return read_frame(connection, statement, DECISION_SCHEMA)
