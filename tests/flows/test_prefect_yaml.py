"""prefect.yaml: the deployments, their schedules and where they run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from childlink.settings import load_settings

PREFECT_YAML = Path(__file__).parents[2] / "prefect.yaml"


@pytest.fixture(scope="module")
def deployments() -> dict[str, dict]:
    document = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    assert document["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $CHILDLINK_HOME }}"}}
    ]
    return {d["name"]: d for d in document["deployments"]}


def test_every_flow_is_deployed_once(deployments):
    assert {d["entrypoint"] for d in deployments.values()} == {
        "flows/intake_and_link.py:intake_and_link",
        "flows/quarterly_comparison.py:quarterly_comparison",
        "flows/flow_children.py:flow_children",
        "flows/semester_lists.py:semester_lists",
    }


def test_entrypoints_name_flows_and_parameters_exist(deployments):
    for deployment in deployments.values():
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        assert set(deployment["parameters"]) <= set(flow.parameters.properties), deployment["name"]
        assert set(flow.parameters.required) <= set(deployment["parameters"]), deployment["name"]


def test_schedules_follow_the_policy_in_the_bureau_time_zone(deployments):
    crons = {name: [s["cron"] for s in d["schedules"]] for name, d in deployments.items()}
    assert crons["nightly"] == ["0 2 * * *"]
    assert crons["quarterly"] == ["0 3 5 1,4,7,10 *"]
    assert crons["half-yearly"] == ["0 3 10 1,7 *"]
    for deployment in deployments.values():
        assert deployment["work_pool"]["name"] == "childlink-pool"
        assert all(s["timezone"] == "Asia/Shanghai" for s in deployment["schedules"])


def test_semester_schedules_match_the_settings(deployments):
    # policy §2.5: the lists go out on setting semester_list_dates (MM-DD).
    expected = []
    for month_day in load_settings().policy.semester_list_dates:
        month, day = (int(part) for part in month_day.split("-"))
        expected.append(f"0 3 {day} {month} *")
    assert [s["cron"] for s in deployments["semester"]["schedules"]] == expected
