"""The flows on the real Prefect runtime, with the job functions replaced by small fakes.

The fakes record their calls, so the wiring can be asserted call by call
without running whole jobs: parameters and defaults, caching by input
checksums, retries on I/O errors only, and the artifacts a run publishes.
tests/flows/test_end_to_end.py runs the real jobs under the same runtime.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort

from childlink import pipeline
from childlink.pipeline import JobOutcome
from flows import tasks
from flows.flow_children import flow_children
from flows.intake_and_link import intake_and_link
from flows.quarterly_comparison import quarterly_comparison
from flows.semester_lists import semester_lists

pytestmark = [pytest.mark.usefixtures("prefect_runtime"), pytest.mark.slow]


class FakeJob:
    """Records its calls and returns an outcome with a small summary; may fail first."""

    def __init__(self, name: str, failures: list[BaseException] | None = None) -> None:
        self.name = name
        self.calls: list[dict] = []
        self.failures = list(failures or [])

    def __call__(self, *args, **kwargs) -> JobOutcome:
        self.calls.append({"args": args, **kwargs})
        if self.failures:
            raise self.failures.pop(0)
        out_dir = next(a for a in args if isinstance(a, Path) and "out" in a.parts[-2:] or "out" in a.name)
        return JobOutcome(
            run_id=f"R{len(self.calls)}",
            out_dir=out_dir,
            files={"flags_csv": out_dir / "flags.csv"},
            summary={
                "run_id": f"R{len(self.calls)}",
                "job": self.name,
                "files": [{"source_file": "death.csv", "rows_read": 2}],
                "flags": {"should_exit": 1, "dropout_risk": 2},
            },
        )


@pytest.fixture
def extracts(tmp_path) -> Path:
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "death.csv").write_text("公民身份号码,姓名\n220183201503150011,王小明\n", encoding="utf-8")
    return folder


def _artifact(key: str):
    async def read():
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), sort=ArtifactSort.CREATED_DESC
            )
            return found[0] if found else None

    return asyncio.run(read())


def test_quarterly_comparison_caches_by_input_checksums(monkeypatch, extracts, tmp_path):
    fake = FakeJob("comparison")
    monkeypatch.setattr(pipeline, "run_comparison", fake)
    out = tmp_path / "out"
    first = quarterly_comparison(extracts, out, as_of=date(2026, 9, 30), county="220183")
    assert first.run_id == "R1" and len(fake.calls) == 1
    call = fake.calls[0]
    assert call["as_of"] == date(2026, 9, 30) and call["county"] == "220183"
    assert call["settings"].county.code == "220183"

    again = quarterly_comparison(extracts, out, as_of=date(2026, 9, 30), county="220183")
    assert again.run_id == "R1" and len(fake.calls) == 1  # served from the cache

    (extracts / "death.csv").write_text("公民身份号码,姓名\n220183201503150011,王晓明\n", encoding="utf-8")
    changed = quarterly_comparison(extracts, out, as_of=date(2026, 9, 30), county="220183")
    assert changed.run_id == "R2" and len(fake.calls) == 2

    refreshed = quarterly_comparison(extracts, out, as_of=date(2026, 9, 30), county="220183", refresh_cache=True)
    assert refreshed.run_id == "R3" and len(fake.calls) == 3


def test_quarterly_comparison_publishes_flag_and_file_tables(monkeypatch, extracts, tmp_path):
    monkeypatch.setattr(pipeline, "run_comparison", FakeJob("comparison"))
    quarterly_comparison(extracts, tmp_path / "out", as_of="2026-06-30")
    flags = _artifact("quarterly-comparison-flags")
    assert flags is not None and flags.type == "table"
    rows = {r["线索类型"]: r["count"] for r in json.loads(flags.data)}
    assert rows["应退未退"] == 1 and rows["辍学风险"] == 2 and rows["合计"] == 3
    files = _artifact("quarterly-comparison-files")
    assert files is not None and json.loads(files.data) == [{"source_file": "death.csv", "rows_read": 2}]
    report = _artifact("quarterly-comparison-summary")
    assert report is not None and report.type == "markdown" and "flags.csv" in report.data


def test_default_as_of_is_the_end_of_the_previous_period(monkeypatch, extracts, tmp_path):
    from flows.periods import bureau_today, end_of_previous_half_year

    fake = FakeJob("flow_children")
    monkeypatch.setattr(pipeline, "run_flow_children", fake)
    flow_children(extracts, tmp_path / "out")
    assert fake.calls[0]["as_of"] == end_of_previous_half_year(bureau_today())


def test_io_errors_are_retried_and_other_errors_are_not(monkeypatch, extracts, tmp_path):
    monkeypatch.setattr(tasks, "comparison", tasks.comparison.with_options(retry_delay_seconds=0))
    flaky = FakeJob("comparison", failures=[OSError("file share away")])
    monkeypatch.setattr(pipeline, "run_comparison", flaky)
    outcome = quarterly_comparison(extracts, tmp_path / "out-a", as_of=date(2026, 3, 31))
    assert outcome.run_id == "R2" and len(flaky.calls) == 2

    broken = FakeJob("comparison", failures=[NotImplementedError("not yet")])
    monkeypatch.setattr(pipeline, "run_comparison", broken)
    with pytest.raises(NotImplementedError):
        quarterly_comparison(extracts, tmp_path / "out-b", as_of=date(2026, 3, 31))
    assert len(broken.calls) == 1


def test_nightly_flow_runs_intake_then_linkage(monkeypatch, extracts, tmp_path):
    order: list[str] = []
    intake, linkage = FakeJob("intake"), FakeJob("linkage")
    monkeypatch.setattr(pipeline, "run_intake", lambda *a, **k: (order.append("intake"), intake(*a, **k))[1])
    monkeypatch.setattr(pipeline, "run_linkage", lambda *a, **k: (order.append("linkage"), linkage(*a, **k))[1])
    outcome = intake_and_link(extracts, tmp_path / "out", as_of=date(2026, 11, 22))
    assert order == ["intake", "linkage"]
    assert intake.calls[0]["args"][1] == tmp_path / "out" / "intake"
    assert outcome.out_dir == tmp_path / "out" / "linkage"


def test_semester_lists_pass_the_run_date(monkeypatch, tmp_path):
    fake = FakeJob("school_list")
    monkeypatch.setattr(pipeline, "run_school_list", fake)
    semester_lists(tmp_path / "out", as_of=date(2027, 2, 15), county="220183")
    assert fake.calls[0]["as_of"] == date(2027, 2, 15)
    assert _artifact("semester-lists-summary") is not None
