"""Quarterly comparison benchmark: a whole synthetic county through ``pipeline.run_comparison``.

    uv run python benchmarks/bench_comparison.py --people 100000
    uv run python benchmarks/bench_comparison.py --keep /tmp/bench-county --profile compare.prof

Generates a synthetic county (``childlink.synth.generate_county``, every
department's extract; the HIV file in its access-controlled folder) in a child process, then runs the
quarterly comparison — intake, linkage, facts, eligibility, flags, cases,
reports — in a second child process on a fresh store, so that the comparison's
wall time and RSS high-water mark are its own. Generation is timed apart and
not counted.

Prints seconds and share per stage (``run_summary.json`` timings, the
linker's own stages indented under "linkage"; "other" is the rest of the
job: opening the store, input checksums, the run summary),
the peak memory of the comparison process (``getrusage`` max RSS, plus its
own children), rows read, mentions, entities, flags per type, the slowest
files of the intake, and the load average at start and end.

Targets for 500,000 people on a 2-core machine: at most 5 minutes end to
end and 8 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 9, 30)
COUNTY = "220183"
TARGET_SECONDS = 5 * 60
TARGET_PEAK_BYTES = 8 * 1024**3
GENERATED_MARK = "generated.json"  # written last: a county folder without it is incomplete
STATUS_FILE = "status.json"  # the comparison child's progress: the stage running, timings and peaks so far


def _peak_bytes() -> tuple[int, int]:
    """RSS high-water marks (bytes) of this process and of its largest finished child (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own * 1024, children * 1024


def _load() -> tuple[float, float, float]:
    return os.getloadavg()


# --- child process: generation -------------------------------------------------------------


def generate(folder: Path, *, people: int, seed: int, layout: str) -> dict:
    """Write the county into ``folder`` (extracts, ``sensitive/``, ``truth/``)."""
    from childlink.synth import generate_county

    started = time.perf_counter()
    report = generate_county(folder, people=people, seed=seed, as_of=AS_OF, county=COUNTY, layout=layout)
    stats = {
        "people": people,
        "seed": seed,
        "layout": layout,
        "seconds": time.perf_counter() - started,
        "peak_bytes": _peak_bytes()[0],
        "files": len(report.files),
        "rows": sum(report.rows.values()),
    }
    (folder / GENERATED_MARK).write_text(json.dumps(stats, indent=2))
    return stats


# --- child process: the comparison ---------------------------------------------------------


MEMORY_LIMIT_EXIT = 3  # the comparison child's exit status when it stopped itself at --memory-limit


def _watch_memory(limit_bytes: int, status: Path) -> None:
    """Stop this process when its RSS passes ``limit_bytes`` (checked 5 times a second).

    On a shared machine the kernel's OOM killer may pick another user's process;
    stopping here first keeps the damage to this benchmark.
    """
    import threading

    page = os.sysconf("SC_PAGE_SIZE")

    def poll() -> None:
        while True:
            with open("/proc/self/statm") as fh:
                rss = int(fh.read().split()[1]) * page
            if rss > limit_bytes:
                state = json.loads(status.read_text()) if status.is_file() else {}
                state["memory_limit"] = {"limit": limit_bytes, "rss": rss}
                status.write_text(json.dumps(state))
                os._exit(MEMORY_LIMIT_EXIT)
            time.sleep(0.2)

    threading.Thread(target=poll, daemon=True).start()


def compare(extracts: Path, work: Path, *, db_url: str | None, profile: Path | None,
            memory_limit: float | None = None, sensitive: Path | None = None) -> dict:
    """Run the quarterly comparison on a fresh store under ``work``; its figures as a dict."""
    from childlink import pipeline
    from childlink.settings import load_settings

    url = db_url or f"sqlite:///{work / 'store.db'}"
    settings = load_settings(database_url=url).with_overrides(store={"data_dir": str(work / "store-data")})
    files: list[dict] = []

    def progress(event: str, **details) -> None:
        if event == "done":
            r = details["result"]
            files.append({"file": r.source_file, "status": r.status, "rows": r.rows_read, "seconds": r.seconds,
                          "accepted": r.rows_accepted, "quarantined": r.rows_quarantined})
            print(f"  intake {r.source_file}: {r.status}, {r.rows_read} rows, {r.seconds:.1f}s", file=sys.stderr,
                  flush=True)

    # The linker's own stages (standardise, blocking, compare, train, ...) are in LinkedData.timings,
    # which run_comparison does not return: keep them as the job passes them on.
    linker_timings: dict[str, float] = {}
    link_batches = pipeline.link_batches

    def timed_link_batches(*a, **kw):
        linked = link_batches(*a, **kw)
        linker_timings.update(linked.timings)
        return linked

    pipeline.link_batches = timed_link_batches
    # The process's RSS high-water mark as each stage ends: the stage that raises it is the one to look at.
    peak_after: dict[str, int] = {}
    stage = pipeline._Stopwatch.stage

    status = work / STATUS_FILE
    if memory_limit:
        _watch_memory(int(memory_limit * 1024**3), status)

    @contextmanager
    def watched_stage(watch, name: str):
        # Written as the job goes, so that a run killed for memory still tells how far it got.
        status.write_text(json.dumps({"running": name, "timings": watch.timings, "peak_after": peak_after}))
        with stage(watch, name):
            yield
        peak_after[name] = _peak_bytes()[0]

    pipeline._Stopwatch.stage = watched_stage
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    outcome = pipeline.run_comparison(extracts, work / "out", settings=settings, as_of=AS_OF, county=COUNTY,
                                      progress=progress, sensitive_dir=sensitive)
    if profiler is not None:
        profiler.disable()
    wall = time.perf_counter() - started
    if profiler is not None:
        profiler.dump_stats(profile)
    own, children = _peak_bytes()
    summary = outcome.summary
    return {
        "wall": wall,
        "timings": outcome.summary["timings"],
        "linker_timings": linker_timings,
        "peak_after": peak_after,
        "counts": {k: v for k, v in summary["counts"].items() if k != "per_file"},
        "flags": summary["flags"],
        "peak_self": own,
        "peak_children": children,
        "files": files,
    }


# --- the parent: set up, run both children, print -------------------------------------------


class ChildFailed(RuntimeError):
    """A child process ended without a result (killed by the kernel's OOM killer, say)."""

    def __init__(self, returncode: int) -> None:
        how = f"killed by signal {-returncode}" if returncode < 0 else f"exit status {returncode}"
        if returncode == -9:
            how += " (SIGKILL: out of memory?)"
        elif returncode == MEMORY_LIMIT_EXIT:
            how = "stopped at --memory-limit"
        super().__init__(how)


def _child(args: list[str]) -> dict:
    """Run this script with ``args`` in a fresh interpreter; its JSON result (last stdout line)."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise ChildFailed(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _failed_run(work: Path, error: ChildFailed) -> str:
    """What a comparison that did not finish got through (from its status file)."""
    status_file = work / STATUS_FILE
    if not status_file.is_file():
        return f"comparison failed before its first stage: {error}"
    status = json.loads(status_file.read_text())
    if "memory_limit" in status:
        error = f"{error}: RSS {_gib(status['memory_limit']['rss'])} > {_gib(status['memory_limit']['limit'])}"
    lines = [f"comparison failed during stage '{status['running']}': {error}", "",
             f"{'stage':<14} {'seconds':>9}   peak RSS after"]
    for stage, seconds in status["timings"].items():
        peak = status["peak_after"].get(stage)
        lines.append(f"{stage:<14} {seconds:>9.1f}   {_gib(peak) if peak else '':>10}")
    lines.append(f"{status['running']:<14} {'(unfinished)':>12}")
    return "\n".join(lines)


def _extracts_folder(county: Path, target: Path) -> Path:
    """The folder the officer would hand over: every shared extract, no ground truth.

    Hard links (copies across file systems) so that ``truth/`` is neither read nor checksummed.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    sources = [p for p in county.iterdir() if p.is_file() and p.name != GENERATED_MARK]
    for path in sources:
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)
    return target


