"""Standardise names and ID numbers for comparison.

Names stay Chinese characters (the comparison unit is the character: rapidfuzz
counts code points, so '张伟' / '张玮' are one edit apart). Next to them we keep
tone-less pinyin, read with a surname table because pypinyin has no surname
mode ('单' reads dan in words but shan as a surname), and a surname / given
name split that knows the compound surnames.

Everything expensive (pypinyin, OpenCC) runs once per *unique* name and is
joined back, so a million mentions with ~100k distinct names cost ~100k calls.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import polars as pl
from pypinyin import Style, lazy_pinyin

MIDDLE_DOT = "\u00b7"
# Minority-name separators folded to U+00B7 (exchange.yaml types.name.normalise).
_SEPARATORS = "·.•・･‧．—"
_SEPARATOR_RUN = re.compile(f"[{re.escape(_SEPARATORS)}]+")
_WHITESPACE = re.compile(r"\s+")

# Compound (two-character) surnames: the split must not cut them in half.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
        "夏侯", "令狐", "万俟", "闻人", "端木", "轩辕", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于",
        "太叔", "申屠", "钟离", "呼延", "南宫", "赫连", "独孤", "拓跋", "百里", "东郭", "西门", "第五",
        "司空", "乐正", "公羊", "左丘", "谷梁", "羊舌", "微生", "梁丘", "东门", "子车", "巫马", "鲜于",
    }
)

# Surname readings that differ from pypinyin's most common reading of the character.
SURNAME_READINGS: dict[str, list[str]] = {
    "单": ["shan"], "曾": ["zeng"], "区": ["ou"], "仇": ["qiu"], "解": ["xie"], "查": ["zha"],
    "朴": ["piao"], "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "单于": ["chan", "yu"], "盖": ["ge"],
    "缪": ["miao"], "乐": ["yue"], "翟": ["zhai"], "秘": ["bi"], "召": ["shao"], "繁": ["po"],
    "覃": ["qin"], "种": ["chong"], "员": ["yun"], "长孙": ["zhang", "sun"], "尉": ["wei"],
    "洗": ["xian"], "冼": ["xian"], "郇": ["huan"], "句": ["gou"], "折": ["she"], "阚": ["kan"],
    "华": ["hua"], "任": ["ren"], "沈": ["shen"], "石": ["shi"], "薄": ["bo"], "卜": ["bu"],
    "柏": ["bai"], "燕": ["yan"], "葛": ["ge"], "鲜于": ["xian", "yu"], "宿": ["su"], "相": ["xiang"],
    "隗": ["wei"], "令狐": ["ling", "hu"], "长": ["chang"], "重": ["chong"], "那": ["na"],
}

_T2S = None


def _t2s(text: str) -> str:
    global _T2S
    if _T2S is None:  # OpenCC loads its dictionaries on first use only
        import opencc

        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text)


@lru_cache(maxsize=200_000)
def clean_name(name: str | None) -> str | None:
    """Canonical form of a name: NFKC, no whitespace, simplified, separators folded to '·'.

    Intake has done this already; doing it again is cheap and makes the matcher
    robust to frames built by hand. Idempotent: ``clean_name(clean_name(x)) == clean_name(x)``.
    """
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", name)
    text = _WHITESPACE.sub("", text)
    text = _SEPARATOR_RUN.sub(MIDDLE_DOT, text)
    text = _t2s(text)
    # NFKC maps some separators ('．', '･') to '.' / '・' again: fold after it.
    text = _SEPARATOR_RUN.sub(MIDDLE_DOT, unicodedata.normalize("NFKC", text)).strip(MIDDLE_DOT)
    if any("a" <= c <= "z" for c in text):
        text = text.upper()
    return text or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(surname, given name). Compound surnames stay whole; a minority name splits at the first '·'."""
    if not name:
        return None, None
    if MIDDLE_DOT in name:
        first, _, rest = name.partition(MIDDLE_DOT)
        return first or None, rest or None
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    if len(name) == 1:
        return name, None
    return name[0], name[1:]


@lru_cache(maxsize=200_000)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip(MIDDLE_DOT))


