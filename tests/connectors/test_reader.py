from datetime import date

import polars as pl
import pytest

from childlink.schema import exchange
from connectors import FileRejected, ManifestEntry, discover_extracts, read_extract

AS_OF = date(2026, 9, 30)
TYPES = {
    "id_number": pl.Utf8, "name": pl.Utf8, "sex": pl.Utf8, "code": pl.Utf8, "division": pl.Utf8,
    "text": pl.Utf8, "phone": pl.Utf8, "date": pl.Date, "integer": pl.Int64, "boolean": pl.Boolean,
}  # fmt: skip
DERIVED = {
    "id_number": ["_birth_date", "_sex", "_division", "_check_ok", "_upgraded_from_15"],
    "date": ["_precision"],
    "division": ["_county", "_township", "_level", "_urban_rural"],
    "sex": ["_derived"],
}


def test_every_field_of_the_source_is_in_the_frame(tmp_path):
    path = tmp_path / "child_register_2026q3.csv"
    path.write_text("公民身份号码,姓名,儿童类别,序号\n11010520150101001X,张小,留守儿童,1\n", encoding="utf-8")
    extract = read_extract(path)
    source = exchange().source("child_register")
    frame = extract.frame
    assert frame.schema["row"] == pl.Int64
    for column in source.columns:
        assert frame.schema[column.field] == TYPES[column.type], column.field
        assert frame.schema[f"{column.field}_raw"] == pl.Utf8
        for suffix in DERIVED.get(column.type, []):
            assert f"{column.field}{suffix}" in frame.columns
    assert frame["exit_date"].to_list() == [None]
    assert extract.present_fields == ("id_number", "name", "category")
    assert extract.ignored_columns == ("序号",)
    assert extract.checksum and len(extract.checksum) == 64
    assert extract.extract_date == AS_OF and extract.warnings == []


def test_issue_values_are_the_raw_cells(tmp_path):
    path = tmp_path / "death_2026q3.csv"
    path.write_text("姓名,死亡日期,性别\n张三,2026/13/01,男\n李四,2026-01-01,火星\n", encoding="utf-8")
    issues = read_extract(path).issues
    assert issues.rows() == [(1, "death_date", "date_unparseable", "2026/13/01"), (2, "sex", "code_not_in_list", "火星")]


def test_manifest_overrides_source_header_row_encoding_and_date(tmp_path):
    path = tmp_path / "公安导出.csv"
    text = "姓名,公民身份号码\n说明,无\n公民身份号码,姓名\n11010519491231002X,张三\n"
    path.write_bytes(text.encode("gbk"))
    entry = ManifestEntry(file=path.name, source="hukou_population", header_row=3, extract_date=date(2026, 8, 31), encoding="GBK")
    extract = read_extract(path, manifest_entry=entry)
    assert extract.source == "hukou_population"
    assert extract.header_row == 3 and extract.encoding == "gb18030"
    assert extract.extract_date == date(2026, 8, 31)
    assert extract.frame["name"].to_list() == ["张三"]
    assert extract.frame["row"].to_list() == [1]


def test_source_argument_and_unknown_source(tmp_path):
    path = tmp_path / "导出.csv"
    path.write_text("公民身份号码,姓名\n11010519491231002X,张三\n", encoding="utf-8")
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "unknown_source"
    extract = read_extract(path, "hukou_population", as_of=AS_OF)
    assert extract.extract_date == AS_OF
    assert [w.rule for w in extract.warnings] == ["extract_date_unknown"]


def test_header_without_rows_is_an_empty_file_warning(tmp_path):
    path = tmp_path / "hukou_population_2026q3.csv"
    path.write_text("公民身份号码,姓名\n\n制表人：张三\n", encoding="utf-8")
    extract = read_extract(path)
    assert extract.rows_read == 0
    assert [w.rule for w in extract.warnings] == ["empty_file"]
    assert "name" in extract.frame.columns


@pytest.mark.parametrize("content", [b"", b"\n\n", b",,\n , \n"])
def test_empty_files_are_rejected(tmp_path, content):
    path = tmp_path / "hukou_population_2026q3.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "header_not_found"
    assert "文件为空" in info.value.message_zh


def test_discovered_files_read_with_their_manifest(tmp_path):
    (tmp_path / "x.csv").write_text("序号\n公民身份号码,姓名\n11010519491231002X,张三\n", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text("files:\n  - {file: x.csv, source: hukou_population, header_row: 2}\n", encoding="utf-8")
    (found,) = discover_extracts(tmp_path)
    extract = read_extract(found.path, found.source, manifest_entry=found.manifest_entry, as_of=AS_OF)
    assert extract.rows_read == 1 and extract.header_row == 2
