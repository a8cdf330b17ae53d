"""Noise variants stay readable: normalising them gives back the true value (or a keyed typo)."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date

import opencc
from hypothesis import given, settings, strategies as st

from childlink.synth.idnumbers import check_char, is_valid
from childlink.synth.noise import format_date, id_variant, mistype_id, name_variant

T2S = opencc.OpenCC("t2s")
VALID = re.compile(r"^[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[0-9X]$")


def normalise_id(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = re.sub(r"\s+", "", text)
    if text.endswith("x"):
        text = text[:-1] + "X"
    if len(text) == 15:
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_char(first17)
    return text


ids = st.builds(
    lambda div, day, seq: (lambda s17: s17 + check_char(s17))(f"{div}{day:%Y%m%d}{seq:03d}"),
    st.sampled_from(["220183", "220122", "330212"]),
    st.dates(date(1940, 1, 1), date(2026, 9, 30)),
    st.integers(0, 999),
)


@settings(max_examples=300)
@given(ids, st.integers(0, 2**32))
def test_id_variants_normalise_to_the_number_or_a_well_formed_typo(value, seed):
    rng = random.Random(seed)
    variant = id_variant(value, rng, may_blank=True)
    if variant is None:
        return
    normal = normalise_id(variant)
    assert VALID.match(normal)
    assert normal == value or normal[:14] == value[:14]  # typos never touch division or birth date


@given(ids, st.integers(0, 2**32))
def test_mistyped_ids_differ_and_mostly_fail_the_check(value, seed):
    typo = mistype_id(value, random.Random(seed))
    assert typo != value and typo[:14] == value[:14]


def test_name_variants_fold_back():
    rng = random.Random(3)
    for name in ("张伟", "王芳", "刘丽娟", "欧阳浩宇", "古丽米热·艾买提"):
        for _ in range(20):
            variant = name_variant(name, rng)
            folded = T2S.convert(re.sub(r"\s+", "", variant)).replace("•", "·").replace("・", "·").replace(".", "·")
            assert folded == name or (len(folded) == len(name) and folded[:-1] == name[:-1])


def test_date_formats():
    day = date(2026, 9, 3)
    assert [format_date(day, s) for s in ("iso", "slash", "cn", "compact", "dot", "serial")] == [
        "2026-09-03", "2026/9/3", "2026年9月3日", "20260903", "2026.09.03", "46268"]


def test_ids_in_truth_are_valid(county_small):
    import polars as pl

    out, _ = county_small
    persons = pl.read_csv(out / "truth" / "persons.csv", infer_schema=False)
    assert all(is_valid(v) for v in persons["id_number"])
