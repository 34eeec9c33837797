"""The care page (``/care``): hospital occupancy by bed type and the bed-demand chart."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.care import service
from fireline.care.schemas import BedDemand
from fireline.errors import Problem
from fireline.quarantine import deps
from fireline.web.deps import Page, PageContext

router = APIRouter()


def _demand(page: Page, disease: str) -> BedDemand | None:
    assert page.session is not None and page.actor is not None
    profile = deps.profiles(page.request).get(disease)
    if profile is None:
        return None
    today = deps.now(page.request).astimezone(ZoneInfo(page.here.timezone)).date()
    try:
        return service.bed_demand(
            page.session, page.actor, page.here, profile, today=today, kind="hospital"
        )
    except Problem:
        return None


@router.get("/care")
def care_page(page: PageContext, disease: str = "covid19") -> Response:
    assert page.session is not None and page.actor is not None
    demand = _demand(page, disease)
    chart = None
    if demand is not None:
        values = [
            {"day": d.isoformat(), "beds": b, "capacity": demand.capacity}
            for d, b in zip(demand.days, demand.beds, strict=True)
        ]
        chart = {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": "container",
            "height": 220,
            "data": {"values": values},
            "layer": [
                {
                    "mark": "line",
                    "encoding": {
                        "x": {"field": "day", "type": "temporal"},
                        "y": {"field": "beds", "type": "quantitative"},
                    },
                },
                {
                    "mark": {"type": "rule", "color": "#d92d20"},
                    "encoding": {"y": {"field": "capacity", "type": "quantitative"}},
                },
            ],
        }
    return page.render(
        "care/hospitals.html",
        nav="care",
        today=deps.now(page.request).date(),
        hospitals=service.hospitals(page.session, page.actor, page.here, None),
        demand=demand,
        chart=chart,
    )
