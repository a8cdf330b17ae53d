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





