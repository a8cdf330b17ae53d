"""Column headers and value labels of the bureau's export files.

Flag type labels come from :mod:`childlink.flag_types`; this module holds the
rest of the wording the exports share, so a header is spelt one way everywhere.
"""

from __future__ import annotations

from childlink.flag_types import FLAG_CODES, FLAG_TYPES

# flags.csv / flags.xlsx: export column -> Chinese header, in file order.
FLAG_EXPORT_HEADERS: dict[str, str] = {
    "flag": "线索类型",
    "child_id_number": "儿童身份证号",
    "child_name": "儿童姓名",
    "category": "类别",
    "reason": "原因",
    "evidence": "证据",
    "case_id": "线索编号",
    "case_status": "线索状态",
    "rule": "规则",
    "clause": "政策条款",
    "link_probability": "关联概率",
    "township": "乡镇（街道）",
    "entity_id": "人员编号",
}
FLAG_EXPORT_COLUMNS: tuple[str, ...] = tuple(FLAG_EXPORT_HEADERS)

# Case statuses of the store (childlink.store.models.CASE_STATUSES), policy §2.3.
CASE_STATUS_LABELS: dict[str, str] = {
    "new": "新线索",
    "open": "核查中",
    "resolved": "已办结",
    "closed": "已关闭",
}

SUMMARY_SHEET = "汇总"
SUMMARY_TOWNSHIP_HEADER = "乡镇（街道）"
TOTAL_LABEL = "合计"
UNKNOWN_TOWNSHIP = "（未注明）"

# Sheet name per flag type, in sheet order (XLSX sheet names must be ≤ 31 characters).
FLAG_SHEETS: dict[str, str] = {code: FLAG_TYPES[code].label for code in FLAG_CODES}

# School list for the education bureau (policy §2.5, 002 task 10): the only
# columns it may carry (policy §4), in file order.
SCHOOL_LIST_HEADERS: dict[str, str] = {
    "child_name": "姓名",
    "sex": "性别",
    "child_id_number": "公民身份号码",
    "birth_date": "出生日期",
    "category": "儿童类别",
    "township": "乡镇（街道）",
    "village": "村（居）",
    "guardian_name": "监护人姓名",
    "guardian_phone": "监护人联系电话",
}
SCHOOL_LIST_COLUMNS: tuple[str, ...] = tuple(SCHOOL_LIST_HEADERS)
SCHOOL_LIST_SHEET = "学龄儿童名单"

# links.csv, exactly these columns (docs/architecture.md, linker output).
LINKS_COLUMNS: tuple[str, ...] = ("source_file", "row", "entity_id", "match_probability")
