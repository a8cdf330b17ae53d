"""Accuracy of the flags against a small synthetic county's ground truth (truth/flags.csv).

Two runs over the same extracts, read and validated as intake does:

* ``oracle`` links every mention to its true person (truth/mentions.csv), so
  the rules alone are measured: precision and recall must reach the project's
  target of 0.98 for every flag type;
* ``linker`` uses the project's linker; with a small county one missed link
  moves a flag type by several points, so per type the bound is 0.90 and the
  target 0.98 applies to all flags together.

Orphan sub-kinds are compared as one category: the generator places some
unregistered orphans in the institution without any institution record in
the extracts (no register row, a family hukou household), which no rule can
see.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.rules.scenario import POLICY

AS_OF = date(2026, 6, 30)
COUNTY = "220183"
TARGET = 0.98
FOLD = {"机构集中养育孤儿": "孤儿", "社会散居孤儿": "孤儿"}
PERSON_FLAGS = ("emergency", "dropout_risk")  # compared on the child only (no category in truth)

pytestmark = pytest.mark.slow


def _missing(*modules: str) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def _require(*modules: str) -> None:
    missing = _missing(*modules)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (the synthetic generator and the linker)")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    _require("childlink.synth.generate", "connectors.reader", "expectations.validate", "matching.linker",
             "matching.mentions")
    from childlink.settings import Settings
    from childlink.synth.generate import generate_county
    from connectors.reader import read_extract
    from expectations.validate import validate_extract

    out = tmp_path_factory.mktemp("county")
    generate_county(out, people=3000, seed=7, as_of=AS_OF, county=COUNTY)
    settings = Settings()
    records: dict[str, list[pl.DataFrame]] = {}
    batches = []
    # Every export layout the generator writes (tab-separated .txt among them), as intake reads the folder.
    paths = sorted([*(p for p in out.iterdir() if p.suffix in (".csv", ".xlsx", ".txt")), *(out / "sensitive").glob("*")])
    for batch, path in enumerate(paths):
        extract = read_extract(path, as_of=AS_OF)
        accepted = validate_extract(extract, settings).accepted
        records.setdefault(extract.source, []).append(accepted.with_columns(
            pl.lit(str(batch)).alias("batch_id"), pl.lit(path.name).alias("source_file"),
            pl.lit(extract.extract_date or AS_OF).alias("extract_date")))
        batches.append((batch, extract.source, path.name, accepted))
    return out, records, batches, settings


def _oracle(out: Path, batches) -> pl.DataFrame:
    files = {name: str(batch) for batch, _, name, _ in batches}
    mentions = pl.read_csv(out / "truth" / "mentions.csv", schema_overrides={"person_id": pl.Utf8})
    return mentions.with_columns(pl.col("source_file").replace_strict(files, default=None).alias("batch")).filter(
        pl.col("batch").is_not_null()).select(
        pl.concat_str(["batch", pl.col("row").cast(pl.Utf8), "role"], separator=":").alias("mention_id"),
        ("T" + pl.col("person_id")).alias("entity_id"), pl.lit(1.0).alias("match_probability"))


def _flags(records, assignments: pl.DataFrame) -> pl.DataFrame:
    from childlink.rules.eligibility import evaluate_eligibility
    from childlink.rules.facts import build_facts
    from childlink.rules.flags import compare_with_register

    facts = build_facts(records, assignments, as_of=AS_OF, settings=POLICY)
    eligibility = evaluate_eligibility(facts, as_of=AS_OF, settings=POLICY, county=COUNTY)
    return compare_with_register(facts, eligibility, as_of=AS_OF, settings=POLICY, county=COUNTY)


def _scores(out: Path, got: pl.DataFrame) -> dict[str, tuple[int, int, int]]:
    """flag -> (true positives, flags raised, flags expected)."""
    truth = pl.read_csv(out / "truth" / "flags.csv", schema_overrides={"person_id": pl.Utf8})
    truth = truth.with_columns(pl.col("category").fill_null("").replace(FOLD))
    got = got.with_columns(pl.col("category").fill_null("").replace(FOLD))
    scores = {}
    for flag in sorted(set(truth["flag"]) | set(got["flag"])):
        t, g = truth.filter(pl.col("flag") == flag), got.filter(pl.col("flag") == flag)
        keys = ["person_id"] if flag in PERSON_FLAGS else ["person_id", "category"]
        scores[flag] = (t.join(g, on=keys, how="semi").height, g.height, t.height)
    return scores


def _report(scores) -> str:
    return "; ".join(f"{f}: p={tp / max(n, 1):.3f} r={tp / max(e, 1):.3f} ({tp}/{n}/{e})" for f, (tp, n, e) in scores.items())


def test_rules_accuracy_with_true_links(county):
    out, records, batches, _ = county
    flags = _flags(records, _oracle(out, batches))
    got = flags.with_columns(pl.col("entity_id").str.slice(1).alias("person_id"))
    scores = _scores(out, got)
    assert set(scores) == {"suspected_eligible", "category_change", "should_exit", "cannot_verify", "emergency",
                           "dropout_risk"}
    for flag, (tp, raised, expected) in scores.items():
        assert tp >= TARGET * raised and tp >= TARGET * expected, _report(scores)


def test_accuracy_with_the_linker(county):
    from matching.linker import Linker
    from matching.mentions import person_mentions

    out, records, batches, settings = county
    result = Linker(settings.linkage).link(person_mentions(batches), county=COUNTY)
    assignments = result.assignments.select("mention_id", "entity_id", "match_probability")
    # Each entity stands for the true person most of its mentions belong to.
    person = assignments.join(_oracle(out, batches).rename({"entity_id": "truth"}), on="mention_id").group_by(
        "entity_id").agg(pl.col("truth").mode().first().str.slice(1).alias("person_id"))
    got = _flags(records, assignments).join(person, on="entity_id", how="left")
    scores = _scores(out, got)
    # Emergency lists are compiled in haste without ID numbers (exchange emergency notes):
    # they are linked on name, age and place by the linker, and a list row left
    # unlinked loses its flag whatever the rules do. Measured apart, below.
    linked = {f: s for f, s in scores.items() if f != "emergency"}
    total_tp = sum(s[0] for s in linked.values())
    assert total_tp >= TARGET * sum(s[1] for s in linked.values()), _report(scores)
    assert total_tp >= TARGET * sum(s[2] for s in linked.values()), _report(scores)
    for flag, (tp, raised, expected) in linked.items():
        assert tp >= 0.90 * raised and tp >= 0.90 * expected, _report(scores)
    tp, raised, expected = scores["emergency"]
    assert tp >= TARGET * raised, _report(scores)  # what is raised is right
    if tp < TARGET * expected:
        pytest.xfail(f"emergency recall {tp}/{expected}: list rows without ID numbers left unlinked by matching")
