"""One typed settings object, loaded from a TOML file with documented defaults.

The defaults are in ``data/settings.toml`` (bundled). A county's own file
(``--settings FILE`` or ``CHILDLINK_SETTINGS``) overrides any of them; the
database URL may also come from ``CHILDLINK_DATABASE_URL``. This is the only
module that reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from childlink.resources import data_path

SETTINGS_FILE = "settings.toml"
ENV_DATABASE_URL = "CHILDLINK_DATABASE_URL"
ENV_SETTINGS = "CHILDLINK_SETTINGS"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Strict):
    database_url: str = "sqlite:///childlink.db"
    data_dir: str = "childlink-data"


class CountySettings(_Strict):
    code: str = "220183"

    @field_validator("code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        if not (len(value) == 6 and value.isdigit()):
            raise ValueError("county code must be a 6-digit GB/T 2260 code / 县级区划代码应为6位数字")
        return value


class PolicySettings(_Strict):
    """Province-dependent numbers of policy.md §5 (clause in each comment)."""

    orphan_max_age: int = 18  # §1.1
    unsupported_max_age: int = 18  # §1.2
    difficulty_max_age: int = 18  # §1.3
    left_behind_max_age: int = 16  # §1.4
    flow_max_age: int = 16  # §1.5
    severe_disability: dict[str, list[str]] = Field(  # §1.2, §1.4
        default_factory=lambda: {"*": ["1", "2"], "5": ["1", "2", "3", "4"], "6": ["1", "2", "3", "4"]}
    )
    family_difficulty_disability: dict[str, list[str]] = Field(  # §1.3.1
        default_factory=lambda: {"1": ["1", "2"], "4": ["1", "2"], "5": ["1", "2", "3"], "6": ["1", "2", "3"]}
    )
    child_disability_min_grade: int = 4  # §1.3.2
    serious_illness_list: list[str] = Field(default_factory=list)  # §1.2, §1.3 (empty = bundled list)
    restriction_min_months: int = 6  # §1.2
    lost_contact_min_months: int = 6  # §1.2
    work_away_min_months: int = 6  # §1.4
    work_away_max_gap_days: int = 30  # §1.4
    flow_min_months: int = 6  # §1.5
    core_urban_districts: dict[str, list[str]] = Field(default_factory=dict)  # §1.4, §1.5
    left_behind_rural_only: bool = False  # §1.4
    missing_counts_as_dead_for_orphan: bool = False  # §1.1
    poverty_assistance_types: list[str] = Field(default_factory=lambda: ["dibao", "tekun"])  # §1.3.1
    category_precedence: list[str] = Field(  # §1.7
        default_factory=lambda: [
            "orphan",
            "de_facto_unsupported",
            "guardianship_difficulty",
            "own_difficulty",
            "family_difficulty",
            "left_behind",
            "flow",
        ]
    )
    school_age_min: int = 6  # §2.1
    school_age_max: int = 15  # §2.1
    comparison_cadence_months: int = 3  # §2.1
    flow_cadence_months: int = 6  # §2.4
    semester_list_dates: list[str] = Field(default_factory=lambda: ["02-15", "08-15"])  # §2.5
    serious_illness_lookback_months: int = 12
    drug_rehab_default_months: int = 24

    def is_severe_disability(self, category: str | None, grade: str | None) -> bool:
        """§1.2 severe disability (重残) for a certificate's category and grade."""
        return _grade_listed(self.severe_disability, category, grade)

    def is_family_difficulty_disability(self, category: str | None, grade: str | None) -> bool:
        """§1.3.1 parent disability that makes a family-difficulty child."""
        return _grade_listed(self.family_difficulty_disability, category, grade)

    def core_urban_of_city(self, county_code: str | None) -> frozenset[str]:
        """The core urban districts of the prefecture city a county belongs to."""
        if not county_code:
            return frozenset()
        return frozenset(self.core_urban_districts.get(county_code[:4], []))


def _grade_listed(table: dict[str, list[str]], category: str | None, grade: str | None) -> bool:
    if not category or not grade:
        return False
    return grade in table.get(category, []) or grade in table.get("*", [])


class LinkageSettings(_Strict):
    upper_threshold: float = 0.95
    lower_threshold: float = 0.50
    prior_match_probability: float = 0.001
    em_max_iterations: int = 25
    em_tolerance: float = 1e-4

    @model_validator(mode="after")
    def _ordered(self) -> LinkageSettings:
        if not (0.0 <= self.lower_threshold <= self.upper_threshold <= 1.0):
            raise ValueError("need 0 <= lower_threshold <= upper_threshold <= 1 / 阈值设置应满足 0 ≤ 下限 ≤ 上限 ≤ 1")
        return self


class IntakeSettings(_Strict):
    high_quarantine_rate: float = 0.20
    progress_chunk_rows: int = 100_000


class Settings(_Strict):
    store: StoreSettings = Field(default_factory=StoreSettings)
    county: CountySettings = Field(default_factory=CountySettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    linkage: LinkageSettings = Field(default_factory=LinkageSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)

    def with_overrides(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some values replaced, e.g. ``with_overrides(store={"database_url": url})``."""
        data = self.model_dump()
        for section, values in sections.items():
            data[section].update({k: v for k, v in values.items() if v is not None})
        return Settings.model_validate(data)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key not in _REPLACED_TABLES:
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Tables that a county file replaces whole rather than merges key by key.
_REPLACED_TABLES = {"severe_disability", "family_difficulty_disability", "core_urban_districts"}


def load_settings(path: Path | str | None = None, *, database_url: str | None = None) -> Settings:
    """Defaults, then the county's file, then the environment, then arguments."""
    with open(data_path(SETTINGS_FILE), "rb") as fh:
        data = tomllib.load(fh)
    user_file = path or os.environ.get(ENV_SETTINGS)
    if user_file:
        user_path = Path(user_file)
        if not user_path.is_file():
            raise FileNotFoundError(f"设置文件不存在 / settings file not found: {user_path}")
        with open(user_path, "rb") as fh:
            data = _deep_merge(data, tomllib.load(fh))
    env_url = os.environ.get(ENV_DATABASE_URL)
    if env_url:
        data.setdefault("store", {})["database_url"] = env_url
    if database_url:
        data.setdefault("store", {})["database_url"] = database_url
    return Settings.model_validate(data)
