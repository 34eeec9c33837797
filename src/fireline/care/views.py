"""The care page (``/care``): hospital occupancy by bed type and the bed-demand chart."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.care import occupancy, service
from fireline.care.schemas import BedDemand
from fireline.errors import Problem
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
        today=page.today(),
        demand=demand,
        chart=chart,
        **_hospitals(page),
    )
