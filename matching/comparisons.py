"""Comparisons as composable objects: a comparison is an ordered list of levels.

A pair gets the first level whose condition holds (levels run from the
strongest agreement to ``ElseLevel``), or the null level -1 when a column the
comparison needs is missing on either side (no evidence either way).

Levels read a *pair frame*: the columns of both mentions side by side as
``<column>_l`` / ``<column>_r`` (built once by :func:`pair_frame`; no level
glues suffixes by hand). String similarity runs on whole pair arrays with
rapidfuzz ``process.cpdist`` (code points: '张伟' vs '张玮' is one edit; DuckDB
would count 3 bytes), replacing recordlinkage's per-pair ``Compare.string``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA, Hamming, JaroWinkler, Levenshtein

NULL_LEVEL = -1


def side(column: str, which: str) -> str:
    """The pair-frame name of one side of a column ('l' or 'r')."""
    return f"{column}_{which}"


def pair_frame(features: pl.DataFrame, pairs: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """``pairs`` (idx_l, idx_r, ...) with ``<col>_l`` / ``<col>_r`` gathered from ``features`` (idx = position)."""
    left, right = pairs["idx_l"], pairs["idx_r"]
    cols = []
    for c in dict.fromkeys(columns):
        series = features[c]
        cols.append(series.gather(left).alias(side(c, "l")))
        cols.append(series.gather(right).alias(side(c, "r")))
    return pairs.with_columns(cols)


def _strings(pairs: pl.DataFrame, column: str) -> tuple[list[str], list[str]]:
    return (pairs[side(column, "l")].fill_null("").to_list(), pairs[side(column, "r")].fill_null("").to_list())


def _cpdist(pairs: pl.DataFrame, column: str, scorer) -> np.ndarray:  # noqa: ANN001
    left, right = _strings(pairs, column)
    if not left:
        return np.zeros(0)
    return process.cpdist(left, right, scorer=scorer, workers=-1)


def _days(pairs: pl.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    def days(s: pl.Series) -> np.ndarray:
        return s.cast(pl.Date).cast(pl.Int32).fill_null(0).to_numpy()

    return days(pairs[side(column, "l")]), days(pairs[side(column, "r")])


# --- levels -------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonLevel:
    label: str

    @property
    def columns(self) -> tuple[str, ...]:
        return ()

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class ColumnLevel(ComparisonLevel):
    """A level that reads one column of both records."""

    column: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True)
class ExactMatchLevel(ColumnLevel):
    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        return (pairs[side(self.column, "l")] == pairs[side(self.column, "r")]).fill_null(False).to_numpy()


@dataclass(frozen=True)
class LevenshteinLevel(ColumnLevel):
    """Edit distance in characters at most ``max_distance``."""

    max_distance: int = 1

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        return _cpdist(pairs, self.column, Levenshtein.distance) <= self.max_distance


@dataclass(frozen=True)
class JaroWinklerLevel(ColumnLevel):
    threshold: float = 0.9

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        return _cpdist(pairs, self.column, JaroWinkler.normalized_similarity) >= self.threshold


@dataclass(frozen=True)
class TranspositionLevel(ColumnLevel):
    """Two adjacent characters swapped (optimal string alignment distance 1, Levenshtein 2)."""


    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        return (_cpdist(pairs, self.column, OSA.distance) == 1) & (_cpdist(pairs, self.column, Levenshtein.distance) == 2)


@dataclass(frozen=True)
class DateSwapLevel(ColumnLevel):
    """Day and month swapped (2012-03-04 / 2012-04-03): a classic keying error."""


    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        left, right = pairs[side(self.column, "l")].cast(pl.Date), pairs[side(self.column, "r")].cast(pl.Date)
        ok = (left.dt.year() == right.dt.year()) & (left.dt.month() == right.dt.day()) & (left.dt.day() == right.dt.month())
        return ok.fill_null(False).to_numpy()


@dataclass(frozen=True)
class DateWithinDaysLevel(ColumnLevel):
    max_days: int = 1

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        left, right = _days(pairs, self.column)
        return np.abs(left - right) <= self.max_days


@dataclass(frozen=True)
class DateOneDigitLevel(ColumnLevel):
    """The dates' YYYYMMDD digits differ in exactly one place (a mistyped digit)."""


    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        text = pairs.select(
            pl.col(side(self.column, "l")).cast(pl.Utf8).alias("l"), pl.col(side(self.column, "r")).cast(pl.Utf8).alias("r")
        )
        left, right = text["l"].fill_null("").to_list(), text["r"].fill_null("").to_list()
        if not left:
            return np.zeros(0, dtype=bool)
        return process.cpdist(left, right, scorer=Hamming.distance, workers=-1) == 1


