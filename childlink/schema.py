"""The exchange schema: sources, columns, types, code lists and rules.

This is the one place where the departments' extract templates live in code.
It is derived from ``data/exchange.yaml`` (the standard templates, carried in
the project as its own configuration) and exposes them as frozen dataclasses.
Everything downstream refers to sources and fields by the names defined here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from childlink.resources import data_path

EXCHANGE_FILE = "exchange.yaml"

# Field types of the exchange spec (conventions.types).
ID_NUMBER = "id_number"
NAME = "name"
DATE = "date"
SEX = "sex"
DIVISION = "division"
CODE = "code"
TEXT = "text"
INTEGER = "integer"
BOOLEAN = "boolean"
PHONE = "phone"
FIELD_TYPES = (ID_NUMBER, NAME, DATE, SEX, DIVISION, CODE, TEXT, INTEGER, BOOLEAN, PHONE)

# Person attributes that a `persons` role may map to a field.
PERSON_ATTRIBUTES = ("id_number", "name", "sex", "birth_date")


@dataclass(frozen=True)
class CodeValue:
    code: str
    label: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class CodeList:
    key: str
    title: str
    closed: bool
    values: tuple[CodeValue, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)

    def label_of(self, code: str) -> str | None:
        for v in self.values:
            if v.code == code:
                return v.label
        return None

    def attribute(self, code: str, name: str, default: Any = None) -> Any:
        """An extra attribute of a code value (``group``, ``max_days``, ...)."""
        for v in self.values:
            if v.code == code:
                return v.extra.get(name, default)
        return default


@dataclass(frozen=True)
class Column:
    name: str  # the Chinese header of the standard template
    field: str  # the canonical field name (the contract)
    type: str
    required: bool = False
    code_list: str | None = None
    aliases: tuple[str, ...] = ()
    future_allowed: bool = False
    min: int | None = None
    max: int | None = None
    derive_from: str | None = None
    note: str | None = None

    @property
    def header_names(self) -> tuple[str, ...]:
        """The template name followed by its aliases, in the order to match."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Period:
    start: str | None = None
    end: str | None = None
    planned_end: str | None = None


@dataclass(frozen=True)
class Source:
    key: str
    department: str
    title: str
    description: str
    cadence: str
    sensitive: bool
    one_record_per_person_at_a_time: bool
    columns: tuple[Column, ...]
    persons: dict[str, dict[str, str]] = field(hash=False, compare=False)
    period: Period
    record_key: tuple[str, ...]
    date_order: tuple[tuple[str, str], ...] = ()
    required_any: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(f"No such field: {self.key}.{field_name}")

    def columns_of_type(self, type_name: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.type == type_name)

    @property
    def primary_role(self) -> str:
        """The role the source's rows are about (the first `persons` role)."""
        return next(iter(self.persons))


@dataclass(frozen=True)
class RowRule:
    rule: str
    message_zh: str
    action: str  # quarantine_row | flag_field
    escalate_if_required: bool
    value_after: str  # "null" | "kept"
    severity: str
    applies_to: str


@dataclass(frozen=True)
class FileRule:
    rule: str
    message_zh: str
    action: str  # reject_file | warn


@dataclass(frozen=True)
class Exchange:
    version: str
    conventions: dict[str, Any] = field(hash=False, compare=False)
    code_lists: dict[str, CodeList] = field(hash=False, compare=False)
    sources: dict[str, Source] = field(hash=False, compare=False)
    row_rules: dict[str, RowRule] = field(hash=False, compare=False)
    file_rules: dict[str, FileRule] = field(hash=False, compare=False)

    def source(self, key: str) -> Source:
        try:
            return self.sources[key]
        except KeyError:
            raise KeyError(f"No such source: {key} (known: {', '.join(self.sources)})") from None

    def code_list(self, key: str) -> CodeList:
        return self.code_lists[key]

    @property
    def null_tokens(self) -> tuple[str, ...]:
        return tuple(self.conventions["null_tokens"]["values"])

    @property
    def type_specs(self) -> dict[str, Any]:
        return self.conventions["types"]

    def source_for_filename(self, filename: str) -> str | None:
        """The source key a file name starts with (longest key wins), or None.

        exchange.yaml conventions.file_naming: the lower-cased name must start
        with a key followed by '_', '-', '.' or a digit.
        """
        lowered = Path(filename).name.lower()
        best: str | None = None
        for key in self.sources:
            if lowered.startswith(key):
                rest = lowered[len(key):]
                if rest == "" or rest[0] in "_-." or rest[0].isdigit():
                    if best is None or len(key) > len(best):
                        best = key
        return best