def surname_pinyin(surname: str | None) -> str | None:
    """Tone-less pinyin of a surname, from the surname table where the reading differs."""
    if not surname:
        return None
    reading = SURNAME_READINGS.get(surname)
    if reading is None and len(surname) == 2 and surname not in COMPOUND_SURNAMES:
        reading = SURNAME_READINGS.get(surname[0])
        if reading is not None:
            reading = reading + list(_syllables(surname[1]))
    return " ".join(reading if reading is not None else _syllables(surname)) or None


def given_pinyin(given: str | None) -> str | None:
    if not given:
        return None
    return " ".join(_syllables(given)) or None


def name_pinyin(name: str | None) -> str | None:
    """Tone-less pinyin of a whole name, syllables separated by spaces: '单雄信' -> 'shan xiong xin'."""
    surname, given = split_name(name)
    parts = [p for p in (surname_pinyin(surname), given_pinyin(given)) if p]
    return " ".join(parts) or None


NAME_PARTS = {
    "name": pl.Utf8, "surname": pl.Utf8, "given": pl.Utf8,
    "name_py": pl.Utf8, "surname_py": pl.Utf8, "given_py": pl.Utf8,
}


def name_parts_table(names: pl.Series) -> pl.DataFrame:
    """One row per distinct raw name: the cleaned name, its split and the pinyin of each part.

    Column ``key`` holds the input value to join back on.
    """
    unique = names.drop_nulls().unique().to_list()
    rows: dict[str, list] = {k: [] for k in ("key", *NAME_PARTS)}
    for raw in unique:
        name = clean_name(raw)
        surname, given = split_name(name)
        s_py, g_py = surname_pinyin(surname), given_pinyin(given)
        rows["key"].append(raw)
        rows["name"].append(name)
        rows["surname"].append(surname)
        rows["given"].append(given)
        rows["name_py"].append(" ".join(p for p in (s_py, g_py) if p) or None)
        rows["surname_py"].append(s_py)
        rows["given_py"].append(g_py)
    return pl.DataFrame(rows, schema={"key": pl.Utf8, **NAME_PARTS})


def add_name_parts(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """Add ``<prefix>name``, ``<prefix>surname`` ... for ``frame[column]`` (computed per unique name).

    ``prefix`` must make the new names differ from ``column``.
    """
    table = name_parts_table(frame[column]).rename({k: prefix + k for k in NAME_PARTS})
    return frame.join(table, left_on=column, right_on="key", how="left", coalesce=True)


# --- ID numbers --------------------------------------------------------------

ID_PATTERN = r"^[1-9]\d{16}[0-9X]$"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def id_check_ok_expr(column: str) -> pl.Expr:
    """GB 11643 MOD 11-2 check, vectorised: true when the 18th character is the computed one."""
    col = pl.col(column)
    total = pl.sum_horizontal([col.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(_WEIGHTS)])
    expected = pl.lit(_CHECK).str.slice((total % 11).cast(pl.Int64), 1)
    return pl.when(col.str.contains(ID_PATTERN)).then(col.str.slice(17, 1) == expected).otherwise(False)


def id_parts_exprs(column: str, prefix: str) -> list[pl.Expr]:
    """Division, birth date, sex and check result of an 18-character ID number column."""
    col = pl.col(column)
    valid = col.str.contains(ID_PATTERN)
    return [
        pl.when(valid).then(col.str.slice(0, 6)).alias(prefix + "division"),
        pl.when(valid).then(col.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)).alias(prefix + "birth_date"),
        pl.when(valid).then(
            pl.when(col.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1).then(pl.lit("1")).otherwise(pl.lit("2"))
        ).alias(prefix + "sex"),
        id_check_ok_expr(column).alias(prefix + "check_ok"),
    ]


# --- the comparison frame of mentions -----------------------------------------

# A record whose own birth date is this many years from its ID number's is
# carrying someone else's number (typically a child recorded with a parent's ID).
FOREIGN_ID_YEARS = 12
_PLACEHOLDER_ORDER = re.compile(r"之([长次三四五]?[子女])$")


