"""The overview page: headline figures per mechanism, child jurisdictions, the epicurve."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.places.models import Jurisdiction, subtree_ids
from fireline.reports.service import child_counts, mechanism_counts
from fireline.surveillance.models import Case
from fireline.web.deps import Page, PageContext

router = APIRouter()

EPICURVE_DAYS: Final = 60
# Fixed order and colours, so a classification keeps its colour when others are absent.
EPICURVE_CLASSES: Final = (
    ("confirmed", "#b42318"),
    ("probable", "#7a5af8"),
    ("suspected", "#f79009"),
)


def active_confirmed(session: Session, actor: Actor, here: Jurisdiction) -> int:
    """Confirmed cases without an outcome yet: those still in isolation or care."""
    statement = select(func.count()).select_from(Case).where(
        Case.jurisdiction_id.in_(subtree_ids(here.path)),
        Case.classification == "confirmed",
        Case.outcome.is_(None),
    )
    return int(session.scalar(actor.restrict(statement, Case)) or 0)


@router.get("/")
def dashboard(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    here, today = page.here, page.today()
    counts = mechanism_counts(page.session, page.actor, here.code, today)
    children = child_counts(page.session, page.actor, here.code)
    return page.render(
        "reports/dashboard.html",
        nav="overview",
        today=today,
        counts=counts,
        by_class=counts.cases_by_classification,
        children=children,
        areas_with_cases=sum(1 for c in children if c.confirmed),
        active_confirmed=active_confirmed(page.session, page.actor, here),
        trail=page.breadcrumb(),
        epicurve_spec=epicurve_spec(page, today),
    )


def epicurve_rows(
    session: Session, actor: Actor, here: Jurisdiction, today: date
) -> list[tuple[date, str, int]]:
    """Cases per reporting day and classification, one grouped query over the subtree."""
    start = today - timedelta(days=EPICURVE_DAYS - 1)
    statement = (
        select(Case.date_reporting, Case.classification, func.count())
        .where(
            Case.jurisdiction_id.in_(subtree_ids(here.path)),
            Case.date_reporting >= start,
            Case.date_reporting <= today,
            Case.classification.in_([c for c, _ in EPICURVE_CLASSES]),
        )
        .group_by(Case.date_reporting, Case.classification)
        .order_by(Case.date_reporting)
    )
    rows = session.execute(actor.restrict(statement, Case)).all()
    return [(day, classification, int(n)) for day, classification, n in rows]


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
    rows = epicurve_rows(page.session, page.actor, page.here, page.today())
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
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 240,
        "data": {"url": f"/epicurve.json?j={page.here.code}&lang={page.language}"},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "date", "type": "temporal", "timeUnit": "yearmonthdate",
                "title": page.gettext("Date of report"),
                "scale": {"domain": [start.isoformat(), (today + timedelta(days=1)).isoformat()]},
                "axis": {"format": "%m-%d", "labelAngle": 0, "tickCount": 10},
            },
            "y": {"field": "cases", "type": "quantitative", "aggregate": "sum",
                  "title": page.gettext("Cases"), "axis": {"tickMinStep": 1}},
            "color": {
                "field": "label", "type": "nominal", "title": None,
                "scale": {"domain": [labels[c] for c, _ in EPICURVE_CLASSES],
                          "range": [colour for _, colour in EPICURVE_CLASSES]},
                "legend": {"orient": "top"},
            },
            "order": {"field": "classification"},
        },
        "config": {"font": "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
                   "view": {"stroke": None}},
    }
