"""Intake benchmark: one large hukou_population CSV end to end through ``ingest_folder``.

Writes a population extract into a temporary folder (in a child process):
by default the synthetic county's ``hukou_population`` file
(``childlink.synth.generate_source_csv``, with its planted noise), or with
``--generator builtin`` this module's stand-alone generator (valid check
digits, parents, a little dirt: bad ID numbers, blank names, unknown codes,
exact duplicate rows). Then ingests it into a fresh SQLite store and prints
rows per second (wall and CPU time) and the peak memory (RSS high-water mark
of the intake process and of the generator child).

    uv run python benchmarks/bench_intake.py --rows 1000000
    uv run python benchmarks/bench_intake.py --rows 1000000 --generator builtin

Targets: at least 50,000 rows/s and less than 4 GiB.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from childlink.intake import ingest_folder  # noqa: E402
from childlink.resources import data_path  # noqa: E402
from childlink.settings import load_settings  # noqa: E402
from childlink.store import open_store  # noqa: E402

AS_OF = date(2026, 9, 30)
COUNTY = "220183"
TARGET_ROWS_PER_SECOND = 50_000
TARGET_PEAK_BYTES = 4 * 1024**3

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
_SURNAMES = np.array(list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"))
_GIVEN = np.array(list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰子涵浩宇欣怡梓轩"))


def _id_numbers(rng: np.random.Generator, births: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """Valid 18-digit numbers: county division + birth date + sequence + sex digit + check digit."""
    n = births.size
    ymd = births.astype("datetime64[D]").astype(str)
    digits = np.zeros((n, 17), dtype=np.int64)
    for i, ch in enumerate(COUNTY):
        digits[:, i] = int(ch)
    chars = np.char.replace(ymd, "-", "")
    as_int = chars.astype(np.int64)
    for i in range(8):
        digits[:, 13 - i] = (as_int // 10**i) % 10
    # Sequence: the rank among people of the same birth date and sex, so numbers never repeat;
    # its last digit is odd for men and even for women (GB 11643).
    rank = (
        pl.DataFrame({"birth": births.astype("datetime64[D]").astype(np.int64), "sex": sex})
        .select(pl.int_range(pl.len()).over("birth", "sex"))
        .to_series()
        .to_numpy()
    )
    sequence = rank * 2 + np.where(sex == "1", 1, 0)
    if sequence.max() > 999:
        raise ValueError("too many people per birth date for unique ID numbers")
    digits[:, 14] = sequence // 100
    digits[:, 15] = (sequence // 10) % 10
    digits[:, 16] = sequence % 10
    check = _CHECK[(digits * _WEIGHTS).sum(axis=1) % 11]
    body = pl.DataFrame(digits.astype(str), schema=[f"d{i}" for i in range(17)]).select(
        pl.concat_str(pl.all()).alias("id")
    )
    return (body.get_column("id") + pl.Series(check)).to_numpy()


def _names(rng: np.random.Generator, n: int) -> pl.Series:
    surname = pl.Series(_SURNAMES[rng.integers(0, _SURNAMES.size, n)])
    first = pl.Series(_GIVEN[rng.integers(0, _GIVEN.size, n)])
    second = pl.Series(np.where(rng.random(n) < 0.6, _GIVEN[rng.integers(0, _GIVEN.size, n)], ""))
    return surname + first + second


def _village_codes() -> np.ndarray:
    """The county's village-level codes from the bundled division reference."""
    table = pl.read_csv(data_path("divisions.csv"), schema_overrides={"code": pl.Utf8})
    codes = table.filter((pl.col("level") == "village") & pl.col("code").str.starts_with(COUNTY))["code"]
    if codes.is_empty():
        raise ValueError(f"no village codes of county {COUNTY} in divisions.csv")
    return codes.to_numpy()


