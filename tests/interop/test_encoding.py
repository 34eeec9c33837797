"""Encodings: UTF-16 read with and without its BOM, binary data and misread legacy
encodings refused with the encoding named, real GB18030 (rare hanzi included) kept."""

from __future__ import annotations

import os

import pytest

from fireline.interop.encoding import to_utf8
from fireline.interop.messages import NOT_TEXT, NOT_UTF16, WRONG_ENCODING, ReadError
from tests.interop.factories import LATIN1_CSV

TEXT = "姓名,年龄,城市\n张三,30,杭州\n李四,41,宁波\n"


@pytest.mark.parametrize(
    ("codec", "found"),
    [("utf-16", "utf-16-le"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")],
)
def test_utf16_with_and_without_bom(codec: str, found: str) -> None:
    decoded = to_utf8(TEXT.encode(codec))
    assert decoded.encoding == found
    assert decoded.data.decode("utf-8") == TEXT


def test_broken_utf16_is_refused_naming_it() -> None:
    raw = TEXT.encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(ReadError) as refused:
        to_utf8(raw)
    assert refused.value.message == NOT_UTF16 and refused.value.values == {"encoding": "UTF-16-LE"}


def test_latin1_is_refused_not_read_as_gb18030() -> None:
    with pytest.raises(ReadError) as refused:
        to_utf8(LATIN1_CSV)
    assert refused.value.message == WRONG_ENCODING
    assert refused.value.values["encoding"] == "cp1252"
    assert "cp1252" in str(refused.value)


def test_gb18030_with_rare_name_characters_is_kept() -> None:
    # 喆 and 堃 are outside GB 2312 but common in given names.
    text = "姓名,地址\n王喆,杭州市西湖区\n李堃,宁波市海曙区\n张伟,温州市鹿城区\n"
    decoded = to_utf8(text.encode("gb18030"))
    assert decoded.encoding == "gb18030" and decoded.data.decode("utf-8") == text


@pytest.mark.parametrize("raw", [os.urandom(4096), b"a,b\n1,\x00\x01\x02\n", b"a,b\n\x1b[0m,1\n"])
def test_binary_data_is_refused(raw: bytes) -> None:
    with pytest.raises(ReadError) as refused:
        to_utf8(raw)
    assert refused.value.message == NOT_TEXT


def test_the_dos_end_of_file_mark_is_text() -> None:
    assert to_utf8(b"a,b\r\n1,2\r\n\x1a").encoding == "utf-8"