_BRACKET_HINT = re.compile(r"[\(（\[【][^\)）\]】]*[\)）\]】]$")


def normalise_header(cell: str) -> str:
    """Header matching key (exchange.yaml conventions.layout.header_matching).

    NFKC, all whitespace removed, a leading '*' or '※' removed and a trailing
    bracketed hint removed ('出生日期(格式:YYYY-MM-DD)' -> '出生日期').
    """
    text = unicodedata.normalize("NFKC", str(cell))
    text = re.sub(r"\s+", "", text)
    text = text.lstrip("*※")
    previous = None
    while previous != text:
        previous = text
        stripped = _BRACKET_HINT.sub("", text)
        # Keep names whose bracket is part of the template name itself.
        text = stripped if stripped else text
    return text


def header_index(source: Source) -> dict[str, str]:
    """Map of normalised header text -> field, for the source's columns.

    A header text belongs to the first column that names it; template names
    that carry brackets (收养人（男方）姓名) are indexed both with and without.
    """
    index: dict[str, str] = {}
    for column in source.columns:
        for header in column.header_names:
            for key in {normalise_header(header), re.sub(r"\s+", "", unicodedata.normalize("NFKC", header))}:
                index.setdefault(key, column.field)
    return index


def _code_list(key: str, raw: dict[str, Any]) -> CodeList:
    values = []
    for v in raw.get("values", []):
        extra = {k: val for k, val in v.items() if k not in ("code", "label", "aliases")}
        values.append(
            CodeValue(
                code=str(v["code"]),
                label=str(v["label"]),
                aliases=tuple(str(a) for a in v.get("aliases", []) or []),
                extra=extra,
            )
        )
    return CodeList(key=key, title=raw.get("title", key), closed=bool(raw.get("closed", True)), values=tuple(values))


def _column(raw: dict[str, Any]) -> Column:
    return Column(
        name=str(raw["name"]),
        field=str(raw["field"]),
        type=str(raw["type"]),
        required=bool(raw.get("required", False)),
        code_list=raw.get("code_list"),
        aliases=tuple(str(a) for a in raw.get("aliases", []) or []),
        future_allowed=bool(raw.get("future_allowed", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        derive_from=raw.get("derive_from"),
        note=raw.get("note"),
    )


def _source(key: str, raw: dict[str, Any]) -> Source:
    checks = raw.get("checks", {}) or {}
    period = raw.get("period", {}) or {}
    return Source(
        key=key,
        department=raw["department"],
        title=raw["title"],
        description=raw.get("description", ""),
        cadence=raw.get("cadence", ""),
        sensitive=bool(raw.get("sensitive", False)),
        one_record_per_person_at_a_time=bool(raw.get("one_record_per_person_at_a_time", False)),
        columns=tuple(_column(c) for c in raw["columns"]),
        persons={role: dict(attrs) for role, attrs in (raw.get("persons") or {}).items()},
        period=Period(period.get("start"), period.get("end"), period.get("planned_end")),
        record_key=tuple(raw.get("record_key", []) or []),
        date_order=tuple(tuple(pair) for pair in checks.get("date_order", []) or []),
        required_any=tuple(tuple(group) for group in checks.get("required_any", []) or []),
        notes=tuple(raw.get("notes", []) or []),
    )


def parse_exchange(raw: dict[str, Any]) -> Exchange:
    conventions = raw["conventions"]
    row_rules = {
        r["rule"]: RowRule(
            rule=r["rule"],
            message_zh=r["message_zh"],
            action=r["action"],
            escalate_if_required=bool(r.get("escalate_if_required", False)),
            value_after=str(r.get("value_after", "kept")),
            severity=r.get("severity", "error"),
            applies_to=str(r.get("applies_to", "")),
        )
        for r in conventions["quarantine_rules"]["rules"]
    }
    file_rules = {
        r["rule"]: FileRule(rule=r["rule"], message_zh=r["message_zh"], action=r["action"])
        for r in conventions["file_rules"]["rules"]
    }
    return Exchange(
        version=str(raw.get("version", "")),
        conventions=conventions,
        code_lists={k: _code_list(k, v) for k, v in raw["code_lists"].items()},
        sources={k: _source(k, v) for k, v in raw["sources"].items()},
        row_rules=row_rules,
        file_rules=file_rules,
    )


@cache
def load_exchange(path: Path | None = None) -> Exchange:
    """Load and parse the exchange spec (the bundled one by default)."""
    spec_path = path or data_path(EXCHANGE_FILE)
    with open(spec_path, encoding="utf-8") as fh:
        return parse_exchange(yaml.safe_load(fh))


def exchange() -> Exchange:
    """The bundled exchange spec (cached)."""
    return load_exchange()
