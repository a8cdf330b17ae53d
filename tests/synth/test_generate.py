"""The generated county: files, headers, truth coverage, determinism, speed."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import polars as pl
import pytest

from childlink.schema import exchange, header_index, normalise_header
from childlink.synth import generate_county
from childlink.synth.sources import BUILDERS
from childlink.synth.idnumbers import is_valid
from childlink.synth.truth import FLAG_KINDS
from tests.synth.conftest import data_files
from tests.synth.sheet_reading import header_and_data

CATEGORIES = exchange().code_list("child_category").codes


def test_every_source_written_and_recognised(county_3000):
    out, report = county_3000
    ex = exchange()
    seen = set()
    for path in data_files(out):
        key = ex.source_for_filename(path.name)
        assert key is not None, path.name
        seen.add(key)
        assert (path.parent.name == "sensitive") == ex.source(key).sensitive
    assert seen == set(BUILDERS)


def test_headers_map_to_every_field(county_3000):
    out, _ = county_3000
    ex = exchange()
    for path in data_files(out):
        source = ex.source(ex.source_for_filename(path.name))
        header, _ = header_and_data(path, source)
        index = header_index(source)
        fields = [index[normalise_header(h)] for h in header if normalise_header(h) in index]
        assert sorted(fields) == sorted(source.fields), path.name


def test_mentions_cover_every_data_row(county_3000):
    out, report = county_3000
    mentions = pl.read_csv(out / "truth" / "mentions.csv")
    persons = pl.read_csv(out / "truth" / "persons.csv", infer_schema=False)
    assert mentions["person_id"].is_in(persons["person_id"].cast(pl.Int64).implode()).all()
    ex = exchange()
    for path in data_files(out):
        source = ex.source(ex.source_for_filename(path.name))
        _, data = header_and_data(path, source)
        rows = {n for n, _ in data}
        covered = set(mentions.filter(pl.col("source_file") == path.name)["row"].to_list())
        assert rows == covered, path.name
        assert report.rows[path.name] == len(rows)


def test_expected_quarantine_rows_exist(county_3000):
    out, _ = county_3000
    quarantine = pl.read_csv(out / "truth" / "expected_quarantine.csv")
    mentions = pl.read_csv(out / "truth" / "mentions.csv")
    assert set(quarantine["rule"].unique()) >= {"duplicate_row", "required_missing"}
    joined = quarantine.join(mentions.select("source_file", "row").unique(), on=["source_file", "row"], how="anti")
    assert joined.height == 0


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_occurs_twenty_times(county_3000, category):
    out, _ = county_3000
    categories = pl.read_csv(out / "truth" / "categories.csv", infer_schema=False)
    count = categories.filter(pl.col("categories").str.split(";").list.contains(category)).height
    assert count >= 20, (category, count)


@pytest.mark.parametrize("flag", FLAG_KINDS)
def test_every_flag_occurs_twenty_times(county_3000, flag):
    out, _ = county_3000
    flags = pl.read_csv(out / "truth" / "flags.csv", infer_schema=False)
    assert flags.filter(pl.col("flag") == flag).height >= 20


def test_one_register_flag_per_child(county_3000):
    out, _ = county_3000
    flags = pl.read_csv(out / "truth" / "flags.csv", infer_schema=False)
    exclusive = flags.filter(pl.col("flag").is_in(list(FLAG_KINDS[:4])))
    assert exclusive["person_id"].is_unique().all()
    assert flags.select("flag", "person_id").is_unique().all()


def test_twins_have_distinct_valid_ids(county_3000):
    out, _ = county_3000
    persons = pl.read_csv(out / "truth" / "persons.csv", infer_schema=False)
    assert all(is_valid(v) for v in persons["id_number"].to_list())
    assert persons["id_number"].is_unique().all()
    twins = persons.filter(pl.col("twin_group").is_not_null()).group_by("twin_group").agg(
        pl.col("id_number").n_unique().alias("ids"), pl.col("birth_date").n_unique().alias("births"), pl.len())
    assert twins.height >= 1
    assert (twins["ids"] == twins["len"]).all() and (twins["births"] == 1).all()


def test_names_repeat_and_special_surnames_occur(county_3000):
    out, _ = county_3000
    persons = pl.read_csv(out / "truth" / "persons.csv", infer_schema=False)
    counts = Counter(persons["name"].to_list())
    assert counts.most_common(1)[0][1] >= 3


def test_same_seed_gives_identical_files(tmp_path):
    a = generate_county(tmp_path / "a", people=300, seed=7)
    b = generate_county(tmp_path / "b", people=300, seed=7)
    for name, path in a.files.items():
        assert path.read_bytes() == b.files[name].read_bytes(), name
    for name, path in a.truth_files.items():
        assert path.read_bytes() == b.truth_files[name].read_bytes(), name
    c = generate_county(tmp_path / "c", people=300, seed=8)
    assert c.truth_files["persons.csv"].read_bytes() != a.truth_files["persons.csv"].read_bytes()


def test_thousand_people_in_a_few_seconds(tmp_path):
    start = time.perf_counter()
    report = generate_county(tmp_path, people=1000, seed=2)
    assert time.perf_counter() - start < 10
    assert sum(report.rows.values()) > 1000


def test_csv_layout_is_plain_utf8(tmp_path):
    report = generate_county(tmp_path, people=300, seed=3, layout="csv")
    for name, path in report.files.items():
        assert name.endswith(".csv")
        text = path.read_bytes().decode("utf-8")
        source = exchange().source(exchange().source_for_filename(name))
        assert text.splitlines()[0].split(",") == [c.name for c in source.columns]


def test_as_of_other_than_quarter_end_names_files_by_day(tmp_path):
    report = generate_county(tmp_path, people=200, seed=1, as_of=date(2026, 8, 15))
    assert all("20260815" in name for name in report.files)


def test_source_csv_fast_path(tmp_path):
    from childlink.synth import generate_source_csv

    path = tmp_path / "hukou_population_20260930.csv"
    rows = generate_source_csv(path, "hukou_population", people=400, seed=1)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == rows + 1
    assert lines[0].split(",")[0] == "公民身份号码"
    county = generate_county(tmp_path / "county", people=400, seed=1, layout="csv")
    assert county.files["hukou_population_20260930.csv"].read_bytes() == path.read_bytes()


def test_clean_county_has_nothing_to_quarantine(tmp_path):
    report = generate_county(tmp_path, people=300, seed=5, noise=0.0)
    quarantine = pl.read_csv(report.truth_files["expected_quarantine.csv"])
    assert quarantine.height == 0


@pytest.mark.slow
def test_same_seed_same_bytes_across_processes(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from childlink.synth import generate_county; "
            "generate_county(Path(sys.argv[1]), people=300, seed=4, layout='csv')")
    for name, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True, env=env)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
