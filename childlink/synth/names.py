"""Chinese personal names with realistic repetition.

Surnames are drawn with their approximate national frequencies (so 张伟 and
王芳 recur), including compound surnames (欧阳, 司马, 上官) and surnames with
special readings (单 shan, 曾 zeng, 区 ou, 仇 qiu, 解 xie, 查 zha). Given names
depend on the generation, and a small share of people carry minority names
written with the middle dot.
"""

from __future__ import annotations

import random

# (surname, weight per mille) — rounded shares of the largest surnames, then a tail.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 23), ("黄", 22), ("周", 21),
    ("吴", 20), ("徐", 16), ("孙", 15), ("胡", 13), ("朱", 12), ("高", 12), ("林", 12), ("何", 11), ("郭", 11),
    ("马", 11), ("罗", 9), ("梁", 9), ("宋", 8), ("郑", 8), ("谢", 7), ("韩", 7), ("唐", 7), ("冯", 7), ("于", 7),
    ("董", 6), ("萧", 6), ("程", 6), ("曹", 6), ("袁", 6), ("邓", 6), ("许", 6), ("傅", 5), ("沈", 5), ("曾", 5),
    ("彭", 5), ("吕", 5), ("苏", 5), ("卢", 5), ("蒋", 5), ("蔡", 5), ("贾", 4), ("丁", 4), ("魏", 4), ("薛", 4),
    ("叶", 4), ("阎", 4), ("余", 4), ("潘", 4), ("杜", 4), ("戴", 4), ("夏", 3), ("钟", 3), ("汪", 3), ("田", 3),
    ("任", 3), ("姜", 3), ("范", 3), ("方", 3), ("石", 3), ("姚", 3), ("谭", 3), ("廖", 3), ("邹", 3), ("熊", 3),
    ("金", 3), ("陆", 3), ("郝", 3), ("孔", 3), ("白", 3), ("崔", 3), ("康", 3), ("毛", 3), ("邱", 3), ("秦", 3),
    ("单", 1), ("区", 0.4), ("仇", 0.5), ("解", 0.6), ("查", 0.6), ("朴", 0.8),
    ("欧阳", 0.6), ("司马", 0.3), ("上官", 0.3), ("诸葛", 0.2),
)
SPECIAL_READING_SURNAMES = ("单", "曾", "区", "仇", "解", "查", "朴")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")

# Given names by generation (born before 1965, 1965-1995, after 1995), with weights:
# a few very common one-character names make exact namesakes frequent.
_OLD_MALE = "建国 国强 志强 玉林 德胜 长山 振华 凤山 福林 永祥 树林 春生 国庆 文斌 宝山".split()
_OLD_FEMALE = "淑珍 桂兰 秀英 玉兰 凤琴 桂芝 秀兰 玉珍 丽华 淑芬 桂荣 凤兰 秀珍 玉梅 素华".split()
_MID_MALE = "伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 斌 浩 海波 建军 志刚 晓东 永刚 立新 春雷 大伟 海涛".split()
_MID_FEMALE = "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 红 梅 丹 晶 颖 秀丽 丽娜 海燕 晓红 春燕 雪梅 艳华 丽丽 婷婷".split()
_YOUNG_MALE = "子轩 浩宇 宇轩 浩然 博文 梓豪 俊熙 一鸣 思远 子墨 沐宸 皓轩 睿 宇航 明轩 天佑 鹏飞 嘉豪 伟 浩".split()
_YOUNG_FEMALE = "梓涵 欣怡 一诺 诗涵 雨桐 梓萱 子涵 可馨 语嫣 思琪 佳怡 雨欣 紫涵 若汐 欣妍 梦瑶 芳 静怡 悦 婉清".split()

# Twin name pairs share a first character and differ by one (浩宇/浩轩).
_TWIN_PAIRS = (("浩宇", "浩轩"), ("思远", "思源"), ("嘉怡", "嘉欣"), ("梓涵", "梓萱"), ("一鸣", "一航"),
               ("雨桐", "雨彤"), ("子轩", "子涵"), ("佳琪", "佳瑶"), ("博文", "博武"), ("欣然", "欣悦"))

# Minority names (Uyghur, Kazakh) written with the middle dot; the person keeps no Han surname.
MINORITY_NAMES_MALE = ("阿不都热合曼·买买提", "艾力·吐尔逊", "努尔兰·别克", "买买提江·阿布都拉")
MINORITY_NAMES_FEMALE = ("古丽米热·艾买提", "阿依古丽·吐尔洪", "热依拉·买买提", "阿娜尔·哈力克")


class NamePicker:
    """Draws surnames and given names from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        cum = []
        total = 0.0
        for _, w in SURNAMES:
            total += w
            cum.append(total)
        self._cum = cum

    def surname(self) -> str:
        return self._rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given(self, sex: int, birth_year: int) -> str:
        if birth_year < 1965:
            pool = _OLD_MALE if sex == 1 else _OLD_FEMALE
        elif birth_year < 1995:
            pool = _MID_MALE if sex == 1 else _MID_FEMALE
        else:
            pool = _YOUNG_MALE if sex == 1 else _YOUNG_FEMALE
        # Favour the first names of each pool: the common ones repeat most.
        index = min(int(self._rng.expovariate(1 / 5)), len(pool) - 1)
        return pool[index]

    def twin_givens(self) -> tuple[str, str]:
        return self._rng.choice(_TWIN_PAIRS)

    def minority(self, sex: int) -> str:
        return self._rng.choice(MINORITY_NAMES_MALE if sex == 1 else MINORITY_NAMES_FEMALE)
