"""The county matrix as CSV (UTF-8 with BOM, for Excel) or XLSX, with column headers in
the reader's words and language (``headers``: the translated title of each of
:data:`COLUMNS`)."""

from __future__ import annotations

import csv
import io
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font

from fireline.interop.cells import inert_row
from fireline.reports.matrix.service import MatrixRow

XLSX_MEDIA: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The file's columns, in order; the page names them in the reader's language
# (reports.matrix.views.HEADERS).
COLUMNS: Final = (
    "code",
    "name",
    "population",
    "confirmed",
    "incidence",
    "new_yesterday",
    "last_7_days",
    "previous_7_days",
    "change_7_days",
    "rt",
    "rt_lower",
    "rt_upper",
    "rt_window_end",
    "rt_cases",
    "growth_rate",
    "open_alerts",
    "overdue_tasks",
    "under_quarantine",
    "tests",
    "positivity",
)


def _percent(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


def _number(value: float | None, digits: int = 2) -> float | str:
    return "" if value is None else round(value, digits)


def line(row: MatrixRow, language: str) -> list[Any]:
    """One row's cells in the order of :data:`COLUMNS` (a suppressed Rt is left blank)."""
    rt = row.rt
    return inert_row(
        [
            row.code,
            row.name_zh if language == "zh" else row.name_en,
            "" if row.population is None else row.population,
            row.confirmed,
            _number(row.incidence),
            row.new_yesterday,
            row.last_7_days,
            row.previous_7_days,
            _percent(row.change_7_days),
            _number(rt.mean if rt else None),
            _number(rt.lower if rt else None),
            _number(rt.upper if rt else None),
            rt.date_end.isoformat() if rt and rt.date_end else "",
            rt.cases if rt else 0,
            _percent(row.growth_rate),
            row.open_alerts,
            row.overdue_tasks,
            row.under_quarantine,
            row.tests,
            _percent(row.positivity),
        ]
    )


def to_csv(rows: list[MatrixRow], headers: list[str], language: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(line(r, language) for r in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[MatrixRow], headers: list[str], language: str, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"  # the code and name stay in view, as on the page
    for r in rows:
        sheet.append(line(r, language))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
