"""Citizen ID numbers (GB 11643-1999) built from a person's true attributes.

An 18-character number is the 6-digit division of first issue, the birth date
(YYYYMMDD), a 3-digit sequence whose parity gives the sex (odd = male) and the
ISO 7064 MOD 11-2 check character. Numbers are built column-wise for speed.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The check character of a 17-digit prefix."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS.tolist()))
    return CHECK_CHARS[total % 11]


def check_chars(first17: np.ndarray) -> np.ndarray:
    """Check characters for an array of 17-digit prefixes (dtype '<U17')."""
    if len(first17) == 0:
        return np.array([], dtype="<U1")
    digits = first17.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64) - 48
    remainder = (digits @ WEIGHTS) % 11
    return np.frombuffer(CHECK_CHARS.encode(), dtype="S1")[remainder].astype("<U1")


def build_id_numbers(division6: np.ndarray, birth_ymd: np.ndarray, sex: np.ndarray, sequence_rank: np.ndarray,
                     sequence_base: np.ndarray) -> np.ndarray:
    """18-character ID numbers.

    ``sequence_rank`` numbers the people sharing a division, birth date and sex
    (0, 1, ...); the sequence is ``base + 2*rank`` made odd for men and even
    for women, so twins and namesakes never share a number.
    """
    seq = sequence_base + 2 * sequence_rank
    seq = np.where(sex == 1, seq | 1, seq & ~1)
    seq = np.where(seq == 0, 2, seq) % 1000
    seq_text = np.char.zfill(seq.astype("<U3"), 3)
    first17 = np.char.add(np.char.add(division6.astype("<U6"), birth_ymd.astype("<U8")), seq_text)
    return np.char.add(first17, check_chars(first17))


def legacy_15(id18: str) -> str | None:
    """The 15-digit legacy form (division + YYMMDD + sequence) of a number born in the 1900s."""
    if len(id18) != 18 or id18[6:8] != "19":
        return None
    return id18[:6] + id18[8:17]


def is_valid(id18: str) -> bool:
    return len(id18) == 18 and id18[:17].isdigit() and check_char(id18[:17]) == id18[17]
