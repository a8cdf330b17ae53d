"""What a register entry claims: the situations its basis names, per person.

exchange child_register notes: father_status / mother_status and basis are
free text (死亡, 服刑, 重残, 失联, 父母双亡 ...); they say what was registered and
are read only to know which records should support it (policy §2.1
cannot_verify) and which situation ended (should_exit causes).
"""

from __future__ import annotations

from functools import cache

import polars as pl

# Longest phrases first, so 宣告失踪 is not also read as 失踪.
CLAIM_WORDS = (
    ("宣告死亡", "death"), ("宣告失踪", "declared_missing"), ("撤销监护", "guardianship_revoked"),
    ("被撤销监护", "guardianship_revoked"), ("监护人资格被撤销", "guardianship_revoked"), ("查找不到", "institution"),
    ("强制隔离戒毒", "restriction"), ("外出务工", "work_away"), ("艾滋", "hiv"), ("遣送", "deported"), ("驱逐", "deported"),
    ("死亡", "death"), ("双亡", "death"), ("去世", "death"), ("病故", "death"), ("服刑", "restriction"),
    ("在押", "restriction"), ("羁押", "restriction"), ("戒毒", "restriction"), ("拘留", "restriction"),
    ("重残", "disability"), ("残疾", "disability"), ("重病", "illness"), ("患病", "illness"), ("失联", "lost_contact"),
    ("失踪", "lost_contact"), ("务工", "work_away"), ("低保", "assistance"), ("特困", "assistance"),
)
SUB_CATEGORY_CLAIMS = {
    "disabled_child": "disability", "seriously_ill_child": "illness", "hiv_infected": "hiv",
    "poor_household": "assistance", "parents_not_found": "institution",
}
# Fact kinds that support a claim ("no supporting record at all" = none of these, any date).
CLAIM_KINDS = {
    "death": ("dead", "declared_dead"), "restriction": ("restricted",), "disability": ("disability",),
    "illness": ("serious_illness",), "lost_contact": ("lost_contact",), "declared_missing": ("declared_missing",),
    "guardianship_revoked": ("guardianship_revoked",), "work_away": ("employment",), "assistance": ("assistance",),
    "hiv": ("hiv",), "deported": ("deported", "restricted"),
}
# Situations (childlink.rules.eligibility.situations) in which a claim still holds.
CLAIM_SITUATIONS = {
    "death": ("dead",), "restriction": ("restricted_any", "restricted_6m"),
    "disability": ("severe_disability", "family_disability", "child_disability"), "illness": ("serious_illness",),
    "lost_contact": ("lost_contact_6m",), "declared_missing": ("declared_missing",),
    "guardianship_revoked": ("guardianship_revoked",), "work_away": ("working_away",), "assistance": ("poverty",),
    "hiv": ("hiv",), "deported": ("deported",), "institution": (),
}
# should_exit causes (policy §2.1.2) when a claimed situation has ended.
ENDED_CAUSE = {
    "death": "declaration_revoked", "declared_missing": "declaration_revoked", "restriction": "parent_released",
    "disability": "certificate_cancelled", "illness": "illness_lapsed", "lost_contact": "parent_found",
    "guardianship_revoked": "guardianship_restored", "work_away": "parent_returned", "assistance": "assistance_ended",
    "hiv": "record_missing", "deported": "deportation_ended", "institution": "left_institution",
}
# Readable end of a claimed situation (should_exit reasons).
ENDED_ZH = {
    "death": "死亡（宣告死亡）已被撤销", "restriction": "已释放或限制人身自由措施已结束", "disability": "残疾证已注销或过期",
    "illness": "重病医疗救助记录已超出回溯期", "lost_contact": "已找回或恢复联系", "declared_missing": "失踪宣告已撤销",
    "guardianship_revoked": "监护资格已恢复", "work_away": "已返乡或不再外出务工", "assistance": "低保或特困供养已停止",
    "hiv": "敏感健康情形已不成立", "deported": "遣送（驱逐）出境措施已结束", "institution": "不再由机构养育",
}
# What a claim is, for officers (cannot_verify reasons).
CLAIM_ZH = {
    "death": "死亡", "restriction": "服刑在押或戒毒", "disability": "残疾", "illness": "重病", "lost_contact": "失联",
    "declared_missing": "宣告失踪", "guardianship_revoked": "被撤销监护资格", "work_away": "外出务工",
    "assistance": "低保特困", "hiv": "敏感健康情形", "deported": "遣送出境", "institution": "机构养育",
}
CHILD_CLAIMS = ("hiv", "institution")
PARENT_CLAIMS = ("death", "restriction", "lost_contact", "declared_missing", "guardianship_revoked", "work_away",
                 "deported")
ROLE_ZH = {"c": "儿童本人", "f": "父亲", "m": "母亲", "p": "父亲或母亲", "h": "家庭"}
CLAIM_SCHEMA = {"entity_id": pl.Utf8, "role": pl.Utf8, "claim": pl.Utf8}


def claims_in(text: str | None) -> tuple[str, ...]:
    """The claim kinds a free-text status or basis names."""
    if not text:
        return ()
    found: list[str] = []
    rest = text
    for word, claim in CLAIM_WORDS:
        if word in rest:
            rest = rest.replace(word, "|")
            if claim not in found:
                found.append(claim)
    return tuple(found)


def _basis_roles(segment: str) -> tuple[str, ...]:
    if "父母" in segment:
        return ("f", "m")
    if "一方" in segment:
        return ("p",)
    if "父" in segment:
        return ("f",)
    if "母" in segment:
        return ("m",)
    return ("c",)


@cache
def entry_claims(father_status: str | None, mother_status: str | None, basis: str | None,
                 sub_category: str | None) -> tuple[tuple[str, str], ...]:
    """(role, claim) pairs of one register entry; role c child, f father, m mother, p either
    parent, h the household (child or either parent)."""
    pairs: list[tuple[str, str]] = []
    pairs += [("f", c) for c in claims_in(father_status)]
    pairs += [("m", c) for c in claims_in(mother_status)]
    if not pairs and basis:
        for segment in basis.replace("；", "，").replace(";", "，").replace(",", "，").split("，"):
            for claim in claims_in(segment):
                roles = ("c",) if claim in CHILD_CLAIMS else _basis_roles(segment)
                if roles == ("c",) and claim in PARENT_CLAIMS:
                    # '监护人资格被撤销', '一方死亡' name no parent: either parent may hold it.
                    roles = ("p",)
                pairs += [(r, claim) for r in roles]
    if sub_category in SUB_CATEGORY_CLAIMS:
        claim = SUB_CATEGORY_CLAIMS[sub_category]
        if claim == "assistance":
            # Poverty is the household's: the child's own row or a parent's counts.
            pairs = [p for p in pairs if p[1] != "assistance"] + [("h", claim)]
        elif ("c", claim) not in pairs:
            pairs.append(("c", claim))
    return tuple(dict.fromkeys(pairs))


def register_claims(register: pl.DataFrame) -> pl.DataFrame:
    """Long frame ``entity_id, role, claim`` for the register entries (parsed once per distinct text)."""
    keys = register.select("entity_id", "father_status", "mother_status", "basis", "sub_category")
    rows = [
        {"entity_id": e, "role": role, "claim": claim}
        for e, fs, ms, b, sc in keys.iter_rows()
        for role, claim in entry_claims(fs, ms, b, sc)
    ]
    return pl.DataFrame(rows, schema=CLAIM_SCHEMA)
