from __future__ import annotations

import codecs

import pytest

from fireline.interop.encoding import to_utf8
from fireline.interop.tables import ReadError, read_table
from tests.surveillance.intake.factories import ZH_HEADER, csv_bytes, xlsx_bytes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(encoding: str) -> None:
    table = read_table(csv_bytes(ZH_HEADER, ["Z1,张三,,男,,,C1A,,2024-03-02,"], encoding), "x.csv")
    assert table.encoding == encoding
    assert table.headers[:2] == ["编号", "姓名"]
    assert table.table.column("姓名").to_pylist() == ["张三"]
    assert table.table.column("电话").to_pylist() == [None]


def test_lines_skip_ragged_and_blank_rows() -> None:
    data = b'a,b\n1,2\n3\n\n"x\ny",4\n5,6\n'
    table = read_table(data, "x.csv")
    assert table.lines.tolist() == [2, 5, 6]
    assert [(p.line, p.message) for p in table.problems] == [(3, "expected 2 values, found 1")]


def test_bad_bytes_are_named_by_line() -> None:
    decoded = to_utf8(codecs.BOM_UTF8 + b"a\nok\n\xb0\xa1\nok\n")
    assert decoded.bad_lines == [3] and decoded.encoding == "utf-8-sig"


def test_xlsx_cells() -> None:
    table = read_table(xlsx_bytes("id,name", ["1,Ann", ","]), "book.XLSX")
    assert table.table.to_pydict() == {"id": ["1"], "name": ["Ann"]}


def test_duplicate_header_is_refused() -> None:
    with pytest.raises(ReadError):
        read_table(b"a,a\n1,2\n", "x.csv")
