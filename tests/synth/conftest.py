"""Shared generated counties (module scope keeps the suite fast)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from childlink.synth import generate_county


@pytest.fixture(scope="session")
def county_3000(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("county3000")
    report = generate_county(out, people=3000, seed=1, as_of=date(2026, 9, 30))
    return out, report


@pytest.fixture(scope="session")
def county_small(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("county600")
    report = generate_county(out, people=600, seed=11, as_of=date(2026, 9, 30))
    return out, report


def data_files(out: Path) -> list[Path]:
    return sorted([p for p in out.iterdir() if p.is_file()] + list((out / "sensitive").glob("*")))
