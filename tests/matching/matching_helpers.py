"""Hand-built person mentions following the "Person mentions" contract."""

from __future__ import annotations

from datetime import date

import polars as pl


from matching.mentions import MENTION_COLUMNS

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(division: str, born: date, seq: int) -> str:
    """A valid 18-character ID number (check character computed)."""
    body = f"{division}{born:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def mention_rows(rows: list[dict]) -> pl.DataFrame:
    """Mentions from partial dicts: missing columns are null; ID parts derived from ``id_number``."""
    full = []
    for i, r in enumerate(rows):
        row = {c: None for c in MENTION_COLUMNS}
        row.update({"batch_id": 1, "row": i + 1, "role": "person", "source": "hukou_population",
                    "source_file": "hukou_population_20260930.csv", "primary": True, "one_to_one": False})
        row.update(r)
        row["mention_id"] = row["mention_id"] or f"{row['batch_id']}:{row['row']}:{row['role']}"
        row["name_raw"] = row["name_raw"] or row["name"]
        row["record_key"] = row["record_key"] or f"{row['source_file']}#{row['row']}"
        row["fingerprint"] = row["fingerprint"] or f"fp-{row['mention_id']}"
        idn = row["id_number"]
        if idn and len(idn) == 18:
            row["id_birth_date"] = date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
            row["id_sex"] = "1" if int(idn[16]) % 2 else "2"
            row["id_check_ok"] = make_id(idn[:6], row["id_birth_date"], int(idn[14:17])) == idn
        full.append(row)
    return pl.DataFrame(full, schema=MENTION_COLUMNS)







SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "桂英", "子涵", "浩宇", "欣怡", "梓涵", "一诺", "宇轩", "思远", "建国", "建华", "晓东", "婉清", "雨桐", "俊杰"]


def synthetic_people(n: int, seed: int = 1) -> list[dict]:
    import random

    rng = random.Random(seed)
    people = []
    for pid in range(n):
        born = date(1960 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        sex = rng.choice("12")
        seq = rng.randrange(0, 499) * 2 + (1 if sex == "1" else 0)
        people.append({"person_id": pid, "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "birth_date": born,
                       "sex": sex, "id_number": make_id("220183", born, seq % 1000)})
    return people


def synthetic_mentions(people: list[dict], seed: int = 2) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each person in hukou, and half of them again in a second source (some without ID, some homophones).

    Returns (mentions, truth ``mention_id, person_id``).
    """
    import random

    rng = random.Random(seed)
    rows, truth = [], []
    for p in people:
        rows.append({"source": "hukou_population", "source_file": "hukou.csv", "row": len(rows) + 1, "name": p["name"],
                     "birth_date": p["birth_date"], "sex": p["sex"], "id_number": p["id_number"],
                     "division": "220183103013"})
        truth.append(p["person_id"])
        if rng.random() < 0.6:
            name = p["name"]
            if rng.random() < 0.2 and name[-1] == "伟":
                name = name[:-1] + "玮"
            rows.append({"source": "student_roll", "source_file": "roll.csv", "row": len(rows) + 1, "name": name,
                         "birth_date": p["birth_date"], "sex": p["sex"],
                         "id_number": None if rng.random() < 0.3 else p["id_number"]})
            truth.append(p["person_id"])
    m = mention_rows(rows)
    return m, pl.DataFrame({"mention_id": m["mention_id"], "person_id": truth})
