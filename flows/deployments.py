"""The deployments of prefect.yaml, for serving them without a work pool.

``prefect deploy --all`` reads prefect.yaml for a worker setup; ``childlink
flows serve`` reads the same file here and serves the flows in one process
(``prefect.serve``), so the schedules are written down once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow
from prefect.schedules import Cron


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml: its flow, default parameters and cron schedules."""

    name: str
    entrypoint: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    schedules: tuple[tuple[str, str], ...] = ()  # (cron, timezone)
    tags: tuple[str, ...] = ()

    def load_flow(self) -> Flow:
        """The flow object the entrypoint names (``flows/x.py:function``)."""
        path, _, name = self.entrypoint.partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return getattr(module, name)


def load_deployment_specs(prefect_yaml: Path) -> list[DeploymentSpec]:
    """The deployments listed in a prefect.yaml file."""
    if not Path(prefect_yaml).is_file():
        raise FileNotFoundError(f"部署文件不存在 / deployment file not found: {prefect_yaml}")
    document = yaml.safe_load(Path(prefect_yaml).read_text(encoding="utf-8")) or {}
    return [
        DeploymentSpec(
            name=raw["name"],
            entrypoint=raw["entrypoint"],
            description=raw.get("description", ""),
            parameters=dict(raw.get("parameters") or {}),
            schedules=tuple((s["cron"], s.get("timezone", "Asia/Shanghai")) for s in raw.get("schedules") or []),
            tags=tuple(raw.get("tags") or ()),
        )
        for raw in document.get("deployments") or []
    ]


def serve_deployments(specs: list[DeploymentSpec], *, overrides: dict[str, Any] | None = None) -> None:
    """Serve the deployments with their schedules in this process until interrupted.

    ``overrides`` replace default parameters (e.g. ``database_url``) where a flow takes them.
    """
    from prefect import serve

    runners = []
    for spec in specs:
        flow = spec.load_flow()
        accepted = set(flow.parameters.properties)
        parameters = spec.parameters | {k: v for k, v in (overrides or {}).items() if v is not None and k in accepted}
        runners.append(
            flow.to_deployment(
                name=spec.name,
                description=spec.description,
                parameters=parameters,
                schedules=[Cron(cron, timezone=tz) for cron, tz in spec.schedules],
                tags=list(spec.tags),
            )
        )
    serve(*runners)
