"""The care page (``/care``): hospital occupancy by bed type and the bed-demand chart."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.care import occupancy, service
from fireline.care.schemas import BedDemand
from fireline.errors import Problem
from fireline.surveillance.views.charts import FONT
from fireline.web.deps import Page, PageContext

router = APIRouter()
PER_PAGE: Final = 50


def _demand(page: Page, disease: str) -> BedDemand | None:
    assert page.session is not None and page.actor is not None
    profile = page.context.profile(disease)
    if profile is None:
        return None
    try:
        return service.bed_demand(
            page.session, page.actor, page.here, profile, today=page.today(), kind="hospital"
        )
    except Problem:
        return None


def _hospitals(page: Page) -> dict[str, Any]:
    """One page of the hospitals under the chosen jurisdiction, with the pager's figures."""
    assert page.session is not None
    query = page.list_query((), per_page=PER_PAGE)
    rows, total = occupancy.list_hospitals(page.session, page.context, query)
    kept = {k: v for k, v in page.request.query_params.items() if k in ("disease", "q", "sort")}
    return {
        "hospitals": rows,
        "number": query.offset // PER_PAGE + 1,
        "pages": max(1, -(-total // PER_PAGE)),
        "total": total,
        "link": lambda n: f"?{urlencode({**kept, 'page': n})}",
    }


def _chart(page: Page, demand: BedDemand) -> dict[str, Any]:
    """The bed-demand line and the capacity rule, its axes and tooltips in the page's
    language; days as month-day, as on the surveillance charts."""
    g = page.gettext
    day, beds, capacity = g("Day"), g("Beds needed"), g("Bed capacity")
    values = [
        {"day": d.isoformat(), "beds": b, "capacity": demand.capacity}
        for d, b in zip(demand.days, demand.beds, strict=True)
    ]
    x_axis = {
        "format": "%m-%d",
        "labelAngle": 0,
        "grid": False,
        "tickCount": {"interval": "day", "step": 2},
    }
    y_axis = {"format": ",d", "tickMinStep": 1}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": 220,
        "config": {"font": FONT},
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "title": day, "axis": x_axis},
                    "y": {"field": "beds", "type": "quantitative", "title": beds, "axis": y_axis},
                    "tooltip": [
                        {"field": "day", "type": "temporal", "title": day, "format": "%Y-%m-%d"},
                        {"field": "beds", "type": "quantitative", "title": beds, "format": ",d"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#d92d20"},
                "encoding": {
                    "y": {"field": "capacity", "type": "quantitative"},
                    "tooltip": [{"field": "capacity", "title": capacity, "format": ",d"}],
                },
            },
        ],
    }


@router.get("/care")
def care_page(page: PageContext, disease: str = "covid19") -> Response:
    assert page.session is not None and page.actor is not None
    demand = _demand(page, disease)
    return page.render(
        "care/hospitals.html",
        nav="care",
        today=page.today(),
        demand=demand,
        chart=_chart(page, demand) if demand is not None else None,
        **_hospitals(page),
    )
