"""The jobs users run: intake, linkage, quarterly comparison, flow children, school lists.

Each job is a plain function over the library's stages; the CLI and the
Prefect flows both call these functions and nothing else, so a scheduled run
and an officer's run do the same work. The stages themselves are pure
(``expectations``, ``matching``, ``childlink.rules``, ``childlink.reports``);
this module reads and writes through ``connectors`` and ``childlink.store``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from childlink.schema import exchange
from childlink.settings import Settings

LINKS_CSV = "links.csv"
REVIEW_QUEUE_CSV = "review_queue.csv"
FLAGS_CSV = "flags.csv"
FLAGS_XLSX = "flags.xlsx"
RUN_SUMMARY_JSON = "run_summary.json"
LINKAGE_SNAPSHOTS = "linkage"  # under the store's data folder: one Parquet per linkage run

Progress = Callable[..., None]


@dataclass
class JobOutcome:
    """What a job did: its run id, the files it wrote and its summary."""

    run_id: str
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class LinkedData:
    """The current extracts with every person mention resolved to an entity."""

    batches: list[tuple[int, str, str, pl.DataFrame]]  # (batch_id, source, source_file, accepted rows)
    mentions: pl.DataFrame
    assignments: pl.DataFrame  # mention_id, entity_id, match_probability, method, flag
    review_queue: pl.DataFrame
    lineage: pl.DataFrame
    timings: dict[str, float]


class _Stopwatch:
    """Seconds per named stage, for run_summary.json."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


def _open_store(settings: Settings):
    from childlink.store import store_from_settings

    return store_from_settings(settings)


# ----------------------------------------------------------------------------- intake


def run_intake(
    extracts_dir: Path, out_dir: Path, *, settings: Settings, as_of: date | None = None, progress: Progress | None = None
) -> JobOutcome:
    """Load and validate a folder of extracts into the store (intake.csv, quarantine.csv)."""
    from childlink.intake import ingest_folder

    store = _open_store(settings)
    result = ingest_folder(extracts_dir, out_dir, settings=settings, store=store, as_of=as_of, progress=progress)
    return JobOutcome(
        run_id=result.run_id,
        out_dir=Path(out_dir),
        files={"intake.csv": result.intake_csv, "quarantine.csv": result.quarantine_csv},
        summary=result.summary,
    )


# ----------------------------------------------------------------------------- linkage


def _load_batches(store, batch_ids: list[int]) -> list[tuple[int, str, str, pl.DataFrame]]:
    from childlink.store.batches import get_batch
    from childlink.store.records import read_batch_records

    loaded = []
    for batch_id in batch_ids:
        info = get_batch(store, batch_id=batch_id)
        frame = read_batch_records(store, batch_id=batch_id)
        loaded.append((batch_id, info.source, info.source_file, frame))
    return loaded


def _previous_snapshot(store) -> pl.DataFrame | None:
    """The newest linkage snapshot (mention_id, fingerprint, entity_id), if any."""
    folder = store.data_dir / LINKAGE_SNAPSHOTS
    snapshots = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    return pl.read_parquet(snapshots[-1]) if snapshots else None


def _next_entity_counter(previous: pl.DataFrame | None) -> int:
    if previous is None or previous.is_empty():
        return 1
    used = previous["entity_id"].str.extract(r"-P(\d+)$", 1).cast(pl.Int64).max()
    return int(used or 0) + 1


