from __future__ import annotations

import polars as pl
import pytest

from childlink.flag_types import FLAG_CODES, FLAG_TYPES, flag_label
from childlink.reports import build_flags_table, evidence_text, flag_counts, township_summary


def test_flag_types_are_the_six_of_policy_2_1():
    assert FLAG_CODES == (
        "suspected_eligible",
        "category_change",
        "should_exit",
        "cannot_verify",
        "emergency",
        "dropout_risk",
    )
    assert flag_label("should_exit") == "应退未退"
    assert all(len(ft.label) <= 31 for ft in FLAG_TYPES.values())
    with pytest.raises(ValueError, match="unknown flag type"):
        flag_label("nope")


def test_export_columns_order_and_types(flags_frame):
    table = build_flags_table(flags_frame)
    assert table.columns[:8] == [
        "flag", "child_id_number", "child_name", "category", "reason", "evidence", "case_id", "case_status",
    ]
    assert table.columns[8:] == ["rule", "clause", "link_probability", "township", "entity_id"]
    assert table.schema["child_id_number"] == pl.Utf8
    # Flag type order first, then township: the two suspected_eligible rows lead.
    assert table.get_column("flag").to_list() == ["suspected_eligible", "suspected_eligible", "should_exit", "dropout_risk"]
    assert table.get_column("child_id_number").to_list()[2] == "22018320100101002X"


def test_evidence_is_compact_json_with_chinese_kept(flags_frame):
    table = build_flags_table(flags_frame)
    assert table.filter(pl.col("case_id") == "C0004").item(0, "evidence") == (
        '[{"source_file":"student_roll.csv","row":88,"status":"辍学"}]'
    )


def test_missing_column_and_unknown_flag_are_refused(flags_frame):
    with pytest.raises(ValueError, match="case_status"):
        build_flags_table(flags_frame.drop("case_status"))
    with pytest.raises(ValueError, match="renamed_flag"):
        build_flags_table(flags_frame.with_columns(pl.lit("renamed_flag").alias("flag")))


def test_evidence_text_lines():
    text = evidence_text(
        '[{"source_file":"prison.csv","row":12,"start":"2026-01-10","end":null},{"source_file":"x.csv","row":1}]'
    )
    assert text == "prison.csv 第12行 2026-01-10至今\nx.csv 第1行"
    assert evidence_text(None) == ""


def test_township_summary_counts_every_flag_type(flags_frame):
    summary = township_summary(build_flags_table(flags_frame))
    assert summary.columns == ["乡镇（街道）", *[FLAG_TYPES[c].label for c in FLAG_CODES], "合计"]
    rows = {r["乡镇（街道）"]: r for r in summary.iter_rows(named=True)}
    assert list(rows) == ["东风镇", "红旗街道", "（未注明）", "合计"]
    assert rows["东风镇"]["疑似保障对象"] == 2 and rows["东风镇"]["合计"] == 2
    assert rows["（未注明）"]["辍学风险"] == 1
    assert rows["合计"]["合计"] == 4 and rows["合计"]["类别变更"] == 0


def test_flag_counts_has_every_code(flags_frame):
    counts = flag_counts(build_flags_table(flags_frame))
    assert counts == {
        "suspected_eligible": 2, "category_change": 0, "should_exit": 1,
        "cannot_verify": 0, "emergency": 0, "dropout_risk": 1,
    }
    assert flag_counts(build_flags_table(flags_frame.clear())) == dict.fromkeys(FLAG_CODES, 0)


def test_building_twice_gives_the_same_table(flags_frame):
    # The job builds the table once and the writers build it again from that.
    once = build_flags_table(flags_frame)
    assert build_flags_table(once).equals(once)
