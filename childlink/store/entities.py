"""Entities: which mention belongs to which person, and how entity ids changed.

``save_entity_assignments`` is the bulk path of the store (a province run
assigns millions of mentions). It upserts by ``mention_id``: a new mention is
inserted, a re-assigned one is updated, an unchanged one is left alone (its
``run_id`` stays the run that set it, and no row is rewritten).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, select, text, update

from childlink.store.bulk import chunks, copy_frame, read_frame, read_large_frame, require_columns
from childlink.store.engine import Store, StoreError
from childlink.store.ids import ENTITY, allocate_ids
from childlink.store.models import LINEAGE_CHANGES, MEMBER_METHODS, Batch, Entity, EntityLineage, EntityMember, utc_now
from childlink.store.runs import run_county

ASSIGNMENT_SCHEMA = {
    "mention_id": pl.Utf8,
    "batch_id": pl.Int64,
    "row": pl.Int64,
    "role": pl.Utf8,
    "entity_id": pl.Utf8,
    "match_probability": pl.Float64,
    "method": pl.Utf8,
    "run_id": pl.Utf8,
}
LINEAGE_SCHEMA = {
    "run_id": pl.Utf8,
    "old_entity_id": pl.Utf8,
    "new_entity_id": pl.Utf8,
    "change": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
}
_MEMBER_UPDATED = ("entity_id", "match_probability", "method", "run_id")


def allocate_entity_ids(store: Store, *, county: str, count: int) -> list[str]:
    """``count`` new entity ids of the county ('<county>-P<counter>')."""
    return allocate_ids(store, county=county, kind=ENTITY, count=count)


def _assignment_frame(run_id: str, assignments: pl.DataFrame) -> pl.DataFrame:
    require_columns(assignments, ("mention_id", "entity_id"), what="entity assignments")
    frame = assignments
    if not {"batch_id", "row", "role"} <= set(frame.columns):
        # mention_id = '<batch_id>:<row>:<role>' (architecture.md): the parts are in the id.
        parts = pl.col("mention_id").str.splitn(":", 3)
        frame = frame.with_columns(
            parts.struct.field("field_0").cast(pl.Int64, strict=False).alias("batch_id"),
            parts.struct.field("field_1").cast(pl.Int64, strict=False).alias("row"),
            parts.struct.field("field_2").alias("role"),
        )
    if "match_probability" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("match_probability"))
    if "method" not in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("match_probability").is_null() | (pl.col("match_probability") >= 1.0))
            .then(pl.lit("deterministic"))
            .otherwise(pl.lit("probabilistic"))
            .alias("method")
        )
    frame = frame.with_columns(pl.lit(run_id).alias("run_id")).select(
        pl.col(c).cast(t) for c, t in ASSIGNMENT_SCHEMA.items()
    )
    bad = frame.filter(pl.col("batch_id").is_null() | pl.col("row").is_null() | pl.col("role").is_null())
    if bad.height:
        raise ValueError(f"mention ids must read '<batch_id>:<row>:<role>', e.g. {bad['mention_id'][0]!r}")
    unknown = frame.filter(~pl.col("method").is_in(MEMBER_METHODS))
    if unknown.height:
        raise ValueError(f"method must be one of {', '.join(MEMBER_METHODS)}, got {unknown['method'][0]!r}")
    foreign = frame.filter(~pl.col("entity_id").str.contains(r"^\d{6}-").fill_null(False))
    if foreign.height:
        example = foreign["entity_id"][0]
        raise ValueError(f"entity ids must start with their county code ('<county>-P<counter>'), got {example!r}")
    duplicated = frame["mention_id"].is_duplicated()
    if duplicated.any():
        raise ValueError(f"a mention is assigned twice: {frame.filter(duplicated)['mention_id'][0]!r}")
    return frame


def save_entity_assignments(store: Store, *, run_id: str, assignments: pl.DataFrame) -> int:
    """Upsert mention → entity assignments and return the number of rows given.

    ``assignments`` needs ``mention_id`` and ``entity_id``; ``match_probability``,
    ``method`` and ``batch_id, row, role`` are optional (the latter are read
    from the mention id; the method defaults to 'deterministic' for a
    probability of 1 or none, else 'probabilistic'). Entity ids not yet in the
    store are created as active entities of the run, in the county their id
    names. All in one transaction.
    """
    # Key order makes the primary-key index grow at its end rather than at random pages.
    frame = _assignment_frame(run_id, assignments).sort("mention_id")
    with store.begin() as connection:
        run_county(connection, run_id)
        _check_batches(connection, frame["batch_id"].unique().to_list())
        if connection.dialect.name == "postgresql":
            _upsert_members_postgresql(connection, run_id, frame)
        else:
            _create_missing_entities(connection, run_id, frame["entity_id"].unique())
            _upsert_members_sqlite(connection, frame)
    return frame.height


def _check_batches(connection: Connection, batch_ids: list[int]) -> None:
    # entity_members has no foreign keys (see the model): the references are checked here, set-wise.
    known = set(connection.execute(select(Batch.batch_id).where(Batch.batch_id.in_(batch_ids))).scalars())
    missing = sorted(set(batch_ids) - known)
    if missing:
        raise StoreError(f"assignments name batches that are not in the store: {', '.join(map(str, missing[:10]))}")


def _create_missing_entities(connection: Connection, run_id: str, entity_ids: pl.Series) -> None:
    entities = pl.DataFrame(
        {
            "entity_id": entity_ids,
            # The county is the id's prefix (models: '<county>-P<counter>').
            "county": entity_ids.str.split("-").list.first(),
            "created_run_id": pl.Series([run_id] * len(entity_ids), dtype=pl.Utf8),
            "status": pl.Series(["active"] * len(entity_ids), dtype=pl.Utf8),
        }
    )
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE TEMP TABLE tmp_entities (LIKE entities) ON COMMIT DROP")
        copy_frame(connection, "tmp_entities", entities)
        connection.exec_driver_sql(
            "INSERT INTO entities (entity_id, county, created_run_id, status) "
            "SELECT entity_id, county, created_run_id, status FROM tmp_entities "
            "ON CONFLICT (entity_id) DO NOTHING"
        )
        return
    sql = "INSERT OR IGNORE INTO entities (entity_id, county, created_run_id, status) VALUES (?, ?, ?, ?)"
    for part in chunks(entities):
        connection.exec_driver_sql(sql, part.rows())


def _upsert_members_postgresql(connection: Connection, run_id: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in ASSIGNMENT_SCHEMA)
    connection.exec_driver_sql("CREATE TEMP TABLE tmp_members (LIKE entity_members) ON COMMIT DROP")
    copy_frame(connection, "tmp_members", frame)
    # New entities straight from the staged rows: no second copy of the ids.
    connection.execute(
        text(
            "INSERT INTO entities (entity_id, county, created_run_id, status) "
            "SELECT DISTINCT entity_id, split_part(entity_id, '-', 1), :run_id, 'active' FROM tmp_members "
            "ON CONFLICT (entity_id) DO NOTHING"
        ),
        {"run_id": run_id},
    )
    changed = " OR ".join(f"entity_members.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in _MEMBER_UPDATED[:3])
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _MEMBER_UPDATED)
    connection.exec_driver_sql(
        f"INSERT INTO entity_members ({columns}) SELECT {columns} FROM tmp_members ORDER BY mention_id "
        f"ON CONFLICT (mention_id) DO UPDATE SET {updates} WHERE {changed}"
    )


def _upsert_members_sqlite(connection: Connection, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in ASSIGNMENT_SCHEMA)
    marks = ", ".join("?" for _ in ASSIGNMENT_SCHEMA)
    changed = " OR ".join(f"entity_members.{c} IS NOT excluded.{c}" for c in _MEMBER_UPDATED[:3])
    updates = ", ".join(f"{c} = excluded.{c}" for c in _MEMBER_UPDATED)
    sql = (
        f"INSERT INTO entity_members ({columns}) VALUES ({marks}) "
        f"ON CONFLICT (mention_id) DO UPDATE SET {updates} WHERE {changed}"
    )
    for part in chunks(frame):
        connection.exec_driver_sql(sql, part.rows())


def load_entity_assignments(
    store: Store, *, batch_ids: list[int] | None = None, entity_ids: list[str] | None = None
) -> pl.DataFrame:
    """Current assignments (``mention_id, batch_id, row, role, entity_id, match_probability, method, run_id``)."""
    table = EntityMember.__table__
    statement = select(*[table.c[c] for c in ASSIGNMENT_SCHEMA]).order_by(table.c.mention_id)
    if batch_ids is not None:
        statement = statement.where(table.c.batch_id.in_(batch_ids))
    if entity_ids is not None:
        statement = statement.where(table.c.entity_id.in_(entity_ids))
    with store.engine.connect() as connection:
        return read_large_frame(connection, statement, ASSIGNMENT_SCHEMA)


def record_lineage(store: Store, *, run_id: str, changes: pl.DataFrame) -> int:
    """Record entity id changes (``old_entity_id, new_entity_id, change``) and apply them.

    'merge' and 'rename' mark the old entity merged into the new one; 'split'
    marks it split (a split has one line per new entity). New entity ids are
    created as active entities of the run. Returns the number of lines.
    """
    require_columns(changes, ("old_entity_id", "new_entity_id", "change"), what="entity lineage")
    unknown = changes.filter(~pl.col("change").is_in(LINEAGE_CHANGES))
    if unknown.height:
        raise ValueError(f"change must be one of {', '.join(LINEAGE_CHANGES)}, got {unknown['change'][0]!r}")
    at = utc_now()
    with store.begin() as connection:
        run_county(connection, run_id)
        _create_missing_entities(
            connection, run_id, pl.concat([changes["old_entity_id"], changes["new_entity_id"]]).unique()
        )
        lines = changes.select("old_entity_id", "new_entity_id", "change").to_dicts()
        if lines:
            connection.execute(EntityLineage.__table__.insert(), [dict(line, run_id=run_id, at=at) for line in lines])
        for line in changes.iter_rows(named=True):
            merged = line["change"] in ("merge", "rename")
            connection.execute(
                update(Entity)
                .where(Entity.entity_id == line["old_entity_id"])
                .values(
                    status="merged" if merged else "split",
                    superseded_by=line["new_entity_id"] if merged else None,
                )
            )
    return changes.height


def load_lineage(store: Store, *, run_id: str | None = None) -> pl.DataFrame:
    """Lineage lines (``run_id, old_entity_id, new_entity_id, change, at``) in the order recorded."""
    table = EntityLineage.__table__
    statement = select(*[table.c[c] for c in LINEAGE_SCHEMA]).order_by(table.c.id)
    if run_id is not None:
        statement = statement.where(table.c.run_id == run_id)
    with store.engine.connect() as connection:
        return read_frame(connection, statement, LINEAGE_SCHEMA)


def entity_status(store: Store, *, entity_id: str) -> tuple[str, str | None]:
    """(status, superseded_by) of an entity; a clear error when it is unknown."""
    with store.engine.connect() as connection:
        statement = select(Entity.status, Entity.superseded_by).where(Entity.entity_id == entity_id)
        row = connection.execute(statement).first()
    if row is None:
        raise StoreError(f"no such entity: {entity_id}")
    return row[0], row[1]
