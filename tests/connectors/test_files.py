from datetime import date

import pytest

from connectors.files import discover_extracts, extract_date_from_name, file_checksum, load_manifest


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("hukou_population_20260930.csv", "hukou_population", date(2026, 9, 30)),
        ("prison_2026q3.xlsx", "prison", date(2026, 9, 30)),
        ("child_register-2026Q1.xlsx", "child_register", date(2026, 3, 31)),
        ("student_roll_2026h1.xlsx", "student_roll", date(2026, 6, 30)),
        ("student_roll_2026H2.xlsx", "student_roll", date(2026, 12, 31)),
        ("death_202602.csv", "death", date(2026, 2, 28)),
        ("inbound_push_220381_20260715.xlsx", "inbound_push", date(2026, 7, 15)),
        ("prison2026q3.xlsx", "prison", date(2026, 9, 30)),
        ("death_20261332_202609.csv", "death", date(2026, 9, 30)),  # invalid day skipped
        ("death_19991231.csv", "death", None),  # year outside 2000-2099
        ("death_2026q5.csv", "death", None),
        ("death_latest.csv", "death", None),
    ],
)
def test_extract_date_tokens(name, source, expected):
    assert extract_date_from_name(name, source) == expected


def test_discover_uses_names_manifest_and_rejections(tmp_path):
    (tmp_path / "prison_2026q3.csv").write_text("a", encoding="utf-8")
    (tmp_path / "公安户籍导出.csv").write_text("a", encoding="utf-8")
    (tmp_path / "report.csv").write_text("a", encoding="utf-8")
    (tmp_path / "death_2026q3.pdf").write_text("a", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("a", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "death_2026q3.csv").write_text("a", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        "files:\n"
        "  - file: 公安户籍导出.csv\n"
        "    source: hukou_population\n"
        "    encoding: gb18030\n"
        "    header_row: 3\n"
        '    extract_date: "2026-08-31"\n',
        encoding="utf-8",
    )
    found = {f.file_name: f for f in discover_extracts(tmp_path)}
    assert set(found) == {"prison_2026q3.csv", "公安户籍导出.csv", "report.csv", "death_2026q3.pdf"}
    assert found["prison_2026q3.csv"].source == "prison"
    assert found["prison_2026q3.csv"].extract_date == date(2026, 9, 30)
    assert found["prison_2026q3.csv"].rejection is None
    manifest_file = found["公安户籍导出.csv"]
    assert manifest_file.source == "hukou_population"
    assert manifest_file.extract_date == date(2026, 8, 31)
    assert manifest_file.manifest_entry.header_row == 3
    assert manifest_file.manifest_entry.encoding == "gb18030"
    assert found["report.csv"].rejection.rule == "unknown_source"
    assert found["report.csv"].source is None
    # The officer reads the detail in intake.csv: in Chinese, with the names a file may start with.
    assert found["report.csv"].rejection.detail.startswith("文件名应以下列来源代码之一开头")
    assert "hukou_population（户籍人口信息）" in found["report.csv"].rejection.detail
    assert found["death_2026q3.pdf"].rejection.rule == "unsupported_format"
    assert found["death_2026q3.pdf"].rejection.detail.startswith("扩展名“.pdf”，可接受的格式：csv、")


def test_manifest_with_unknown_source_is_rejected(tmp_path):
    (tmp_path / "x.csv").write_text("a", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text("files:\n  - {file: x.csv, source: nonsense}\n", encoding="utf-8")
    (found,) = discover_extracts(tmp_path)
    assert found.rejection.rule == "unknown_source"
    assert found.rejection.detail == "manifest.yaml 中填写的数据来源“nonsense”不存在"


def test_manifest_sheet_index_and_missing_manifest(tmp_path):
    assert load_manifest(tmp_path) == {}
    (tmp_path / "manifest.yaml").write_text("files:\n  - {file: a.xlsx, source: prison, sheet: 2}\n", encoding="utf-8")
    assert load_manifest(tmp_path)["a.xlsx"].sheet == 2


def test_checksum_is_sha256(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"abc")
    assert file_checksum(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
