"""Hard safety rules: they hold whatever the model says."""

from datetime import date

import polars as pl

from matching.linker import FOREIGN_ID_FLAG, Linker

from matching_helpers import make_id, mention_rows, synthetic_mentions, synthetic_people


def _entity(result, mention_id: str) -> str:
    return result.assignments.filter(pl.col("mention_id") == mention_id)["entity_id"][0]


def test_twins_with_different_ids_are_never_merged():
    born = date(2014, 6, 1)
    twin_a, twin_b = make_id("220183", born, 101), make_id("220183", born, 103)
    base, _ = synthetic_mentions(synthetic_people(300))
    twins = mention_rows([
        # identical names too: only the ID numbers tell them apart
        {"mention_id": "9:1:person", "name": "李浩宇", "birth_date": born, "sex": "1", "id_number": twin_a,
         "mother_name": "王芳", "household": "H1"},
        {"mention_id": "9:2:person", "name": "李浩宇", "birth_date": born, "sex": "1", "id_number": twin_b,
         "mother_name": "王芳", "household": "H1"},
        # a record without ID that looks like both: it may join one twin, never both
        {"mention_id": "9:3:child", "source": "student_roll", "source_file": "roll.csv", "name": "李浩宇",
         "birth_date": born, "sex": "1", "mother_name": "王芳"},
    ])
    # Thinned (the default: most pairs of two different valid IDs are not even compared) and not
    # thinned (every candidate pair compared, so the safety rule itself must hold the twins apart).
    for keep_one_in in (20, 1):
        result = Linker(keep_distinct_id_pairs_one_in=keep_one_in).link(pl.concat([base, twins]), county="220183")
        assert _entity(result, "9:1:person") != _entity(result, "9:2:person")
        pair = result.pairs_with("mention_id").filter((pl.col("mention_id_l") == "9:1:person") & (pl.col("mention_id_r") == "9:2:person"))
        if keep_one_in == 1:
            assert pair["blocked_by"].to_list() == ["different_ids"]
            assert pair["band"].to_list() == ["not_linked"]


def test_child_carrying_mothers_id_is_flagged_and_not_merged_with_her():
    mother_born, child_born = date(1988, 3, 2), date(2016, 9, 9)
    mother_id = make_id("220183", mother_born, 222)
    base, _ = synthetic_mentions(synthetic_people(300))
    rows = mention_rows([
        {"mention_id": "8:1:person", "name": "赵丽", "birth_date": mother_born, "sex": "2", "id_number": mother_id},
        {"mention_id": "8:2:person", "source": "death", "source_file": "death.csv", "name": "赵丽",
         "birth_date": mother_born, "sex": "2", "id_number": mother_id},
        # the child's record carries the mother's number
        {"mention_id": "8:3:child", "source": "student_roll", "source_file": "roll.csv", "name": "孙一诺",
         "birth_date": child_born, "sex": "2", "id_number": mother_id},
    ])
    result = Linker().link(pl.concat([base, rows]), county="220183")
    assert _entity(result, "8:1:person") == _entity(result, "8:2:person")
    assert _entity(result, "8:3:child") != _entity(result, "8:1:person")
    flag = result.assignments.filter(pl.col("mention_id") == "8:3:child")["flag"][0]
    assert flag == FOREIGN_ID_FLAG


def test_one_record_per_person_file_keeps_two_records_apart():
    born = date(2010, 1, 1)
    base, _ = synthetic_mentions(synthetic_people(300))
    rows = mention_rows([
        {"mention_id": "7:1:child", "source": "child_register", "source_file": "reg.csv", "name": "刘洋",
         "birth_date": born, "sex": "1", "one_to_one": True, "record_key": "k1"},
        {"mention_id": "7:2:child", "source": "child_register", "source_file": "reg.csv", "name": "刘洋",
         "birth_date": born, "sex": "1", "one_to_one": True, "record_key": "k2"},
    ])
    result = Linker().link(pl.concat([base, rows]), county="220183")
    assert _entity(result, "7:1:child") != _entity(result, "7:2:child")


def test_a_child_and_its_father_named_alike_on_one_row_are_two_people_a_guardian_may_be_the_mother():
    born = date(2021, 7, 27)
    base, _ = synthetic_mentions(synthetic_people(300))
    health = {"batch_id": 15, "row": 1, "source": "child_health", "source_file": "child_health_20260930.csv",
              "record_key": "child_health#1"}
    rows = mention_rows([
        health | {"mention_id": "15:1:child", "role": "child", "name": "黄宇轩", "birth_date": born, "sex": "1",
                  "id_number": make_id("220183", born, 257)},
        health | {"mention_id": "15:1:father", "role": "father", "primary": False, "name": "黄宇轩"},
        health | {"mention_id": "15:1:mother", "role": "mother", "primary": False, "name": "李子涵"},
        health | {"mention_id": "15:1:guardian", "role": "guardian", "primary": False, "name": "李子涵"},
    ])
    result = Linker().link(pl.concat([base, rows]), county="220183")
    assert _entity(result, "15:1:child") != _entity(result, "15:1:father")
    assert _entity(result, "15:1:mother") != _entity(result, "15:1:father")
    assert _entity(result, "15:1:mother") == _entity(result, "15:1:guardian")
    pairs = result.pairs_with("mention_id").filter(pl.col("mention_id_l").str.starts_with("15:1:")
                                                   & pl.col("mention_id_r").str.starts_with("15:1:"))
    child_father = pairs.filter(pl.col("mention_id_l").is_in(["15:1:child", "15:1:father"])
                                & pl.col("mention_id_r").is_in(["15:1:child", "15:1:father"]))
    assert child_father["blocked_by"].to_list() == ["same_row_relatives"]
    assert child_father["band"].to_list() == ["not_linked"]
