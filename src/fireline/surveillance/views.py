"""The surveillance landing page: cases by classification and disease, the latest reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from fireline.places.models import Jurisdiction
from fireline.surveillance.models import CLASSIFICATIONS, Case
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()

LATEST: Final = 15


def latest_cases(page: Page) -> list[tuple[Case, Jurisdiction]]:
    """The newest reports, shown without personal data (no person is loaded)."""
    assert page.session is not None
    statement = (
        select(Case, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
        .order_by(Case.date_reporting.desc(), Case.id.desc())
        .limit(LATEST)
    )
    return [(c, j) for c, j in page.session.execute(landing.scoped(page, statement, Case))]


def by_disease(page: Page) -> dict[str, dict[str, int]]:
    """``{disease: {classification: n}}`` in one grouped query."""
    table: dict[str, dict[str, int]] = {}
    for (disease, classification), n in landing.grouped(
        page, Case, (Case.disease, Case.classification)
    ).items():
        table.setdefault(disease, {})[classification] = n
    return dict(sorted(table.items()))


@router.get("/surveillance")
def surveillance_page(page: PageContext) -> Response:
    today = page.today()
    return page.render(
        "surveillance/landing.html",
        nav="surveillance",
        today=today,
        classifications=CLASSIFICATIONS,
        by_class=landing.grouped(page, Case, (Case.classification,)),
        reported_today=landing.count(page, Case, Case.date_reporting == today),
        last_7_days=landing.count(page, Case, Case.date_reporting > today - timedelta(days=7)),
        diseases=by_disease(page),
        latest=latest_cases(page),
    )
