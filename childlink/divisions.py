"""The division reference: GB/T 2260 codes and statistical village codes.

Loaded from ``data/divisions.csv`` (columns code, name, short_name, level,
parent, urban_rural). The synthetic generator appends its county's townships
and villages to the same file, so the loader accepts 6-, 9- and 12-digit
codes, blank short names and levels, extra columns and repeated codes (the
last row of a code wins).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from childlink.resources import data_path

DIVISIONS_FILE = "divisions.csv"
LEVELS = ("province", "city", "county", "township", "village")
# GB/T 2260 province-level prefixes (exchange.yaml conventions.types.division).
PROVINCE_PREFIXES = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82"]
)


def level_of_code(code: str) -> str:
    """The level a 6/9/12-digit code denotes, from its trailing zeros."""
    if len(code) == 12:
        if code[6:] == "000000":
            return level_of_code(code[:6])
        return "township" if code[9:] == "000" else "village"
    if len(code) == 9:
        return level_of_code(code[:6]) if code[6:] == "000" else "township"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short_name: str
    level: str
    parent: str | None
    urban_rural: str | None


@dataclass
class DivisionTable:
    """Division rows by code, with the names used to resolve addresses."""

    by_code: dict[str, Division]
    children: dict[str | None, list[Division]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        children: dict[str | None, list[Division]] = {}
        for division in self.by_code.values():
            parent = division.parent if division.parent in self.by_code else None
            children.setdefault(parent, []).append(division)
        self.children = children
        # Code prefixes below which the table lists children, so that a code
        # is only checked where the table actually covers its area.
        self.covered_parents = {d.parent for d in self.by_code.values() if d.parent}

    def get(self, code: str) -> Division | None:
        """The division with this code (townships as 9 digits), or None."""
        return self.by_code.get(code)

    def covers(self, code: str) -> bool:
        """True when the table lists the siblings of ``code`` (so absence means invalid)."""
        level = level_of_code(code)
        if level == "province":
            return True
        if level == "city":
            return code[:2] + "0000" in self.covered_parents
        if level == "county":
            return code[:4] + "00" in self.covered_parents
        if level == "township":
            return code[:6] in self.covered_parents
        return code[:9] in self.covered_parents

    def resolve_name(self, text: str) -> Division | None:
        """The deepest division named by the start of ``text`` (an address or name).

        At each level the longest full or short name that prefixes the
        remaining text wins; the search then continues among its children.
        The first step searches every level, so '德惠市xx镇' works without the
        province and city.
        """
        best: Division | None = None
        candidates: list[Division] = list(self.by_code.values())
        rest = text
        while rest:
            match, length = _longest_prefix(rest, candidates)
            if match is None:
                break
            best = match
            rest = rest[length:]
            candidates = self.children.get(match.code, [])
            if not candidates:
                break
        return best


def _longest_prefix(text: str, candidates: list[Division]) -> tuple[Division | None, int]:
    best: Division | None = None
    best_len = 0
    for division in candidates:
        for name in (division.name, division.short_name):
            if name and len(name) > best_len and text.startswith(name):
                # Higher levels win ties through iteration order: keep the first.
                best, best_len = division, len(name)
    return best, best_len


def _parent_of(code: str, level: str) -> str | None:
    if level == "village":
        return code[:9] + "000"
    if level == "township":
        return code[:6]
    if level == "county":
        return code[:4] + "00"
    if level == "city":
        return code[:2] + "0000"
    return None


def read_division_table(path: Path | str) -> DivisionTable:
    """Read a division CSV; unknown columns are ignored, blank cells allowed."""
    by_code: dict[str, Division] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for raw in csv.DictReader(fh):
            code = (raw.get("code") or "").strip()
            if not code.isdigit() or len(code) not in (6, 9, 12):
                continue
            if len(code) == 12 and code[9:] == "000" and code[6:] != "000000":
                code = code[:9]  # a township written with 12 digits
            name = (raw.get("name") or "").strip()
            level = (raw.get("level") or "").strip() or level_of_code(code)
            parent = (raw.get("parent") or "").strip() or _parent_of(code, level)
            if parent and len(parent) == 12 and parent[9:] == "000":
                parent = parent[:9]
            urban_rural = (raw.get("urban_rural") or "").strip() or None
            by_code[code] = Division(
                code=code,
                name=name,
                short_name=(raw.get("short_name") or "").strip(),
                level=level,
                parent=parent,
                urban_rural=urban_rural,
            )
    return DivisionTable(by_code)


@cache
def division_table() -> DivisionTable:
    """The bundled division reference (cached)."""
    return read_division_table(data_path(DIVISIONS_FILE))