def population_frame(rows: int, seed: int = 7) -> pl.DataFrame:
    """A hukou_population extract of ``rows`` rows with the template's Chinese headers."""
    rng = np.random.default_rng(seed)
    n = rows
    start = np.datetime64("1940-01-01")
    births = start + rng.integers(0, (np.datetime64("2026-09-01") - start).astype(int), n).astype("timedelta64[D]")
    sex = np.where(rng.random(n) < 0.51, "1", "2")
    ids = _id_numbers(rng, births, sex)
    names = _names(rng, n)
    household = rng.integers(0, max(n // 3, 1), n)
    # Parents: other rows of the population (their numbers and names), as a register links them.
    father = rng.integers(0, n, n)
    mother = rng.integers(0, n, n)
    has_parents = rng.random(n) < 0.45
    villages = _village_codes()
    division = pl.Series(villages[rng.integers(0, villages.size, n)])
    status = rng.choice(["正常", "死亡", "迁出"], n, p=[0.96, 0.02, 0.02])
    status_date = np.where(
        status != "正常",
        (np.datetime64("2010-01-01") + rng.integers(0, 6000, n).astype("timedelta64[D]")).astype(str),
        "",
    )
    # Moves into the address happen after birth (a few percent of rows are dirty anyway).
    moved = births + rng.integers(0, 9000, n).astype("timedelta64[D]")
    moved_in = np.where((rng.random(n) < 0.3) & (moved < np.datetime64("2026-09-30")), moved.astype(str), "")
    birth_text = births.astype(str)
    frame = pl.DataFrame(
        {
            "公民身份号码": ids,
            "姓名": names,
            "性别": np.where(sex == "1", "男", "女"),
            "出生日期": birth_text,
            "民族": rng.choice(["汉族", "满族", "朝鲜族", "回族", "蒙古族"], n, p=[0.9, 0.05, 0.02, 0.02, 0.01]),
            "户号": pl.Series(household).cast(pl.Utf8).str.zfill(9),
            "户别": rng.choice(["家庭户", "集体户"], n, p=[0.97, 0.03]),
            "与户主关系": rng.choice(["户主", "配偶", "子", "女", "孙子", "母亲"], n),
            "住址区划": division,
            "住址": "吉林省长春市德惠市" + pl.Series(rng.integers(1, 300, n).astype(str)) + "号",
            "户口性质": rng.choice(["农业", "非农业", "居民"], n),
            "户口状态": status,
            "状态变动日期": status_date,
            "父亲姓名": np.where(has_parents, names.to_numpy()[father], ""),
            "父亲公民身份号码": np.where(has_parents, ids[father], ""),
            "母亲姓名": np.where(has_parents, names.to_numpy()[mother], ""),
            "母亲公民身份号码": np.where(has_parents, ids[mother], ""),
            "迁入日期": moved_in,
        }
    )
    return _add_dirt(frame, rng)


def _add_dirt(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """About 1% bad ID numbers, 0.5% blank names, 0.5% unknown ethnicity, 0.2% exact duplicates."""
    n = frame.height
    bad_id = rng.random(n) < 0.01
    no_name = rng.random(n) < 0.005
    bad_code = rng.random(n) < 0.005
    frame = frame.with_columns(
        pl.when(pl.Series(bad_id))
        .then(pl.col("公民身份号码").str.slice(0, 8) + "AB" + pl.col("公民身份号码").str.slice(10))
        .otherwise(pl.col("公民身份号码")),
        pl.when(pl.Series(no_name)).then(pl.lit("")).otherwise(pl.col("姓名")).alias("姓名"),
        pl.when(pl.Series(bad_code)).then(pl.lit("火星族")).otherwise(pl.col("民族")).alias("民族"),
    )
    # The last rows repeat earlier ones exactly.
    copies = min(max(n // 500, 1), n - 1) if n > 1 else 0
    kept = frame.head(n - copies)
    return pl.concat([kept, kept.sample(n=copies, seed=int(rng.integers(0, 2**31)))])


def peak_rss_bytes() -> tuple[int, int]:
    """RSS high-water marks (bytes) of this process and of its largest finished child (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own * 1024, children * 1024


def write_population_csv(path: Path, rows: int, generator: str) -> None:
    """The benchmark file: from the synthetic county (``rows`` people) or from ``population_frame``."""
    if generator == "synth":
        from childlink.synth import generate_source_csv

        generate_source_csv(path, "hukou_population", people=rows, seed=7, as_of=AS_OF, county=COUNTY)
    else:
        population_frame(rows).write_csv(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Intake + validation benchmark (hukou_population CSV).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the generated file")
    parser.add_argument(
        "--generator",
        choices=("synth", "builtin"),
        default="synth",
        help="synth: the synthetic county's hukou_population file (about one row per person); "
        "builtin: this module's faster stand-alone generator",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the work folder here instead of a temp folder")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_intake_") as tmp:
        work = args.keep or Path(tmp)
        extracts, out = work / "extracts", work / "out"
        extracts.mkdir(parents=True, exist_ok=True)
        csv = extracts / f"hukou_population_{AS_OF:%Y%m%d}.csv"
        started = time.perf_counter()
        # In a child process, so that the generator's memory is not counted as the intake's.
        generator = multiprocessing.get_context("fork").Process(target=write_population_csv, args=(csv, args.rows, args.generator))
        generator.start()
        generator.join()
        if generator.exitcode != 0:
            print("the generator failed")
            return 1
        print(f"generated ({args.generator}) for {args.rows:,} rows: {csv.stat().st_size / 1e6:.0f} MB "
              f"in {time.perf_counter() - started:.1f} s → {csv}")

        started = time.perf_counter()
        import expectations  # noqa: F401  (Great Expectations' import is process start-up, timed apart)

        print(f"import of Great Expectations: {time.perf_counter() - started:.1f} s (not counted below)")
        settings = load_settings(database_url=f"sqlite:///{work / 'bench.db'}")
        settings = settings.with_overrides(store={"data_dir": str(work / "data")})
        store = open_store(settings.store.database_url, data_dir=settings.store.data_dir)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = ingest_folder(extracts, out, settings=settings, store=store, as_of=AS_OF)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        store.close()

        file = result.files[0]
        summary = result.summary
        rate = summary["rows_read"] / elapsed if elapsed else float("inf")
        own, child = peak_rss_bytes()
        peak = max(own, child)
        print(f"status {file.status}: read {summary['rows_read']:,} = accepted {summary['rows_accepted']:,}"
              f" + quarantined {summary['rows_quarantined']:,} (reconciled: {summary['reconciled']})")
        print(f"intake + validation: {elapsed:.1f} s wall, {rate:,.0f} rows/s "
              f"(target ≥ {TARGET_ROWS_PER_SECOND:,}: {'ok' if rate >= TARGET_ROWS_PER_SECOND else 'MISSED'}); "
              f"CPU time {cpu:.1f} s (all threads)")
        print(f"of which validation (Great Expectations suites, quarantine rules): {file.validation_seconds:.1f} s wall")
        print(f"peak RSS: intake process {own / 1024**3:.2f} GiB, generator child {child / 1024**3:.2f} GiB "
              f"(target < 4 GiB: {'ok' if peak < TARGET_PEAK_BYTES else 'MISSED'})")
        if file.status != "accepted":
            print(f"file not accepted: {file.message}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
