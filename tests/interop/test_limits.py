"""The default file limits: honest workbooks pass them, compressed bombs do not."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from fireline.interop.limits import DEFAULT_LIMITS, MB, FileLimits
from fireline.interop.messages import TOO_BIG_UNPACKED, ReadError
from fireline.interop.xlsx import check_archive
from tests.interop.factories import bomb


def line_list(rows: int) -> bytes:
    """An openpyxl workbook shaped like a case line list (varied text, dates, phones)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "name", "sex", "date_onset", "phone", "county"])
    for i in range(rows):
        sheet.append(
            [
                f"C{i:06d}",
                f"Person {i * 7919 % 100_003}",
                "MF"[i % 2],
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f"138{i * 104_729 % 10**8:08d}",
                f"33{i % 97:04d}",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ratio(data: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(m.file_size for m in archive.infolist()) / len(data)


def test_defaults() -> None:
    assert FileLimits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.xlsx_max_ratio == 100
    assert DEFAULT_LIMITS.xlsx_max_unpacked == 200 * MB == 200 * 1024 * 1024
    assert DEFAULT_LIMITS.fhir_max_entries == 10_000


@pytest.mark.parametrize("rows", [1_000, 10_000])
def test_honest_line_lists_unpack_far_below_the_ratio(rows: int) -> None:
    data = line_list(rows)
    assert 2 < ratio(data) < DEFAULT_LIMITS.xlsx_max_ratio / 3
    check_archive(data)  # passes the defaults
    with pytest.raises(ReadError):  # the check is live: a ratio below theirs refuses them
        check_archive(data, FileLimits(xlsx_max_ratio=int(ratio(data)) - 1))


def test_a_small_bomb_is_refused_by_its_ratio_alone() -> None:
    data = bomb(10 * MB)  # far below the 200 MB size limit
    assert ratio(data) > DEFAULT_LIMITS.xlsx_max_ratio
    with pytest.raises(ReadError) as refused:
        check_archive(data)
    assert refused.value.message == TOO_BIG_UNPACKED
    assert refused.value.values["unpacked"] == 10
    assert refused.value.values["max_ratio"] == 100 and refused.value.values["limit"] == 200
