"""Cases across runs (policy §2.3): a flag opens a case for a field check; runs mark it.

A case is keyed by (entity_id, flag, category). In each run a case is new,
still open, or resolved (no longer flagged); a case a person closed with an
outcome is not raised again unless its evidence changes (the evidence hash of
``childlink.rules.evidence``). Nothing here changes the register: only an
outcome recorded by a person does (in the store).
"""

from __future__ import annotations

import polars as pl

CASE_COLUMNS = {
    "case_id": pl.Utf8,
    "county": pl.Utf8,
    "flag": pl.Utf8,
    "entity_id": pl.Utf8,
    "category": pl.Utf8,
    "status": pl.Utf8,  # new | open | resolved | closed
    "evidence_hash": pl.Utf8,
    "raised": pl.Boolean,  # the flag is reported in this run (false: closed and unchanged, or resolved)
    "event": pl.Utf8,  # new | still_open | resolved | reopened | null (closed, unchanged)
}
EVENT_COLUMNS = {"case_id": pl.Utf8, "run_id": pl.Utf8, "event": pl.Utf8, "detail": pl.Utf8}
KEY = ["entity_id", "flag", "category"]
LIVE = ("new", "open")
CASE_DIGITS = 8


def case_id(county: str, number: int) -> str:
    """``case_id('220183', 7) == '220183-C00000007'``."""
    return f"{county}-C{number:0{CASE_DIGITS}d}"


def _flag_keys(flags: pl.DataFrame) -> pl.DataFrame:
    category = pl.col("category_code") if "category_code" in flags.columns else pl.col("category")
    hashed = pl.col("evidence_hash") if "evidence_hash" in flags.columns else pl.lit(None, dtype=pl.Utf8)
    return flags.select(
        "entity_id", "flag", category.cast(pl.Utf8).alias("category"), hashed.cast(pl.Utf8).alias("evidence_hash")
    ).unique(KEY, keep="first")


def _known(open_cases: pl.DataFrame) -> pl.DataFrame:
    cases = open_cases
    for name in ("outcome", "evidence_hash", "category"):
        if name not in cases.columns:
            cases = cases.with_columns(pl.lit(None, dtype=pl.Utf8).alias(name))
    # One case per key: the most recent id wins when history holds several.
    return (
        cases.select("case_id", *KEY, pl.col("status").alias("prior_status"), pl.col("evidence_hash").alias("prior_hash"),
                     pl.col("outcome").alias("prior_outcome"))
        .with_columns(pl.col("category").cast(pl.Utf8))
        .sort("case_id", descending=True)
        .unique(KEY, keep="first")
    )


def reconcile_cases(
    flags: pl.DataFrame, open_cases: pl.DataFrame, *, run_id: str, county: str, next_counter: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cases and case events of a run (policy §2.3).

    ``flags``: this run's flags (``flag, entity_id, category_code`` or
    ``category``, ``evidence_hash``). ``open_cases``: the county's known cases
    that are not finished for good — new, open, resolved and closed ones
    (``case_id, flag, entity_id, category, status, evidence_hash, outcome``).
    ``next_counter``: the number of the next case id ('<county>-C<8 digits>');
    None leaves ``case_id`` null for the store to allocate.

    Returns ``cases`` (CASE_COLUMNS; ``raised`` says whether the flag is to
    be reported) and ``events`` (``case_id, run_id, event, detail``).
    """
    current = _flag_keys(flags).with_columns(pl.lit(True).alias("_flagged"))
    known = _known(open_cases) if open_cases.height else pl.DataFrame(
        schema={"case_id": pl.Utf8, "entity_id": pl.Utf8, "flag": pl.Utf8, "category": pl.Utf8,
                "prior_status": pl.Utf8, "prior_hash": pl.Utf8, "prior_outcome": pl.Utf8})
    both = current.join(known, on=KEY, how="full", coalesce=True, nulls_equal=True).with_columns(pl.col("_flagged").fill_null(False))
    prior = pl.col("prior_status")
    changed = pl.col("evidence_hash").is_null() | pl.col("prior_hash").is_null() | (pl.col("evidence_hash") != pl.col("prior_hash"))
    flagged = pl.col("_flagged")
    event = (
        pl.when(flagged & prior.is_null()).then(pl.lit("new"))
        .when(flagged & prior.is_in(LIVE)).then(pl.lit("still_open"))
        .when(flagged & (prior == "resolved")).then(pl.lit("reopened"))
        # A closed case with a recorded outcome comes back only on new evidence.
        .when(flagged & (prior == "closed") & (changed | pl.col("prior_outcome").is_null())).then(pl.lit("reopened"))
        .when(~flagged & prior.is_in(LIVE)).then(pl.lit("resolved"))
    )
    status = (
        pl.when(pl.col("event") == "new").then(pl.lit("new"))
        .when(pl.col("event").is_in(["still_open", "reopened"])).then(pl.lit("open"))
        .when(pl.col("event") == "resolved").then(pl.lit("resolved"))
        .otherwise(prior)
    )
    both = both.with_columns(event.alias("event")).with_columns(status.alias("status"))
    # Keep what this run touched, and the closed cases it declined to raise again.
    both = both.filter(pl.col("event").is_not_null() | (flagged & (prior == "closed")))
    new = both.filter(pl.col("event") == "new").sort(KEY)
    if next_counter is not None and new.height:
        ids = pl.Series("_new_id", [case_id(county, next_counter + i) for i in range(new.height)], dtype=pl.Utf8)
        new = new.with_columns(ids)
        both = both.join(new.select(*KEY, "_new_id"), on=KEY, how="left", nulls_equal=True).with_columns(
            pl.coalesce("case_id", "_new_id").alias("case_id")).drop("_new_id")
    cases = both.with_columns(
        pl.lit(county).alias("county"),
        pl.coalesce("evidence_hash", "prior_hash").alias("evidence_hash"),
        pl.col("status").is_in(LIVE).alias("raised"),
    ).select([pl.col(c).cast(t) for c, t in CASE_COLUMNS.items()]).sort(KEY)
    events = cases.filter(pl.col("event").is_not_null()).select(
        "case_id", pl.lit(run_id).alias("run_id"), "event",
        pl.concat_str([pl.lit('{"flag":"'), pl.col("flag"), pl.lit('","evidence_hash":"'),
                       pl.col("evidence_hash").fill_null(""), pl.lit('"}')]).alias("detail"),
    )
    return cases, events


def attach_case_ids(flags: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """The run's flags to report, with their case ids (closed-and-unchanged ones dropped)."""
    category = "category_code" if "category_code" in flags.columns else "category"
    live = cases.filter(pl.col("raised")).select("entity_id", "flag", pl.col("category").alias(category), "case_id")
    return flags.join(live, on=["entity_id", "flag", category], how="inner", nulls_equal=True)
