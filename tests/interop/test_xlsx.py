"""XLSX archives are checked before openpyxl inflates them (zip bombs refused fast)."""

from __future__ import annotations

import time

import pytest

from fireline.interop.limits import MB, FileLimits
from fireline.interop.messages import NOT_A_WORKBOOK, TOO_BIG_UNPACKED, ReadError
from fireline.interop.tables import read_table
from tests.interop.factories import bomb
from tests.surveillance.intake.factories import xlsx_bytes


def test_a_zip_bomb_is_refused_within_5_s_before_inflating() -> None:
    data = bomb(200 * MB)
    assert len(data) < 512 * 1024  # the case: 512 KB unpacking to 200 MB
    started = time.perf_counter()
    with pytest.raises(ReadError) as refused:
        read_table(data, "cases.xlsx")
    assert time.perf_counter() - started < 5
    assert refused.value.message == TOO_BIG_UNPACKED
    ratio = refused.value.values["ratio"]
    assert refused.value.values["unpacked"] == 200 and isinstance(ratio, int) and ratio > 100


def test_the_unpacked_size_limit_holds_at_a_modest_ratio() -> None:
    data = xlsx_bytes("id,name", [f"{i},Person {i}" for i in range(2000)])
    read_table(data, "ok.xlsx")  # an honest workbook passes the defaults
    with pytest.raises(ReadError) as refused:
        read_table(data, "ok.xlsx", FileLimits(xlsx_max_unpacked=len(data)))
    assert refused.value.message == TOO_BIG_UNPACKED


def test_not_a_zip_is_refused_as_not_a_workbook() -> None:
    with pytest.raises(ReadError) as refused:
        read_table(b"id,name\n1,Ann\n", "mislabelled.xlsx")
    assert refused.value.message == NOT_A_WORKBOOK
