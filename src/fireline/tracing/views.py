"""The investigation landing page: contacts by category, traced cases, transmission links."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import case, distinct, func, select

from fireline.tracing import pages
from fireline.tracing.models import Contact, TransmissionLink
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()

# Contacts exposed within this many days are still inside most incubation periods
# shown on the page; the disease profiles hold the exact rules.
RECENT_DAYS: Final = 14


def traced_cases(page: Page) -> int:
    """Cases with at least one contact listed."""
    assert page.session is not None
    statement = select(func.count(distinct(Contact.case_id))).select_from(Contact)
    return int(page.session.scalar(landing.scoped(page, statement, Contact)) or 0)


def by_category(page: Page, recent_since: date) -> list[tuple[str, int, int]]:
    """(category, all contacts, recently exposed) in one grouped query."""
    assert page.session is not None
    recent = func.sum(case((Contact.date_last_exposure >= recent_since, 1), else_=0))
    statement = select(Contact.category, func.count(), recent).select_from(Contact)
    statement = landing.scoped(page, statement, Contact)
    rows = page.session.execute(
        statement.group_by(Contact.category).order_by(Contact.category)
    ).all()
    return [(category, int(n), int(r or 0)) for category, n, r in rows]


@router.get("/investigation")
def investigation_page(page: PageContext) -> Response:
    today = page.today()
    since = today - timedelta(days=RECENT_DAYS - 1)
    return page.render(
        "tracing/landing.html",
        nav="investigation",
        today=today,
        recent_days=RECENT_DAYS,
        contacts=landing.count(page, Contact),
        recent=landing.count(page, Contact, Contact.date_last_exposure >= since),
        traced=traced_cases(page),
        links=landing.count(page, TransmissionLink),
        categories=by_category(page, since),
        areas=landing.by_child(page, Contact),
    )


# The interview, contact list, cluster list and chain graph pages.
router.include_router(pages.router)
