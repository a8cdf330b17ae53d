"""Person mentions: one row per person a record is about (docs/architecture.md, "Person mentions").

A hukou row is about the person, and also names the father, mother, guardian
and household head; each non-empty role becomes a mention the linker resolves.
Roles and their fields come from exchange.yaml ``persons``, never from here.
"""

from __future__ import annotations

import hashlib

import polars as pl

from childlink.schema import Source, exchange

MENTION_COLUMNS: dict[str, pl.DataType] = {
    "mention_id": pl.Utf8, "batch_id": pl.Int64, "source": pl.Utf8, "source_file": pl.Utf8, "row": pl.Int64,
    "role": pl.Utf8, "id_number": pl.Utf8, "id_check_ok": pl.Boolean, "id_birth_date": pl.Date, "id_sex": pl.Utf8,
    "name": pl.Utf8, "name_raw": pl.Utf8, "birth_date": pl.Date, "sex": pl.Utf8, "division": pl.Utf8,
    "mother_name": pl.Utf8, "mother_id_number": pl.Utf8, "father_name": pl.Utf8, "father_id_number": pl.Utf8,
    "household": pl.Utf8,
    # beyond the contract, used by the linker
    "context_id": pl.Utf8, "partner_id": pl.Utf8, "primary": pl.Boolean, "one_to_one": pl.Boolean, "record_key": pl.Utf8, "birth_year_est": pl.Int32,
    "born_by_age": pl.Date,
    "fingerprint": pl.Utf8,
}

# Where a row's place of residence or hukou is, in order of preference.
DIVISION_FIELDS = ("hukou_division", "division", "residence_division", "insured_division")
HOUSEHOLD_FIELDS = ("household_number", "household_id")
# Reissued birth certificates carry a new number (exchange.yaml notes): two
# certificates of one file may be the same child, so no one-to-one constraint.
ONE_TO_ONE_EXEMPT = frozenset({"birth_certificate"})


def empty_mentions() -> pl.DataFrame:
    return pl.DataFrame(schema=MENTION_COLUMNS)


def _col(frame: pl.DataFrame, name: str | None, dtype: pl.DataType) -> pl.Expr:
    if name and name in frame.columns:
        return pl.col(name).cast(dtype, strict=False)
    return pl.lit(None, dtype=dtype)


