import re

import pytest

from connectors.encodings import decode_text, detect_encoding, resolve_encoding
from connectors.extract import FileRejected

TEXT = "公民身份号码,姓名\n11010519491231002X,张三\n"
CHINESE_FIRST = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb2312"), "gb18030"),
        (TEXT.encode("gb18030") + "𠀀".encode("gb18030"), "gb18030"),
        (b"id,name\n1,abc\n", "utf-8"),
    ],
)
def test_accepted_encodings_are_detected(data, expected):
    assert detect_encoding(data, file="x.csv") == expected


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-16"),  # with BOM
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: NUL bytes
        "id,name\n1,2\n".encode("utf-16-le"),  # NUL bytes are valid UTF-8 but never CSV text
        "公民身份號碼,姓名,戶籍地址\n張三豐,臺灣省\n".encode("big5"),
        b"\x80\x81\xfe\xff\x00abc",
        b"caf\xe9,na\xefve\n",  # latin-1, no Chinese text
    ],
)
def test_other_encodings_are_rejected_naming_the_file(data):
    with pytest.raises(FileRejected) as info:
        detect_encoding(data, file="公安导出.csv")
    assert info.value.rule == "encoding_undetected"
    assert info.value.file == "公安导出.csv"
    assert "公安导出.csv" in str(info.value)
    assert CHINESE_FIRST.match(info.value.detail), info.value.detail  # shown to the officer in intake.csv


def test_utf16_message_asks_for_utf8_or_xlsx():
    with pytest.raises(FileRejected) as info:
        detect_encoding(TEXT.encode("utf-16"), file="a.csv")
    assert "UTF-8" in info.value.detail and "XLSX" in info.value.detail
    assert info.value.detail.startswith("不接受UTF-16编码")


def test_manifest_override_is_limited_to_accepted_encodings():
    assert resolve_encoding("GBK", file="a.csv") == "gb18030"
    assert resolve_encoding(None, file="a.csv") is None
    with pytest.raises(FileRejected) as info:
        resolve_encoding("big5", file="a.csv")
    assert info.value.detail == "清单中填写的编码“big5”不可接受，可接受的编码：utf-8、utf-8-sig、gb18030"
    text, encoding = decode_text(TEXT.encode("gbk"), file="a.csv", override="gb2312")
    assert (text, encoding) == (TEXT, "gb18030")
    with pytest.raises(FileRejected) as info:
        decode_text(TEXT.encode("gbk"), file="a.csv", override="utf-8")
    assert info.value.detail.startswith("文件不能按清单填写的编码 utf-8 读取")


def test_bom_is_not_part_of_the_text():
    text, encoding = decode_text(b"\xef\xbb\xbf" + TEXT.encode(), file="a.csv")
    assert encoding == "utf-8-sig" and text.startswith("公民")