def mention_features(mentions: pl.DataFrame) -> pl.DataFrame:
    """The columns comparisons and blocking read, one row per mention, ``idx`` = row position.

    * ``id`` — the ID number used for linkage: 18 characters in the valid
      format, and not *foreign* (``id_foreign``: the record's own birth date or
      sex contradicts the number, so it belongs to someone else);
    * ``id_valid`` — ``id`` with a correct check character (a safe identifier);
    * ``dob`` / ``sex_any`` — the record's value, else the one in its ID number;
    * name parts and pinyin (``nm_*``), the mother's and father's names (``mo_*``, ``fa_*``);
    * ``birth_year`` — the birth date's year, else the one an age implies; ``age_born_by`` — on
      mentions giving an age and no birth date, the latest birth date the age allows;
      ``born_from`` / ``born_to`` — the birth dates a mention allows (one day, or the year an age spans);
    * ``record`` — batch and row: two roles of one row with one name are one person (guardian = mother);
    * ``placeholder`` — the birth-order part of a placeholder name ('之长子'), for twins.
    """
    m = mentions.with_row_index("idx").with_columns(pl.col("idx").cast(pl.Int64))
    id_ok_format = pl.col("id_number").str.contains(ID_PATTERN).fill_null(False)
    own_dob, id_dob = pl.col("birth_date"), pl.col("id_birth_date")
    years_apart = ((own_dob - id_dob).dt.total_days().abs() / 365.25).fill_null(0)
    sex_clash = (pl.col("sex").is_in(["1", "2"]) & (pl.col("sex") != pl.col("id_sex"))).fill_null(False)
    dob_clash = (own_dob != id_dob).fill_null(False)
    foreign = id_ok_format & ((years_apart >= FOREIGN_ID_YEARS) | (sex_clash & dob_clash & (years_apart >= 1)))
    m = m.with_columns(foreign.alias("id_foreign"))
    usable = id_ok_format & ~pl.col("id_foreign")
    m = m.with_columns(
        pl.when(usable).then(pl.col("id_number")).alias("id"),
        (usable & pl.col("id_check_ok").fill_null(False)).alias("id_valid"),
    ).with_columns(
        pl.when(pl.col("id_valid")).then(pl.col("id")).alias("id_strong"),
        pl.col("id").str.slice(0, 14).alias("id14"),
        pl.coalesce(own_dob, pl.when(usable).then(id_dob)).alias("dob"),
        pl.coalesce(pl.when(pl.col("sex").is_in(["1", "2"])).then(pl.col("sex")),
                    pl.when(usable).then(pl.col("id_sex"))).alias("sex_any"),
        pl.col("division").str.slice(0, 6).alias("div6"),
        pl.when(pl.col("division").str.len_chars() >= 9).then(pl.col("division").str.slice(0, 9)).alias("div9"),
        pl.when(pl.col("mother_id_number").str.contains(ID_PATTERN)).then(pl.col("mother_id_number")).alias("mo_id"),
        pl.when(pl.col("context_id").str.contains(ID_PATTERN)).then(pl.col("context_id")).alias("context_id"),
        pl.when(pl.col("partner_id").str.contains(ID_PATTERN)).then(pl.col("partner_id")).alias("partner_id"),
        pl.concat_str([pl.col("batch_id").cast(pl.Utf8), pl.col("row").cast(pl.Utf8)], separator=":").alias("record"),
        pl.when(pl.col("name").is_null()).then(pl.col("name_raw").str.extract(_PLACEHOLDER_ORDER.pattern, 1))
        .alias("placeholder"),
    )
    m = m.with_columns(pl.coalesce(pl.col("dob").dt.year().cast(pl.Int32), pl.col("birth_year_est")).alias("birth_year"))
    # the birth dates a mention allows: its own, else the year up to the latest date its age allows
    by_age = pl.when(pl.col("dob").is_null()).then(pl.col("born_by_age"))
    m = m.with_columns(by_age.alias("age_born_by")).with_columns(
        pl.coalesce(pl.col("dob"), pl.col("age_born_by").dt.offset_by("-1y").dt.offset_by("1d")).alias("born_from"),
        pl.coalesce(pl.col("dob"), pl.col("age_born_by")).alias("born_to"),
    )
    m = add_name_parts(m, "name", "nm_")
    m = add_name_parts(m, "mother_name", "mo_")
    m = add_name_parts(m, "father_name", "fa_")
    drop = [c for c in m.columns if (c.startswith("mo_") or c.startswith("fa_"))
            and c not in ("mo_name", "mo_name_py", "mo_id", "fa_name", "fa_name_py")]
    return m.drop(drop).sort("idx")
