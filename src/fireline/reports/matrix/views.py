"""Every child jurisdiction side by side (``/overview/matrix``): a table sorted on the
server by any column (``sort``, ``desc``; it works without JavaScript), with a sparkline
per row drawn here as inline SVG, and CSV/XLSX downloads headed in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.reports.matrix import export
from fireline.reports.matrix.service import COLUMNS, Matrix, matrix
from fireline.surveillance.trends.headline import MIN_CASES
from fireline.surveillance.views.common import disease_options
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()

# (column, English header): the page's columns after the name, in order.
SHOWN: Final = (
    ("population", N_("Population")),
    ("confirmed", N_("Confirmed")),
    ("incidence", N_("Incidence per 100,000")),
    ("new_yesterday", N_("New yesterday")),
    ("last_7_days", N_("Last 7 days")),
    ("change_7_days", N_("7-day change")),
    ("rt", N_("Rt (credible interval)")),
    ("growth_rate", N_("Growth per day")),
    ("open_alerts", N_("Open alerts")),
    ("overdue_tasks", N_("Overdue tasks")),
    ("under_quarantine", N_("Under quarantine")),
    ("positivity", N_("Test positivity")),
)
# (column, English header): the downloads' columns, in the order of export.COLUMNS.
HEADERS: Final = (
    ("code", N_("Code")),
    ("name", N_("Jurisdiction")),
    ("population", N_("Population")),
    ("confirmed", N_("Confirmed cases (cumulative)")),
    ("incidence", N_("Incidence per 100,000 (cumulative)")),
    ("new_yesterday", N_("New yesterday")),
    ("last_7_days", N_("Last 7 days")),
    ("previous_7_days", N_("Previous 7 days")),
    ("change_7_days", N_("7-day change (%)")),
    ("rt", N_("Rt (mean)")),
    ("rt_lower", N_("Rt lower 95% bound")),
    ("rt_upper", N_("Rt upper 95% bound")),
    ("rt_window_end", N_("Rt window ends (onset)")),
    ("rt_cases", N_("Cases in the Rt window")),
    ("growth_rate", N_("Growth rate per day (%)")),
    ("open_alerts", N_("Open alerts")),
    ("overdue_tasks", N_("Overdue tasks")),
    ("under_quarantine", N_("Under quarantine")),
    ("tests", N_("Test results (7 days)")),
    ("positivity", N_("Test positivity (%)")),
)


SPARK_WIDTH: Final = 84
SPARK_HEIGHT: Final = 20


@dataclass(frozen=True)
class Chosen:
    code: str
    disease: str
    sort: str
    descending: bool

    def link(self, **changes: object) -> str:
        asked: dict[str, object] = {"j": self.code, "disease": self.disease, "sort": self.sort}
        asked |= {"desc": "1"} if self.descending else {}
        asked |= changes
        return urlencode({k: v for k, v in asked.items() if v is not None})

    def sort_link(self, column: str) -> str:
        """The same table sorted on ``column``: again on the same column flips the order;
        a new column starts from the largest (the meeting's first question)."""
        flip = not self.descending if column == self.sort else column != "name"
        return "/overview/matrix?" + self.link(sort=column, desc="1" if flip else None)


def spark_points(counts: list[int]) -> str:
    """An SVG polyline's points for daily counts, scaled to the sparkline's box."""
    top = max(max(counts, default=0), 1)
    step = SPARK_WIDTH / max(len(counts) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 1 - n * (SPARK_HEIGHT - 2) / top:.1f}"
        for i, n in enumerate(counts)
    )


def _chosen(page: Page, diseases: list[tuple[str, str]]) -> Chosen:
    query = page.request.query_params
    codes = [code for code, _ in diseases]
    asked = query.get("disease")
    disease = asked if asked is not None and asked in codes else codes[0]
    sort = query.get("sort") if query.get("sort") in COLUMNS else "name"
    # Anything unknown falls back to the default, never an error (a link is all it takes).
    return Chosen(page.here.code, disease, sort or "name", query.get("desc") == "1")


def _matrix(page: Page, chosen: Chosen) -> Matrix:
    assert page.session is not None and page.actor is not None
    return matrix(
        page.session,
        page.actor,
        chosen.code,
        chosen.disease,
        page.today(),
        page.context.now(),
        page.context.profiles,
        sort=chosen.sort,
        descending=chosen.descending,
    )


@router.get("/overview/matrix")
def matrix_page(page: PageContext) -> Response:
    diseases = disease_options(page)
    chosen = _chosen(page, diseases)
    found = _matrix(page, chosen)
    return page.render(
        "reports/matrix.html",
        nav="overview",
        today=page.today(),
        trail=page.breadcrumb(),
        diseases=diseases,
        chosen=chosen,
        columns=SHOWN,
        rows=found.rows,
        spark=spark_points,
        spark_size=(SPARK_WIDTH, SPARK_HEIGHT),
        min_cases=MIN_CASES,
    )


def _download(page: Page, kind: str) -> Response:
    chosen = _chosen(page, disease_options(page))
    found = _matrix(page, chosen)
    headers = [page.gettext(text) for _, text in HEADERS]
    name = f"matrix-{chosen.code}-{chosen.disease}-{found.today}.{kind}"
    if kind == "csv":
        body = export.to_csv(found.rows, headers, page.language)
        media = "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(found.rows, headers, page.language, chosen.code)
        media = export.XLSX_MEDIA
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media, headers=disposition)


@router.get("/overview/matrix.csv")
def matrix_csv(page: PageContext) -> Response:
    return _download(page, "csv")


@router.get("/overview/matrix.xlsx")
def matrix_xlsx(page: PageContext) -> Response:
    return _download(page, "xlsx")
