"""Small hand-made counties for the rules tests: rows per source, linked by ID number.

``County`` collects rows per source; each row is a dict of normalised fields.
Entities are the ID numbers themselves (``P<id>``); a role without an ID
number can be linked explicitly with a key ``"@<role>": entity_id``.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from childlink.rules.eligibility import Eligibility, evaluate_eligibility
from childlink.rules.facts import Facts, build_facts
from childlink.rules.flags import compare_with_register
from childlink.resources import data_path
from childlink.schema import exchange
from childlink.settings import PolicySettings

COUNTY = "220183"
AS_OF = date(2026, 9, 30)


def bundled_policy() -> PolicySettings:
    """The documented defaults of data/settings.toml (independent of the environment)."""
    with open(data_path("settings.toml"), "rb") as fh:
        return PolicySettings.model_validate(tomllib.load(fh)["policy"])


POLICY = bundled_policy()


def policy_with(**values) -> PolicySettings:
    return PolicySettings.model_validate(POLICY.model_dump() | values)


def id_number(birth: date, serial: int, sex: str = "1", division: str = COUNTY) -> str:
    """A valid 18-digit ID number (GB 11643 check digit)."""
    seq = f"{serial % 100:02d}{1 if sex == '1' else 2}"
    body = f"{division}{birth:%Y%m%d}{seq}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def entity(id_no: str) -> str:
    return f"P{id_no}"


def months_ago(months: int, days: int = 0) -> date:
    """A date ``months`` calendar months (and ``days`` more days) before the as-of date."""
    index = AS_OF.year * 12 + AS_OF.month - 1 - months
    year, month = divmod(index, 12)
    day = min(AS_OF.day, calendar.monthrange(year, month + 1)[1])
    return date.fromordinal(date(year, month + 1, day).toordinal() - days)


@dataclass
class County:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    serial: int = 0

    def person(self, birth: date, sex: str = "1", division: str = COUNTY) -> str:
        self.serial += 1
        return id_number(birth, self.serial, sex, division)

    def add(self, source: str, **fields) -> None:
        self.rows.setdefault(source, []).append(fields)

    def family(self, *, child_birth: date = date(2016, 5, 1), rural: bool = True, division: str = "220183100201",
               **hukou) -> tuple[str, str, str]:
        """A child with father and mother on the hukou register; returns their ID numbers."""
        father = self.person(date(1985, 3, 1), "1")
        mother = self.person(date(1987, 4, 1), "2")
        child = self.person(child_birth, "1")
        nature = "agricultural" if rural else "non_agricultural"
        for who, name in ((father, "父"), (mother, "母")):
            self.add("hukou_population", id_number=who, name=name + child[-4:], division=division, hukou_nature=nature)
        self.add("hukou_population", id_number=child, name="童" + child[-4:], division=division, hukou_nature=nature,
                 father_id_number=father, mother_id_number=mother, **hukou)
        return child, father, mother

    def frames(self) -> tuple[dict[str, list[pl.DataFrame]], pl.DataFrame]:
        records: dict[str, list[pl.DataFrame]] = {}
        links = []
        for source, rows in self.rows.items():
            spec = exchange().source(source)
            batch = f"b-{source}"
            clean = []
            for i, row in enumerate(rows, start=1):
                for role, attrs in spec.persons.items():
                    explicit = row.get(f"@{role}")
                    id_field = attrs.get("id_number")
                    value = explicit or (entity(row[id_field]) if id_field and row.get(id_field) else None)
                    if value:
                        links.append({"mention_id": f"{batch}:{i}:{role}", "entity_id": value, "match_probability": 0.99})
                clean.append({k: v for k, v in row.items() if not k.startswith("@")} | {"row": i})
            frame = pl.DataFrame(clean, infer_schema_length=None).with_columns(
                pl.lit(batch).alias("batch_id"), pl.lit(f"{source}_2026q3.csv").alias("source_file"))
            records[source] = [frame]
        assignments = pl.DataFrame(links, schema={"mention_id": pl.Utf8, "entity_id": pl.Utf8, "match_probability": pl.Float64})
        return records, assignments

    def facts(self, as_of: date = AS_OF, policy: PolicySettings = POLICY) -> Facts:
        records, assignments = self.frames()
        return build_facts(records, assignments, as_of=as_of, settings=policy)

    def eligibility(self, as_of: date = AS_OF, policy: PolicySettings = POLICY, county: str = COUNTY) -> Eligibility:
        return evaluate_eligibility(self.facts(as_of, policy), as_of=as_of, settings=policy, county=county)

    def child_row(self, child: str, as_of: date = AS_OF, policy: PolicySettings = POLICY, county: str = COUNTY) -> dict:
        children = self.eligibility(as_of, policy, county).children.filter(pl.col("entity_id") == entity(child))
        return children.row(0, named=True) if children.height else {}

    def categories(self, child: str, as_of: date = AS_OF, policy: PolicySettings = POLICY, county: str = COUNTY) -> list[str]:
        return list(self.child_row(child, as_of, policy, county).get("categories") or [])

    def flags(self, as_of: date = AS_OF, policy: PolicySettings = POLICY, county: str = COUNTY) -> pl.DataFrame:
        facts = self.facts(as_of, policy)
        eligibility = evaluate_eligibility(facts, as_of=as_of, settings=policy, county=county)
        return compare_with_register(facts, eligibility, as_of=as_of, settings=policy, county=county)
