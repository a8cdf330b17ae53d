"""``generate_county``: the world, its extract files and the ground truth, in one call."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import polars as pl

from childlink.schema import exchange
from childlink.synth.county import build_world
from childlink.synth.dates import add_months
from childlink.synth.divisions import county_name
from childlink.synth.extracts import Facts
from childlink.synth.sources import BUILDERS
from childlink.synth.noise import DATE_STYLES, FileStyle, Renderer
from childlink.synth.truth import evaluate
from childlink.synth.truth_tables import categories_table, flags_table, persons_table, scenarios_table
from childlink.synth.writers import FileLayout, choose_headers, mentions, plant_rows, quarantine, write_csv, write_xlsx

LAYOUTS = ("mixed", "csv")
SENSITIVE_DIR = "sensitive"
TRUTH_DIR = "truth"

# Mixed layout: how each department sends its file (format, CSV encoding, date token kind);
# txt is a tab-separated text export.
MIXED_FORMATS: dict[str, tuple[str, str, str]] = {
    "hukou_population": ("csv", "gb18030", "day"),
    "child_register": ("xlsx", "", "quarter"),
    "death": ("csv", "utf-8-sig", "quarter"),
    "court_judgment": ("xlsx", "", "quarter"),
    "prison": ("xlsx", "", "quarter"),
    "custody": ("csv", "gb18030", "quarter"),
    "drug_rehab": ("xlsx", "", "quarter"),
    "missing_report": ("txt", "utf-8", "quarter"),
    "disability": ("xlsx", "", "day"),
    "serious_illness": ("csv", "utf-8-sig", "quarter"),
    "hiv": ("xlsx", "", "quarter"),
    "student_roll": ("xlsx", "", "day"),
    "birth_certificate": ("csv", "utf-8", "quarter"),
    "child_health": ("csv", "gb18030", "day"),
    "vaccination": ("csv", "utf-8-sig", "day"),
    "residence_permit": ("xlsx", "", "day"),
    "employment": ("csv", "utf-8", "quarter"),
    "social_assistance": ("xlsx", "", "month"),
    "medical_insurance": ("csv", "gb18030", "day"),
    "adoption": ("xlsx", "", "day"),
    "emergency": ("xlsx", "", "day"),
    "rehab_assistance": ("txt", "gb18030", "day"),
    "inbound_push": ("xlsx", "", "day"),
}


@dataclass
class GenerationReport:
    """What ``generate_county`` wrote."""

    out_dir: Path
    people: int
    seed: int
    as_of: date
    county: str
    files: dict[str, Path] = field(default_factory=dict)  # extract file name -> path
    rows: dict[str, int] = field(default_factory=dict)  # extract file name -> data rows (blank rows excluded)
    truth_files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def date_token(as_of: date, kind: str) -> str:
    """File-name date token (exchange.yaml conventions.file_naming) that means exactly ``as_of``."""
    month_end = add_months(as_of.replace(day=1), 1).toordinal() - 1 == as_of.toordinal()
    if kind == "quarter" and month_end and as_of.month % 3 == 0:
        return f"{as_of.year}q{as_of.month // 3}"
    if kind == "month" and month_end:
        return f"{as_of:%Y%m}"
    return f"{as_of:%Y%m%d}"


def generate_county(out_dir: Path, *, people: int = 3000, seed: int = 1, as_of: date = date(2026, 9, 30),
                    county: str = "220183", noise: float = 1.0, layout: str = "mixed",
                    progress: Callable[[str, int, int], None] | None = None) -> GenerationReport:
    """Generate a synthetic county: extract files in ``out_dir``, HIV data in ``out_dir/sensitive``,
    ground truth in ``out_dir/truth``. Deterministic: the same arguments give byte-identical files.

    ``progress(stage, done, total)`` is called as sources are written (for a progress bar).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)} / 布局应为 {' 或 '.join(LAYOUTS)}: {layout}")
    if people < 50:
        raise ValueError(f"people must be at least 50 / 人口数至少为50: {people}")
    out_dir = Path(out_dir)
    (out_dir / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    report = GenerationReport(out_dir, people, seed, as_of, county)
    tick = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        report.timings[stage] = report.timings.get(stage, 0.0) + now - tick
        tick = now

    world = build_world(people, seed, as_of, county)
    lap("world")
    truth = evaluate(world)
    lap("truth")
    facts = Facts(world)
    all_mentions: list[pl.DataFrame] = []
    all_quarantine: list[pl.DataFrame] = []
    sources = list(BUILDERS)
    for i, key in enumerate(sources):
        if progress:
            progress(key, i, len(sources))
        frames = BUILDERS[key](facts)
        for suffix, frame in (frames.items() if isinstance(frames, dict) else [("", frames)]):
            name, written = _write_source(out_dir, key, suffix, frame, seed=seed, as_of=as_of, county=county,
                                          noise=noise, layout=layout)
            report.files[name] = written[0]
            report.rows[name] = written[1]
            all_mentions.append(written[2])
            all_quarantine.append(written[3])
        lap(f"write:{key}")
    if progress:
        progress("truth", len(sources), len(sources))
    truth_dir = out_dir / TRUTH_DIR
    tables = {
        "persons.csv": persons_table(world),
        "mentions.csv": pl.concat([m for m in all_mentions if m.height]),
        "expected_quarantine.csv": pl.concat([q for q in all_quarantine if q.height]) if any(q.height for q in all_quarantine)
        else pl.DataFrame(schema={"source_file": pl.Utf8, "row": pl.Int64, "rule": pl.Utf8}),
        "categories.csv": categories_table(world, truth),
        "flags.csv": flags_table(world, truth),
        "scenarios.csv": scenarios_table(world),
    }
    for name, table in tables.items():
        path = truth_dir / name
        table.write_csv(path)
        report.truth_files[name] = path
    lap("truth_files")
    return report


def _write_source(out_dir: Path, key: str, suffix: str, frame: pl.DataFrame, *, seed: int, as_of: date, county: str,
                  noise: float, layout: str) -> tuple[str, tuple[Path, int, pl.DataFrame, pl.DataFrame]]:
    source = exchange().source(key)
    rng = random.Random(f"{seed}:file:{key}:{suffix}")
    fmt, encoding, token_kind = MIXED_FORMATS[key]
    if layout == "csv":
        fmt, encoding = "csv", "utf-8"
        style = FileStyle()
        file_layout = FileLayout(headers={c.field: c.name for c in source.columns})
    else:
        csv_serials = fmt in ("csv", "txt") and rng.random() < 0.35
        style = FileStyle(date_style=rng.choices(DATE_STYLES, weights=(5, 3, 2, 1, 1))[0],
                          sex_style=rng.choice(("label", "label", "digit")), bool_style=rng.choice(("zh", "zh", "digit")),
                          excel_serials=csv_serials, native_dates=fmt == "xlsx")
        if fmt == "xlsx":
            style = FileStyle(date_style="iso", sex_style=style.sex_style, bool_style=style.bool_style, native_dates=True)
        cname = county_name(county)
        titles = ()
        if rng.random() < 0.7:
            titles = (f"{cname}{source.title}",)
            if rng.random() < 0.6:
                titles += (f"填报单位：{source.department}    数据截至：{as_of.year}年{as_of.month}月{as_of.day}日",)
        notes = ()
        if rng.random() < 0.6:
            notes = (f"注：本表由{source.department}提供，仅用于儿童关爱保护工作，不得对外公开。",)
            if rng.random() < 0.5:
                notes += ("制表人：王丽    审核人：刘建国",)
        file_layout = FileLayout(fmt=fmt, encoding=encoding or "utf-8", titles=titles, notes=notes,
                                 seq_column=rng.random() < 0.5,
                                 headers=choose_headers(source, rng, 0.2 * min(noise, 2), decorate=noise > 0),
                                 native_dates=fmt == "xlsx", sheet=source.title)
    token = date_token(as_of, token_kind) if layout == "mixed" else f"{as_of:%Y%m%d}"
    name = f"{key}_{suffix + '_' if suffix else ''}{token}.{fmt}"
    folder = out_dir / SENSITIVE_DIR if source.sensitive else out_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    rendered = Renderer(source, style, rng, noise).render(frame)
    planted = plant_rows(rendered, source, rng, noise, blank_rows=layout == "mixed")
    if fmt == "xlsx":
        write_xlsx(planted, source, file_layout, path)
    else:
        write_csv(planted, source, file_layout, path)
    data_rows = int((planted["__kind"] != "blank").sum())
    return name, (path, data_rows, mentions(planted, source, name), quarantine(planted, name))


def generate_source_csv(path: Path, source: str, *, people: int, seed: int = 1, as_of: date = date(2026, 9, 30),
                        county: str = "220183", noise: float = 1.0) -> int:
    """One source as a plain UTF-8 CSV (template headers), e.g. the million-row hukou_population benchmark file.

    The same world as ``generate_county`` with the same arguments and ``layout="csv"``; returns the data rows written.
    Planted duplicate and invalid rows are included; no truth files are written.
    """
    if source not in BUILDERS:
        raise ValueError(f"unknown or unsupported source / 未知数据来源: {source} (known: {', '.join(BUILDERS)})")
    world = build_world(people, seed, as_of, county,
                        register_and_school=source in ("child_register", "student_roll"))
    frame = BUILDERS[source](Facts(world))
    spec = exchange().source(source)
    rng = random.Random(f"{seed}:file:{source}:")
    rendered = Renderer(spec, FileStyle(), rng, noise).render(frame)
    planted = plant_rows(rendered, spec, rng, noise, blank_rows=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(planted, spec, FileLayout(headers={c.field: c.name for c in spec.columns}), path)
    return planted.height
