"""What a flow run publishes to Prefect: tables and a Markdown report of its summary.

Pure: a job's summary in, artifact specifications out; the publishing task
hands them to Prefect's artifact API unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Mapping

from childlink.reports.run_summary import file_count_rows, flag_count_rows, summary_markdown


@dataclass(frozen=True)
class ArtifactSpec:
    """One artifact: a table (list of row dicts) or Markdown text, under a key."""

    kind: Literal["table", "markdown"]
    key: str
    content: Any
    description: str


def artifact_key(*parts: str) -> str:
    """A Prefect artifact key (lowercase letters, digits and dashes only)."""
    key = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return key or "childlink"


def summary_artifacts(job: str, summary: Mapping[str, Any], files: Mapping[str, Path] | None = None) -> list[ArtifactSpec]:
    """Flag counts (when the job raises flags), per-file counts (when it read files), and the report."""
    specs: list[ArtifactSpec] = []
    if isinstance(summary.get("flags"), Mapping) and summary["flags"]:
        specs.append(
            ArtifactSpec("table", artifact_key(job, "flags"), flag_count_rows(summary), "线索数量 / flags per type")
        )
    file_rows = file_count_rows(summary)
    if file_rows:
        specs.append(ArtifactSpec("table", artifact_key(job, "files"), file_rows, "各文件数量 / counts per input file"))
    report = summary_markdown(summary, files_written={k: str(v) for k, v in (files or {}).items()})
    specs.append(ArtifactSpec("markdown", artifact_key(job, "summary"), report, "运行摘要 / run summary"))
    return specs
