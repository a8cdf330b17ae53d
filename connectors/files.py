"""Finding extract files in a folder: source, manifest entry, extract date.

exchange.yaml conventions.file_naming: a file's source comes from the
folder's manifest.yaml when it lists the file, otherwise from the start of
its name; the extract date from the manifest, otherwise from the first date
token of the name after the source key.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from childlink.schema import Exchange, exchange
from connectors.extract import FileRejected

MANIFEST_FILE = "manifest.yaml"
_TOKEN_SPLIT = re.compile(r"[_\-.]")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class ManifestEntry:
    """One `files` entry of manifest.yaml (exchange.yaml manifest.entry_fields)."""

    file: str
    source: str
    sheet: str | int | None = None
    header_row: int | None = None
    extract_date: date | None = None
    encoding: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DiscoveredFile:
    """A file found in an extracts folder, with what is known before reading it."""

    path: Path
    source: str | None
    manifest_entry: ManifestEntry | None
    extract_date: date | None  # None: not in manifest or name (warning extract_date_unknown on read)
    rejection: FileRejected | None = None

    @property
    def file_name(self) -> str:
        return self.path.name


def file_checksum(path: Path | str) -> str:
    """SHA-256 of the file's bytes (hex), read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _date_from_token(token: str) -> date | None:
    token = token.lower()
    try:
        if re.fullmatch(r"\d{8}", token):
            year, month, day = int(token[:4]), int(token[4:6]), int(token[6:])
            return date(year, month, day) if 2000 <= year <= 2099 else None
        if re.fullmatch(r"\d{6}", token):
            year, month = int(token[:4]), int(token[4:])
            if 2000 <= year <= 2099 and 1 <= month <= 12:
                return date(year, month, calendar.monthrange(year, month)[1])
            return None
        match = re.fullmatch(r"(\d{4})([qh])(\d)", token)
        if match:
            year, kind, n = int(match[1]), match[2], int(match[3])
            if not 2000 <= year <= 2099:
                return None
            if kind == "q" and 1 <= n <= 4:
                return date(year, *_QUARTER_END[n])
            if kind == "h" and n in (1, 2):
                return date(year, 6, 30) if n == 1 else date(year, 12, 31)
    except ValueError:
        return None
    return None


def extract_date_from_name(file_name: str, source: str | None = None) -> date | None:
    """The extract date named by a file (first valid date token after the source key).

    Tokens are runs between '_', '-' and '.'; YYYYMMDD, YYYYMM (month end),
    YYYYqN (quarter end) and YYYYhN (half-year end) with a year in 2000–2099.
    A source key glued to its date (prison2026q3) is split off first.
    """
    stem = Path(file_name).name
    if source and stem.lower().startswith(source):
        stem = stem[len(source):]
    for token in _TOKEN_SPLIT.split(stem):
        found = _date_from_token(token)
        if found is not None:
            return found
    return None


def _manifest_date(value: object, *, file: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{MANIFEST_FILE}: extract_date of {file} must be YYYY-MM-DD, got {value!r}") from None


def load_manifest(folder: Path | str) -> dict[str, ManifestEntry]:
    """Entries of the folder's manifest.yaml by file name ({} without a manifest)."""
    path = Path(folder) / MANIFEST_FILE
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig") as fh:
        raw = yaml.safe_load(fh) or {}
    entries: dict[str, ManifestEntry] = {}
    for item in raw.get("files", []) or []:
        if not isinstance(item, dict) or not item.get("file") or not item.get("source"):
            raise ValueError(f"{path}: every entry of 'files' needs 'file' and 'source' ({item!r})")
        name = str(item["file"])
        header_row = item.get("header_row")
        sheet = item.get("sheet")
        entries[name] = ManifestEntry(
            file=name,
            source=str(item["source"]).strip(),
            sheet=sheet if isinstance(sheet, int) or sheet is None else str(sheet),
            header_row=int(header_row) if header_row not in (None, "") else None,
            extract_date=_manifest_date(item.get("extract_date"), file=name),
            encoding=str(item["encoding"]) if item.get("encoding") else None,
            note=str(item["note"]) if item.get("note") else None,
        )
    return entries


def file_format(path: Path | str) -> str:
    """The lower-cased extension without the dot ('' when there is none)."""
    return Path(path).suffix.lower().lstrip(".")


def _rejection(rule: str, file: str, detail: str | None = None) -> FileRejected:
    spec_rule = exchange().file_rules[rule]
    return FileRejected(rule, spec_rule.message_zh, file=file, detail=detail)


def check_format(path: Path) -> FileRejected | None:
    """unsupported_format for an extension outside exchange.yaml formats.accepted."""
    accepted = exchange().conventions["formats"]["accepted"]
    fmt = file_format(path)
    if fmt not in accepted:
        found = f"扩展名“.{fmt}”" if fmt else "文件没有扩展名"
        return _rejection("unsupported_format", path.name, f"{found}，可接受的格式：{'、'.join(accepted)}")
    return None


def _known_sources(spec: Exchange) -> str:
    """The officer's hint for unknown_source: the source keys a file name may start with, with their titles."""
    known = "、".join(f"{key}（{source.title.split('（')[0]}）" for key, source in spec.sources.items())
    return f"文件名应以下列来源代码之一开头，或在 {MANIFEST_FILE} 中列出：{known}"


def discover_extracts(folder: Path | str) -> list[DiscoveredFile]:
    """Every extract file of a folder (not its subfolders), sorted by name.

    manifest.yaml and hidden files are skipped. A file whose source is unknown
    or whose format is not accepted carries its rejection instead of raising.
    """
    folder = Path(folder)
    spec = exchange()
    manifest = load_manifest(folder)
    found: list[DiscoveredFile] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        name = path.name
        if name == MANIFEST_FILE or name.startswith(".") or name.startswith("~$"):
            continue
        entry = manifest.get(name)
        source = entry.source if entry else spec.source_for_filename(name)
        rejection: FileRejected | None = None
        if entry is not None and source not in spec.sources:
            rejection = _rejection("unknown_source", name, f"{MANIFEST_FILE} 中填写的数据来源“{source}”不存在")
            source = None
        elif source is None:
            rejection = _rejection("unknown_source", name, _known_sources(spec))
        rejection = rejection or check_format(path)
        if entry is not None and entry.extract_date is not None:
            extract_date = entry.extract_date
        else:
            extract_date = extract_date_from_name(name, source)
        found.append(DiscoveredFile(path, source, entry, extract_date, rejection))
    return found
