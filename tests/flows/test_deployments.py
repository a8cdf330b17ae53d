from __future__ import annotations

from pathlib import Path

import pytest

from flows.deployments import load_deployment_specs
from flows.quarterly_comparison import quarterly_comparison

PREFECT_YAML = Path(__file__).parents[2] / "prefect.yaml"


def test_specs_are_read_from_prefect_yaml():
    specs = {s.name: s for s in load_deployment_specs(PREFECT_YAML)}
    assert set(specs) == {"nightly", "quarterly", "half-yearly", "semester"}
    quarterly = specs["quarterly"]
    assert quarterly.schedules == (("0 3 5 1,4,7,10 *", "Asia/Shanghai"),)
    assert quarterly.load_flow() is quarterly_comparison
    assert quarterly.parameters["out_dir"] == "runs/quarterly"
    assert len(specs["semester"].schedules) == 2


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="deployment file not found"):
        load_deployment_specs(tmp_path / "prefect.yaml")
