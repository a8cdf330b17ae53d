from datetime import date

import polars as pl

from matching.mentions import MENTION_COLUMNS, person_mentions

from matching_helpers import make_id


def test_one_mention_per_filled_role_with_child_context():
    mother_id = make_id("220183", date(1990, 1, 2), 124)
    frame = pl.DataFrame({
        "row": [1, 2],
        "certificate_number": ["T1", "T2"],
        "child_name": ["李欣怡", None],
        "child_name_raw": ["李欣怡", "周丽之女"],
        "child_name_placeholder_mother": [None, "周丽"],
        "child_name_placeholder_sex": [None, "2"],
        "sex": ["2", None],
        "birth_date": [date(2025, 1, 1), date(2025, 2, 2)],
        "mother_name": ["王芳", None],
        "mother_name_raw": ["王芳", None],
        "mother_id_number": [mother_id, None],
        "mother_id_number_check_ok": [True, None],
        "mother_id_number_birth_date": [date(1990, 1, 2), None],
        "mother_id_number_sex": ["2", None],
        "father_name": [None, None],
        "father_id_number": [None, None],
    })
    m = person_mentions([(7, "birth_certificate", "birth_certificate_2026q3.csv", frame)])
    assert list(m.columns) == list(MENTION_COLUMNS)
    assert sorted(m["mention_id"].to_list()) == ["7:1:child", "7:1:mother", "7:2:child"]
    newborn = m.filter(pl.col("mention_id") == "7:2:child").row(0, named=True)
    # the placeholder names the mother; the raw name is kept and the sex filled
    assert newborn["name"] is None and newborn["name_raw"] == "周丽之女"
    assert newborn["mother_name"] == "周丽" and newborn["sex"] == "2"
    child = m.filter(pl.col("mention_id") == "7:1:child").row(0, named=True)
    assert child["mother_id_number"] == mother_id and child["mother_name"] == "王芳"
    mother = m.filter(pl.col("mention_id") == "7:1:mother").row(0, named=True)
    assert mother["id_check_ok"] is True and mother["id_sex"] == "2"
    assert mother["mother_name"] is None  # context columns belong to the row's primary person


def test_fingerprints_survive_a_new_batch_id():
    frame = pl.DataFrame({"row": [1], "id_number": [make_id("220183", date(2000, 5, 5), 11)], "name": ["张伟"],
                          "name_raw": ["张伟"], "birth_date": [date(2000, 5, 5)], "sex": ["1"]})
    a = person_mentions([(1, "death", "death_a.csv", frame)])
    b = person_mentions([(9, "death", "death_b.csv", frame)])
    assert a["mention_id"][0] != b["mention_id"][0]
    assert a["fingerprint"][0] == b["fingerprint"][0]
