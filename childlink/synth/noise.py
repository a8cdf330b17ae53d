"""Turn true values into the text a department's export would show.

Rendering is column-wise: every cell first gets the file's own style (date
format, sex coding, code labels), then a random share of cells, scaled by the
``noise`` level, gets a variant that a reader must still understand
(exchange.yaml normalisers): one digit mistyped, two digits transposed, a
wrong check character, a lower-case x, full-width digits, the 15-digit legacy
number, traditional characters, a homophone, a space inside the name, another
date format or an Excel serial number. No variant here makes a row invalid;
rows meant to be quarantined are planted separately (``writers.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import numpy as np
import opencc
import polars as pl

from childlink.schema import BOOLEAN, CODE, DATE, ID_NUMBER, INTEGER, NAME, SEX, Column, Source, exchange
from childlink.synth.idnumbers import legacy_15

# Per-cell rates at noise level 1.0.
ID_RATE = 0.03
NAME_RATE = 0.02
DATE_RATE = 0.03
SEX_RATE = 0.02
CODE_RATE = 0.08

# Same-sounding characters officers type by mistake in given names.
HOMOPHONES = {
    "伟": "玮", "芳": "方", "丽": "莉", "静": "婧", "军": "君", "杰": "洁", "涛": "滔", "明": "铭", "浩": "皓",
    "宇": "雨", "轩": "宣", "涵": "含", "欣": "馨", "怡": "仪", "娟": "鹃", "燕": "艳", "霞": "侠", "红": "虹",
    "梅": "玫", "颖": "莹", "玲": "琳", "华": "桦", "兰": "岚", "英": "瑛", "珍": "真", "林": "琳", "东": "冬",
    "敏": "民", "娜": "那", "磊": "垒", "强": "蔷", "勇": "永", "鹏": "朋", "斌": "彬", "超": "潮", "刚": "钢",
}
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
DATE_STYLES = ("iso", "slash", "cn", "compact", "dot")
_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")
EXCEL_EPOCH = date(1899, 12, 30).toordinal()


@dataclass(frozen=True)
class FileStyle:
    """How one file writes its values."""

    date_style: str = "iso"
    sex_style: str = "label"  # label (男/女) | digit (1/2)
    bool_style: str = "zh"  # zh (是/否) | digit (1/0)
    excel_serials: bool = False  # CSV exported from Excel: some dates as serial numbers
    native_dates: bool = False  # XLSX: dates stay date values for date cells


def format_date(day: date, style: str) -> str:
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "compact":
        return day.strftime("%Y%m%d")
    if style == "dot":
        return day.strftime("%Y.%m.%d")
    if style == "serial":
        return str(day.toordinal() - EXCEL_EPOCH)
    return day.isoformat()


def mistype_id(value: str, rng: random.Random) -> str:
    """A plausible keying error that keeps the format valid (the check character then disagrees)."""
    kind = rng.random()
    if kind < 0.4:
        pos = rng.randrange(14, 17)  # the sequence digits: the birth date stays a real date
        digit = str((int(value[pos]) + rng.randint(1, 9)) % 10)
        out = value[:pos] + digit + value[pos + 1:]
    elif kind < 0.7:
        pos = rng.randrange(14, 16)
        out = value[:pos] + value[pos + 1] + value[pos] + value[pos + 2:]
    else:
        wrong = [c for c in "0123456789X" if c != value[17]]
        out = value[:17] + rng.choice(wrong)
    if out == value:  # transposed two equal digits: change the check character instead
        out = value[:17] + ("0" if value[17] != "0" else "1")
    return out


def id_variant(value: str, rng: random.Random, *, may_blank: bool) -> str | None:
    r = rng.random()
    if r < 0.35:
        return mistype_id(value, rng)
    if r < 0.5 and value.endswith("X"):
        return value[:17] + "x"
    if r < 0.6:
        return value.translate(FULL_WIDTH)
    if r < 0.75:
        old = legacy_15(value)
        if old:
            return old
        return " " + value + " "
    if r < 0.85:
        return value[:6] + " " + value[6:14] + " " + value[14:]
    if may_blank:
        return None
    return mistype_id(value, rng)


def name_variant(value: str, rng: random.Random) -> str:
    if "·" in value:
        return value.replace("·", rng.choice(("•", ".", "・")))
    r = rng.random()
    if r < 0.35:
        trad = _S2T.convert(value)
        if trad != value and _T2S.convert(trad) == value:
            return trad
    if r < 0.7:
        last = value[-1]
        if last in HOMOPHONES and len(value) >= 2:
            return value[:-1] + HOMOPHONES[last]
    if len(value) == 2:
        return value[0] + " " + value[1]
    return value[0] + " " + value[1:]


def date_variant(day: date, style: FileStyle, rng: random.Random) -> str:
    options = [s for s in DATE_STYLES if s != style.date_style]
    if style.excel_serials:
        options += ["serial", "serial"]
    return format_date(day, rng.choice(options))


class Renderer:
    """Renders one source's clean table into text cells."""

    def __init__(self, source: Source, style: FileStyle, rng: random.Random, level: float) -> None:
        self.source = source
        self.style = style
        self.rng = rng
        self.level = level
        self.np = np.random.default_rng(rng.randrange(2**32))
        self.ex = exchange()

    def _pick(self, values: list, rate: float) -> list[int]:
        if self.level <= 0 or not values:
            return []
        mask = self.np.random(len(values)) < rate * self.level
        return [i for i in np.flatnonzero(mask).tolist() if values[i] is not None]

    def render(self, frame: pl.DataFrame) -> pl.DataFrame:
        out: dict[str, pl.Series] = {}
        for column in self.source.columns:
            series = frame[column.field]
            out[column.field] = self._column(column, series)
        for name in frame.columns:
            if name.startswith("__"):
                out[name] = frame[name]
        return pl.DataFrame(out)

    def _column(self, column: Column, series: pl.Series) -> pl.Series:
        kind = column.type
        name = column.field
        style = self.style
        if kind == DATE:
            base = [format_date(d, style.date_style) if d is not None else None for d in series.to_list()] \
                if style.date_style != "iso" else series.dt.to_string("%Y-%m-%d").to_list()
            values = series.to_list()
            for i in self._pick(values, DATE_RATE):
                base[i] = date_variant(values[i], style, self.rng)
            return pl.Series(name, base, dtype=pl.Utf8)
        values = series.cast(pl.Utf8).to_list() if series.dtype != pl.Boolean else series.to_list()
        if kind == ID_NUMBER:
            for i in self._pick(values, ID_RATE):
                values[i] = id_variant(values[i], self.rng, may_blank=not column.required)
        elif kind == NAME:
            for i in self._pick(values, NAME_RATE):
                values[i] = name_variant(values[i], self.rng)
        elif kind == SEX:
            labels = {"1": "男", "2": "女"} if style.sex_style == "label" else {"1": "1", "2": "2"}
            alt = {"1": ["M", "男性", "1"], "2": ["F", "女性", "2"]}
            shown = series.cast(pl.Utf8).replace(labels).to_list()
            for i in self._pick(values, SEX_RATE):
                shown[i] = self.rng.choice(alt[values[i]])
            values = shown
        elif kind == CODE and column.code_list:
            values = self._codes(column.code_list, series.cast(pl.Utf8))
        elif kind == BOOLEAN:
            yes, no = ("是", "否") if style.bool_style == "zh" else ("1", "0")
            values = [None if v is None else (yes if v else no) for v in values]
        elif kind == INTEGER:
            values = [None if v is None else str(v) for v in values]
        return pl.Series(name, values, dtype=pl.Utf8)

    def _codes(self, list_key: str, series: pl.Series) -> list:
        code_list = self.ex.code_list(list_key)
        labels = {v.code: v.label for v in code_list.values}
        aliases = {v.code: v.aliases for v in code_list.values}
        values = series.to_list()
        # Two-digit codes (relations, ethnicity) are exported as codes by the police systems.
        numeric = list_key in ("household_relation", "ethnicity")
        out = values if numeric else series.replace(labels).to_list()
        for i in self._pick(values, CODE_RATE):
            v = values[i]
            choices = [labels.get(v, v), v, *[a for a in aliases.get(v, ()) if a != "无"]]
            out[i] = self.rng.choice(choices)
        return out