def _gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB"


def report(gen: dict, run: dict, *, load_start, load_end, db_url: str) -> str:
    from childlink.flag_types import FLAG_TYPES

    lines = []
    gen_note = "reused" if gen.get("reused") else f"{gen['seconds']:.1f} s, peak {_gib(gen['peak_bytes'])}"
    lines.append(f"county: {gen['people']:,} people, seed {gen['seed']}, layout {gen['layout']}, "
                 f"{gen['files']} files, {gen['rows']:,} data rows (generation {gen_note}; not counted)")
    lines.append(f"store: {db_url}")
    lines.append("")
    timings: dict[str, float] = dict(run["timings"])
    wall = run["wall"]
    timings["other"] = max(wall - sum(timings.values()), 0.0)
    peak_after = run.get("peak_after", {})
    lines.append(f"{'stage':<14} {'seconds':>9} {'share':>7}   peak RSS after")
    lines.append("-" * 48)
    for stage, seconds in timings.items():
        after = f"   {_gib(peak_after[stage]):>10}" if stage in peak_after else ""
        lines.append(f"{stage:<14} {seconds:>9.1f} {seconds / wall:>6.1%}{after}")
        if stage == "linkage":
            for part, s in run.get("linker_timings", {}).items():
                lines.append(f"  {part:<12} {s:>9.1f} {s / wall:>6.1%}")
    lines.append("-" * 48)
    verdict = "ok" if wall <= TARGET_SECONDS else "OVER"
    lines.append(f"{'total':<14} {wall:>9.1f} {1:>6.0%}   target {TARGET_SECONDS} s: {verdict}")
    verdict = "ok" if run["peak_self"] <= TARGET_PEAK_BYTES else "OVER"
    lines.append(f"peak memory    {_gib(run['peak_self']):>10} process max RSS   "
                 f"target {_gib(TARGET_PEAK_BYTES)}: {verdict}")
    # On Linux a child started by subprocess inherits the parent's RSS high-water mark at exec, so
    # the children's figure (git rev-parse, for the run summary's code version) repeats the parent's.
    lines.append(f"  children     {_gib(run['peak_children']):>10} largest child max RSS (as reported; a spawned "
                 "child reports the parent's RSS at exec)")
    lines.append(f"  sum          {_gib(run['peak_self'] + run['peak_children']):>10}")
    lines.append("")
    counts = dict(run["counts"])
    # Rows per file as the intake reported them: the shared folder and the sensitive one together.
    loaded = [f for f in run["files"] if f["status"] == "accepted"]
    counts |= {key: sum(f[field] or 0 for f in loaded) for key, field in
               (("rows_read", "rows"), ("rows_accepted", "accepted"), ("rows_quarantined", "quarantined"))}
    lines.append(f"rows read      {counts.get('rows_read', 0):>10,}   accepted {counts.get('rows_accepted', 0):,}, "
                 f"quarantined {counts.get('rows_quarantined', 0):,}")
    lines.append(f"mentions       {counts.get('mentions', 0):>10,}")
    lines.append(f"entities       {counts.get('entities', 0):>10,}   review queue {counts.get('review_queue', 0):,}")
    lines.append(f"flags          {counts.get('flags', 0):>10,}")
    for code, n in run["flags"].items():
        label = FLAG_TYPES[code].label if code in FLAG_TYPES else ""
        lines.append(f"  {code:<20} {label:<8} {n:>8,}")
    slow = sorted(run["files"], key=lambda f: -(f["seconds"] or 0))[:5]
    if slow:
        lines.append("")
        lines.append("slowest intake files:")
        for f in slow:
            lines.append(f"  {f['file']:<44} {f['rows']:>9,} rows {f['seconds']:>7.1f} s")
    lines.append("")
    lines.append("load average (1/5/15 min): start " + " ".join(f"{x:.2f}" for x in load_start)
                 + ", end " + " ".join(f"{x:.2f}" for x in load_end) + f" on {os.cpu_count()} cores")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500_000, help="people in the synthetic county")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--layout", choices=("csv", "mixed"), default="csv",
                        help="csv: every extract a UTF-8 CSV; mixed: the departments' own CSV/XLSX layouts")
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate the county here and reuse it on later runs (default: a temp folder)")
    parser.add_argument("--db", default=None,
                        help="database URL of the store (default: a new SQLite file in the temp folder); "
                             "give an empty database")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of the comparison here")
    parser.add_argument("--memory-limit", type=float, default=None, metavar="GIB",
                        help="stop the comparison when its RSS passes this many GiB (a shared machine's safety)")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sensitive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.generate:  # child: generation
        print(json.dumps(generate(args.generate, people=args.people, seed=args.seed, layout=args.layout)))
        return 0
    if args.compare:  # child: the comparison
        print(json.dumps(compare(args.compare, args.work, db_url=args.db, profile=args.profile,
                                 memory_limit=args.memory_limit, sensitive=args.sensitive)))
        return 0

    load_start = _load()
    with tempfile.TemporaryDirectory(prefix="bench_comparison_") as tmp:
        tmp = Path(tmp)
        base = args.keep or tmp
        county = base / f"county_{args.people}_{args.seed}_{args.layout}"
        mark = county / GENERATED_MARK
        if mark.is_file():
            gen = json.loads(mark.read_text()) | {"reused": True}
            print(f"reusing {county}", file=sys.stderr, flush=True)
        else:
            if county.exists():
                shutil.rmtree(county)
            print(f"generating {args.people:,} people into {county} ...", file=sys.stderr, flush=True)
            gen = _child(["--generate", str(county), "--people", str(args.people), "--seed", str(args.seed),
                          "--layout", args.layout])
        extracts = _extracts_folder(county, tmp / "extracts")
        work = tmp / "run"
        work.mkdir()
        print("running the comparison ...", file=sys.stderr, flush=True)
        child_args = ["--compare", str(extracts), "--work", str(work)]
        if (county / "sensitive").is_dir():  # HIV: the access-controlled folder, read apart (policy §4)
            child_args += ["--sensitive", str(county / "sensitive")]
        if args.db:
            child_args += ["--db", args.db]
        if args.profile:
            child_args += ["--profile", str(args.profile.resolve())]
        if args.memory_limit:
            child_args += ["--memory-limit", str(args.memory_limit)]
        try:
            run = _child(child_args)
        except ChildFailed as error:
            print(_failed_run(work, error))
            print(f"\nload average (1/5/15 min): start {' '.join(f'{x:.2f}' for x in load_start)}, "
                  f"end {' '.join(f'{x:.2f}' for x in _load())} on {os.cpu_count()} cores")
            return 1
        db_url = args.db or "sqlite (temp folder)"
        print(report(gen, run, load_start=load_start, load_end=_load(), db_url=db_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
