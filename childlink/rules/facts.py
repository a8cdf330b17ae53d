"""Facts with time: what the departments' rows say about each person, as intervals with sources.

``build_facts`` turns linked rows into three frames (docs/architecture.md,
"Facts"): ``people`` (one row per entity), ``relations`` (child -> parents and
guardians) and ``facts`` (one interval per row and kind, with the row it came
from and the link probability). Conflicts between sources are resolved by a
stated rule and kept visible in ``conflicts``.

Kinds and their sources (exchange.yaml ``period`` fields and notes):

======================  =====================================================
dead                    death; hukou status dead; prison release died;
                        student status died; emergency impact dead
declared_dead           court declare_dead (ended by revoke_death); hukou
                        status declared_dead; a revoke_death alone (ended)
declared_missing        court declare_missing (ended by revoke_missing); a
                        revoke_missing alone (ended)
guardianship_revoked    court revoke_guardianship (ended by restore_guardianship);
                        a restore_guardianship alone (ended); a subject named
                        only is the named child's parent of that name
restricted              prison, custody (except deportation), drug_rehab
deported                custody measure deportation
lost_contact            missing_report
disability              disability certificate (issued .. cancelled / valid_until)
serious_illness         serious_illness rows with a listed illness code
hiv                     hiv
employment              employment rows (all)
working_away            employment in another county than the hukou county
assistance              social_assistance (temporary assistance is one-off)
adopted                 adoption (ended by dissolution)
enrolled, dropped_out,  student_roll by status
suspended, left_school
residence               residence_permit, child_health, vaccination,
                        medical_insurance, inbound_push, student_roll school
hukou_cancelled         hukou status moved_out, abroad, military, other_cancelled
emergency               emergency (every impact)
======================  =====================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from childlink.rules.adoptees import adoptee_aliases, merge_aliases
from childlink.rules.conflicts import CONFLICT_SCHEMA, resolve_conflicts
from childlink.rules.intervals import OPEN_END, months_after, planned_end_from_term
from childlink.rules.linked import Records, linked_sources
from childlink.rules.people import build_people
from childlink.rules.register import REGISTER_SCHEMA, active_register
from childlink.rules.relations import build_relations, legal_parents, parent_role_by_sex
from childlink.schema import exchange
from childlink.settings import PolicySettings

ATTRIBUTE_FIELDS = (
    "category",  # disability category, assistance type, judgment type
    "grade",  # disability grade
    "code",  # illness code
    "measure",  # custody_measure code (prison: serving_sentence, drug_rehab: compulsory_rehab)
    "status",  # hukou / student / release status
    "division",  # the place the row names (work, residence, school, event)
    "county",  # its county (6 digits) where known
    "counterpart_entity_id",  # the child of a guardianship judgment
    "impact",  # emergency impact
    "detail",  # free text kept for officers (sentence term, illness name, event name)
)
ATTRIBUTES = pl.Struct({name: pl.Utf8 for name in ATTRIBUTE_FIELDS})
FACT_SCHEMA = {
    "entity_id": pl.Utf8,
    "kind": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,
    "planned_end": pl.Date,
    "attributes": ATTRIBUTES,
    "source": pl.Utf8,
    "source_file": pl.Utf8,
    "row": pl.Int64,
    "link_probability": pl.Float64,
}
# Statuses of the student roll that are a kind of their own; others end the enrolment.
STUDENT_KINDS = {"studying": "enrolled", "dropped_out": "dropped_out", "suspended": "suspended", "died": "dead"}
HUKOU_CANCELLED = ("moved_out", "abroad", "military", "other_cancelled")


@dataclass
class Facts:
    """The linked picture of the county at the as-of date (docs/architecture.md, "Facts")."""

    people: pl.DataFrame
    relations: pl.DataFrame
    facts: pl.DataFrame
    conflicts: pl.DataFrame
    as_of: date
    register: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REGISTER_SCHEMA))


def empty_facts() -> pl.DataFrame:
    return pl.DataFrame(schema=FACT_SCHEMA)


def _attrs(**values: pl.Expr) -> pl.Expr:
    fields = [values.get(name, pl.lit(None, dtype=pl.Utf8)).cast(pl.Utf8).alias(name) for name in ATTRIBUTE_FIELDS]
    return pl.struct(fields)


def _select(
    frame: pl.DataFrame,
    source: str,
    *,
    role: str,
    kind: str | pl.Expr,
    start: pl.Expr | None,
    end: pl.Expr | None = None,
    planned_end: pl.Expr | None = None,
    when: pl.Expr | None = None,
    **attrs: pl.Expr,
) -> pl.DataFrame:
    """Facts of one kind from the rows of one source, about the person in ``role``."""
    rows = frame.filter(pl.col(f"{role}_entity_id").is_not_null())
    if when is not None:
        rows = rows.filter(when)
    null_date = pl.lit(None, dtype=pl.Date)
    return rows.select(
        pl.col(f"{role}_entity_id").alias("entity_id"),
        (pl.lit(kind) if isinstance(kind, str) else kind).cast(pl.Utf8).alias("kind"),
        (start if start is not None else null_date).cast(pl.Date).alias("start"),
        (end if end is not None else null_date).cast(pl.Date).alias("end"),
        (planned_end if planned_end is not None else null_date).cast(pl.Date).alias("planned_end"),
        _attrs(**attrs).alias("attributes"),
        pl.lit(source).alias("source"),
        pl.col("source_file"),
        pl.col("row"),
        pl.col(f"{role}_link_p").alias("link_probability"),
    )


def _c(name: str) -> pl.Expr:
    return pl.col(name)


# -- per source ------------------------------------------------------------------


def _death(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [_select(f, "death", role="person", kind="dead", start=_c("death_date"))]


def _hukou(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    status = _c("status")
    return [
        _select(f, "hukou_population", role="person", kind="dead", start=_c("status_date"), when=status == "dead",
                status=status),
        _select(f, "hukou_population", role="person", kind="declared_dead", start=_c("status_date"),
                when=status == "declared_dead", status=status),
        _select(f, "hukou_population", role="person", kind="hukou_cancelled", start=_c("status_date"),
                when=status.is_in(HUKOU_CANCELLED), status=status,
                division=_c("moved_out_to_division"), county=_c("moved_out_to_division_county")),
    ]


def _court(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    """Court judgments; a revoke_*/restore judgment ends the earlier one for the same subject.

    exchange court_judgment notes: a situation starts on effective_date
    (judgment_date when blank); declare_dead uses deemed_death_date when given.
    A revoke_*/restore judgment with no earlier judgment of its subject in the
    data (not in the file, or a row that could not be linked) still records that
    the declaration or revocation existed and has ended: it stands for that
    situation with an unknown start, ended on its own date (policy §2.1.2 "a
    declaration of death or missing was revoked", "guardianship was restored" —
    the registered basis had a record, so it is an exit cause, not a data gap).
    """
    effective = pl.coalesce(_c("effective_date"), _c("judgment_date"))
    f = f.with_columns(effective.alias("_effective"))
    opening = {"declare_dead": ("declared_dead", "revoke_death"),
               "declare_missing": ("declared_missing", "revoke_missing"),
               "revoke_guardianship": ("guardianship_revoked", "restore_guardianship")}
    out = []
    for judgment, (kind, closer) in opening.items():
        start = pl.coalesce(_c("deemed_death_date"), _c("_effective")) if judgment == "declare_dead" else _c("_effective")
        opened = _select(f, "court_judgment", role="subject", kind=kind, start=start,
                         when=_c("judgment_type") == judgment, category=_c("judgment_type"),
                         counterpart_entity_id=_c("child_entity_id"), detail=_c("case_number"))
        closing = f.filter((_c("judgment_type") == closer) & _c("subject_entity_id").is_not_null()).select(
            _c("subject_entity_id").alias("entity_id"),
            _c("child_entity_id").alias("_child"),
            _c("_effective").alias("_closed"),
        )
        if closing.height and opened.height:
            # The first closing judgment after the opening one ends it; for
            # guardianship the child must match when both name one.
            opened = opened.with_row_index("_i")
            pairs = (
                opened.select("_i", "entity_id", "start", pl.col("attributes").struct.field("counterpart_entity_id").alias("_cp"))
                .join(closing, on="entity_id", how="inner")
                .filter(pl.col("_closed") >= pl.col("start").fill_null(date(1900, 1, 1)))
                .filter(pl.col("_cp").is_null() | pl.col("_child").is_null() | (pl.col("_cp") == pl.col("_child")))
                .group_by("_i")
                .agg(pl.col("_closed").min())
            )
            opened = opened.join(pairs, on="_i", how="left").with_columns(
                pl.coalesce(_c("_closed"), _c("end")).alias("end")
            ).drop("_i", "_closed")
        out += [opened, _closed_without_opening(f, kind, closer, opened)]
    return out


def _closed_without_opening(f: pl.DataFrame, kind: str, closer: str, opened: pl.DataFrame) -> pl.DataFrame:
    """Facts of ``kind`` (start unknown, ended on the closing judgment) for the ``closer``
    judgments whose subject has no opening fact on or before them (for guardianship, of
    the same child when both name one)."""
    closing = _select(f, "court_judgment", role="subject", kind=kind, start=None, end=_c("_effective"),
                      when=_c("judgment_type") == closer, category=_c("judgment_type"),
                      counterpart_entity_id=_c("child_entity_id"), detail=_c("case_number"))
    if closing.is_empty() or opened.is_empty():
        return closing
    cp = pl.col("attributes").struct.field("counterpart_entity_id")
    earlier = opened.select("entity_id", pl.col("start").alias("_opened"), cp.alias("_cp"))
    matched = (
        closing.with_row_index("_i")
        .join(earlier, on="entity_id", how="inner")
        .filter(pl.col("_opened").is_null() | pl.col("end").is_null() | (pl.col("_opened") <= pl.col("end")))
        .filter(pl.col("_cp").is_null() | cp.is_null() | (pl.col("_cp") == cp))
        .select("_i")
        .unique()
    )
    return closing.with_row_index("_i").join(matched, on="_i", how="anti").drop("_i")


def _prison(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    """exchange prison notes: counts from sentence_start_date, else admission_date; a
    transfer continues the spell; temporary_outside ends it; planned end from
    sentence_end_date, else the sentence text (life = open)."""
    start = pl.coalesce(_c("sentence_start_date"), _c("admission_date"))
    f = f.with_columns(start.alias("_start")).with_columns(planned_end_from_term("_start", "sentence_term").alias("_term_end"))
    end = pl.when(_c("release_type") == "transferred").then(None).otherwise(_c("release_date"))
    return [
        _select(f, "prison", role="person", kind="restricted", start=_c("_start"), end=end,
                planned_end=pl.coalesce(_c("sentence_end_date"), _c("_term_end")),
                measure=pl.lit("serving_sentence"), status=_c("release_type"), detail=_c("sentence_term")),
        _select(f, "prison", role="person", kind="dead", start=_c("release_date"), when=_c("release_type") == "died",
                status=_c("release_type")),
    ]


def _custody(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    """Custody and other measures. A measure with a legal maximum (exchange custody_measure
    max_days) ends by law at that maximum: a blank end or a later planned end is capped there,
    so short measures never reach the §1.2 threshold alone (exchange custody notes)."""
    measures = exchange().code_list("custody_measure")
    max_days = {v.code: v.extra["max_days"] for v in measures.values if "max_days" in v.extra}
    legal_end = pl.lit(None, dtype=pl.Date)
    for code, days in max_days.items():
        legal_end = pl.when(_c("measure") == code).then(_c("start_date") + pl.duration(days=days)).otherwise(legal_end)
    f = f.with_columns(legal_end.alias("_legal_end"))
    end = pl.when(_c("_legal_end").is_not_null()).then(pl.min_horizontal(pl.coalesce("end_date", "_legal_end"), "_legal_end")
                                                      ).otherwise(_c("end_date"))
    planned = pl.when(_c("_legal_end").is_not_null()).then(
        pl.min_horizontal(pl.coalesce("planned_end_date", "_legal_end"), "_legal_end")).otherwise(_c("planned_end_date"))
    kind = pl.when(_c("measure") == "deportation").then(pl.lit("deported")).otherwise(pl.lit("restricted"))
    return [
        _select(f, "custody", role="person", kind=kind, start=_c("start_date"), end=end, planned_end=planned,
                measure=_c("measure"), detail=_c("end_reason")),
    ]


def _drug_rehab(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    default_end = months_after("start_date", s.drug_rehab_default_months)
    return [
        _select(f, "drug_rehab", role="person", kind="restricted", start=_c("start_date"), end=_c("end_date"),
                planned_end=pl.coalesce(_c("planned_end_date"), default_end), measure=pl.lit("compulsory_rehab")),
    ]


def _missing(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [
        _select(f, "missing_report", role="person", kind="lost_contact",
                start=pl.coalesce(_c("missing_since"), _c("reported_date")), end=_c("found_date")),
    ]


def _disability(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [
        _select(f, "disability", role="person", kind="disability", start=_c("issued_date"), end=_c("cancelled_date"),
                planned_end=_c("valid_until"), category=_c("category"), grade=_c("grade"),
                detail=_c("cancel_reason")),
    ]


def _illness(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    """Listed illnesses only (setting serious_illness_list); the illness holds until the
    extract that listed it is older than the look-back window (exchange notes)."""
    listed = s.serious_illness_list or list(exchange().code_list("serious_illness").codes)
    return [
        _select(f, "serious_illness", role="person", kind="serious_illness",
                start=pl.coalesce(_c("diagnosis_date"), _c("last_treatment_date")),
                end=months_after("extract_date", s.serious_illness_lookback_months),
                when=_c("illness_code").is_in(listed), code=_c("illness_code"), detail=_c("illness_name")),
    ]


def _hiv(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [_select(f, "hiv", role="child", kind="hiv", start=_c("diagnosis_date"))]


def _employment(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [
        _select(f, "employment", role="person", kind="employment", start=_c("start_date"), end=_c("end_date"),
                division=_c("work_division"), county=_c("work_division_county"),
                category=_c("hukou_division_county"), detail=_c("employer")),
    ]


def _assistance(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    # exchange notes: temporary assistance is a one-off, not a continuing situation.
    end = pl.when(_c("assistance_type") == "temporary").then(_c("start_date")).otherwise(_c("end_date"))
    return [
        _select(f, "social_assistance", role="member", kind="assistance", start=_c("start_date"), end=end,
                category=_c("assistance_type"), division=_c("division"), detail=_c("household_id")),
    ]


def _adoption(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [
        _select(f, "adoption", role="child", kind="adopted", start=_c("registration_date"), end=_c("dissolved_date"),
                detail=_c("certificate_number")),
    ]


def _student(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    status = _c("status").fill_null("studying")
    kind = status.replace_strict(STUDENT_KINDS, default="left_school")
    start = pl.when(status == "studying").then(_c("enrolled_date")).otherwise(
        pl.coalesce(_c("status_date"), _c("extract_date")))
    return [
        _select(f, "student_roll", role="child", kind=kind, start=start, status=status,
                division=_c("school_division"), county=_c("school_division_county"), detail=_c("school")),
        # The roll shows where a pupil studies now; its enrolment date is the first school
        # entry anywhere (kept through transfers), not the arrival here.
        _select(f, "student_roll", role="child", kind="residence", start=pl.lit(None, dtype=pl.Date),
                when=(status == "studying") & _c("school_division_county").is_not_null() & _c("is_migrant_child").fill_null(False),
                division=_c("school_division"), county=_c("school_division_county"), detail=_c("school")),
    ]


def _residence(source: str, role: str, division: str, start: pl.Expr, planned_end: pl.Expr | None = None):
    def extract(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
        return [
            _select(f, source, role=role, kind="residence", start=start, planned_end=planned_end,
                    when=_c(f"{division}_county").is_not_null(), division=_c(division), county=_c(f"{division}_county"),
                    category=_c("hukou_division_county") if source != "medical_insurance" else pl.lit(None))
        ]

    return extract


def _emergency(f: pl.DataFrame, s: PolicySettings) -> list[pl.DataFrame]:
    return [
        _select(f, "emergency", role="person", kind="emergency", start=_c("event_date"), impact=_c("impact"),
                division=_c("division"), detail=_c("event_name")),
        _select(f, "emergency", role="person", kind="dead", start=_c("event_date"), when=_c("impact") == "dead",
                impact=_c("impact"), detail=_c("event_name")),
    ]


# residence_permit: registration starts residence; a permit implies about six
# months of residence before it was issued (exchange notes).
_PERMIT_START = pl.coalesce(_c("registered_on"), _c("permit_issued_date").dt.offset_by("-6mo"))

EXTRACTORS = {
    "death": _death,
    "hukou_population": _hukou,
    "court_judgment": _court,
    "prison": _prison,
    "custody": _custody,
    "drug_rehab": _drug_rehab,
    "missing_report": _missing,
    "disability": _disability,
    "serious_illness": _illness,
    "hiv": _hiv,
    "employment": _employment,
    "social_assistance": _assistance,
    "adoption": _adoption,
    "student_roll": _student,
    "emergency": _emergency,
    "residence_permit": _residence("residence_permit", "person", "residence_division", _PERMIT_START, _c("valid_until")),
    "child_health": _residence("child_health", "child", "residence_division", _c("record_created")),
    "vaccination": _residence("vaccination", "child", "residence_division", pl.lit(None, dtype=pl.Date)),
    "inbound_push": _residence("inbound_push", "child", "residence_division", _c("arrived_on")),
    # Insurance shows where a person is insured now, not since when they live there.
    "medical_insurance": _residence("medical_insurance", "person", "insured_division", pl.lit(None, dtype=pl.Date)),
}


def working_away_facts(facts: pl.DataFrame, people: pl.DataFrame, settings: PolicySettings) -> pl.DataFrame:
    """Employment spells away from the person's hukou county (kind working_away; policy §1.4).

    exchange employment notes: a province or city different from the hukou one
    is enough; within the same city a county-level place is needed. Both places
    core urban districts of the same city (setting core_urban_districts) is not
    away. The hukou county is the row's own, else the person's.
    """
    work = facts.filter(pl.col("kind") == "employment")
    work = work.join(people.select("entity_id", pl.col("hukou_county").alias("_home")), on="entity_id", how="left")
    attr = pl.col("attributes").struct.field
    home = pl.coalesce(attr("category"), pl.col("_home"))
    place = attr("division")
    code6 = place.str.slice(0, 6)
    county = pl.coalesce(attr("county"), pl.when(~code6.str.ends_with("00")).then(code6))
    core = sorted({code for codes in settings.core_urban_districts.values() for code in codes})
    both_core = county.is_in(core) & home.is_in(core) & (county.str.slice(0, 4) == home.str.slice(0, 4))
    away = (
        pl.when(county.is_not_null()).then((county != home) & ~both_core)
        .when(code6.str.ends_with("0000")).then(place.str.slice(0, 2) != home.str.slice(0, 2))
        .when(code6.str.ends_with("00")).then(place.str.slice(0, 4) != home.str.slice(0, 4))
        .otherwise(False)
    )
    return work.filter(away.fill_null(False) & home.is_not_null()).with_columns(pl.lit("working_away").alias("kind")).select(
        list(FACT_SCHEMA))


def court_subjects_through_child(court: pl.DataFrame | None, relations: pl.DataFrame, people: pl.DataFrame, *,
                                 as_of: date) -> pl.DataFrame | None:
    """Court rows naming the parent or the child by name only while the other is linked: the
    one named is the linked person's parent (child) of that name (policy §2.2: parents are
    found through the child's records). A guardianship judgment is about a parent and a
    child of theirs; a person without an ID number on the row (unlinked, or an entity of its
    own known by no ID number) is that relative when exactly one of them bears the name.
    Returns the rows with those persons set (link probability: the lower of the other
    person's link and the parent relation's), or None when there is nothing to set."""
    if court is None or "child_entity_id" not in court.columns:
        return None
    known = people.filter(pl.col("id_number").is_not_null()).select("entity_id")
    family = (
        legal_parents(relations, as_of=as_of)
        .unpivot(index="child_entity_id", on=["father_entity_id", "mother_entity_id"], value_name="parent_entity_id")
        .filter(pl.col("parent_entity_id").is_not_null())
        .join(relations.group_by(["child_entity_id", "parent_entity_id"]).agg(pl.col("link_probability").max()),
              on=["child_entity_id", "parent_entity_id"], how="left")
    )
    names = people.select("entity_id", "name")
    found = []
    for named, other, relative in (("subject", "child", "parent"), ("child", "subject", "child")):
        rows = court.filter(pl.col(f"{other}_entity_id").is_not_null() & pl.col(f"{named}_name").is_not_null()
                            & pl.col(f"{named}_id_number").is_null()).join(
            known, left_on=f"{named}_entity_id", right_on="entity_id", how="anti")
        if rows.is_empty():
            continue
        pivot = "child" if relative == "parent" else "parent"
        candidates = family.join(names, left_on=f"{relative}_entity_id", right_on="entity_id", how="inner").select(
            pl.col(f"{pivot}_entity_id").alias("_other"), pl.col(f"{relative}_entity_id").alias("_found"),
            pl.col("name").alias("_name"), pl.col("link_probability").alias("_rel_p"))
        found.append(
            rows.select("batch_id", "row", pl.col(f"{other}_entity_id").alias("_other"), pl.col(f"{other}_link_p"),
                        pl.col(f"{named}_name").alias("_name"))
            .join(candidates, on=["_other", "_name"], how="inner")
            .filter(pl.len().over(["batch_id", "row"]) == 1)
            .select("batch_id", "row", pl.lit(named).alias("_role"), "_found",
                    pl.min_horizontal(f"{other}_link_p", "_rel_p").alias("_p"))
        )
    found = [f for f in found if f.height]
    if not found:
        return None
    for part in found:
        role = part["_role"][0]
        court = (
            court.join(part.drop("_role"), on=["batch_id", "row"], how="left")
            .with_columns(pl.coalesce("_found", f"{role}_entity_id").alias(f"{role}_entity_id"),
                          pl.coalesce("_p", f"{role}_link_p").alias(f"{role}_link_p"))
            .drop("_found", "_p")
        )
    return court


def facts_of_sources(linked: Mapping[str, pl.DataFrame], settings: PolicySettings) -> pl.DataFrame:
    """Every fact of every linked source, in the FACT_SCHEMA."""
    parts = [empty_facts()]
    for source, frame in linked.items():
        extractor = EXTRACTORS.get(source)
        if extractor is not None:
            parts.extend(p.select(list(FACT_SCHEMA)) for p in extractor(frame, settings))
    return pl.concat(parts, how="vertical_relaxed")


def build_facts(
    records: Records, assignments: pl.DataFrame, *, as_of: date, settings: PolicySettings
) -> Facts:
    """Linked rows -> people, relations, facts and conflicts at the as-of date.

    ``records`` maps a source key to its accepted frames (each with
    ``batch_id``, ``source_file``, ``row`` and the normalised fields; an
    optional ``extract_date`` column); ``assignments`` is the linker's
    ``mention_id, entity_id, match_probability``.
    """
    linked = linked_sources(records, assignments, as_of=as_of)
    facts = facts_of_sources(linked, settings)
    relations = build_relations(linked)
    people = build_people(linked, facts, as_of=as_of)
    relations = relations.join(people.select("entity_id", "sex"), left_on="parent_entity_id", right_on="entity_id",
                               how="left")
    relations = parent_role_by_sex(relations)
    court = court_subjects_through_child(linked.get("court_judgment"), relations, people, as_of=as_of)
    if court is not None:
        linked = {**linked, "court_judgment": court}
        facts = pl.concat([facts.filter(pl.col("source") != "court_judgment"),
                           *(p.select(list(FACT_SCHEMA)) for p in _court(court, settings))], how="vertical_relaxed")
    people, relations, facts, register = merge_aliases(people, relations, facts, active_register(linked),
                                                       adoptee_aliases(linked, people))
    facts = pl.concat([facts, working_away_facts(facts, people, settings)], how="vertical_relaxed")
    facts, conflicts = resolve_conflicts(facts, linked, as_of=as_of)
    return Facts(people=people, relations=relations, facts=facts, conflicts=conflicts, as_of=as_of,
                 register=register)


__all__ = ["ATTRIBUTES", "CONFLICT_SCHEMA", "FACT_SCHEMA", "OPEN_END", "Facts", "build_facts", "facts_of_sources"]
