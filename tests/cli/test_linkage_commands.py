import pytest
from typer.testing import CliRunner

from childlink.cli import _register_commands
from childlink.cli.app import app

_register_commands()
runner = CliRunner()


@pytest.mark.parametrize("command", ["link", "evaluate"])
def test_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--out" in result.output


def test_evaluate_needs_truth(tmp_path):
    result = runner.invoke(app, ["evaluate", "--truth", str(tmp_path / "truth"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2


@pytest.mark.slow
def test_evaluate_on_a_small_county(tmp_path):
    import json
    from childlink.synth.generate import generate_county

    generate_county(tmp_path / "county", people=300, seed=5)
    result = runner.invoke(app, ["evaluate", "--truth", str(tmp_path / "county" / "truth"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o" / "linkage_evaluation.json").read_text())
    assert report["f1"] > 0.98 and report["twins_merged"] == 0
    assert (tmp_path / "o" / "pr_curve.png").is_file()
    scores = (tmp_path / "o" / "flag_evaluation.csv").read_text(encoding="utf-8").splitlines()
    assert scores[0] == "flag,true_positives,raised,expected,precision,recall"
    assert len(scores) == 7  # header + six flag types
    assert (tmp_path / "o" / "comparison" / "flags.csv").is_file()