@dataclass(frozen=True)
class SameYearMonthLevel(ColumnLevel):

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        left, right = pairs[side(self.column, "l")].cast(pl.Date), pairs[side(self.column, "r")].cast(pl.Date)
        return ((left.dt.year() == right.dt.year()) & (left.dt.month() == right.dt.month())).fill_null(False).to_numpy()


@dataclass(frozen=True)
class AbsDifferenceLevel(ColumnLevel):
    """Numeric columns (e.g. birth year) within ``max_difference``."""

    max_difference: int = 1

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        diff = (pairs[side(self.column, "l")].cast(pl.Int64) - pairs[side(self.column, "r")].cast(pl.Int64)).abs()
        return (diff <= self.max_difference).fill_null(False).to_numpy()


@dataclass(frozen=True)
class DateRangesMeetLevel(ComparisonLevel):
    """The date spans ``start``–``end`` of the two sides overlap, each widened by ``slack_days``."""

    start: str = ""
    end: str = ""
    slack_days: int = 0

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.start, self.end)

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        start_l, start_r = _days(pairs, self.start)
        end_l, end_r = _days(pairs, self.end)
        return (start_l <= end_r + self.slack_days) & (start_r <= end_l + self.slack_days)


@dataclass(frozen=True)
class AndLevel(ComparisonLevel):
    parts: tuple[ComparisonLevel, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for p in self.parts for c in p.columns)

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        out = np.ones(pairs.height, dtype=bool)
        for part in self.parts:
            out &= part.matches(pairs)
        return out


@dataclass(frozen=True)
class OrLevel(ComparisonLevel):
    parts: tuple[ComparisonLevel, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for p in self.parts for c in p.columns)

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        out = np.zeros(pairs.height, dtype=bool)
        for part in self.parts:
            out |= part.matches(pairs)
        return out


@dataclass(frozen=True)
class ElseLevel(ComparisonLevel):
    label: str = "else"

    def matches(self, pairs: pl.DataFrame) -> np.ndarray:
        return np.ones(pairs.height, dtype=bool)


