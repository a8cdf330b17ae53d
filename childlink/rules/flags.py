"""Flags: the comparison with the register (policy §2.1), each with rule, clause and evidence.

One lead per registered or eligible child among suspected_eligible,
category_change, should_exit and cannot_verify (decided in that order of
checks for a registered child: an exit cause, the registered category still
holding, a basis without any record, another category, else exit), then
emergency and dropout_risk independently. No flag changes the register
(policy §2.3).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.rules.claims import CLAIM_KINDS, CLAIM_SITUATIONS, CLAIM_ZH, ENDED_CAUSE, ENDED_ZH, register_claims
from childlink.rules.claims import ROLE_ZH as ROLE_CLAIM_ZH
from childlink.rules.eligibility import Eligibility
from childlink.rules.evidence import EVIDENCE_ITEM, EVIDENCE_LIST, evidence_hash, evidence_json
from childlink.rules.facts import Facts
from childlink.rules.intervals import age_at, months_after, school_year_start
from childlink.schema import exchange
from childlink.settings import PolicySettings

FLAG_KINDS = ("suspected_eligible", "category_change", "should_exit", "cannot_verify", "emergency", "dropout_risk")
FLAG_COLUMNS = (
    "flag", "entity_id", "child_id_number", "child_name", "category", "category_code", "registered_category",
    "reason", "cause", "rule", "clause", "evidence", "evidence_hash", "link_probability", "township", "sensitive",
)
ORPHAN_CODES = ("social_orphan", "institution_orphan")
MAX_AGE = {
    "social_orphan": "orphan_max_age", "institution_orphan": "orphan_max_age",
    "de_facto_unsupported": "unsupported_max_age", "family_difficulty": "difficulty_max_age",
    "own_difficulty": "difficulty_max_age", "guardianship_difficulty": "difficulty_max_age",
    "left_behind": "left_behind_max_age", "flow": "flow_max_age",
}
SITUATION_ZH = {
    "dead": "死亡", "declared_missing": "被宣告失踪", "severe_disability": "重度残疾", "serious_illness": "患重病",
    "restricted_6m": "服刑在押或强制隔离戒毒（6个月以上）", "restricted_any": "服刑在押或强制隔离戒毒",
    "lost_contact_6m": "失联6个月以上", "guardianship_revoked": "被撤销监护资格", "deported": "被遣送（驱逐）出境",
    "family_disability": "重度残疾", "child_disability": "持有残疾人证",
    # policy §4: HIV status is shown only to users with that permission; the reason never names it.
    "hiv": "敏感健康情形（需授权查看）",
    "poverty": "家庭享受低保或特困供养", "working_away": "外出务工6个月以上", "resident_here": "在本县居住6个月以上",
    "adopted": "已被收养", "moved_away": "户口已迁出",
}
ROLE_ZH = {"c": "儿童", "f": "父亲", "m": "母亲"}
CAUSE_ZH = {"died": "儿童已死亡", "adopted": "儿童已被依法收养，有了新的法定父母", "moved_away": "户口已迁出且不在本县居住"}
IMPACT_ZH = {"dead": "死亡", "missing": "失踪", "injured": "受伤", "house_collapsed": "房屋倒塌", "relocated": "转移安置"}


def category_labels() -> dict[str, str]:
    return {v.code: v.label for v in exchange().code_list("child_category").values}


def _summary(column: str = "evidence") -> pl.Expr:
    """'父亲死亡；母亲服刑在押' from an evidence list (distinct role + situation phrases)."""
    phrase = pl.concat_str([
        pl.element().struct.field("role").replace_strict(ROLE_ZH, default=""),
        pl.element().struct.field("situation").replace_strict(SITUATION_ZH, default=""),
    ])
    return pl.col(column).list.eval(phrase.unique(maintain_order=True)).list.join("；")


def _items(frame: pl.DataFrame, *, role: str | pl.Expr, situation: str | pl.Expr) -> pl.DataFrame:
    """Evidence items (EVIDENCE_ITEM) from fact-like rows keyed by ``entity_id`` (the child)."""
    lit = lambda v: pl.lit(v) if isinstance(v, str) else v  # noqa: E731
    return frame.select(
        "entity_id",
        pl.struct(
            pl.col("source"), pl.col("source_file"), pl.col("row"), pl.col("start"), pl.col("end"), pl.col("kind"),
            lit(role).alias("role"), lit(situation).alias("situation"), pl.col("link_probability"),
        ).cast(EVIDENCE_ITEM).alias("item"),
    )


def _grouped(items: pl.DataFrame) -> pl.DataFrame:
    return items.group_by("entity_id").agg(pl.col("item").alias("evidence"))


def _register_items(register: pl.DataFrame) -> pl.DataFrame:
    return _items(register.with_columns(pl.lit("child_register").alias("source"), pl.col("registered_on").alias("start"),
                                        pl.lit(None, dtype=pl.Date).alias("end"), pl.lit("register").alias("kind")),
                  role="c", situation="registered")


def _flag(frame: pl.DataFrame, flag: str, *, rule: str, clause: str, category_code: pl.Expr, reason: pl.Expr,
          cause: pl.Expr, registered: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit(flag).alias("flag"), "entity_id", category_code.cast(pl.Utf8).alias("category_code"),
        registered.cast(pl.Utf8).alias("registered_category"), reason.alias("reason"), cause.cast(pl.Utf8).alias("cause"),
        pl.lit(rule).alias("rule"), pl.lit(clause).alias("clause"),
        pl.col("evidence").fill_null(pl.lit([], dtype=EVIDENCE_LIST)).cast(EVIDENCE_LIST).alias("evidence"),
        pl.col("link_probability").cast(pl.Float64),
    )


def _suspected(children: pl.DataFrame, met: pl.DataFrame, register: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """§2.1.1 疑似保障对象: meets a §1 definition and is not on the register (active)."""
    leads = children.filter(pl.col("primary_category").is_not_null()).join(register.select("entity_id"), on="entity_id",
                                                                             how="anti")
    leads = leads.join(met.select("entity_id", pl.col("category").alias("primary_category"), "evidence",
                                  "link_probability", pl.col("clause").alias("_clause")),
                       on=["entity_id", "primary_category"], how="left")
    label = pl.col("primary_category").replace_strict(labels, default=None)
    summary = _summary()
    # §2.2: a child with both parents unknown in every source, raised in an institution.
    summary = pl.when(summary.fill_null("") == "").then(
        pl.when(pl.col("primary_category") == "institution_orphan").then(pl.lit("父母均无法查明，由儿童福利机构养育"))
        .otherwise(pl.lit("符合认定条件"))).otherwise(summary)
    reason = pl.concat_str([pl.lit("疑似"), label, pl.lit("（"), summary, pl.lit("），尚未纳入儿童福利信息系统")])
    return _flag(leads, "suspected_eligible", rule="suspected_eligible_not_registered", clause="policy §2.1.1; 000 §三.18",
                 category_code=pl.col("primary_category"), reason=reason, cause=pl.lit("not_on_register"),
                 registered=pl.lit(None))


def _registered_state(facts: Facts, elig: Eligibility, *, as_of: date, settings: PolicySettings,
                      county: str) -> pl.DataFrame:
    """Register entries with the child's age, current categories and exit causes."""
    people = facts.people.select("entity_id", "birth_date", "hukou_county", "residence_county")
    sit = elig.situations
    own = (
        sit.filter(pl.col("situation").is_in(["dead", "adopted", "moved_away"]))
        .group_by("entity_id")
        .agg([(pl.col("situation") == s).any().alias(f"_{s}") for s in ("dead", "adopted", "moved_away")])
    )
    children = elig.children.select("entity_id", "categories", "primary_category", "father_entity_id", "mother_entity_id")
    frame = (
        facts.register.join(people, on="entity_id", how="left")
        .join(own, on="entity_id", how="left")
        .join(children, on="entity_id", how="left")
        .with_columns(
            age_at("birth_date", as_of).alias("age"),
            pl.col("categories").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
            *[pl.col(f"_{s}").fill_null(False) for s in ("dead", "adopted", "moved_away")],
        )
    )
    max_age = pl.col("category").replace_strict({k: getattr(settings, v) for k, v in MAX_AGE.items()},
                                                default=settings.orphan_max_age, return_dtype=pl.Int32)
    # §2.1.2 causes, the first that applies: died, adopted, moved away, aged out.
    moved = pl.col("_moved_away") & (pl.col("residence_county").is_null() | (pl.col("residence_county") != county))
    cause = (
        pl.when(pl.col("_dead")).then(pl.lit("died"))
        .when(pl.col("_adopted")).then(pl.lit("adopted"))
        .when(moved).then(pl.lit("moved_away"))
        .when(pl.col("age") >= max_age).then(pl.lit("aged_out"))
    )
    holds = (
        pl.col("categories").list.contains(pl.col("category"))
        | (pl.col("category").is_in(ORPHAN_CODES)
           & (pl.col("categories").list.contains("social_orphan") | pl.col("categories").list.contains("institution_orphan")))
    )
    return frame.with_columns(cause.alias("exit_cause"), holds.fill_null(False).alias("holds"), max_age.alias("max_age"))


