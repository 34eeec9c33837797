"""The care page (``/care``): patients in hospital now, hospital occupancy by bed type,
and the bed-demand chart of each bed type. Patients are counted once, by
``occupancy.census``, for the headline, the table's total row and the forecasts."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.care import occupancy
from fireline.care.bedchart import bed_chart, capacity_drawn
from fireline.care.bedoutlook import bed_outlook, wards
from fireline.errors import NotFound
from fireline.surveillance.trends.headline import HeadlineRt, headline_rt
from fireline.web.deps import Page, PageContext

router = APIRouter()
PER_PAGE: Final = 50


def _bed_text(page: Page) -> dict[str, str]:
    g = page.gettext
    return {
        "x": g("Date"),
        "y": g("Beds occupied"),
        "median": g("Median"),
        "band50": g("50% interval"),
        "band90": g("90% interval"),
        "capacity": g("Capacity"),
    }


def _forecast(page: Page, disease: str) -> dict[str, Any]:
    """The bed forecast by bed group with one chart each (charts only where beds exist)."""
    assert page.session is not None and page.actor is not None
    ahead = bed_outlook(
        page.session, page.actor, page.here, disease, page.today(), page.context.profiles
    )
    profile = page.context.profile(disease)
    text = _bed_text(page)
    charts = [
        {"forecast": w, "spec": bed_chart(w, text), "rule": capacity_drawn(w)}
        for w in (ahead.wards if ahead else [])
    ]
    return {
        "beds": ahead,
        "bed_charts": charts,
        "has_shares": profile is not None and bool(wards(profile.hospitalisation)),
    }


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


def _headline(page: Page, disease: str) -> HeadlineRt | None:
    """The dashboard's headline Rt (one definition: trends.headline.headline_rt)."""
    assert page.session is not None and page.actor is not None
    try:
        return headline_rt(
            page.session, page.actor, page.here.code, disease, page.today(), page.context.profiles
        )
    except NotFound:  # no profile for the disease
        return None


@router.get("/care")
def care_page(page: PageContext, disease: str = "covid19") -> Response:
    assert page.session is not None and page.actor is not None
    return page.render(
        "care/hospitals.html",
        nav="care",
        today=page.today(),
        census=occupancy.census(page.session, page.context.actor),
        rt=_headline(page, disease),
        **_forecast(page, disease),
        **_hospitals(page),
    )
