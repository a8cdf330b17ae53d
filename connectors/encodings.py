"""Encoding detection for CSV/TXT extracts (exchange.yaml conventions.encodings).

Detection never guesses and never decodes with replacement characters: a
file is UTF-8 (with or without a byte-order mark) or gb18030 (which also
reads GBK and GB2312), or it is rejected.
"""

from __future__ import annotations

import re

import polars as pl

from childlink.schema import exchange
from connectors.extract import FileRejected

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Names a manifest may use for an accepted encoding; GBK and GB2312 are read
# as gb18030, their strict superset.
_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf_8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}
_ASK_FOR_UTF8 = "请另存为UTF-8编码的CSV文件或XLSX文件后重新提供"


def accepted_encodings() -> tuple[str, ...]:
    """The encodings the exchange spec accepts (utf-8, utf-8-sig, gb18030)."""
    return tuple(exchange().conventions["encodings"]["accepted"])


def _reject(file: str, detail: str) -> FileRejected:
    rule = exchange().file_rules["encoding_undetected"]
    return FileRejected(rule.rule, rule.message_zh, file=file, detail=detail)


def _looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL bytes UTF-16 puts in Latin and digit text."""
    head = data[:200]
    return data.startswith(_UTF16_BOMS) or (len(head) >= 4 and head.count(b"\x00") * 4 >= len(head))


def _looks_like_big5(data: bytes, text: str) -> bool:
    """Big5 bytes often decode as gb18030 too, as rare characters.

    Genuine GBK/GB2312 Chinese text is dominated by GB2312 characters; Big5
    read as GBK is not, so a file that is valid Big5 and whose gb18030
    reading is mostly outside GB2312 is taken to be Big5.
    """
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    cjk = _CJK.findall(text)
    if not cjk:
        return False
    common = 0
    for char in cjk:
        try:
            char.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(cjk) < 0.5


def is_strict_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8 (checked in Rust: several times faster than decoding)."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.Utf8, strict=True)
    except pl.exceptions.PolarsError:
        return False
    return True


def detect_encoding(data: bytes, *, file: str) -> str:
    """The encoding of a CSV file's bytes (see ``detect_and_decode``)."""
    body = data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data
    if not _looks_like_utf16(data) and is_strict_utf8(body):
        return "utf-8-sig" if data.startswith(UTF8_BOM) else "utf-8"
    return detect_and_decode(data, file=file)[0]


def detect_and_decode(data: bytes, *, file: str) -> tuple[str, str]:
    """The encoding of a CSV file's bytes, in the order of the exchange spec.

    Returns (encoding, text without BOM). Raises FileRejected
    (encoding_undetected) for UTF-16, Big5 and anything that is neither
    strict UTF-8 nor strict gb18030 with Chinese text.
    """
    if data.startswith(UTF8_BOM):
        try:
            return "utf-8-sig", data[len(UTF8_BOM):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _reject(file, f"文件以UTF-8签名（BOM）开头，但第{exc.start + 3}字节起不是有效的UTF-8；{_ASK_FOR_UTF8}") from None
    if _looks_like_utf16(data):
        raise _reject(file, f"不接受UTF-16编码（Excel的“Unicode文本”）；{_ASK_FOR_UTF8}")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise _reject(file, f"既不是UTF-8也不是GB18030编码；{_ASK_FOR_UTF8}") from None
    if not _CJK.search(text):
        raise _reject(file, f"不是UTF-8编码，按GB18030读取也没有中文内容；{_ASK_FOR_UTF8}")
    if _looks_like_big5(data, text):
        raise _reject(file, f"不接受Big5（繁体中文）编码；{_ASK_FOR_UTF8}")
    return "gb18030", text


def resolve_encoding(override: str | None, *, file: str) -> str | None:
    """A manifest's encoding name mapped to an accepted one (None when not given)."""
    if override is None or str(override).strip() == "":
        return None
    name = _ALIASES.get(str(override).strip().lower())
    if name is None or name not in accepted_encodings():
        raise _reject(file, f"清单中填写的编码“{override}”不可接受，可接受的编码：{'、'.join(accepted_encodings())}")
    return name


def decode_text(data: bytes, *, file: str, override: str | None = None) -> tuple[str, str]:
    """Decode a CSV file strictly: (text without BOM, encoding reported)."""
    encoding = resolve_encoding(override, file=file)
    if encoding is None:
        encoding, text = detect_and_decode(data, file=file)
        return text, encoding
    try:
        if encoding == "utf-8-sig" or (encoding == "utf-8" and data.startswith(UTF8_BOM)):
            text = data.decode("utf-8-sig")
        else:
            text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _reject(file, f"文件不能按清单填写的编码 {encoding} 读取（第{exc.start}字节出错）") from None
    return text, encoding