def _claim_support(state: pl.DataFrame, facts: Facts, situations: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per registered child: claims without any record (``missing``), the claimed facts found
    (``evidence``) and the claims whose situation no longer holds (``ended``, as 'role:claim')."""
    claims = register_claims(facts.register)
    persons = pl.concat([
        state.select("entity_id", pl.lit("c").alias("role"), pl.col("entity_id").alias("person")),
        state.select("entity_id", pl.lit("f").alias("role"), pl.col("father_entity_id").alias("person")),
        state.select("entity_id", pl.lit("m").alias("role"), pl.col("mother_entity_id").alias("person")),
        state.select("entity_id", pl.lit("p").alias("role"), pl.col("father_entity_id").alias("person")),
        state.select("entity_id", pl.lit("p").alias("role"), pl.col("mother_entity_id").alias("person")),
        *[state.select("entity_id", pl.lit("h").alias("role"), pl.col(c).alias("person"))
          for c in ("entity_id", "father_entity_id", "mother_entity_id")],
    ])
    kind_claims = pl.DataFrame([(k, c) for c, kinds in CLAIM_KINDS.items() for k in kinds], schema=["kind", "claim"],
                               orient="row")
    recorded = (
        facts.facts.filter(pl.col("start").is_null() | (pl.col("start") <= as_of))
        .join(kind_claims, on="kind", how="inner")
        .rename({"entity_id": "person"})
    )
    found = (
        claims.join(persons, on=["entity_id", "role"], how="left")
        .join(recorded, on=["person", "claim"], how="left")
    )
    supported = found.group_by(["entity_id", "role", "claim"]).agg(
        ((pl.col("claim") == "institution") | pl.col("source_file").is_not_null()).any().alias("ok"))
    missing = supported.filter(~pl.col("ok")).group_by("entity_id").agg(
        pl.concat_str(["role", pl.lit(":"), "claim"]).sort().alias("missing"))
    items = _grouped(_items(found.filter(pl.col("source_file").is_not_null()), role=pl.col("role"),
                            situation=pl.col("claim")))
    situation_claims = pl.DataFrame([(sit, c) for c, sits in CLAIM_SITUATIONS.items() for sit in sits],
                                    schema=["situation", "claim"], orient="row")
    holding = (
        situations.join(situation_claims, on="situation", how="inner")
        .select(pl.col("entity_id").alias("person"), "claim").unique().with_columns(pl.lit(True).alias("_holds"))
    )
    state_of = (
        claims.join(persons, on=["entity_id", "role"], how="left")
        .join(holding, on=["person", "claim"], how="left")
        .group_by(["entity_id", "role", "claim"])
        .agg(pl.col("_holds").fill_null(False).any())
    )
    ended = state_of.filter(~pl.col("_holds")).group_by("entity_id").agg(
        pl.concat_str(["role", pl.lit(":"), "claim"]).sort().alias("ended"))
    return (missing.join(items, on="entity_id", how="full", coalesce=True)
            .join(ended, on="entity_id", how="full", coalesce=True))


def _register_flags(facts: Facts, elig: Eligibility, *, as_of: date, settings: PolicySettings, county: str,
                    labels: dict[str, str]) -> pl.DataFrame:
    """§2.1.2 应退未退 / category_change / cannot_verify for the active register entries."""
    state = _registered_state(facts, elig, as_of=as_of, settings=settings, county=county)
    support = _claim_support(state, facts, elig.situations, as_of)
    reg_items = _grouped(_register_items(facts.register)).rename({"evidence": "_reg_ev"})
    own_ev = _grouped(_items(elig.situations.filter(pl.col("situation").is_in(["dead", "adopted", "moved_away"])),
                             role="c", situation=pl.col("situation"))).rename({"evidence": "_own_ev"})
    met = elig.met.select("entity_id", pl.col("category").alias("primary_category"), pl.col("evidence").alias("_met_ev"),
                          pl.col("link_probability").alias("_met_p"))
    state = (
        state.join(support, on="entity_id", how="left")
        .join(reg_items, on="entity_id", how="left")
        .join(own_ev, on="entity_id", how="left")
        .join(met, on=["entity_id", "primary_category"], how="left")
    )
    empty = pl.lit([], dtype=EVIDENCE_LIST)
    reg_label = pl.col("category").replace_strict(labels, default=None)
    new_label = pl.col("primary_category").replace_strict(labels, default=None)
    has_new = pl.col("primary_category").is_not_null()
    cause = pl.col("exit_cause")
    change_aged = cause.eq("aged_out") & has_new
    exit_now = cause.is_not_null() & ~change_aged
    cannot = cause.is_null() & ~pl.col("holds") & pl.col("missing").is_not_null()
    change = (cause.is_null() & ~pl.col("holds") & ~cannot & has_new) | change_aged
    ended = cause.is_null() & ~pl.col("holds") & ~cannot & ~has_new
    state = state.with_columns(
        pl.when(exit_now).then(pl.lit("should_exit")).when(cannot).then(pl.lit("cannot_verify"))
        .when(change).then(pl.lit("category_change")).when(ended).then(pl.lit("should_exit")).alias("_flag"),
        pl.col("_reg_ev").fill_null(empty), pl.col("_own_ev").fill_null(empty), pl.col("_met_ev").fill_null(empty),
        pl.col("evidence").fill_null(empty).alias("_claim_ev"),
    )
    ended_zh = pl.col("ended").list.eval(
        pl.element().str.split(":").list.first().replace_strict(ROLE_CLAIM_ZH, default="")
        + pl.element().str.split(":").list.last().replace_strict(ENDED_ZH, default="")
    ).list.unique(maintain_order=True).list.join("；")
    ended_cause = pl.col("ended").list.eval(
        pl.element().str.split(":").list.first() + pl.lit(":")
        + pl.element().str.split(":").list.last().replace_strict(ENDED_CAUSE, default="situation_ended")
    ).list.join(",")
    aged = pl.concat_str([pl.lit("已满"), pl.col("max_age").cast(pl.Utf8), pl.lit("周岁")])
    exit_reason = (
        pl.when(cause == "aged_out").then(pl.concat_str([aged, pl.lit("，不再符合"), reg_label, pl.lit("年龄条件")]))
        .when(cause.is_not_null()).then(cause.replace_strict(CAUSE_ZH, default=""))
        .otherwise(pl.concat_str([pl.lit("登记情形已不成立："), ended_zh.fill_null("")]))
    )
    out = []
    x = state.filter(pl.col("_flag") == "should_exit").with_columns(
        pl.concat_list(["_reg_ev", "_own_ev", "_claim_ev"]).alias("evidence"),
        pl.col("link_probability"),
    )
    out.append(_flag(x, "should_exit", rule="should_exit_situation_ended", clause="policy §2.1.2; 000 §三.18",
                     category_code=pl.col("category"),
                     reason=pl.concat_str([pl.lit("在册"), reg_label, pl.lit("：应退未退，"), exit_reason]),
                     cause=pl.coalesce(cause, pl.concat_str([pl.lit("situation_ended:"), ended_cause.fill_null("")])),
                     registered=pl.col("category")))
    x = state.filter(pl.col("_flag") == "category_change").with_columns(
        pl.concat_list(["_reg_ev", "_met_ev"]).alias("evidence"),
        pl.min_horizontal("link_probability", "_met_p").alias("link_probability"),
    )
    out.append(_flag(x, "category_change", rule="category_change_other_category_holds", clause="policy §2.1.2",
                     category_code=pl.col("primary_category"),
                     reason=pl.concat_str([pl.lit("在册"), reg_label, pl.lit("的登记情形已不成立"),
                                           pl.when(change_aged).then(pl.concat_str([pl.lit("（"), aged, pl.lit("）")])).otherwise(pl.lit("")),
                                           pl.lit("，现符合"), new_label, pl.lit("（"), _summary("_met_ev"), pl.lit("）")]),
                     cause=pl.concat_str([pl.lit("now:"), pl.col("primary_category")]), registered=pl.col("category")))
    x = state.filter(pl.col("_flag") == "cannot_verify").with_columns(
        pl.concat_list(["_reg_ev", "_claim_ev"]).alias("evidence"))
    missing_zh = pl.col("missing").list.eval(
        pl.element().str.split(":").list.first().replace_strict(ROLE_CLAIM_ZH, default="")
        + pl.element().str.split(":").list.last().replace_strict(CLAIM_ZH, default="")
    ).list.join("、")
    out.append(_flag(x, "cannot_verify", rule="cannot_verify_no_record", clause="policy §2.1 (cannot_verify)",
                     category_code=pl.col("category"),
                     reason=pl.concat_str([pl.lit("在册"), reg_label, pl.lit("的认定依据（"), missing_zh,
                                           pl.lit("）在部门数据中无任何记录，需入户核实（数据缺口，不作退出处理）")]),
                     cause=pl.concat_str([pl.lit("no_record:"), pl.col("missing").list.join(",")]),
                     registered=pl.col("category")))
    return pl.concat(out, how="vertical_relaxed")


def _emergency(facts: Facts, elig: Eligibility, *, as_of: date, settings: PolicySettings,
               labels: dict[str, str]) -> pl.DataFrame:
    """§2.1.3: a child, or a parent of a child, recorded in an emergency in the period
    (the comparison_cadence_months up to the as-of date)."""
    period_start = months_after(pl.lit(as_of), -settings.comparison_cadence_months)
    events = facts.facts.filter((pl.col("kind") == "emergency") & (pl.col("start") > period_start)
                                & (pl.col("start") <= as_of))
    dead_before = (
        elig.situations.filter((pl.col("situation") == "dead") & (pl.col("start") <= period_start))
        .select("entity_id").unique()
    )
    children = elig.children.join(dead_before, on="entity_id", how="anti")
    parts = []
    for role, column in (("c", "entity_id"), ("f", "father_entity_id"), ("m", "mother_entity_id")):
        hit = children.select("entity_id", pl.col(column).alias("_who"), "primary_category").join(
            events.rename({"entity_id": "_who"}), on="_who", how="inner")
        parts.append(hit.with_columns(pl.lit(role).alias("_role"),
                                      pl.col("attributes").struct.field("impact").alias("_impact"),
                                      pl.col("attributes").struct.field("detail").alias("_event")))
    hits = pl.concat(parts, how="vertical_relaxed")
    if hits.is_empty():
        return _flag(hits.with_columns(pl.lit(None, dtype=EVIDENCE_LIST).alias("evidence")), "emergency",
                     rule="emergency_affected", clause="policy §2.1.3", category_code=pl.lit(None), reason=pl.lit(""),
                     cause=pl.lit(None), registered=pl.lit(None))
    role_zh = pl.col("_role").replace_strict({"c": "儿童本人", "f": "父亲", "m": "母亲"}, default="")
    # One phrase per person and event: '父亲在“暴雨”中受伤、转移安置'.
    phrases = (
        hits.with_columns(pl.col("_impact").replace_strict(IMPACT_ZH, default="受影响").alias("_impact_zh"))
        .sort(["entity_id", "_role", "start"])
        .group_by(["entity_id", "_role", "_event"], maintain_order=True)
        .agg(pl.col("_impact_zh").unique(maintain_order=True).str.join("、"))
        .select("entity_id", pl.concat_str([role_zh, pl.lit("在“"), pl.col("_event").fill_null("突发事件"), pl.lit("”中"),
                                            pl.col("_impact_zh")]).alias("_phrase"))
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("_phrase").str.join("；").alias("_why"))
    )
    grouped = hits.sort(["entity_id", "_role"]).group_by("entity_id", maintain_order=True).agg(
        pl.struct(pl.col("source"), pl.col("source_file"), pl.col("row"), pl.col("start"), pl.col("end"), pl.col("kind"),
                  pl.col("_role").alias("role"), pl.col("_impact").alias("situation"), pl.col("link_probability"))
        .cast(EVIDENCE_ITEM).alias("evidence"),
        pl.col("link_probability").min(),
        pl.col("primary_category").first(),
        pl.concat_str(["_role", pl.lit(":"), "_impact"]).first().alias("_cause"),
    ).join(phrases, on="entity_id", how="left")
    return _flag(grouped, "emergency", rule="emergency_affected", clause="policy §2.1.3; 000 §三.18",
                 category_code=pl.col("primary_category"),
                 reason=pl.concat_str([pl.col("_why"), pl.lit("，亟需关爱服务")]), cause=pl.col("_cause"),
                 registered=pl.lit(None))


def _dropout(facts: Facts, elig: Eligibility, leads: pl.DataFrame, *, as_of: date, settings: PolicySettings,
             labels: dict[str, str]) -> pl.DataFrame:
    """§2.1 dropout_risk (000 §三.10 控辍保学): a registered or flagged child of compulsory-education
    age (school_age on 1 September) missing from the roll or 辍学 / 休学."""
    september = school_year_start(as_of)
    flagged = leads.filter(pl.col("flag").is_in(FLAG_KINDS[:4])).select("entity_id", pl.col("category_code").alias("_lead"))
    registered = facts.register.select("entity_id", pl.col("category").alias("_reg"))
    who = (
        registered.join(flagged.unique("entity_id"), on="entity_id", how="full", coalesce=True)
        .join(facts.people.select("entity_id", "birth_date"), on="entity_id", how="inner")
        .join(elig.children.select("entity_id", "primary_category"), on="entity_id", how="left")
        .join(elig.situations.filter(pl.col("situation") == "dead").select("entity_id").unique(), on="entity_id",
              how="anti")
        .with_columns(age_at("birth_date", september).alias("_age"))
        .filter(pl.col("_age").is_between(settings.school_age_min, settings.school_age_max))
    )
    school = (
        facts.facts.filter(pl.col("kind").is_in(["enrolled", "dropped_out", "suspended", "left_school"])
                           & (pl.col("start").is_null() | (pl.col("start") <= as_of)))
        .sort(["entity_id", "start"], nulls_last=False)
        .group_by("entity_id", maintain_order=True)
        .last()
    )
    state = who.join(school, on="entity_id", how="left").filter(
        pl.col("kind").is_null() | pl.col("kind").is_in(["dropped_out", "suspended"]))
    state = state.with_columns(
        pl.when(pl.col("kind").is_null()).then(pl.lit([], dtype=EVIDENCE_LIST)).otherwise(
            pl.concat_list(pl.struct(pl.col("source"), pl.col("source_file"), pl.col("row"), pl.col("start"),
                                     pl.col("end"), pl.col("kind"), pl.lit("c").alias("role"),
                                     pl.col("kind").alias("situation"), pl.col("link_probability")).cast(EVIDENCE_ITEM))
        ).alias("evidence")
    )
    status_zh = pl.col("kind").replace_strict({"dropped_out": "学籍状态为辍学", "suspended": "学籍状态为休学"},
                                              default="未在学籍名单中")
    code = pl.coalesce("_reg", "_lead", "primary_category")
    return _flag(state, "dropout_risk", rule="dropout_risk_school_age", clause="policy §2.1 (dropout_risk); 000 §三.10",
                 category_code=code,
                 reason=pl.concat_str([pl.lit("义务教育阶段适龄儿童（9月1日满"), pl.col("_age").cast(pl.Utf8),
                                       pl.lit("周岁）"), status_zh.fill_null("未在学籍名单中"), pl.lit("，存在辍学风险")]),
                 cause=pl.concat_str([pl.lit("school:"), pl.col("kind").fill_null("missing")]), registered=pl.col("_reg"))


def compare_with_register(facts: Facts, eligibility: Eligibility, *, as_of: date, settings: PolicySettings,
                          county: str) -> pl.DataFrame:
    """Every flag of the comparison run (FLAG_COLUMNS), evidence as JSON text plus its hash."""
    labels = category_labels()
    leads = pl.concat([
        _suspected(eligibility.children.filter(pl.col("in_county")), eligibility.met, facts.register, labels),
        _register_flags(facts, eligibility, as_of=as_of, settings=settings, county=county, labels=labels),
    ], how="vertical_relaxed")
    flags = pl.concat([
        leads,
        _emergency(facts, eligibility, as_of=as_of, settings=settings, labels=labels),
        _dropout(facts, eligibility, leads, as_of=as_of, settings=settings, labels=labels),
    ], how="vertical_relaxed")
    people = facts.people.select("entity_id", pl.col("id_number").alias("child_id_number"),
                                 pl.col("name").alias("child_name"), "hukou_township")
    township = facts.register.select("entity_id", pl.col("township").alias("_reg_township"),
                                     (pl.col("sub_category") == "hiv_infected").fill_null(False).alias("_reg_hiv"))
    ev_min = pl.col("evidence").list.eval(pl.element().struct.field("link_probability")).list.min()
    return (
        flags.join(people, on="entity_id", how="left")
        .join(township, on="entity_id", how="left")
        .with_columns(
            pl.col("category_code").replace_strict(labels, default=None).alias("category"),
            pl.col("registered_category").replace_strict(labels, default=None).alias("registered_category"),
            pl.coalesce(pl.col("_reg_township").str.slice(0, 9), "hukou_township").alias("township"),
            pl.min_horizontal("link_probability", ev_min).alias("link_probability"),
            evidence_hash().alias("evidence_hash"),
            # policy §4: a flag resting on the hiv source is visible only with the HIV permission.
            (pl.col("evidence").list.eval(pl.element().struct.field("source") == "hiv").list.any().fill_null(False)
             | pl.col("_reg_hiv").fill_null(False)).alias("sensitive"),
        )
        .with_columns(evidence_json().alias("evidence"))
        .select(list(FLAG_COLUMNS))
        .sort(["flag", "entity_id"])
    )
