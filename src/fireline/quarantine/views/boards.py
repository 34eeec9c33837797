"""Facility boards (``/quarantine/facilities``): rooms, capacity, occupancy, arrivals and
departures today, for the facilities under the chosen jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.pagination import MAX_LIMIT
from fireline.quarantine import facilities
from fireline.quarantine.views import common
from fireline.web.deps import PageContext

router = APIRouter()


@router.get("/quarantine/facilities")
def boards_page(page: PageContext) -> Response:
    day = common.today(page)
    query = page.list_query((), per_page=MAX_LIMIT)
    found, total = facilities.list_facilities(
        common.session_of(page), common.actor_of(page), page.here, day, query
    )
    return page.render(
        "quarantine/facilities.html",
        nav="quarantine",
        subnav="facilities",
        today=day,
        facilities=found,
        total=total,
        waiting=common.waiting(page),
    )
