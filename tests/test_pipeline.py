"""The jobs end to end on a small synthetic county, on a real SQLite store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from childlink import pipeline
from childlink.settings import load_settings
from childlink.synth import generate_county

AS_OF = date(2026, 9, 30)
COUNTY = "220183"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    generate_county(folder, people=800, seed=11, as_of=AS_OF, county=COUNTY)
    return folder


@pytest.fixture(scope="module")
def two_runs(county, tmp_path_factory):
    """The comparison run twice on the same extracts into one store."""
    work = tmp_path_factory.mktemp("work")
    settings = load_settings(database_url=f"sqlite:///{work / 'store.db'}").with_overrides(
        store={"data_dir": str(work / "data")}
    )
    first = pipeline.run_comparison(county, work / "q1", settings=settings, as_of=AS_OF, county=COUNTY)
    second = pipeline.run_comparison(county, work / "q2", settings=settings, as_of=AS_OF, county=COUNTY)
    return settings, first, second


def _read(path: Path, **kwargs) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0, **kwargs)


def test_comparison_writes_every_output(two_runs):
    _, first, _ = two_runs
    for name in ("flags.csv", "flags.xlsx", "links.csv", "review_queue.csv", "intake.csv", "quarantine.csv",
                 "run_summary.json"):
        assert first.files[name].is_file(), name
    assert first.files["flags.csv"].read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel


def test_links_cover_every_accepted_row_once(two_runs):
    _, first, _ = two_runs
    intake = _read(first.files["intake.csv"])
    links = _read(first.files["links.csv"])
    assert links.columns[:4] == ["source_file", "row", "entity_id", "match_probability"]
    accepted = intake.filter(pl.col("status") == "accepted")
    expected = accepted.select(pl.col("rows_accepted").cast(pl.Int64).sum()).item()
    assert links.height == expected
    assert links.select(pl.struct("source_file", "row").n_unique()).item() == links.height
    per_file = links.group_by("source_file").len()
    check = accepted.select("source_file", pl.col("rows_accepted").cast(pl.UInt32)).join(per_file, on="source_file")
    assert (check["rows_accepted"] == check["len"]).all()


def test_flags_carry_full_ids_categories_and_cases(two_runs):
    _, first, _ = two_runs
    flags = _read(first.files["flags.csv"])
    assert flags.columns[:8] == ["flag", "child_id_number", "child_name", "category", "reason", "evidence", "case_id",
                                 "case_status"]
    assert flags.height > 0
    assert set(flags["flag"]) <= {"suspected_eligible", "category_change", "should_exit", "cannot_verify",
                                  "emergency", "dropout_risk"}
    ids = flags["child_id_number"].drop_nulls()
    assert ids.str.contains(r"^[1-9][0-9]{16}[0-9X]$").all()
    assert flags["case_id"].null_count() == 0
    assert set(flags["case_status"]) == {"new"}
    evidence = json.loads(flags["evidence"][0])
    assert evidence and {"source_file", "row"} <= set(evidence[0])


def test_second_run_keeps_entities_and_cases(two_runs):
    _, first, second = two_runs
    links_1 = _read(first.files["links.csv"])
    links_2 = _read(second.files["links.csv"])
    same = links_1.join(links_2, on=["source_file", "row"], suffix="_2")
    assert same.height == links_1.height
    assert (same["entity_id"] == same["entity_id_2"]).all()
    flags_1 = _read(first.files["flags.csv"]).sort("case_id")
    flags_2 = _read(second.files["flags.csv"]).sort("case_id")
    assert flags_1["case_id"].to_list() == flags_2["case_id"].to_list()
    assert set(flags_2["case_status"]) == {"open"}  # still open, not raised anew


def test_run_summary_accounts_for_inputs_and_stages(two_runs, county):
    _, first, _ = two_runs
    summary = json.loads(first.files["run_summary.json"].read_text(encoding="utf-8"))
    assert summary["as_of"] == AS_OF.isoformat()
    assert set(summary["inputs"]) >= {p.name for p in county.glob("*.csv")}
    assert {"intake", "linkage", "facts", "eligibility", "flags"} <= set(summary["timings"])
    files = summary["files"]
    assert all(f["rows_read"] == f["rows_accepted"] + f["rows_quarantined"] for f in files)
    assert summary["settings"]["policy"]["restriction_min_months"] == 6
    assert summary["code_version"]["version"]


def test_school_list_and_flow_children_use_the_stored_extracts(two_runs, tmp_path):
    settings, _, _ = two_runs
    school = pipeline.run_school_list(tmp_path, settings=settings, as_of=AS_OF, county=COUNTY)
    listed = _read(school.files["school_list.csv"])
    assert listed.columns == ["姓名", "性别", "公民身份号码", "出生日期", "儿童类别", "乡镇（街道）", "村（居）",
                              "监护人姓名", "监护人联系电话"]
    assert set(listed["儿童类别"]) <= {"社会散居孤儿", "机构集中养育孤儿", "事实无人抚养儿童"}
    flow = pipeline.run_flow_children(None, tmp_path, settings=settings, as_of=AS_OF, county=COUNTY)
    ledger = _read(flow.files["flow_children.csv"])
    assert ledger.height > 0
    assert (ledger["hukou_division"].str.slice(0, 6) != COUNTY).all()


def test_review_queue_lays_out_both_records_and_every_comparison(two_runs):
    _, first, _ = two_runs
    queue = _read(first.files["review_queue.csv"])
    assert queue.height > 0
    assert {"left_name_raw", "right_name_raw", "left_id_number", "right_id_number"} <= set(queue.columns)
    levels = [c for c in queue.columns if c.endswith("_level")]
    assert "name_level" in levels and all(f"{c[:-6]}_weight" in queue.columns for c in levels)
    assert queue["total_weight"].null_count() == 0


def test_a_review_decision_wins_in_the_next_run(two_runs, tmp_path):
    from typer.testing import CliRunner

    from childlink.cli import _register_commands
    from childlink.cli.app import app
    from childlink.store import repository as repo
    from childlink.store import store_from_settings

    settings, _, _ = two_runs
    store = store_from_settings(settings)
    item = repo.load_review_items(store, status="open").row(0, named=True)
    _register_commands()
    result = CliRunner().invoke(app, ["review", "decide", str(item["id"]), "--decision", "linked", "--by", "analyst",
                                      "--db", settings.store.database_url])
    assert result.exit_code == 0, result.output
    pipeline.run_linkage(tmp_path / "relink", settings=settings, county=COUNTY)
    members = repo.load_entity_assignments(store)
    entity = dict(zip(members["mention_id"], members["entity_id"]))
    assert entity[item["left_mention_id"]] == entity[item["right_mention_id"]]
    assert item["id"] not in repo.load_review_items(store, status="open")["id"].to_list()
