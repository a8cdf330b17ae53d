"""The jobs users run: intake, linkage, quarterly comparison, school lists.

Each job is a plain function over the library's stages; the CLI and the
Prefect flows both call these functions and nothing else, so a scheduled run
and an officer's run do the same work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from childlink.settings import Settings


@dataclass
class JobOutcome:
    """What a job did: its run id, the files it wrote and its summary."""

    run_id: str
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def run_intake(extracts_dir: Path, out_dir: Path, *, settings: Settings, as_of: date | None = None) -> JobOutcome:
    """Load and validate a folder of extracts into the store (intake.csv, quarantine.csv)."""
    raise NotImplementedError("intake job is wired once childlink.intake lands")


def run_linkage(out_dir: Path, *, settings: Settings, county: str | None = None) -> JobOutcome:
    """Link every current record in the store to entities (links.csv, review_queue.csv)."""
    raise NotImplementedError("linkage job is wired once matching lands")


def run_comparison(
    extracts_dir: Path, out_dir: Path, *, settings: Settings, as_of: date, county: str | None = None
) -> JobOutcome:
    """The quarterly comparison: intake, linkage, facts, eligibility, flags, cases, reports."""
    raise NotImplementedError("comparison job is wired once rules land")


def run_flow_children(
    extracts_dir: Path, out_dir: Path, *, settings: Settings, as_of: date, county: str | None = None
) -> JobOutcome:
    """The half-yearly flow-children run (policy §2.4): the §1.5 screen over the current data."""
    raise NotImplementedError


def run_school_list(out_dir: Path, *, settings: Settings, as_of: date, county: str | None = None) -> JobOutcome:
    """Policy §2.5: school-age orphans and de facto unsupported children for the education bureau."""
    raise NotImplementedError
