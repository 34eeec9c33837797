"""The investigation landing page: contacts by category, traced cases, transmission links."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.tracing import interviews, overview, pages
from fireline.web.deps import PageContext

router = APIRouter()


@router.get("/investigation")
def investigation_page(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    today = page.today()
    figures = overview.investigation(page.session, page.actor, page.here, today)
    return page.render(
        "tracing/landing.html",
        nav="investigation",
        today=today,
        recent_days=overview.RECENT_DAYS,
        contacts=figures.contacts,
        recent=figures.recent,
        traced=figures.traced,
        links=figures.links,
        categories=figures.categories,
        areas=figures.areas,
        waiting=interviews.waiting(page.session, page.actor, page.here)
        if page.actor.can("cases:read")
        else None,
    )


# The interview, contact list, cluster list and chain graph pages.
router.include_router(pages.router)
