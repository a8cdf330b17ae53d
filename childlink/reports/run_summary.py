"""The run summary: what a job read, what it found, how long it took, with what.

``build_run_summary`` gives the one shape run_summary.json has; the artifact
builders turn a summary into the tables and text a scheduler shows. Input
checksums also key the flows' caches, so an unchanged extract folder is
recognised as unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import subprocess
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from childlink.flag_types import FLAG_CODES, FLAG_TYPES

_CHUNK = 1 << 20


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (extracts may be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def folder_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, keyed by POSIX path relative to it, sorted.

    Hidden files (``.~lock``, ``.DS_Store``) are skipped: they are not extracts
    and come and go while an officer has a file open.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"数据文件夹不存在 / extracts folder not found: {folder}")
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return {p.relative_to(folder).as_posix(): file_checksum(p) for p in files}


def code_version(repo_dir: Path | None = None) -> dict[str, str | None]:
    """The installed package version and, when run from a git checkout, the commit."""
    try:
        version = importlib.metadata.version("childlink")
    except importlib.metadata.PackageNotFoundError:
        version = None
    where = repo_dir or Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": version, "git_commit": commit or None}


def build_run_summary(
    *,
    run_id: str,
    job: str,
    as_of: date | None = None,
    county: str | None = None,
    counts: Mapping[str, Any] | None = None,
    files: list[Mapping[str, Any]] | None = None,
    flags: Mapping[str, int] | None = None,
    timings: Mapping[str, float] | None = None,
    inputs: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The run_summary.json document.

    ``counts``: totals (rows read, accepted, entities, ...); ``files``: one
    mapping per input file (``source_file`` and its counts); ``flags``: count
    per flag code; ``timings``: seconds per stage; ``inputs``: checksums per
    input file (:func:`folder_checksums`); ``settings``: the settings used.
    """
    return {
        "run_id": run_id,
        "job": job,
        "as_of": as_of.isoformat() if as_of else None,
        "county": county,
        "counts": dict(counts or {}),
        "files": [dict(f) for f in files or []],
        "flags": {code: int((flags or {}).get(code, 0)) for code in FLAG_CODES} if flags is not None else {},
        "timings": {stage: round(float(s), 3) for stage, s in (timings or {}).items()},
        "inputs": dict(sorted((inputs or {}).items())),
        "settings": dict(settings or {}),
        "code_version": code_version(),
    }


def flag_count_rows(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows ``flag, 线索类型, count`` for every flag type (zero when absent) and a total."""
    flags = summary.get("flags")
    flags = flags if isinstance(flags, Mapping) else {}
    rows = [{"flag": code, "线索类型": FLAG_TYPES[code].label, "count": int(flags.get(code, 0))} for code in FLAG_CODES]
    rows.append({"flag": "total", "线索类型": "合计", "count": sum(r["count"] for r in rows)})
    return rows


def summary_totals(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The run's totals: ``counts`` when the summary has them, else its top-level numbers.

    Job summaries differ in shape (intake and linkage keep their counts at the
    top level); identifiers and the as-of date are not totals.
    """
    counts = summary.get("counts")
    if isinstance(counts, Mapping):
        return dict(counts)
    return {
        k: v
        for k, v in summary.items()
        if k not in _NOT_TOTALS and isinstance(v, (int, float, bool, str)) and v is not None
    }


_NOT_TOTALS = {"run_id", "job", "as_of", "county", "code_version"}


def file_count_rows(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per input file: ``source_file`` first, then its counts, missing counts empty.

    The files come from ``files`` (run_summary.json) or ``per_file`` (an intake
    summary, where ``files`` is the number of files).
    """
    files = next(
        (v for v in (summary.get("files"), summary.get("per_file")) if isinstance(v, list)),
        [],
    )
    files = [f for f in files if isinstance(f, Mapping)]
    keys: list[str] = []
    for f in files:
        keys += [k for k in f if k not in keys and k != "source_file"]
    return [{"source_file": f.get("source_file"), **{k: f.get(k) for k in keys}} for f in files]


def summary_markdown(summary: Mapping[str, Any], *, files_written: Mapping[str, Any] | None = None) -> str:
    """A short Markdown report of a run: parameters, totals, flags, timings, outputs."""
    lines = [f"# {summary.get('job', 'run')} {summary.get('run_id', '')}".rstrip(), ""]
    for label, key in (("as-of 基准日", "as_of"), ("county 县", "county")):
        if summary.get(key):
            lines.append(f"- {label}: `{summary[key]}`")
    version = summary.get("code_version") or {}
    if version:
        lines.append(f"- code 版本: `{version.get('version')}` `{version.get('git_commit') or '-'}`")
    counts = summary_totals(summary)
    if counts:
        lines += ["", "## 合计 / totals", "", "| | |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in counts.items()]
    if isinstance(summary.get("flags"), Mapping) and summary["flags"]:
        lines += ["", "## 线索 / flags", "", "| 线索类型 | flag | count |", "|---|---|---:|"]
        lines += [f"| {r['线索类型']} | {r['flag']} | {r['count']} |" for r in flag_count_rows(summary)]
    timings = summary.get("timings") or {}
    if timings:
        lines += ["", "## 用时 / timings (s)", "", "| stage | s |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in timings.items()]
    if files_written:
        lines += ["", "## 文件 / files", ""]
        lines += [f"- {name}: `{path}`" for name, path in sorted(files_written.items())]
    return "\n".join(lines) + "\n"
