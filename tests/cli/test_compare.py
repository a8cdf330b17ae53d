"""``childlink compare``, ``flow-children`` and ``school-list`` through CliRunner, job functions faked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from childlink import pipeline
from childlink.cli import _register_commands
from childlink.cli.app import app
from childlink.pipeline import JobOutcome

_register_commands()
runner = CliRunner()


class FakeJob:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple, dict]] = []

    def __call__(self, *args, **kwargs) -> JobOutcome:
        self.calls.append((args, kwargs))
        out = [a for a in args if isinstance(a, Path)][-1]
        return JobOutcome(
            run_id="R42",
            out_dir=out,
            files={"flags_csv": out / "flags.csv", "flags_xlsx": out / "flags.xlsx"},
            summary={"flags": {"suspected_eligible": 5, "should_exit": 2}, "counts": {"children": 40}},
        )


@pytest.fixture
def extracts(tmp_path: Path) -> Path:
    folder = tmp_path / "extracts"
    folder.mkdir()
    return folder


def test_compare_calls_the_job_and_prints_flag_counts(monkeypatch, extracts, tmp_path):
    fake = FakeJob()
    monkeypatch.setattr(pipeline, "run_comparison", fake)
    result = runner.invoke(
        app,
        ["compare", "--extracts", str(extracts), "--as-of", "2026-09-30", "--county", "220102",
         "--out", str(tmp_path / "out"), "--db", f"sqlite:///{tmp_path / 'c.db'}"],
    )
    assert result.exit_code == 0, result.output
    (args, kwargs), = fake.calls
    assert args == (extracts, tmp_path / "out")
    assert kwargs["as_of"] == date(2026, 9, 30) and kwargs["county"] == "220102"
    assert kwargs["settings"].county.code == "220102"
    assert kwargs["settings"].store.database_url == f"sqlite:///{tmp_path / 'c.db'}"
    assert "疑似保障对象" in result.output and "应退未退" in result.output
    assert "flags.xlsx" in result.output and "R42" in result.output


def test_flow_children_and_school_list(monkeypatch, extracts, tmp_path):
    flow, school = FakeJob(), FakeJob()
    monkeypatch.setattr(pipeline, "run_flow_children", flow)
    monkeypatch.setattr(pipeline, "run_school_list", school)
    result = runner.invoke(
        app, ["flow-children", "--extracts", str(extracts), "--as-of", "2026-06-30", "--county", "220183",
              "--out", str(tmp_path / "f")],
    )
    assert result.exit_code == 0, result.output
    assert flow.calls[0][1]["as_of"] == date(2026, 6, 30)
    result = runner.invoke(app, ["school-list", "--as-of", "2027-02-15", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    (args, kwargs), = school.calls
    assert args == (tmp_path / "s",) and kwargs["as_of"] == date(2027, 2, 15) and kwargs["county"] is None


def test_user_errors_are_clean(monkeypatch, extracts, tmp_path):
    monkeypatch.setattr(pipeline, "run_comparison", FakeJob())
    missing = runner.invoke(
        app, ["compare", "--extracts", str(tmp_path / "nope"), "--as-of", "2026-09-30", "--county", "220183",
              "--out", str(tmp_path / "out")],
    )
    assert missing.exit_code == 2 and "extracts folder not found" in missing.output
    bad_county = runner.invoke(
        app, ["compare", "--extracts", str(extracts), "--as-of", "2026-09-30", "--county", "2201",
              "--out", str(tmp_path / "out")],
    )
    assert bad_county.exit_code == 2 and "6-digit" in bad_county.output
    bad_date = runner.invoke(
        app, ["compare", "--extracts", str(extracts), "--as-of", "30.09.2026", "--county", "220183",
              "--out", str(tmp_path / "out")],
    )
    assert bad_date.exit_code == 2


@pytest.mark.parametrize("command", ["compare", "flow-children", "school-list"])
def test_help_is_bilingual(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output) and "--out" in result.output


def test_flows_list_shows_the_schedules():
    prefect_yaml = Path(__file__).parents[2] / "prefect.yaml"
    result = runner.invoke(app, ["flows", "list", "--prefect-yaml", str(prefect_yaml)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "quarterly" in result.output and "0 3 5 1,4,7,10 *" in result.output and "Asia/Shanghai" in result.output
