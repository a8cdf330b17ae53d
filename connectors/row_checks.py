"""Checks and derivations that span columns of a row (or rows of a file).

Only issues are emitted here (row, field, rule, value); whether a row is
quarantined is decided by validation (exchange.yaml quarantine_rules).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.schema import Source, exchange
from connectors.extract import ISSUE_COLUMNS, ROW, empty_issues
from connectors.normalise.codes import match_code
from connectors.normalise.null_tokens import blank_to_null
from connectors.normalise.result import map_unique

G_NUMBER = r"^[Gg]([0-9]{17}[0-9Xx])$"  # student_roll: 'G' + the 18-character ID number
CERTIFICATE_LENGTH = 20  # disability: 18-character ID + category digit + grade digit
_FAR_FUTURE = date(9999, 12, 31)


def derive_inputs(raws: dict[str, pl.Series], source: Source) -> tuple[dict[str, pl.Series], dict[str, pl.Series]]:
    """Inputs to the normalisers after ``derive_from`` fills (and the derived masks).

    The one rule of the spec: student_roll.id_number from a blank cell and a
    student_number 'G' + 18 characters.
    """
    inputs = dict(raws)
    derived: dict[str, pl.Series] = {}
    for column in source.columns:
        if not column.derive_from:
            continue
        origin = column.derive_from.split()[0]
        if origin not in raws:
            continue
        blank = blank_to_null(raws[column.field]).is_null()
        number = raws[origin].str.normalize("NFKC").str.replace_all(r"\s", "").str.extract(G_NUMBER, 1)
        use = blank & number.is_not_null()
        inputs[column.field] = pl.select(pl.when(use).then(number).otherwise(raws[column.field])).to_series()
        derived[column.field] = use
    return inputs, derived


def _issue_frame(frame: pl.DataFrame, mask: pl.Expr, field_name: str, rule: str, value: pl.Expr) -> pl.DataFrame:
    # Select before filtering: the frame is wide and only two columns are kept.
    return (
        frame.select(pl.col(ROW), value.cast(pl.Utf8).alias("value"), mask.fill_null(False).alias("_hit"))
        .filter(pl.col("_hit"))
        .select(pl.col(ROW), pl.lit(field_name).alias("field"), pl.lit(rule).alias("rule"), pl.col("value"))
    )


def _derive_disability(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    cert = pl.col("certificate_number")
    full = cert.str.len_chars() == CERTIFICATE_LENGTH
    updates = []
    checks = []
    for field_name, position in (("category", 18), ("grade", 19)):
        digit = pl.when(full).then(cert.str.slice(position, 1))
        list_key = exchange().sources["disability"].column(field_name).code_list
        valid = digit.is_in(list(exchange().code_list(list_key).codes))
        blank = pl.col(f"{field_name}_raw").is_null() | (pl.col(f"{field_name}_raw").str.strip_chars() == "")
        use = (blank & valid).fill_null(False)
        updates += [
            pl.when(use).then(digit).otherwise(pl.col(field_name)).alias(field_name),
            use.alias(f"{field_name}_derived"),
        ]
        checks.append(full & ~blank & pl.col(field_name).is_not_null() & (digit != pl.col(field_name)))
    frame = frame.with_columns(updates)
    id_differs = full & pl.col("id_number").is_not_null() & (cert.str.slice(0, 18).str.to_uppercase() != pl.col("id_number"))
    mismatch = id_differs | checks[0] | checks[1]
    issues = [_issue_frame(frame, mismatch, "certificate_number", "number_mismatch_id", pl.col("certificate_number_raw"))]
    return frame, issues


def _student_number_check(frame: pl.DataFrame) -> list[pl.DataFrame]:
    g_id = pl.col("student_number").str.extract(G_NUMBER, 1).str.to_uppercase()
    derived = pl.col("id_number_derived") if "id_number_derived" in frame.columns else pl.lit(False)
    mismatch = g_id.is_not_null() & pl.col("id_number").is_not_null() & ~derived & (g_id != pl.col("id_number"))
    return [_issue_frame(frame, mismatch, "student_number", "number_mismatch_id", pl.col("student_number_raw"))]


def illness_code(icd10: str | None, name: str | None) -> str | None:
    """The serious_illness code of a diagnosis: ICD-10 prefix in list order, then the name."""
    code_list = exchange().code_list("serious_illness")
    if icd10:
        for value in code_list.values:
            if any(icd10.startswith(str(prefix).upper()) for prefix in value.extra.get("icd10", []) or []):
                return value.code
    if name:
        return match_code(name, "serious_illness")
    return None


def _derive_illness(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(pl.col("icd10").str.to_uppercase().str.replace_all(r"\s", ""))
    key = pl.concat_str([pl.col("icd10").fill_null(""), pl.col("illness_name").fill_null("")], separator="\x1f")
    keys = frame.select(key.alias("k"))["k"]
    codes = map_unique(keys, lambda k: illness_code(*(part or None for part in k.split("\x1f"))), pl.Utf8)
    return frame.with_columns(codes.alias("illness_code"))


def apply_derivations(frame: pl.DataFrame, source: Source) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Source-specific derived fields named in exchange.yaml notes, with their issues."""
    issues: list[pl.DataFrame] = []
    if source.key == "disability":
        frame, issues = _derive_disability(frame)
    elif source.key == "student_roll":
        issues = _student_number_check(frame)
    elif source.key == "serious_illness":
        frame = _derive_illness(frame)
    return frame, issues


