"""The overview page: headline figures per mechanism, child jurisdictions, the epicurve."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from fireline.reports import service
from fireline.reports.matrix.views import router as matrix_router
from fireline.web.charts import SCHEMA
from fireline.web.deps import Page, PageContext

router = APIRouter()

EPICURVE_DAYS: Final = 60
# Fixed order and colours, so a classification keeps its colour when others are absent.
EPICURVE_CLASSES: Final = (
    ("confirmed", "#b42318"),
    ("probable", "#7a5af8"),
    ("suspected", "#f79009"),
)


@router.get("/")
def dashboard(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    here, today = page.here, page.today()
    counts = service.summary(page.session, page.context, here.code, today)
    children = service.child_counts(page.session, page.actor, here.code)
    return page.render(
        "reports/dashboard.html",
        nav="overview",
        today=today,
        counts=counts,
        by_class=counts.cases_by_classification,
        children=children,
        areas_with_cases=sum(1 for c in children if c.confirmed),
        trail=page.breadcrumb(),
        epicurve_spec=epicurve_spec(page, today),
    )


def class_labels(page: Page) -> dict[str, str]:
    return {
        "confirmed": page.gettext("Confirmed"),
        "probable": page.gettext("Probable"),
        "suspected": page.gettext("Suspected"),
    }


@router.get("/epicurve.json")
def epicurve_data(page: PageContext) -> JSONResponse:
    """The epicurve's data for the chosen jurisdiction, labelled in the page language."""
    assert page.session is not None and page.actor is not None
    labels = class_labels(page)
    today = page.today()
    start = today - timedelta(days=EPICURVE_DAYS - 1)
    shown = tuple(c for c, _ in EPICURVE_CLASSES)
    rows = service.epicurve_rows(page.session, page.actor, page.here.code, start, today, shown)
    values = [
        {"date": day.isoformat(), "classification": c, "label": labels[c], "cases": n}
        for day, c, n in rows
    ]
    return JSONResponse(values, headers={"Cache-Control": "no-store"})


def epicurve_spec(page: Page, today: date) -> dict[str, Any]:
    """A Vega-Lite stacked bar chart of daily reported cases by classification."""
    labels = class_labels(page)
    start = today - timedelta(days=EPICURVE_DAYS - 1)
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 240,
        "data": {"url": f"/epicurve.json?j={page.here.code}&lang={page.language}"},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "timeUnit": "yearmonthdate",
                "title": page.gettext("Date of report"),
                "scale": {"domain": [start.isoformat(), (today + timedelta(days=1)).isoformat()]},
                "axis": {"format": "%m-%d", "labelAngle": 0, "tickCount": 10},
            },
            "y": {
                "field": "cases",
                "type": "quantitative",
                "aggregate": "sum",
                "title": page.gettext("Cases"),
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [labels[c] for c, _ in EPICURVE_CLASSES],
                    "range": [colour for _, colour in EPICURVE_CLASSES],
                },
                "legend": {"orient": "top"},
            },
            "order": {"field": "classification"},
        },
        "config": {
            "font": "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
            "view": {"stroke": None},
        },
    }


# The county matrix lives in its own module; its routes join the overview's router.
router.include_router(matrix_router)