def _first_present(frame: pl.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def _role_mentions(batch_id: int, source: Source, source_file: str, frame: pl.DataFrame, role: str,
                   attrs: dict[str, str]) -> pl.DataFrame:
    primary = role == source.primary_role
    id_f, name_f = attrs.get("id_number"), attrs.get("name")
    name_raw = _col(frame, f"{name_f}_raw" if name_f else None, pl.Utf8)
    roles = source.persons

    def parent(kind: str, attr: str) -> pl.Expr:
        field = roles.get(kind, {}).get(attr) if primary else None
        return _col(frame, field, pl.Utf8)

    mother_name = parent("mother", "name")
    if primary and name_f and f"{name_f}_placeholder_mother" in frame.columns:
        # '周某某之女': the placeholder names the mother; the infant links through her.
        mother_name = pl.coalesce(mother_name, pl.col(f"{name_f}_placeholder_mother"))
    sex = _col(frame, attrs.get("sex"), pl.Utf8)
    if name_f and f"{name_f}_placeholder_sex" in frame.columns:
        sex = pl.coalesce(sex, pl.col(f"{name_f}_placeholder_sex").cast(pl.Utf8))
    division_f = _first_present(frame, DIVISION_FIELDS) if primary else None
    # Every role of a row shares the row's household (the head, parents and the person
    # are usually registered in it); a name-only parent links through it.
    household_f = _first_present(frame, HOUSEHOLD_FIELDS)
    primary_id = roles[source.primary_role].get("id_number")
    partner_role = {"mother": "father", "father": "mother"}.get(role)
    partner_id = roles.get(partner_role, {}).get("id_number") if partner_role else None
    key_parts = [_col(frame, k, pl.Utf8).fill_null("") for k in source.record_key]
    birth_year_est = pl.lit(None, dtype=pl.Int32)
    born_by_age = pl.lit(None, dtype=pl.Date)
    if primary and "age" in frame.columns and "event_date" in frame.columns:
        # Emergency lists give an age instead of a birth date: someone aged A on the
        # event date was born in the year up to the event date minus A years.
        birth_year_est = (pl.col("event_date").dt.year() - pl.col("age")).cast(pl.Int32)
        born_by_age = pl.col("event_date").dt.offset_by(pl.format("-{}y", pl.col("age").cast(pl.Int64)))

    out = frame.select(
        pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
        pl.lit(source.key).alias("source"),
        pl.lit(source_file).alias("source_file"),
        pl.col("row").cast(pl.Int64),
        pl.lit(role).alias("role"),
        _col(frame, id_f, pl.Utf8).alias("id_number"),
        _col(frame, f"{id_f}_check_ok" if id_f else None, pl.Boolean).alias("id_check_ok"),
        _col(frame, f"{id_f}_birth_date" if id_f else None, pl.Date).alias("id_birth_date"),
        _col(frame, f"{id_f}_sex" if id_f else None, pl.Utf8).alias("id_sex"),
        _col(frame, name_f, pl.Utf8).alias("name"),
        name_raw.alias("name_raw"),
        _col(frame, attrs.get("birth_date"), pl.Date).alias("birth_date"),
        sex.alias("sex"),
        _col(frame, division_f, pl.Utf8).alias("division"),
        mother_name.alias("mother_name"),
        parent("mother", "id_number").alias("mother_id_number"),
        parent("father", "name").alias("father_name"),
        parent("father", "id_number").alias("father_id_number"),
        _col(frame, household_f, pl.Utf8).alias("household"),
        # For a parent or guardian: the ID number of the person the row is about,
        # so two name-only mentions of 'the mother of X' meet.
        (pl.lit(None, dtype=pl.Utf8) if primary else _col(frame, primary_id, pl.Utf8)).alias("context_id"),
        # For a parent: the other parent's ID number (a newborn has none to share).
        _col(frame, partner_id, pl.Utf8).alias("partner_id"),
        pl.lit(primary).alias("primary"),
        pl.lit(primary and source.one_record_per_person_at_a_time and source.key not in ONE_TO_ONE_EXEMPT).alias("one_to_one"),
        pl.concat_str(key_parts, separator="|").alias("record_key"),
        birth_year_est.alias("birth_year_est"),
        born_by_age.alias("born_by_age"),
    )
    present = pl.col("id_number").is_not_null() | pl.col("name").is_not_null() | pl.col("name_raw").is_not_null()
    return out.filter(present)


def _fingerprints(frame: pl.DataFrame) -> pl.Series:
    """A stable key of a mention that survives re-ingestion of the same data in a new batch.

    Built from the source, the role, the record key and the identifying fields,
    hashed with BLAKE2b (polars' own hash is not stable across versions).
    """
    text = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.Utf8).fill_null("") for c in
             ("source", "role", "record_key", "id_number", "name_raw", "birth_date", "sex", "mother_name")],
            separator="\x1f",
        )
    ).to_series()
    return pl.Series("fingerprint", [hashlib.blake2b(t.encode(), digest_size=10).hexdigest() for t in text],
                     dtype=pl.Utf8)


def person_mentions(records: list[tuple[int, str, str, pl.DataFrame]] | dict) -> pl.DataFrame:
    """One mention per non-empty person role of every accepted row.

    ``records``: ``(batch_id, source, source_file, accepted frame)`` tuples (a
    ``{batch_id: (source, frame)}`` mapping is accepted too, with the source
    key standing in for the file name). ``mention_id`` is ``'<batch_id>:<row>:<role>'``.
    """
    if isinstance(records, dict):
        records = [(b, s, s, f) for b, (s, f) in records.items()]
    spec = exchange()
    parts = []
    for batch_id, source_key, source_file, frame in records:
        source = spec.source(source_key)
        for role, attrs in source.persons.items():
            part = _role_mentions(batch_id, source, source_file, frame, role, attrs)
            if part.height:
                parts.append(part)
    if not parts:
        return empty_mentions()
    out = pl.concat(parts, how="vertical_relaxed")
    out = out.with_columns(
        pl.concat_str([pl.col("batch_id").cast(pl.Utf8), pl.col("row").cast(pl.Utf8), pl.col("role")],
                      separator=":").alias("mention_id"),
    )
    out = out.with_columns(_fingerprints(out))
    return out.select([pl.col(c).cast(t) for c, t in MENTION_COLUMNS.items()])
