"""The league table (排名通报) of the chosen jurisdiction's children, or of its descendants at
a level: each indicator with its rank, trend arrow and red cells; CSV and XLSX downloads
from the same export as the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.response import export, leagues
from fireline.response.league import INDICATORS, Cell, Indicator
from fireline.response.ranking import MIN_DENOMINATOR
from fireline.response.views import common
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()

PERIODS: Final = (7, 14, 28)
LABELS: Final = {
    "reported_24h": N_("Reported within 24 h of sampling"),
    "interviewed_24h": N_("Interviewed within 24 h of report"),
    "contacts_quarantined_24h": N_("Contacts quarantined within 24 h of listing"),
    "cases_known_contacts": N_("New cases already known as contacts"),
    "cases_in_quarantine": N_("New cases already in quarantine"),
    "cases_unlinked": N_("New cases without a known link"),
    "detect_7d": N_("Detected within 7 days (7-1-7)"),
    "notify_1d": N_("Notified within 1 day (7-1-7)"),
    "respond_7d": N_("Early response within 7 days (7-1-7)"),
    "overdue_tasks": N_("Overdue tasks now"),
}
LEVELS: Final = {
    "province": N_("Provinces"),
    "city": N_("Cities"),
    "county": N_("Counties"),
    "township": N_("Townships"),
}


@dataclass(frozen=True)
class Period:
    days: int | None  # None: chosen by dates
    start: date
    end: date
    level: str | None
    # Dates typed that could not be used: shown again as typed, with why, beside the
    # field they concern ("start" or "end"); the table shows the last week meanwhile.
    typed: tuple[str, str] = ("", "")
    errors: dict[str, str] = field(default_factory=dict)

    def input_type(self, name: str) -> str:
        """A date field shows typed text that is no date as text, so that it stays."""
        typed = self.typed[0 if name == "start" else 1]
        return "text" if typed and _day(typed) is None else "date"

    def query(self) -> str:
        level = f"&level={self.level}" if self.level else ""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}{level}"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def read_period(page: Page, levels: list[str]) -> Period:
    """``period`` (7/14/28 days to today) or ``start``/``end``; anything else: the last week."""
    query = page.request.query_params
    level = query.get("level") if query.get("level") in levels else None
    days = common.form_int(query.get("period"))
    start, end = _day(query.get("start")), _day(query.get("end"))
    if days not in PERIODS and start and end and start <= end <= start + timedelta(days=366):
        return Period(None, start, end, level)
    typed = ((query.get("start") or "")[:40], (query.get("end") or "")[:40])
    errors = _date_errors(start, end, typed) if days not in PERIODS else {}
    days = days if days in PERIODS else PERIODS[0]
    last = page.today()
    return Period(days, last - timedelta(days=days - 1), last, level, typed, errors)


def _date_errors(start: date | None, end: date | None, typed: tuple[str, str]) -> dict[str, str]:
    """Why the typed dates were not used, by field (nothing typed: no error)."""
    errors = {
        name: N_("Write the date as YYYY-MM-DD.")
        for name, text, day in (("start", typed[0], start), ("end", typed[1], end))
        if text and day is None
    }
    if start and end and start > end:
        errors["start"] = N_("The start date is after the end date.")
    elif start and end:
        errors["end"] = N_("Choose at most a year (366 days).")
    return errors


def deeper_levels(page: Page) -> list[str]:
    """Levels below the children of the chosen jurisdiction (e.g. every county of a province)."""
    return leagues.deeper_levels(common.session_of(page), page.context, page.here)


@dataclass(frozen=True)
class Shown:
    """One cell as the page shows it."""

    indicator: Indicator
    cell: Cell
    trend: str | None  # "up", "down", "flat"
    better: bool | None


def shown(indicator: Indicator, cell: Cell) -> Shown:
    change = cell.trend
    if change is None:
        return Shown(indicator, cell, None, None)
    if abs(change) < 0.005:
        return Shown(indicator, cell, "flat", None)
    up = change > 0
    return Shown(indicator, cell, "up" if up else "down", up == indicator.higher_is_better)


def table_for(page: Page, period: Period) -> leagues.League:
    return leagues.league_of(
        common.session_of(page),
        page.context,
        common.settings_of(page).target_share,
        code=page.here.code,
        start=period.start,
        end=period.end,
        level=period.level,
    )


@router.get("/response/league")
def league_page(page: PageContext) -> Response:
    levels = deeper_levels(page)
    period = read_period(page, levels)
    found = table_for(page, period)
    rows = found.rows
    cells = {r.code: [shown(i, r.cells[i.key]) for i in INDICATORS] for r in rows}
    return page.render(
        "response/league.html",
        **common.shared(page, "league"),
        period=period,
        periods=PERIODS,
        levels=levels,
        level_labels=LEVELS,
        indicators=INDICATORS,
        labels=LABELS,
        rows=rows,
        as_of=found.as_of,
        cells=cells,
        target=common.settings_of(page).target_share,
        reds=sum(1 for r in rows for c in r.cells.values() if c.red),
        min_denominator=MIN_DENOMINATOR,
    )


FIRST_COLUMNS: Final = (N_("Overall rank"), N_("Code"), N_("Name (English)"), N_("Name (Chinese)"))
# The headings of each indicator's columns in a download, in export.header()'s order.
PARTS: Final = (
    N_("%(indicator)s: share"),
    N_("%(indicator)s: met"),
    N_("%(indicator)s: of"),
    N_("%(indicator)s: rank"),
    N_("%(indicator)s: change since the previous period"),
    N_("%(indicator)s: below target (1 = yes)"),
    N_("%(indicator)s: small count (1 = yes)"),
)


def titles(page: Page) -> list[str]:
    """The download's column headings in the reader's words and language."""
    g = page.gettext
    out = [g(text) for text in FIRST_COLUMNS]
    for indicator in INDICATORS:
        name = g(LABELS[indicator.key])
        out += [g(part) % {"indicator": name} for part in PARTS]
    return out


def _download(page: Page, kind: str) -> Response:
    period = read_period(page, deeper_levels(page))
    rows = table_for(page, period).rows
    name = f"league-{page.here.code}-{period.start}-{period.end}.{kind}"
    headings = titles(page)
    body = export.to_csv(rows, headings) if kind == "csv" else export.to_xlsx(rows, titles=headings)
    media = "text/csv; charset=utf-8" if kind == "csv" else export.XLSX_MEDIA
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media, headers=headers)


@router.get("/response/league.csv")
def league_csv(page: PageContext) -> Response:
    return _download(page, "csv")


@router.get("/response/league.xlsx")
def league_xlsx(page: PageContext) -> Response:
    return _download(page, "xlsx")
