from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from childlink.flag_types import FLAG_CODES, FLAG_TYPES
from childlink.reports import (
    build_run_summary,
    write_flags_csv,
    write_flags_xlsx,
    write_links_csv,
    write_review_queue_csv,
    write_run_summary,
    write_school_list,
)

GOLDEN = Path(__file__).parent / "golden"
# Set to regenerate the golden files after an intended change of format.
UPDATE = os.environ.get("CHILDLINK_UPDATE_GOLDEN") == "1"


def _check_golden(written: Path, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_bytes(written.read_bytes())
    assert written.read_bytes() == golden.read_bytes(), f"{name} differs from the golden file"


def test_flags_csv_matches_golden(flags_frame, tmp_path):
    path = write_flags_csv(flags_frame, tmp_path / "flags.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == (
        "flag,child_id_number,child_name,category,reason,evidence,case_id,case_status,"
        "rule,clause,link_probability,township,entity_id"
    )
    _check_golden(path, "flags.csv")


def test_flags_xlsx_sheets_headers_text_ids_and_summary(flags_frame, tmp_path):
    path = write_flags_xlsx(flags_frame, tmp_path / "flags.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", *[FLAG_TYPES[c].label for c in FLAG_CODES]]
    assert book.sheetnames[1:] == ["疑似保障对象", "类别变更", "应退未退", "无法核实", "突发事件", "辍学风险"]

    sheet = book["疑似保障对象"]
    headers = [c.value for c in sheet[1]]
    assert headers[:12] == [
        "线索类型", "儿童身份证号", "儿童姓名", "类别", "原因", "证据",
        "线索编号", "线索状态", "规则", "政策条款", "关联概率", "乡镇（街道）",
    ]
    assert sheet.freeze_panes == "A2"
    ids = [sheet.cell(row=r, column=2) for r in (2, 3)]
    assert [c.value for c in ids] == ["220183201207070034", "220183201503150011"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in ids)
    assert sheet.cell(row=2, column=1).value == "疑似保障对象"
    assert sheet.cell(row=2, column=8).value == "新线索"
    assert sheet.cell(row=3, column=6).value == "prison.csv 第12行 2026-01-10至2027-01-09\ndeath.csv 第3行 2025-11-02至2025-11-02"
    assert sheet.column_dimensions["B"].width >= 18

    exits = book["应退未退"]
    assert exits.cell(row=2, column=2).value == "22018320100101002X"
    assert book["类别变更"].max_row == 1  # headers only

    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert list(summary) == ["东风镇", "红旗街道", "（未注明）", "合计"]
    assert summary["东风镇"] == (2, 0, 0, 0, 0, 0, 2)
    assert summary["合计"] == (2, 0, 1, 0, 0, 1, 4)


def test_run_summary_json(tmp_path):
    summary = build_run_summary(
        run_id="R1", job="comparison", as_of=date(2026, 9, 30), county="220183",
        counts={"rows_read": 10}, flags={"should_exit": 2}, timings={"intake": 1.23456},
        inputs={"b.csv": "2" * 64, "a.csv": "1" * 64}, settings={"county": {"code": "220183"}},
    )
    path = write_run_summary(summary, tmp_path / "run_summary.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["as_of"] == "2026-09-30"
    assert doc["flags"]["should_exit"] == 2 and doc["flags"]["emergency"] == 0
    assert doc["timings"] == {"intake": 1.235}
    assert list(doc["inputs"]) == ["a.csv", "b.csv"]
    assert doc["code_version"]["version"] == "0.1.0"
    assert set(doc["code_version"]) == {"version", "git_commit"}


def test_write_run_summary_adds_code_version_and_serialises_dates(tmp_path):
    doc = json.loads(write_run_summary({"as_of": date(2026, 6, 30), "out": Path("x")}, tmp_path / "s.json").read_text())
    assert doc["as_of"] == "2026-06-30" and doc["out"] == "x" and "code_version" in doc


def test_links_csv_has_exactly_four_columns(tmp_path):
    links = pl.DataFrame(
        {"entity_id": ["E2", "E1"], "row": [2, 1], "source_file": ["death.csv", "death.csv"],
         "match_probability": [0.5, 1.0], "mention_id": ["b:2:child", "b:1:child"]}
    )
    text = write_links_csv(links, tmp_path / "links.csv").read_text(encoding="utf-8-sig")
    assert text == "source_file,row,entity_id,match_probability\ndeath.csv,1,E1,1.0000\ndeath.csv,2,E2,0.5000\n"


def test_review_queue_csv_lays_out_pairs(tmp_path):
    items = pl.DataFrame(
        {
            "left_mention_id": ["a:1:child", "a:2:child"],
            "right_mention_id": ["b:5:child", "b:9:child"],
            "left_name": ["王小明", "张伟"],
            "right_name": ["王晓明", "张玮"],
            "left_id_number": ["220183201503150011", None],
            "right_id_number": ["220183201503150011", "220183201207070034"],
            "match_probability": [0.7, 0.9],
            "comparison": [
                json.dumps({"name": {"level": "fuzzy", "weight": 2.5}, "id_number": {"level": "exact", "weight": 9.0}}),
                json.dumps({"name": {"level": "fuzzy", "weight": 2.0}, "id_number": {"level": "null", "weight": 0.0}}),
            ],
        }
    )
    path = write_review_queue_csv(items, tmp_path / "review_queue.csv")
    table = pl.read_csv(path, infer_schema=False)
    assert table.columns == [
        "left_mention_id", "right_mention_id", "left_name", "right_name", "left_id_number", "right_id_number",
        "name_level", "name_weight", "id_number_level", "id_number_weight", "total_weight", "match_probability",
    ]
    assert table.get_column("left_mention_id").to_list() == ["a:2:child", "a:1:child"]
    assert table.get_column("total_weight").to_list() == ["2.0000", "11.5000"]


def test_school_list_has_only_the_named_columns_and_categories(tmp_path):
    children = pl.DataFrame(
        {
            "child_id_number": ["220183201503150011", "22018320120707003X", "220183201109090056"],
            "child_name": ["王小明", "张伟", "赵磊"],
            "sex": ["1", "1", "1"],
            "birth_date": [date(2015, 3, 15), date(2012, 7, 7), date(2011, 9, 9)],
            "category": ["de_facto_unsupported", "社会散居孤儿", "own_difficulty"],
            "sub_category": [None, None, "hiv_infected"],
            "hiv": [False, False, True],
            "basis": ["父亲服刑", "父母双亡", "HIV"],
            "township": ["东风镇", "东风镇", "东风镇"],
            "village": ["一村", "二村", "三村"],
            "guardian_name": ["王大", "张二", "赵三"],
            "guardian_phone": ["13800000001", "13800000002", "13800000003"],
        }
    )
    paths = write_school_list(children, tmp_path / "school_list")
    assert set(paths) == {"xlsx", "csv"}
    csv_text = paths["csv"].read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == "姓名,性别,公民身份号码,出生日期,儿童类别,乡镇（街道）,村（居）,监护人姓名,监护人联系电话"
    assert "HIV" not in csv_text and "hiv" not in csv_text and "赵磊" not in csv_text
    _check_golden(paths["csv"], "school_list.csv")
    sheet = openpyxl.load_workbook(paths["xlsx"]).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and len(rows[0]) == 9
    assert rows[1][2] == "220183201503150011" and rows[1][4] == "事实无人抚养儿童" and rows[1][1] == "男性"
    assert rows[2][2] == "22018320120707003X"


def test_school_list_refuses_input_without_id_numbers(tmp_path):
    with pytest.raises(ValueError, match="child_id_number"):
        write_school_list(pl.DataFrame({"child_name": ["x"], "category": ["social_orphan"]}), tmp_path / "s")


def test_flags_xlsx_without_flags_still_has_every_sheet(flags_frame, tmp_path):
    book = openpyxl.load_workbook(write_flags_xlsx(flags_frame.clear(), tmp_path / "flags.xlsx"))
    assert len(book.sheetnames) == 7
    assert list(book["汇总"].iter_rows(min_row=2, values_only=True)) == [("合计", 0, 0, 0, 0, 0, 0, 0)]
    assert [c.value for c in book["应退未退"][1]][:2] == ["线索类型", "儿童身份证号"]
