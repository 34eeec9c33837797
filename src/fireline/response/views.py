"""The response landing page: where new cases arrive and which confirmed cases await tracing.

Responses and playbook tasks have no tables yet; until they do, the page shows the
triggers a response starts from (DESIGN.md, mechanism 2).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import ColumnElement, exists, select

from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()

WAITING: Final = 15


def no_contacts_listed() -> ColumnElement[bool]:
    return ~exists().where(Contact.case_id == Case.id)


def awaiting_tracing(page: Page) -> list[tuple[Case, Jurisdiction]]:
    """Confirmed cases with no contact listed yet, oldest report first (no personal data)."""
    assert page.session is not None
    statement = (
        select(Case, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
        .where(Case.classification == "confirmed", no_contacts_listed())
        .order_by(Case.date_reporting, Case.id)
        .limit(WAITING)
    )
    return [(c, j) for c, j in page.session.execute(landing.scoped(page, statement, Case))]


@router.get("/response")
def response_page(page: PageContext) -> Response:
    today = page.today()
    week = Case.date_reporting > today - timedelta(days=7)
    confirmed = Case.classification == "confirmed"
    new_by_area = landing.by_child(page, Case, week)
    return page.render(
        "response/landing.html",
        nav="response",
        today=today,
        new_today=landing.count(page, Case, Case.date_reporting == today),
        new_week=landing.count(page, Case, week),
        confirmed_week=landing.count(page, Case, week, confirmed),
        untraced=landing.count(page, Case, confirmed, no_contacts_listed()),
        areas=new_by_area,
        areas_active=sum(1 for _, n in new_by_area if n),
        waiting=awaiting_tracing(page),
    )
