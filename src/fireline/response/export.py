"""The league table as CSV (UTF-8 with BOM, opens cleanly in Excel) or XLSX (red cells filled).

The page's downloads are headed in the reader's words and language (``titles``, built by
the league page); the API and the command keep the machine names of :func:`header`, which
scripts read."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from fireline.interop.cells import inert_row
from fireline.response.league import INDICATORS, LeagueRow

RED_FILL = "F4CCCC"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    columns = ["rank", "code", "name_en", "name_zh"]
    for indicator in INDICATORS:
        key = indicator.key
        columns += [key, f"{key}_n", f"{key}_of", f"{key}_rank", f"{key}_trend", f"{key}_red"]
        columns.append(f"{key}_small")
    return columns


def _number(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def rows(table: list[LeagueRow]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in table:
        line: list[Any] = [row.rank, row.code, row.name_en, row.name_zh]
        for indicator in INDICATORS:
            cell = row.cells[indicator.key]
            line += [
                _number(cell.value),
                cell.numerator,
                cell.denominator,
                "" if cell.rank is None else cell.rank,
                _number(cell.trend),
                int(cell.red),
                int(cell.small),
            ]
        out.append(inert_row(line))
    return out


def to_csv(table: list[LeagueRow], titles: list[str] | None = None) -> bytes:
    """``titles``: the column headings to write (default: the machine names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(titles or header())
    writer.writerows(rows(table))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(
    table: list[LeagueRow], title: str = "league", titles: list[str] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    columns = header()
    sheet.append(titles or columns)
    fill = PatternFill(start_color=RED_FILL, end_color=RED_FILL, fill_type="solid")
    for line in rows(table):
        sheet.append(line)
        for i, name in enumerate(columns):
            if name.endswith("_red") and line[i] == 1:
                sheet.cell(row=sheet.max_row, column=i - 4).fill = fill  # the share's cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