def _date_order(frame: pl.DataFrame, source: Source) -> list[pl.DataFrame]:
    return [
        _issue_frame(frame, pl.col(later) < pl.col(earlier), later, "date_order", pl.col(f"{later}_raw"))
        for earlier, later in source.date_order
    ]


def _id_mismatches(frame: pl.DataFrame, source: Source) -> list[pl.DataFrame]:
    out = []
    for attributes in source.persons.values():
        id_field = attributes.get("id_number")
        if not id_field:
            continue
        birth = attributes.get("birth_date")
        if birth:
            precision = pl.col(f"{birth}_precision")
            id_birth = pl.col(f"{id_field}_birth_date")
            differs = (
                pl.when(precision == "year")
                .then(pl.col(birth).dt.year() != id_birth.dt.year())
                .when(precision == "month")
                .then(pl.col(birth).dt.truncate("1mo") != id_birth.dt.truncate("1mo"))
                .otherwise(pl.col(birth) != id_birth)
            )
            out.append(_issue_frame(frame, differs, birth, "birth_date_mismatch_id", pl.col(f"{birth}_raw")))
        sex = attributes.get("sex")
        if sex:
            differs = (
                ~pl.col(f"{sex}_derived").fill_null(False)
                & pl.col(sex).is_in(["1", "2"])
                & (pl.col(sex) != pl.col(f"{id_field}_sex"))
            )
            out.append(_issue_frame(frame, differs, sex, "sex_mismatch_id", pl.col(f"{sex}_raw")))
    return out


def _content_columns(frame: pl.DataFrame, source: Source) -> list[str]:
    return [f for f in source.fields if f in frame.columns]


def _duplicate_records(frame: pl.DataFrame, source: Source) -> list[pl.DataFrame]:
    """duplicate_record on the key fields of every row whose record key repeats with other content.

    Rows are kept (exchange.yaml: flag_field); identical rows are duplicate_row's business.
    """
    key = [f for f in source.record_key if f in frame.columns]
    if not key or frame.height == 0:
        return []
    complete = pl.all_horizontal([pl.col(k).is_not_null() for k in key])
    content_columns = _content_columns(frame, source)
    # Only rows whose key repeats can conflict: pick them (few columns, then few rows) before hashing.
    repeated = (
        frame.select(ROW, *dict.fromkeys([*key, *content_columns]), *[f"{k}_raw" for k in key])
        .filter(complete & pl.struct(key).is_duplicated())
        .with_columns(pl.struct(content_columns).hash().alias("_content"))
    )
    if repeated.height == 0:
        return []
    # A key group conflicts when its rows carry more than one content; every row of the group is flagged.
    conflicting_keys = (
        repeated.group_by(key).agg(pl.col("_content").n_unique().alias("_contents")).filter(pl.col("_contents") > 1)
    )
    if conflicting_keys.height == 0:
        return []
    conflicting = repeated.join(conflicting_keys.select(key), on=key, how="semi").sort(ROW)
    return [
        conflicting.select(
            pl.col(ROW),
            pl.lit(k).alias("field"),
            pl.lit("duplicate_record").alias("rule"),
            pl.col(f"{k}_raw").cast(pl.Utf8).alias("value"),
        )
        for k in key
    ]


def _overlapping_records(frame: pl.DataFrame, source: Source) -> list[pl.DataFrame]:
    start, end_field = source.period.start, source.period.end
    person = source.persons[source.primary_role].get("id_number")
    # Without an end field a record is a point in time: two of them only
    # "overlap" on the same day, which duplicate_record already reports.
    if not (source.one_record_per_person_at_a_time and start and end_field and person) or frame.height == 0:
        return []
    end = pl.col(end_field).fill_null(_FAR_FUTURE)  # a blank end: still going on
    group = [person]
    spans = (
        frame.select(ROW, *group, pl.col(start).alias("_start"), end.alias("_end"))
        .filter(pl.col(person).is_not_null() & pl.col("_start").is_not_null())
        .filter(pl.col(person).is_duplicated())
        .sort([*group, "_start", ROW])
        .with_columns(_prev_end=pl.col("_end").cum_max().shift(1).over(group))
    )
    # A spell that starts on the day the previous one ends is a hand-over, not an overlap.
    overlap_rows = spans.filter((pl.col("_start") < pl.col("_prev_end")).fill_null(False)).select(ROW)
    if overlap_rows.height == 0:
        return []
    flagged = frame.join(overlap_rows, on=ROW, how="semi")
    return [_issue_frame(flagged, pl.lit(True), start, "overlapping_records", pl.col(f"{start}_raw"))]


def row_issues(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """date_order, *_mismatch_id, duplicate_record and overlapping_records issues."""
    parts = [
        *_date_order(frame, source),
        *_id_mismatches(frame, source),
        *_duplicate_records(frame, source),
        *_overlapping_records(frame, source),
    ]
    parts = [p for p in parts if p.height]
    if not parts:
        return empty_issues()
    return pl.concat([p.cast(ISSUE_COLUMNS) for p in parts], how="vertical")
