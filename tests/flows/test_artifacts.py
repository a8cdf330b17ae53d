from __future__ import annotations

from pathlib import Path

from flows.artifacts import artifact_key, summary_artifacts

SUMMARY = {
    "run_id": "R20260930",
    "job": "comparison",
    "as_of": "2026-09-30",
    "county": "220183",
    "counts": {"rows_read": 120, "rows_accepted": 118},
    "files": [
        {"source_file": "death.csv", "rows_read": 20, "rows_accepted": 20},
        {"source_file": "prison.xlsx", "rows_read": 100, "rows_accepted": 98, "rows_quarantined": 2},
    ],
    "flags": {"suspected_eligible": 3, "should_exit": 1},
    "timings": {"intake": 1.5, "linkage": 2.25},
}


def test_artifact_keys_are_prefect_safe():
    assert artifact_key("Quarterly comparison", "flags") == "quarterly-comparison-flags"
    assert artifact_key("intake_and_link", "§") == "intake-and-link"


def test_flag_and_file_tables_and_report():
    specs = summary_artifacts("quarterly-comparison", SUMMARY, {"flags_csv": Path("/out/flags.csv")})
    assert [(s.kind, s.key) for s in specs] == [
        ("table", "quarterly-comparison-flags"),
        ("table", "quarterly-comparison-files"),
        ("markdown", "quarterly-comparison-summary"),
    ]
    flags, files, report = (s.content for s in specs)
    assert flags[0] == {"flag": "suspected_eligible", "线索类型": "疑似保障对象", "count": 3}
    assert [r["count"] for r in flags] == [3, 0, 1, 0, 0, 0, 4]
    assert flags[-1]["线索类型"] == "合计"
    assert files == [
        {"source_file": "death.csv", "rows_read": 20, "rows_accepted": 20, "rows_quarantined": None},
        {"source_file": "prison.xlsx", "rows_read": 100, "rows_accepted": 98, "rows_quarantined": 2},
    ]
    assert "| 应退未退 | should_exit | 1 |" in report
    assert "`/out/flags.csv`" in report and "2026-09-30" in report


def test_jobs_without_flags_or_files_publish_only_the_report():
    specs = summary_artifacts("semester-lists", {"run_id": "R1", "counts": {"children": 4}})
    assert [s.kind for s in specs] == ["markdown"]
    assert "| children | 4 |" in specs[0].content


def test_an_intake_summary_gives_per_file_rows_and_totals():
    intake = {
        "files": 2, "accepted": 1, "rows_read": 3, "reconciled": True,
        "per_file": [{"source_file": "death.csv", "status": "accepted", "rows_read": 3},
                     {"source_file": "notes.csv", "status": "skipped", "rows_read": 0}],
    }
    specs = summary_artifacts("intake-and-link-intake", intake)
    assert [s.key for s in specs] == ["intake-and-link-intake-files", "intake-and-link-intake-summary"]
    assert specs[0].content[1] == {"source_file": "notes.csv", "status": "skipped", "rows_read": 0}
    assert "| files | 2 |" in specs[1].content and "| rows_read | 3 |" in specs[1].content
