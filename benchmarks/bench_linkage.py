"""Linkage benchmark: childlink's Linker against Splink 4 on the same synthetic county.

    uv run python benchmarks/bench_linkage.py --records 100000
    uv run python benchmarks/bench_linkage.py --records 1000000 --work /tmp/bench

Steps: generate a synthetic county (``childlink.synth``) sized to about
``--records`` person mentions, read and validate its extracts, build person
mentions, then link them twice — each system in its own subprocess so that
wall time and peak memory (``resource.getrusage`` max RSS) are its own — and
score both against ``truth/mentions.csv`` with the same pairwise metrics.

Splink gets a fair, Chinese-aware configuration: DuckDB's string distances
count bytes (a Chinese character is three), so it is fed the same pinyin and
name-part columns childlink computes, and compares names on them; birth date,
sex, ID number (Levenshtein on ASCII digits) and the mother's name as well;
blocking on ID number, birth date + surname, name + birth year and mother +
birth date; u by random sampling, m by EM in two sessions, clustering at the
same upper threshold.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

MENTIONS_PER_PERSON = 5.2  # measured on generated counties (all roles of all sources)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(records: int, work: Path, seed: int) -> Path:
    """Generate, read, validate and turn into mentions; returns the mentions Parquet file."""
    folder = work / f"county_{records}"
    out = work / f"mentions_{records}.parquet"
    if out.exists():
        return out
    from childlink.settings import load_settings
    from childlink.synth.generate import generate_county
    from connectors import discover_extracts, read_extract
    from expectations import validate_extract
    from matching.mentions import person_mentions

    people = max(int(records / MENTIONS_PER_PERSON), 50)
    t = time.perf_counter()
    if not (folder / "truth" / "mentions.csv").exists():
        generate_county(folder, people=people, seed=seed)
    print(f"generated {people} people in {time.perf_counter() - t:.1f}s", flush=True)
    t = time.perf_counter()
    settings = load_settings()
    batches = []
    for i, f in enumerate(discover_extracts(folder)):
        if f.source is None:
            continue
        extract = read_extract(f.path, f.source)
        batches.append((i + 1, extract.source, f.path.name, validate_extract(extract, settings).accepted))
    mentions = person_mentions(batches)
    mentions.write_parquet(out)
    print(f"read {len(batches)} files, {mentions.height} mentions in {time.perf_counter() - t:.1f}s", flush=True)
    return out


def truth_frame(records: int, work: Path) -> pl.DataFrame:
    truth = pl.read_csv(work / f"county_{records}" / "truth" / "mentions.csv")
    return truth.select(pl.concat_str(["source_file", pl.col("row").cast(pl.Utf8), "role"], separator=":").alias("key"),
                        "person_id")


def keyed(mentions: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    return mentions.select(
        "mention_id", pl.concat_str(["source_file", pl.col("row").cast(pl.Utf8), "role"], separator=":").alias("key")
    ).join(entities, on="mention_id").select("key", pl.col("entity_id").cast(pl.Utf8))


# --- the two systems (each run in a subprocess) ---------------------------------


def run_childlink(mentions_file: Path, out_file: Path) -> dict:
    from childlink.settings import load_settings
    from matching.linker import Linker

    mentions = pl.read_parquet(mentions_file)
    t = time.perf_counter()
    result = Linker(load_settings().linkage).link(mentions, county="220183")
    wall = time.perf_counter() - t
    result.assignments.select("mention_id", "entity_id").write_parquet(out_file)
    linked = result.assignments.filter(pl.col("method") != "singleton").height
    return {"wall_s": wall, "peak_mb": _peak_mb(), "review_queue": result.review_queue.height,
            "linked_mentions": linked, "timings": result.timings}


def splink_input(mentions: pl.DataFrame) -> pl.DataFrame:
    from matching.standardise import mention_features

    f = mention_features(mentions)
    return f.select(
        pl.col("mention_id").alias("unique_id"),
        pl.col("nm_name").alias("name"), pl.col("nm_name_py").alias("name_py"),
        pl.col("nm_surname_py").alias("surname_py"), pl.col("nm_given_py").alias("given_py"),
        pl.col("dob"), pl.col("birth_year").cast(pl.Utf8), pl.col("sex_any").alias("sex"),
        pl.col("id"), pl.col("mo_name_py"),
    )


def run_splink(mentions_file: Path, out_file: Path, upper: float) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    mentions = pl.read_parquet(mentions_file)
    t = time.perf_counter()
    df = splink_input(mentions).to_pandas()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.CustomComparison(
                output_column_name="name",
                comparison_levels=[
                    {"sql_condition": "name_l IS NULL OR name_r IS NULL", "label_for_charts": "null",
                     "is_null_level": True},
                    {"sql_condition": "name_l = name_r", "label_for_charts": "exact",
                     "tf_adjustment_column": "name", "tf_adjustment_weight": 1.0},
                    {"sql_condition": "name_py_l = name_py_r", "label_for_charts": "pinyin exact"},
                    {"sql_condition": "jaro_winkler_similarity(name_py_l, name_py_r) >= 0.92",
                     "label_for_charts": "pinyin jw >= 0.92"},
                    {"sql_condition": "surname_py_l = surname_py_r AND "
                                      "jaro_winkler_similarity(given_py_l, given_py_r) >= 0.88",
                     "label_for_charts": "surname + given pinyin similar"},
                    {"sql_condition": "ELSE", "label_for_charts": "else"},
                ],
            ),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("id", [1, 2]),
            cl.ExactMatch("mo_name_py"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id"),
            block_on("substr(id, 1, 14)"),
            block_on("dob", "surname_py"),
            block_on("name_py", "birth_year"),
            block_on("mo_name_py", "dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match([block_on("id")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "surname_py"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=upper)
    out = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    wall = time.perf_counter() - t
    pl.from_pandas(out).select(pl.col("unique_id").alias("mention_id"),
                               pl.col("cluster_id").cast(pl.Utf8).alias("entity_id")).write_parquet(out_file)
    return {"wall_s": wall, "peak_mb": _peak_mb()}


def _subprocess(system: str, mentions_file: Path, out_file: Path, upper: float) -> dict:
    cmd = [sys.executable, __file__, "--run", system, "--mentions", str(mentions_file), "--out", str(out_file),
           "--upper", str(upper)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "childlink-bench-linkage",
                        help="folder for the generated counties (reused between runs)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--systems", nargs="+", default=["childlink", "splink"])
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--mentions", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--upper", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run:  # inside a subprocess: one system, report as JSON on the last line
        stats = run_childlink(args.mentions, args.out) if args.run == "childlink" else \
            run_splink(args.mentions, args.out, args.upper)
        print(json.dumps(stats))
        return

    from childlink.settings import load_settings
    from matching.evaluation import pairwise_scores, twins_merged

    upper = load_settings().linkage.upper_threshold
    args.work.mkdir(parents=True, exist_ok=True)
    for records in args.records:
        mentions_file = prepare(records, args.work, args.seed)
        mentions = pl.read_parquet(mentions_file)
        truth = truth_frame(records, args.work)
        rows = {}
        for system in args.systems:
            out_file = args.work / f"entities_{system}_{records}.parquet"
            stats = _subprocess(system, mentions_file, out_file, upper)
            predicted = keyed(mentions, pl.read_parquet(out_file))
            scores = pairwise_scores(predicted, truth)
            persons = pl.read_csv(args.work / f"county_{records}" / "truth" / "persons.csv")
            rows[system] = stats | {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
                                    "twins": twins_merged(predicted, truth, persons)}
        print(f"\n== {mentions.height:,} mentions ({records:,} requested) ==")
        print(f"{'system':<10} {'wall s':>9} {'peak MB':>9} {'precision':>10} {'recall':>8} {'F1':>8} {'twins':>6}")
        for system, r in rows.items():
            print(f"{system:<10} {r['wall_s']:>9.1f} {r['peak_mb']:>9.0f} {r['precision']:>10.5f} "
                  f"{r['recall']:>8.5f} {r['f1']:>8.5f} {r['twins']:>6}")
        if {"childlink", "splink"} <= rows.keys():
            c, s = rows["childlink"], rows["splink"]
            print(f"ratio childlink/splink: wall {c['wall_s'] / s['wall_s']:.2f}, memory {c['peak_mb'] / s['peak_mb']:.2f}")
        if "childlink" in rows:
            c = rows["childlink"]
            print(f"childlink review queue {c['review_queue']} ({c['review_queue'] / max(c['linked_mentions'], 1):.3%} "
                  f"of linked mentions); stages {json.dumps({k: round(v, 2) for k, v in c['timings'].items()})}")


if __name__ == "__main__":
    main()
