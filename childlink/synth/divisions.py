"""The synthetic county's townships and villages, and the places outside it.

The county's divisions depend only on the county code (never on the
population seed), so the rows appended to ``data/divisions.csv`` stay valid
for every generated population. Codes follow the statistical scheme: 6-digit
county + 3-digit township + 3-digit village; 城乡分类代码 1xx is urban
(111 main urban area, 121 town centre), 2xx rural (210 township centre,
220 village).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from childlink.resources import data_path

# Real township names of 德惠市 (the default county); other counties get generic names.
_DEHUI_TOWNSHIPS = (
    ("胜利街道", "street"), ("建设街道", "street"), ("惠发街道", "street"), ("夏家店街道", "street"),
    ("大房身镇", "town"), ("岔路口镇", "town"), ("朱城子镇", "town"), ("布海镇", "town"),
    ("天台镇", "town"), ("菜园子镇", "town"), ("达家沟镇", "town"), ("松花江镇", "town"),
    ("同太乡", "township"), ("边岗乡", "township"), ("五台乡", "township"),
)
_GENERIC_STEMS = "永安 兴隆 太平 新立 长胜 红旗 富民 东风 平安 福安 和平 向阳 光明 丰收 保安 德胜 建国 友谊".split()
_VILLAGE_STEMS = (
    "王家屯 李家窝堡 张家店 刘家沟 杨树林 腰屯 前进 后岗 二道河 三合 四家子 五棵树 靠山 榆树底 "
    "双井 大房子 小城子 柳条 北岭 南沟 东升 西山 新胜 永丰 长岭 黄花 荒地 孟家 郭家 韩家 "
    "姜家 于家 曲家 宋家 范家 谭家 邱家 付家 胡家 高家"
).split()
_COMMUNITY_STEMS = "惠民 春华 新城 民主 文化 人民 建业 花园 锦绣 和谐 幸福 中心 站前 繁荣 迎宾 康宁".split()


@dataclass(frozen=True)
class Village:
    """A village-level division (村委会 or 居委会) of the county."""

    code: str
    name: str
    township_code: str
    township_name: str
    urban_rural: str

    @property
    def rural(self) -> bool:
        return self.urban_rural.startswith("2")


@dataclass(frozen=True)
class Place:
    """A division outside the county (migrants' hukou, places of work)."""

    code: str
    name: str


@cache
def county_name(county: str) -> str:
    table = _division_rows()
    return table.get(county, {}).get("name", f"{county}县")


@cache
def city_name(county: str) -> str:
    table = _division_rows()
    return table.get(county[:4] + "00", {}).get("name", "")


@cache
def province_name(county: str) -> str:
    table = _division_rows()
    return table.get(county[:2] + "0000", {}).get("name", "")


@cache
def county_villages(county: str) -> tuple[Village, ...]:
    """Every village-level division of the county, in code order (deterministic)."""
    rng = random.Random(int(county))
    if county == "220183":
        townships = _DEHUI_TOWNSHIPS
    else:
        stems = rng.sample(_GENERIC_STEMS, 12)
        kinds = ["street"] * 3 + ["town"] * 6 + ["township"] * 3
        suffix = {"street": "街道", "town": "镇", "township": "乡"}
        townships = tuple((stem + suffix[kind], kind) for stem, kind in zip(stems, kinds))
    villages: list[Village] = []
    counters = {"street": 0, "town": 100, "township": 200}
    for tname, kind in townships:
        counters[kind] += 1
        tcode = f"{county}{counters[kind]:03d}"
        if kind == "street":
            names = [s + "社区" for s in rng.sample(_COMMUNITY_STEMS, rng.randint(4, 6))]
            codes = ["111"] * len(names)
        else:
            n_villages = rng.randint(7, 12)
            names = [tname[:-1] + "社区"] + [s + "村" for s in rng.sample(_VILLAGE_STEMS, n_villages)]
            codes = ["121" if kind == "town" else "210"] + ["220"] * n_villages
        for i, (vname, ur) in enumerate(zip(names, codes), start=1):
            villages.append(Village(f"{tcode}{i:03d}", vname, tcode, tname, ur))
    return tuple(villages)


def division_rows(county: str) -> list[dict[str, str]]:
    """Rows for ``data/divisions.csv``: the county's townships and villages."""
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for v in county_villages(county):
        if v.township_code not in seen:
            seen.add(v.township_code)
            rows.append({"code": v.township_code, "name": v.township_name, "short_name": "", "level": "township",
                         "parent": county, "urban_rural": ""})
        rows.append({"code": v.code, "name": v.name, "short_name": "", "level": "village",
                     "parent": v.township_code, "urban_rural": v.urban_rural})
    return rows


# Counties outside the synthetic county that the world refers to; added to the
# division table when missing there (places of work in Zhejiang, Guangdong, Jiangsu).
EXTRA_COUNTIES = (
    {"code": "330212", "name": "鄞州区", "short_name": "鄞州", "level": "county", "parent": "330200", "urban_rural": ""},
    {"code": "440306", "name": "宝安区", "short_name": "宝安", "level": "county", "parent": "440300", "urban_rural": ""},
    {"code": "320506", "name": "吴中区", "short_name": "吴中", "level": "county", "parent": "320500", "urban_rural": ""},
    {"code": "440113", "name": "番禺区", "short_name": "番禺", "level": "county", "parent": "440100", "urban_rural": ""},
)


def append_to_division_table(county: str, path: Path | None = None) -> int:
    """Append the county's townships and villages (and EXTRA_COUNTIES) to the division CSV; returns rows added."""
    path = path or data_path("divisions.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        existing = {row["code"] for row in csv.DictReader(fh)}
    new = [r for r in [*EXTRA_COUNTIES, *division_rows(county)] if r["code"] not in existing]
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "name", "short_name", "level", "parent", "urban_rural"],
                                lineterminator="\n")
        writer.writerows(new)
    return len(new)


@cache
def _division_rows() -> dict[str, dict[str, str]]:
    with open(data_path("divisions.csv"), encoding="utf-8", newline="") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh)}
    for row in EXTRA_COUNTIES:
        rows.setdefault(row["code"], row)
    return rows


def place_name(code: str) -> str:
    """Full name of a division outside the county ('浙江省宁波市鄞州区')."""
    table = _division_rows()
    parts = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code[:6]):
        name = table.get(prefix, {}).get("name")
        if name and name not in parts:
            parts.append(name)
    return "".join(parts) or code


# Where the county's migrants come from (hukou elsewhere, living here): nearby counties.
MIGRANT_ORIGINS = ("220122", "220182", "220184", "220113", "220281", "220322", "220323")
# Where the county's people work away (county-level codes or cities / provinces as officers record them).
WORK_PLACES = ("330212", "440306", "320506", "440113", "441900", "110000", "330200", "370200")
