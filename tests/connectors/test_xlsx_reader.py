from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from connectors import FileRejected, read_extract
from connectors.files import ManifestEntry
from connectors.xlsx_reader import cell_text, read_xlsx_grid

AS_OF = date(2026, 9, 30)


def workbook_with(rows, *, title="Sheet1"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook, sheet


def test_date_cells_text_dates_serials_and_numeric_ids(tmp_path):
    workbook, sheet = workbook_with(
        [
            ["户籍人口信息（2026年三季度）"],
            ["公民身份号码", "姓名", "出生日期", "状态变动日期", "户号", "住址区划"],
            [110105491231002, "张三", datetime(1949, 12, 31), "2020年5月6日", 12345.0, 220183100201.0],
            ["11010519491231002X", "李四", "1949/12/31", 43831, "0012", 220183],
            [2.20102200601011e17, "王五", date(1949, 12, 31), "2026-09", None, None],
            ["备注：本表由系统导出", None, None, None, None],
        ]
    )
    sheet["D3"].number_format = "General"
    path = tmp_path / "hukou_population_2026q3.xlsx"
    workbook.save(path)
    extract = read_extract(path)
    frame = extract.frame
    assert extract.header_row == 2 and extract.sheet == "Sheet1"
    assert frame["row"].to_list() == [1, 2, 3]
    # A 15-digit number stored as a number keeps every digit (then is upgraded).
    assert frame["id_number_raw"].to_list()[:2] == ["110105491231002", "11010519491231002X"]
    assert frame["id_number"].to_list()[:2] == ["11010519491231002X", "11010519491231002X"]
    assert frame["id_number_upgraded_from_15"].to_list()[:2] == [True, False]
    assert frame["division"].to_list()[:2] == ["220183100201", "220183"]
    assert frame["birth_date"].to_list() == [date(1949, 12, 31)] * 3
    assert frame["birth_date_raw"][0] == "1949-12-31"
    assert frame["status_date"].to_list() == [date(2020, 5, 6), date(2020, 1, 1), date(2026, 9, 1)]
    assert frame["status_date_precision"].to_list() == ["day", "day", "month"]
    assert frame["household_number"].to_list() == ["12345", "0012", None]
    lost = extract.issues.filter(extract.issues["rule"] == "id_precision_lost")
    assert lost["row"].to_list() == [3]


def test_1904_workbooks_shift_serial_numbers(tmp_path):
    workbook, sheet = workbook_with([["公民身份号码", "姓名", "状态变动日期"], ["11010519491231002X", "张三", 0]])
    workbook.epoch = CALENDAR_MAC_1904
    path = tmp_path / "hukou_population_2026q3.xlsx"
    workbook.save(path)
    grid = read_xlsx_grid(path)
    assert grid.date1904
    assert read_extract(path).frame["status_date"].to_list() == [date(1904, 1, 1)]


def test_merged_header_and_data_cells(tmp_path):
    workbook, sheet = workbook_with(
        [
            ["儿童信息", None, None, "父亲", None],
            ["公民身份号码", "姓名", "儿童类别", "姓名", "身份证号"],
            ["11010520100101001X", "张小", "留守儿童", "张大", "11010519800101001X"],
            ["11010520100101002X", "张二", None, None, None],
        ]
    )
    sheet.merge_cells("D1:E1")
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("D3:D4")
    path = tmp_path / "child_register_2026q3.xlsx"
    workbook.save(path)
    frame = read_extract(path).frame
    assert frame["father_name"].to_list() == ["张大", "张大"]  # merged data cell: top-left value
    assert frame["category"].to_list() == ["left_behind", "left_behind"]
    assert frame["row"].to_list() == [1, 2]


def test_sheet_by_manifest_name_or_index(tmp_path):
    workbook, _ = workbook_with([["说明"]], title="说明")
    data = workbook.create_sheet("在押人员")
    data.append(["公民身份号码", "姓名", "入监日期"])
    data.append(["11010519491231002X", "张三", "2020-01-01"])
    path = tmp_path / "市监狱.xlsx"
    workbook.save(path)
    by_name = read_extract(path, manifest_entry=ManifestEntry(file=path.name, source="prison", sheet="在押人员"))
    by_index = read_extract(path, manifest_entry=ManifestEntry(file=path.name, source="prison", sheet=2))
    assert by_name.rows_read == by_index.rows_read == 1
    assert by_index.sheet == "在押人员"
    with pytest.raises(FileRejected) as info:
        read_extract(path, manifest_entry=ManifestEntry(file=path.name, source="prison", sheet="无此表"))
    assert info.value.detail == "工作表“无此表”不存在（工作表：说明、在押人员）"
    with pytest.raises(FileRejected) as info:
        read_extract(path, manifest_entry=ManifestEntry(file=path.name, source="prison", sheet=3))
    assert info.value.detail == "第3个工作表不存在（工作表：说明、在押人员）"


@pytest.mark.parametrize("content", [b"not a zip file at all", b"PK\x03\x04broken"])
def test_corrupt_xlsx_is_unreadable(tmp_path, content):
    path = tmp_path / "prison_2026q3.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "file_unreadable"
    assert info.value.file == path.name
    assert info.value.detail.startswith("无法作为XLSX工作簿打开：")


def test_xls_is_rejected_with_a_clear_message(tmp_path):
    path = tmp_path / "prison_2026q3.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "unsupported_format"
    assert "XLSX" in info.value.detail


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (220102200601011234, "220102200601011234"),
        (12345.0, "12345"),
        (2.5, "2.5"),
        (2.20102200601011e17, "2.20102200601011e+17"),
        (datetime(2026, 9, 3, 14, 5), "2026-09-03 14:05:00"),
        (True, "TRUE"),
        (None, None),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_two_title_rows_blank_rows_counted_and_notes_dropped(tmp_path):
    workbook, sheet = workbook_with(
        [
            ["死亡人员信息"],
            ["填报单位：德惠市公安局", None, "日期：2026-09-30"],
            ["姓名", "死亡日期", "性别"],
            ["张三", "2026-01-02", "男"],
        ]
    )
    sheet["A6"], sheet["B6"] = "李四", "2026-02-03"
    sheet["A8"], sheet["A9"] = "合计：2人", "审核人：王五"
    path = tmp_path / "death_2026q3.xlsx"
    workbook.save(path)
    extract = read_extract(path)
    assert extract.header_row == 3
    assert extract.frame["row"].to_list() == [1, 3]
    assert extract.frame["name"].to_list() == ["张三", "李四"]


def test_shared_strings_match_openpyxl_including_rich_text(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook, sheet = workbook_with([["公民身份号码", "姓名"], ["11010519491231002X", None]])
    sheet["B2"] = CellRichText("张", TextBlock(InlineFont(b=True), "三"))
    path = tmp_path / "hukou_population_2026q3.xlsx"
    workbook.save(path)
    expected = [list(r) for r in openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
    assert read_xlsx_grid(path).head == expected
    assert read_extract(path).frame["name"].to_list() == ["张三"]
