"""Properties of the building blocks (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from childlink.rules.evidence import EVIDENCE_ITEM, evidence_hash
from childlink.rules.intervals import chain_spells, term_months

DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


@given(st.integers(0, 25), st.integers(0, 11))
def test_term_months_reads_chinese_and_arabic_numbers(years, months):
    text = "有期徒刑" + (f"{_chinese(years)}年" if years else "") + (f"{_chinese(months)}个月" if months else "")
    expected = years * 12 + months if (years or months) else None
    assert term_months(text) == expected
    assert term_months(text.replace(_chinese(years) + "年", f"{years}年") if years else text) == expected


items = st.lists(st.tuples(st.sampled_from(["a.csv", "b.csv"]), st.integers(1, 50), st.dates(date(2020, 1, 1), date(2026, 1, 1))),
                 min_size=0, max_size=6, unique=True)


@settings(max_examples=50)
@given(items, st.randoms())
def test_evidence_hash_ignores_order(rows, rnd):
    def frame(order):
        evidence = [{"source": "x", "source_file": f, "row": r, "start": d, "end": None, "kind": "k", "role": "c",
                     "situation": "s", "link_probability": 1.0} for f, r, d in order]
        return pl.DataFrame({"evidence": [evidence]}, schema={"evidence": pl.List(EVIDENCE_ITEM)})

    shuffled = list(rows)
    rnd.shuffle(shuffled)
    one = frame(rows).select(evidence_hash())["evidence"][0]
    two = frame(shuffled).select(evidence_hash())["evidence"][0]
    assert one == two
    if rows:
        changed = [(rows[0][0], rows[0][1], rows[0][2] + timedelta(days=1)), *rows[1:]]
        assert frame(changed).select(evidence_hash())["evidence"][0] != one


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), min_size=1, max_size=8))
def test_chains_cover_their_spells_and_do_not_touch(spans):
    base = date(2024, 1, 1)
    spells = pl.DataFrame({
        "entity_id": ["p"] * len(spans),
        "start": [base + timedelta(days=s) for s, _ in spans],
        "end": [base + timedelta(days=s + n) for s, n in spans],
    })
    chained = chain_spells(spells, max_gap_days=1)
    assert (chained["chain_start"] <= chained["start"]).all()
    assert (chained["chain_end"] >= chained["end"]).all()
    bounds = chained.group_by("chain").agg(pl.col("chain_start").first(), pl.col("chain_end").first()).sort("chain_start")
    gaps = (bounds["chain_start"].shift(-1) - bounds["chain_end"]).dt.total_days().drop_nulls()
    assert (gaps > 1).all()
