"""Facility boards (``/quarantine/facilities``): rooms, capacity, occupancy, arrivals and
departures today, for the facilities under the chosen jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.quarantine import facilities
from fireline.quarantine.views import common
from fireline.web.deps import PageContext

router = APIRouter()


@router.get("/quarantine/facilities")
def boards_page(page: PageContext) -> Response:
    day = common.today(page)
    found = facilities.occupancy(common.session_of(page), common.actor_of(page), page.here, day)
    return page.render(
        "quarantine/facilities.html",
        nav="quarantine",
        subnav="facilities",
        today=day,
        facilities=found,
        waiting=common.waiting(page),
    )
