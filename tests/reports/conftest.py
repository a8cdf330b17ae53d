"""A tiny flags frame, the shape the rules and cases stages hand to the reports."""

from __future__ import annotations

import json

import polars as pl
import pytest


def _evidence(*items: dict) -> str:
    return json.dumps(list(items), ensure_ascii=False)


@pytest.fixture
def flags_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "flag": ["should_exit", "suspected_eligible", "suspected_eligible", "dropout_risk"],
            "entity_id": ["E000003", "E000001", "E000002", "E000004"],
            "child_id_number": ["22018320100101002X", "220183201503150011", "220183201207070034", "220183201109090056"],
            "child_name": ["李娜", "王小明", "张伟", "赵磊"],
            "category": ["留守儿童", "事实无人抚养儿童", "社会散居孤儿", "自身困境儿童"],
            "reason": ["已满16周岁", "父亲服刑8个月，母亲死亡", "父母双亡", "学籍状态为辍学"],
            "rule": ["left_behind_aged_out", "de_facto_unsupported", "orphan", "dropout_status"],
            "clause": ["policy §1.4", "policy §1.2(b)", "policy §1.1", "000 §三.10"],
            "evidence": [
                _evidence({"source_file": "child_register.xlsx", "row": 7, "start": "2020-05-01", "end": None}),
                _evidence(
                    {"source_file": "prison.csv", "row": 12, "start": "2026-01-10", "end": "2027-01-09"},
                    {"source_file": "death.csv", "row": 3, "start": "2025-11-02", "end": "2025-11-02"},
                ),
                _evidence({"source_file": "death.csv", "row": 4, "start": "2024-02-01", "end": "2024-02-01"}),
                _evidence({"source_file": "student_roll.csv", "row": 88, "status": "辍学"}),
            ],
            "link_probability": [0.99, 0.9731, 0.9512, 1.0],
            "township": ["红旗街道", "东风镇", "东风镇", None],
            "case_id": ["C0003", "C0001", "C0002", "C0004"],
            "case_status": ["open", "new", "new", "new"],
        }
    )