# --- comparisons ----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One attribute's evidence: ordered levels, the columns whose absence means 'no evidence'.

    ``tf_column``: the first level's weight is adjusted by the value's term
    frequency (an exact match on 张伟 says less than one on 欧阳娜娜).
    ``m_start`` are starting m probabilities for EM (one per level).
    ``needs_either``: the pair is compared only when at least one side holds each
    of these columns (otherwise null: another comparison weighs that evidence).
    """

    name: str
    levels: tuple[ComparisonLevel, ...]
    null_columns: tuple[str, ...]
    tf_column: str | None = None
    m_start: tuple[float, ...] = field(default=())
    needs_either: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        cols = list(self.null_columns) + list(self.needs_either) + [c for lv in self.levels for c in lv.columns]
        if self.tf_column:
            cols.append(self.tf_column)
        return tuple(dict.fromkeys(cols))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(lv.label for lv in self.levels)

    def gamma(self, pairs: pl.DataFrame) -> np.ndarray:
        """Level index per pair (0 = strongest agreement), -1 where a side is missing."""
        # Only this comparison's columns: evaluating a level on a subset of rows gathers them.
        pairs = pairs.select([side(c, w) for c in self.columns for w in ("l", "r")])
        n = pairs.height
        out = np.full(n, len(self.levels) - 1, dtype=np.int8)
        null = np.zeros(n, dtype=bool)
        for c in self.null_columns:
            null |= pairs[side(c, "l")].is_null().to_numpy() | pairs[side(c, "r")].is_null().to_numpy()
        for c in self.needs_either:
            null |= pairs[side(c, "l")].is_null().to_numpy() & pairs[side(c, "r")].is_null().to_numpy()
        todo = ~null
        for i, level in enumerate(self.levels[:-1]):
            if not todo.any():
                break
            # Evaluate only undecided pairs: fuzzy levels are the expensive ones.
            rows = np.flatnonzero(todo)
            hit = level.matches(pairs[rows] if len(rows) < n else pairs)
            out[rows[hit]] = i
            todo[rows[hit]] = False
        out[null] = NULL_LEVEL
        return out


def _starts(*values: float) -> tuple[float, ...]:
    return values


def NameComparison(prefix: str = "nm_", name: str = "name") -> Comparison:  # noqa: N802 - reads like Splink's vocabulary
    """exact / pinyin exact (homophone) / one character off / surname + similar given pinyin / else."""
    return Comparison(
        name=name,
        levels=(
            ExactMatchLevel("exact", f"{prefix}name"),
            ExactMatchLevel("pinyin exact (homophone)", f"{prefix}name_py"),
            AndLevel("one character different", (LevenshteinLevel("", f"{prefix}name", 1),
                                                 JaroWinklerLevel("", f"{prefix}name", 0.7))),
            AndLevel("same surname, similar given-name pinyin", (
                ExactMatchLevel("", f"{prefix}surname_py"), JaroWinklerLevel("", f"{prefix}given_py", 0.88))),
            ElseLevel(),
        ),
        null_columns=(f"{prefix}name",),
        tf_column=f"{prefix}name",
        m_start=_starts(0.85, 0.05, 0.05, 0.02, 0.03),
    )


def BirthDateComparison(column: str = "dob") -> Comparison:  # noqa: N802
    """Two birth dates; a side with only an age (no date) is left to :func:`AgeComparison`."""
    return Comparison(
        name="birth_date",
        levels=(
            ExactMatchLevel("exact", column),
            DateSwapLevel("day and month swapped", column),
            OrLevel("one day or one digit off", (DateWithinDaysLevel("", column, 1), DateOneDigitLevel("", column))),
            SameYearMonthLevel("same year and month", column),
            AbsDifferenceLevel("birth year within one", "birth_year", 1),
            ElseLevel(),
        ),
        null_columns=(column, "birth_year"),
        m_start=_starts(0.9, 0.01, 0.04, 0.02, 0.01, 0.02),
    )


def AgeComparison(start: str = "born_from", end: str = "born_to",  # noqa: N802
                  age_column: str = "age_born_by") -> Comparison:
    """Birth dates against an age (emergency lists), on pairs where a side gives an age and no date.

    A side's possible birth dates run from ``start`` to ``end``: one day for a birth date,
    the year before ``age_column`` (the event date minus the age) for an age. The pair
    agrees when the spans meet, and is one year off (a nominal age, 虚岁, or an age
    typed a year out) when they meet widened by a year. Pairs of two birth dates are
    left to :func:`BirthDateComparison`, where a year's difference is another person.
    m follows from how ages are written and is not re-estimated (age-only pairs are
    too few for EM); u is sampled from pairs with an age side (``estimate_u``).
    """
    return Comparison(
        name="age",
        levels=(
            DateRangesMeetLevel("birth date consistent with the age", start, end, 0),
            DateRangesMeetLevel("within a year of the age", start, end, 366),
            ElseLevel(),
        ),
        null_columns=(start, end),
        needs_either=(age_column,),
        m_start=_starts(0.8, 0.18, 0.02),
    )


def SexComparison(column: str = "sex_any") -> Comparison:  # noqa: N802
    return Comparison("sex", (ExactMatchLevel("exact", column), ElseLevel()), (column,), m_start=_starts(0.97, 0.03))


def IdNumberComparison(column: str = "id") -> Comparison:  # noqa: N802
    return Comparison(
        name="id_number",
        levels=(
            ExactMatchLevel("exact", column),
            LevenshteinLevel("one character different", column, 1),
            TranspositionLevel("two digits transposed", column),
            ElseLevel(),
        ),
        null_columns=(column,),
        m_start=_starts(0.9, 0.05, 0.03, 0.02),
    )


def DivisionComparison() -> Comparison:  # noqa: N802
    return Comparison(
        name="division",
        levels=(ExactMatchLevel("same township", "div9"), ExactMatchLevel("same county", "div6"), ElseLevel()),
        null_columns=("div6",),
        m_start=_starts(0.7, 0.2, 0.1),
    )


def ParentNameComparison() -> Comparison:  # noqa: N802
    """The mother as named on the record (ID, or name read as pinyin), for children and newborns."""
    return Comparison(
        name="mother",
        levels=(
            ExactMatchLevel("same mother ID number", "mo_id"),
            ExactMatchLevel("mother's name, same pinyin", "mo_name_py"),
            JaroWinklerLevel("mother's name similar", "mo_name", 0.8),
            ElseLevel(),
        ),
        null_columns=("mo_name_py",),
        m_start=_starts(0.6, 0.3, 0.05, 0.05),
    )


def HouseholdComparison() -> Comparison:  # noqa: N802
    """Named on rows of the same hukou household (the head, the parents and the person)."""
    return Comparison("household", (ExactMatchLevel("same household", "household"), ElseLevel()), ("household",),
                      m_start=_starts(0.8, 0.2))


def ContextComparison() -> Comparison:  # noqa: N802
    """Two parent or guardian mentions on records of the same child (by the child's ID number)."""
    return Comparison("context", (ExactMatchLevel("named for the same person", "context_id"), ElseLevel()),
                      ("context_id",), m_start=_starts(0.5, 0.5))


def SameRecordComparison() -> Comparison:  # noqa: N802
    """Two roles of the same row (a guardian who is also the mother)."""
    return Comparison("same_record", (ExactMatchLevel("same row", "record"), ElseLevel()), ("record",),
                      m_start=_starts(0.05, 0.95))


def PartnerComparison() -> Comparison:  # noqa: N802
    """Two parent mentions naming the same other parent (by ID number)."""
    return Comparison("partner", (ExactMatchLevel("same other parent", "partner_id"), ElseLevel()),
                      ("partner_id",), m_start=_starts(0.7, 0.3))


def default_comparisons() -> tuple[Comparison, ...]:
    return (NameComparison(), BirthDateComparison(), AgeComparison(), SexComparison(), IdNumberComparison(),
            DivisionComparison(), ParentNameComparison(), HouseholdComparison(), ContextComparison(),
            PartnerComparison(), SameRecordComparison())


def comparison_vectors(pairs: pl.DataFrame, comparisons: Sequence[Comparison]) -> pl.DataFrame:
    """``gamma_<comparison>`` columns (Int8) for every pair of a pair frame."""
    return pairs.with_columns([pl.Series(f"gamma_{c.name}", c.gamma(pairs), dtype=pl.Int8) for c in comparisons])


def compare_pairs(features: pl.DataFrame, pairs: pl.DataFrame, comparisons: Sequence[Comparison], *,
                  columns: Sequence[str] = (), facts: dict[str, pl.Expr] | None = None,
                  chunk_size: int = 500_000) -> pl.DataFrame:
    """``pairs`` with ``gamma_<comparison>`` and the ``facts`` (expressions over the pair frame).

    Works through the pairs a chunk at a time: a chunk's pair frame (every compared
    column of both records) is dropped once its gammas and facts are taken, so memory
    follows the chunk size rather than the number of candidate pairs. ``columns`` are
    further feature columns the facts read.
    """
    facts = facts or {}
    needed = [c for comp in comparisons for c in comp.columns] + list(columns)
    kept = [*pairs.columns, *[f"gamma_{c.name}" for c in comparisons]]
    out = []
    for start in range(0, max(pairs.height, 1), chunk_size):
        frame = comparison_vectors(pair_frame(features, pairs.slice(start, chunk_size), needed), comparisons)
        out.append(frame.select(*kept, *[expr.alias(name) for name, expr in facts.items()]))
    return pl.concat(out)
