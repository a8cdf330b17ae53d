from datetime import date

import pytest

from connectors import FileRejected, read_extract
from connectors.csv_reader import delimiter_of, split_records

HEADER = "公民身份号码,姓名,性别,出生日期"
AS_OF = date(2026, 9, 30)


def write(tmp_path, text, name="hukou_population_20260930.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_row_numbers_count_blank_rows_and_keep_quoted_line_breaks(tmp_path):
    path = write(
        tmp_path,
        "户籍人口信息表\n"
        "填报单位：德惠市公安局,,,\n"
        f"{HEADER}\n"
        "11010519491231002X,张三,男,1949-12-31\n"
        ",,,\n"
        '110105194912310021,"李\n四",女,1949-12-31\n'
        "\n"
        "11010519491231002X,王五,男,1949-12-31\n",
    )
    extract = read_extract(path)
    assert extract.header_row == 3
    assert extract.frame["row"].to_list() == [1, 3, 5]
    assert extract.frame["name_raw"].to_list() == ["张三", "李\n四", "王五"]
    assert extract.frame["name"].to_list() == ["张三", "李四", "王五"]
    assert extract.rows_read == 3


def test_tab_delimited_with_crlf_and_gbk(tmp_path):
    text = f"{HEADER.replace(',', chr(9))}\r\n11010519491231002X\t张三\t男\t1949-12-31\r\n"
    path = write(tmp_path, text, encoding="gbk")
    extract = read_extract(path)
    assert extract.encoding == "gb18030"
    assert extract.frame["name"].to_list() == ["张三"]
    assert extract.frame["birth_date"].to_list() == [date(1949, 12, 31)]


def test_header_with_a_comma_inside_quotes_is_comma_delimited():
    assert delimiter_of('"a\tb",c') == ","
    assert delimiter_of('a\tb\t"c,d"') == "\t"
    assert delimiter_of("a,b") == ","


def test_split_records_keeps_quoted_newlines_together():
    buf = b'a,b\n"x\ny",2\n\n3,4'
    spans = split_records(buf, 10)
    assert [buf[s:e] for s, e in spans] == [b"a,b\n", b'"x\ny",2\n', b"\n", b"3,4"]


@pytest.mark.parametrize(
    "tail",
    [
        '11010519491231002X,"张三,男,1949-12-31\n',  # unclosed quote at EOF
        "11010519491231002X,张三",  # last line cut, no line break
    ],
)
def test_truncated_csv_is_rejected(tmp_path, tail):
    path = write(tmp_path, f"{HEADER}\n11010519491231002X,李四,女,1949-12-31\n{tail}")
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "file_truncated"
    assert info.value.file == path.name
    assert info.value.detail in ("文件末尾有未闭合的引号", "最后一行只有2列（表头有4列）且没有换行")


def test_a_literal_quote_inside_a_field_is_not_truncation(tmp_path):
    path = write(tmp_path, f"{HEADER},住址\n11010519491231002X,李四,女,1949-12-31,幸福路5\"号\n")
    extract = read_extract(path)
    assert extract.rows_read == 1
    assert extract.frame["address"].to_list() == ['幸福路5"号']


def test_last_line_without_line_break_is_fine_when_complete(tmp_path):
    path = write(tmp_path, f"{HEADER}\n11010519491231002X,李四,女,1949-12-31")
    assert read_extract(path).rows_read == 1
    path = write(tmp_path, f"{HEADER}\n11010519491231002X,李四,女,1949-12-31\n制表人：张三", name="death_2026q3.csv")
    assert read_extract(path, "hukou_population").rows_read == 1


def test_undecodable_csv_is_rejected_naming_the_file(tmp_path):
    path = tmp_path / "hukou_population_2026q3.csv"
    path.write_bytes(HEADER.encode("utf-16"))
    with pytest.raises(FileRejected) as info:
        read_extract(path)
    assert info.value.rule == "encoding_undetected"
    assert path.name in str(info.value)


def test_two_row_csv_header_with_group_cells_written_once(tmp_path):
    path = write(
        tmp_path,
        "公民身份号码,姓名,儿童类别,父亲,,母亲,\n"
        ",,,姓名,身份证号,姓名,身份证号\n"
        "11010520150101001X,张小,留守儿童,张大,11010519800101001X,李芳,110105198001010021\n",
        name="child_register_2026q3.csv",
    )
    extract = read_extract(path)
    assert extract.header_row == 1
    assert extract.frame["row"].to_list() == [1]
    assert extract.frame["father_name"].to_list() == ["张大"]
    assert extract.frame["mother_id_number"].to_list() == ["110105198001010021"]
    assert extract.frame["name"].to_list() == ["张小"]


def test_txt_with_gb18030_four_byte_characters(tmp_path):
    text = f"{HEADER}\n11010519491231002X,𠀀明,男,1949-12-31\n"
    path = write(tmp_path, text, name="hukou_population_2026q3.txt", encoding="gb18030")
    extract = read_extract(path)
    assert extract.encoding == "gb18030"
    assert extract.frame["name"].to_list() == ["𠀀明"]
