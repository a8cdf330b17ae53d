"""``childlink synth`` writes a county and reports its files."""

from __future__ import annotations

from typer.testing import CliRunner

from childlink.cli import _register_commands
from childlink.cli.app import app


def test_synth_command_writes_extracts_and_truth(tmp_path):
    _register_commands()
    out = tmp_path / "county"
    result = CliRunner().invoke(app, ["synth", "--out", str(out), "--people", "300", "--seed", "4",
                                      "--as-of", "2026-09-30", "--layout", "csv"])
    assert result.exit_code == 0, result.output
    assert (out / "truth" / "flags.csv").is_file()
    assert any(p.name.startswith("hukou_population_") for p in out.iterdir())


def test_synth_help_is_bilingual():
    _register_commands()
    result = CliRunner().invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "生成合成县数据" in result.output and "synthetic county" in result.output


def test_synth_rejects_a_bad_date(tmp_path):
    _register_commands()
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--as-of", "30/09/2026"])
    assert result.exit_code == 2