def link_batches(
    store, batch_ids: list[int], *, settings: Settings, county: str, run_id: str, watch: _Stopwatch | None = None
) -> LinkedData:
    """Resolve every person mention of the given batches to a stable entity and store the result."""
    from childlink.store import repository as repo
    from matching.linker import Linker
    from matching.mentions import person_mentions

    watch = watch or _Stopwatch()
    with watch.stage("load"):
        batches = _load_batches(store, batch_ids)
    with watch.stage("mentions"):
        mentions = person_mentions(batches)
    previous = _previous_snapshot(store)
    decisions = _review_decisions(store)
    with watch.stage("linkage"):
        result = Linker(settings.linkage).link(
            mentions, previous=previous, decisions=decisions, county=county, next_counter=_next_entity_counter(previous)
        )
    with watch.stage("store_links"):
        assignments = result.assignments
        repo.save_entity_assignments(store, run_id=run_id, assignments=assignments.select(
            "mention_id", "entity_id", "match_probability",
            pl.col("method").replace({"review_decision": "review"}),
        ))
        if result.lineage.height:
            repo.record_lineage(store, run_id=run_id, changes=result.lineage)
        if result.review_queue.height:
            repo.add_review_items(store, run_id=run_id, items=_review_items(result.review_queue))
        snapshot = assignments.select("mention_id", "entity_id").join(
            mentions.select("mention_id", "fingerprint"), on="mention_id", how="left"
        )
        folder = store.data_dir / LINKAGE_SNAPSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        snapshot.write_parquet(folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{run_id}.parquet")
    return LinkedData(
        batches=batches,
        mentions=mentions,
        assignments=assignments,
        review_queue=result.review_queue,
        lineage=result.lineage,
        timings=result.timings,
    )


def _review_decisions(store) -> pl.DataFrame | None:
    from childlink.store import repository as repo

    decisions = repo.load_review_decisions(store)
    if decisions.is_empty():
        return None
    return decisions.select(
        pl.col("left_key").alias("fingerprint_l"), pl.col("right_key").alias("fingerprint_r"), "decision"
    )


def _review_pairs(queue: pl.DataFrame) -> pl.DataFrame:
    """The linker's queue (``<field>_l/_r``, ``level_<c>``, ``weight_<c>``, ``match_weight``) in the
    reports' and the store's naming (``left_<field>``/``right_<field>``, ``<c>_level``, ``<c>_weight``,
    ``total_weight``)."""
    renames: dict[str, str] = {}
    for column in queue.columns:
        if column.startswith("level_"):
            renames[column] = f"{column[len('level_'):]}_level"
        elif column.startswith("weight_"):
            renames[column] = f"{column[len('weight_'):]}_weight"
        elif column == "match_weight":
            renames[column] = "total_weight"
        elif column.endswith("_l") and f"{column[:-2]}_r" in queue.columns:
            renames[column] = f"left_{column[:-2]}"
        elif column.endswith("_r") and f"{column[:-2]}_l" in queue.columns:
            renames[column] = f"right_{column[:-2]}"
    return queue.rename(renames)


def _review_items(queue: pl.DataFrame) -> pl.DataFrame:
    """The review queue in the store's shape: mention ids, fingerprints, probability, comparison JSON."""
    pairs = _review_pairs(queue)
    names = [c[: -len("_level")] for c in pairs.columns if c.endswith("_level") and f"{c[:-6]}_weight" in pairs.columns]
    comparison = pl.struct(
        [pl.struct(pl.col(f"{n}_level").alias("level"), pl.col(f"{n}_weight").alias("weight")).alias(n) for n in names]
        + [pl.col("total_weight")]
    ).struct.json_encode()
    return pairs.select(
        "left_mention_id", "right_mention_id",
        pl.col("left_fingerprint").alias("left_key"), pl.col("right_fingerprint").alias("right_key"),
        "match_probability", comparison.alias("comparison"),
    )


def links_table(linked: LinkedData) -> pl.DataFrame:
    """One line per accepted data row: the entity of the person the row is about.

    The row's primary role (exchange.yaml ``persons``, first role) speaks for
    it; a row whose primary person is blank (a newborn without a name on a
    birth certificate) falls back to its first non-empty role.
    """
    spec = exchange()
    rows = pl.concat(
        [
            frame.select(pl.lit(batch_id).alias("batch_id"), pl.lit(source_file).alias("source_file"),
                         pl.lit(source).alias("source"), pl.col("row").cast(pl.Int64))
            for batch_id, source, source_file, frame in linked.batches
        ],
        how="vertical_relaxed",
    )
    role_order = {
        source: {role: rank for rank, role in enumerate(spec.source(source).persons)}
        for source in rows["source"].unique().to_list()
    }
    ranks = pl.DataFrame(
        [(s, role, rank) for s, roles in role_order.items() for role, rank in roles.items()],
        schema={"source": pl.Utf8, "role": pl.Utf8, "rank": pl.Int64},
        orient="row",
    )
    parts = linked.assignments.select("mention_id", "entity_id", "match_probability").with_columns(
        pl.col("mention_id").str.splitn(":", 3).alias("_p")
    ).with_columns(
        pl.col("_p").struct.field("field_0").cast(pl.Int64).alias("batch_id"),
        pl.col("_p").struct.field("field_1").cast(pl.Int64).alias("row"),
        pl.col("_p").struct.field("field_2").alias("role"),
    ).drop("_p")
    best = (
        parts.join(rows.select("batch_id", "source").unique(), on="batch_id")
        .join(ranks, on=["source", "role"], how="left")
        .sort(["batch_id", "row", "rank"])
        .unique(["batch_id", "row"], keep="first")
    )
    return rows.join(best.select("batch_id", "row", "entity_id", "match_probability"), on=["batch_id", "row"],
                     how="left").select("source_file", "row", "entity_id", "match_probability")


def run_linkage(out_dir: Path, *, settings: Settings, county: str | None = None,
                batch_ids: list[int] | None = None) -> JobOutcome:
    """Link the current extracts in the store (links.csv, review_queue.csv).

    Without ``batch_ids`` the current extracts are the newest accepted batch
    of each source file (``childlink.store.batches.latest_batches``).
    """
    from childlink.reports.linkage_tables import build_links_table
    from childlink.reports.writers import write_links_csv, write_review_queue_csv
    from childlink.store import repository as repo

    county = county or settings.county.code
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = _open_store(settings)
    if batch_ids is None:
        batch_ids = [b.batch_id for b in repo.latest_batches(store)]
    if not batch_ids:
        raise ValueError("库中没有可关联的数据，请先导入 / the store holds no accepted extracts: run ingest first")
    run_id = repo.start_run(store, kind="link", county=county, as_of=None, settings=settings)
    watch = _Stopwatch()
    linked = link_batches(store, batch_ids, settings=settings, county=county, run_id=run_id, watch=watch)
    files = {
        LINKS_CSV: write_links_csv(build_links_table(links_table(linked)), out_dir / LINKS_CSV),
        REVIEW_QUEUE_CSV: write_review_queue_csv(_review_table(linked), out_dir / REVIEW_QUEUE_CSV),
    }
    summary = _linkage_counts(linked) | {"timings": {k: round(v, 3) for k, v in watch.timings.items()}}
    repo.finish_run(store, run_id=run_id, summary=summary)
    return JobOutcome(run_id=run_id, out_dir=out_dir, files=files, summary=summary)


def _review_table(linked: LinkedData) -> pl.DataFrame:
    from childlink.reports.linkage_tables import build_review_queue

    if linked.review_queue.is_empty():
        return pl.DataFrame(schema={"left_mention_id": pl.Utf8, "right_mention_id": pl.Utf8,
                                    "total_weight": pl.Float64, "match_probability": pl.Float64})
    return build_review_queue(_review_pairs(linked.review_queue))


def _linkage_counts(linked: LinkedData) -> dict[str, Any]:
    assignments = linked.assignments
    return {
        "mentions": assignments.height,
        "entities": assignments["entity_id"].n_unique(),
        "review_queue": linked.review_queue.height,
        "entity_changes": linked.lineage.height,
    }


# ----------------------------------------------------------------------------- comparison


def _rules_records(linked: LinkedData, extract_dates: dict[int, date | None], as_of: date) -> dict[str, list[pl.DataFrame]]:
    records: dict[str, list[pl.DataFrame]] = {}
    for batch_id, source, source_file, frame in linked.batches:
        records.setdefault(source, []).append(
            frame.with_columns(
                pl.lit(str(batch_id)).alias("batch_id"),
                pl.lit(source_file).alias("source_file"),
                pl.lit(extract_dates.get(batch_id) or as_of, dtype=pl.Date).alias("extract_date"),
            )
        )
    return records


def run_comparison(
    extracts_dir: Path,
    out_dir: Path,
    *,
    settings: Settings,
    as_of: date,
    county: str | None = None,
    sensitive_dir: Path | None = None,
    progress: Progress | None = None,
) -> JobOutcome:
    """The quarterly comparison (policy §2.1): intake, linkage, facts, eligibility, flags, cases, reports.

    ``sensitive_dir`` is the access-controlled folder of special-category
    sources (``hiv``, policy §4), kept apart from the other extracts; its
    intake report goes to ``OUT/sensitive/`` and never into the shared files.
    """
    from childlink.intake import ingest_folder
    from childlink.reports.flags_table import build_flags_table, flag_counts
    from childlink.reports.linkage_tables import build_links_table
    from childlink.reports.run_summary import build_run_summary, folder_checksums
    from childlink.reports.writers import (
        write_flags_csv,
        write_flags_xlsx,
        write_links_csv,
        write_review_queue_csv,
        write_run_summary,
    )
    from childlink.rules import compare_with_register
    from childlink.store import repository as repo

    county = county or settings.county.code
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    watch = _Stopwatch()
    store = _open_store(settings)

    with watch.stage("intake"):
        intake = ingest_folder(extracts_dir, out_dir, settings=settings, store=store, as_of=as_of, progress=progress)
        if sensitive_dir is not None:
            sensitive = ingest_folder(sensitive_dir, out_dir / "sensitive", settings=settings, store=store, as_of=as_of,
                                      progress=progress)
    loaded = [*intake.files, *(sensitive.files if sensitive_dir is not None else [])]
    batch_ids = [f.batch_id for f in loaded if f.status in ("accepted", "skipped") and f.batch_id is not None]
    if not batch_ids:
        raise ValueError(f"没有可比对的数据文件 / no extract in {extracts_dir} could be loaded (see intake.csv)")

    run_id = repo.start_run(store, kind="compare", county=county, as_of=as_of, settings=settings)
    try:
        linked, facts, eligibility = _evaluate_current(
            store, batch_ids, settings=settings, as_of=as_of, county=county, run_id=run_id, watch=watch
        )
        with watch.stage("flags"):
            flags = compare_with_register(facts, eligibility, as_of=as_of, settings=settings.policy, county=county)
        with watch.stage("cases"):
            flags = _open_cases(store, flags, run_id=run_id, county=county)
        with watch.stage("reports"):
            table = build_flags_table(flags)
            files = {
                FLAGS_CSV: write_flags_csv(table, out_dir / FLAGS_CSV),
                FLAGS_XLSX: write_flags_xlsx(table, out_dir / FLAGS_XLSX),
                LINKS_CSV: write_links_csv(build_links_table(links_table(linked)), out_dir / LINKS_CSV),
                REVIEW_QUEUE_CSV: write_review_queue_csv(_review_table(linked), out_dir / REVIEW_QUEUE_CSV),
                "intake.csv": intake.intake_csv,
                "quarantine.csv": intake.quarantine_csv,
            }
        summary = build_run_summary(
            run_id=run_id,
            job="quarterly_comparison",
            as_of=as_of,
            county=county,
            counts=_intake_totals(intake.summary) | _linkage_counts(linked) | {"flags": table.height},
            files=[_file_counts(f) for f in intake.files],
            flags=flag_counts(table),
            timings=watch.timings,
            inputs=folder_checksums(Path(extracts_dir)),
            settings=settings.model_dump(mode="json"),
        )
        files[RUN_SUMMARY_JSON] = write_run_summary(summary, out_dir / RUN_SUMMARY_JSON)
    except BaseException:
        repo.finish_run(store, run_id=run_id, status="failed")
        raise
    repo.finish_run(store, run_id=run_id, summary={k: summary[k] for k in ("counts", "flags", "timings")})
    return JobOutcome(run_id=run_id, out_dir=out_dir, files=files, summary=summary)


def _intake_totals(summary: dict[str, Any]) -> dict[str, Any]:
    """The intake's totals (files, rows read, accepted, quarantined, ...): its summary without the per-file list."""
    return {k: v for k, v in summary.items() if k != "per_file"}


def _file_counts(result) -> dict[str, Any]:
    return {
        "source_file": result.source_file,
        "source": result.source,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_quarantined": result.rows_quarantined,
    }


def _open_cases(store, flags: pl.DataFrame, *, run_id: str, county: str) -> pl.DataFrame:
    """Cases across runs (policy §2.3): reconcile, store, and return the flags to report with their cases."""
    from childlink.rules import attach_case_ids, reconcile_cases
    from childlink.store import repository as repo

    known = repo.load_cases(store, county=county)
    # next_counter=None: the store allocates ids for new cases, so two runs never reuse one.
    cases, _ = reconcile_cases(flags, known, run_id=run_id, county=county, next_counter=None)
    stored = repo.upsert_cases(store, run_id=run_id, cases=cases)
    events = stored.filter(pl.col("event").is_not_null()).select("case_id", "event")
    if events.height:
        repo.record_case_events(store, run_id=run_id, events=events)
    reported = attach_case_ids(flags, stored).join(
        stored.select("case_id", pl.col("status").alias("case_status")), on="case_id", how="left"
    )
    if reported.height:
        repo.add_flags(store, run_id=run_id, flags=reported)
    return reported


def _evaluate_current(
    store, batch_ids: list[int], *, settings: Settings, as_of: date, county: str, run_id: str, watch: _Stopwatch
):
    """Link the batches and evaluate policy §1 for every child: (linked, facts, eligibility)."""
    from childlink.rules import build_facts, evaluate_eligibility
    from childlink.store.batches import get_batch

    linked = link_batches(store, batch_ids, settings=settings, county=county, run_id=run_id, watch=watch)
    extract_dates = {b: get_batch(store, batch_id=b).extract_date for b in batch_ids}
    with watch.stage("facts"):
        records = _rules_records(linked, extract_dates, as_of)
        assignments = linked.assignments.select("mention_id", "entity_id", "match_probability")
        facts = build_facts(records, assignments, as_of=as_of, settings=settings.policy)
    with watch.stage("eligibility"):
        eligibility = evaluate_eligibility(facts, as_of=as_of, settings=settings.policy, county=county)
    return linked, facts, eligibility


def _current_batch_ids(store, as_of: date) -> list[int]:
    from childlink.store import repository as repo

    batch_ids = [b.batch_id for b in repo.latest_batches(store, as_of=as_of)]
    if not batch_ids:
        raise ValueError("库中没有可用的数据，请先导入 / the store holds no accepted extracts: run ingest first")
    return batch_ids


FLOW_CHILDREN_CSV = "flow_children.csv"
SCHOOL_LIST = "school_list"


def run_flow_children(
    extracts_dir: Path | None, out_dir: Path, *, settings: Settings, as_of: date, county: str | None = None
) -> JobOutcome:
    """The half-yearly flow-children run (policy §2.4): the §1.5 screen over the current data.

    Loads ``extracts_dir`` first when given (else uses the store's current
    extracts) and writes ``flow_children.csv``: every child who meets §1.5 at
    the as-of date, with the evidence of residence here and the hukou place.
    """
    from childlink.intake import ingest_folder
    from childlink.store import repository as repo

    county = county or settings.county.code
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = _open_store(settings)
    watch = _Stopwatch()
    files: dict[str, Path] = {}
    if extracts_dir is not None:
        with watch.stage("intake"):
            intake = ingest_folder(extracts_dir, out_dir, settings=settings, store=store, as_of=as_of)
        files |= {"intake.csv": intake.intake_csv, "quarantine.csv": intake.quarantine_csv}
    run_id = repo.start_run(store, kind="flow_children", county=county, as_of=as_of, settings=settings)
    try:
        _, facts, eligibility = _evaluate_current(
            store, _current_batch_ids(store, as_of), settings=settings, as_of=as_of, county=county, run_id=run_id,
            watch=watch,
        )
        flow = eligibility.met.filter(pl.col("category") == "flow").select("entity_id").unique()
        people = facts.people.select(
            "entity_id", pl.col("id_number").alias("child_id_number"), pl.col("name").alias("child_name"), "sex",
            "birth_date", "hukou_division", "residence_county",
        )
        ledger = flow.join(people, on="entity_id", how="left").sort("child_id_number", nulls_last=True)
        path = out_dir / FLOW_CHILDREN_CSV
        ledger.with_columns(pl.col("birth_date").cast(pl.Utf8)).write_csv(path, include_bom=True)
        files[FLOW_CHILDREN_CSV] = path
    except BaseException:
        repo.finish_run(store, run_id=run_id, status="failed")
        raise
    summary = {"flow_children": ledger.height, "timings": {k: round(v, 3) for k, v in watch.timings.items()}}
    repo.finish_run(store, run_id=run_id, summary=summary)
    return JobOutcome(run_id=run_id, out_dir=out_dir, files=files, summary=summary)


def run_school_list(out_dir: Path, *, settings: Settings, as_of: date, county: str | None = None) -> JobOutcome:
    """Policy §2.5: school-age orphans and de facto unsupported children for the education bureau.

    Uses the store's current extracts; writes ``school_list.xlsx`` and
    ``school_list.csv`` with only the columns 002 names (no HIV, policy §4).
    """
    from childlink.reports.writers import write_school_list
    from childlink.rules import school_age_orphans_and_unsupported
    from childlink.store import repository as repo

    county = county or settings.county.code
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = _open_store(settings)
    watch = _Stopwatch()
    run_id = repo.start_run(store, kind="school_list", county=county, as_of=as_of, settings=settings)
    try:
        _, facts, eligibility = _evaluate_current(
            store, _current_batch_ids(store, as_of), settings=settings, as_of=as_of, county=county, run_id=run_id,
            watch=watch,
        )
        listed = school_age_orphans_and_unsupported(eligibility, facts.people, as_of=as_of, settings=settings.policy)
        children = listed.select(
            pl.col("id_number").alias("child_id_number"), pl.col("name").alias("child_name"), "sex", "birth_date",
            "category", pl.col("hukou_division").str.slice(0, 9).alias("township"),
        )
        written = write_school_list(children, out_dir / SCHOOL_LIST)
    except BaseException:
        repo.finish_run(store, run_id=run_id, status="failed")
        raise
    summary = {"children": listed.height, "timings": {k: round(v, 3) for k, v in watch.timings.items()}}
    repo.finish_run(store, run_id=run_id, summary=summary)
    files = {f"school_list.{fmt}": path for fmt, path in written.items()}
    return JobOutcome(run_id=run_id, out_dir=out_dir, files=files, summary=summary)
