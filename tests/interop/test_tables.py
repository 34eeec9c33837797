from __future__ import annotations

import codecs

import pytest

from fireline.interop.encoding import to_utf8
from fireline.interop.messages import HEADER_LINE_BREAK, NOT_CSV
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


def test_a_carriage_return_ends_the_header_as_pyarrow_counts_lines() -> None:
    table = read_table(b"name,age\rAnn,31\rBob,42\r", "old-mac.csv")
    assert table.headers == ["name", "age"]
    assert table.table.to_pydict() == {"name": ["Ann", "Bob"], "age": ["31", "42"]}
    assert table.lines.tolist() == [2, 3]


def test_a_line_break_inside_a_quoted_header_is_refused() -> None:
    with pytest.raises(ReadError) as refused:
        read_table(b'"na\rme",age\nAnn,31\n', "x.csv")
    assert refused.value.message == HEADER_LINE_BREAK


def test_a_header_longer_than_a_block_is_read() -> None:
    names = [f"column_{i}" for i in range(120_000)]  # about 1.5 MB, pyarrow's block is 1 MB
    data = (",".join(names) + "\n" + ",".join("x" for _ in names) + "\n").encode()
    table = read_table(data, "wide.csv")
    assert table.headers[-1] == "column_119999" and table.table.num_rows == 1


def test_a_row_longer_than_a_block_is_refused() -> None:
    with pytest.raises(ReadError) as refused:
        read_table(b"a,b\n" + b"x" * (3 << 20) + b",1\n", "x.csv")
    assert refused.value.message == NOT_CSV and refused.value.values == {"size": 1}


def test_utf16_csv_is_read() -> None:
    table = read_table("编号,姓名\nZ1,张三\n".encode("utf-16"), "x.csv")
    assert table.encoding == "utf-16-le"
    assert table.table.to_pydict() == {"编号": ["Z1"], "姓名": ["张三"]}
