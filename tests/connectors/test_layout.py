import polars as pl
import pytest

from childlink.schema import exchange
from connectors.extract import FileRejected
from connectors.layout import data_rows, detect_layout, is_note_cells

HUKOU = exchange().source("hukou_population")


def test_header_found_below_title_rows_and_ignored_columns_listed():
    head = [["户籍人口信息"], [], ["单位：人", None], ["序号", "*公民身份 号码", "姓名（必填）", "操作"], ["1", "x", "y", ""]]
    layout = detect_layout(head, HUKOU, file="f.csv")
    assert layout.header_record == 3
    assert layout.fields == {"id_number": 1, "name": 2}
    assert layout.ignored_columns == ("序号", "操作")
    assert layout.first_data_record == 4


def test_header_needs_two_matching_columns():
    with pytest.raises(FileRejected) as info:
        detect_layout([["姓名", "年龄"], ["张三", "3"]], exchange().source("death"), file="f.csv")
    assert info.value.rule == "header_not_found"


def test_header_is_searched_in_the_first_20_non_empty_rows():
    head = [[f"说明{i}"] for i in range(20)] + [["公民身份号码", "姓名"]]
    with pytest.raises(FileRejected):
        detect_layout(head, HUKOU, file="f.csv")
    head = [[f"说明{i}"] for i in range(19)] + [[], ["公民身份号码", "姓名"]]
    assert detect_layout(head, HUKOU, file="f.csv").header_record == 20


def test_manifest_header_row_overrides_detection():
    head = [["公民身份号码", "姓名"], ["身份证号", "姓名"]]
    assert detect_layout(head, HUKOU, file="f.csv", header_row=2).header_record == 1


def test_empty_file_has_no_header():
    with pytest.raises(FileRejected) as info:
        detect_layout([[], [None, ""]], HUKOU, file="f.csv")
    assert info.value.rule == "header_not_found"
    assert "文件为空" in info.value.message_zh


def test_missing_required_column_names_template_column_and_file():
    source = exchange().source("child_register")
    with pytest.raises(FileRejected) as info:
        detect_layout([["身份证号", "姓名", "性别"]], source, file="儿童名册.xlsx")
    assert info.value.rule == "required_column_missing"
    assert "儿童类别" in info.value.message_zh and "儿童名册.xlsx" in info.value.message_zh
    assert info.value.column == "儿童类别"


def test_two_columns_for_one_field_is_ambiguous():
    with pytest.raises(FileRejected) as info:
        detect_layout([["公民身份号码", "身份证号", "姓名"]], HUKOU, file="f.csv")
    assert info.value.rule == "ambiguous_column"
    # A title row above does not turn the second column into an ignored one.
    with pytest.raises(FileRejected) as info:
        detect_layout([["户籍人口", None, "2026年"], ["公民身份号码", "姓名", "姓名"], ["x", "y", "z"]], HUKOU, file="f.csv")
    assert info.value.rule == "ambiguous_column"


def test_two_row_header_sub_header_then_group_plus_sub():
    source = exchange().source("child_register")
    head = [
        ["公民身份号码", "姓名", "儿童类别", "父亲", "父亲", "母亲", None],
        ["公民身份号码", "姓名", "儿童类别", "姓名", "身份证号", "姓名", "身份证号"],
        ["x"],
    ]
    layout = detect_layout(head, source, file="f.xlsx")
    assert layout.header_records == 2
    assert layout.first_data_record == 2
    assert layout.fields["father_name"] == 3
    assert layout.fields["father_id_number"] == 4
    assert layout.fields["mother_name"] == 5
    assert layout.fields["mother_id_number"] == 6  # CSV group cell spans the blank next to it
    assert layout.fields["name"] == 1


@pytest.mark.parametrize(
    ("cells", "note"),
    [
        (["制表人：张三", None, None], True),
        (["合计", "120", ""], True),
        (["填表说明：……"] * 5, True),  # one merged cell across the row
        (["注：", "", "x"], False),
        (["张三", None], False),
    ],
)
def test_note_rows(cells, note):
    assert is_note_cells(cells) is note


def test_data_rows_drop_blanks_and_trailing_notes_but_count_them():
    body = pl.DataFrame(
        {
            "c0": ["a", None, " ", "合计", "b", None, "制表：x", None, "审核人：y"],
            "c1": ["1", None, None, "9", "2", None, None, None, None],
            "c2": ["x", None, None, None, "y", None, None, None, None],
        }
    )
    rows = data_rows(body)
    assert rows["row"].to_list() == [1, 4, 5]  # 合计 in the middle is data
    assert rows["c0"].to_list() == ["a", "合计", "b"]
