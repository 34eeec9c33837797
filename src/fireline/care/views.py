"""The care landing page: confirmed cases by outcome until hospitals and beds are modelled."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.surveillance.models import Case
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()


def outcomes_by_disease(page: Page) -> dict[str, dict[str | None, int]]:
    """``{disease: {outcome or None: n}}`` for confirmed cases, one grouped query."""
    table: dict[str, dict[str | None, int]] = {}
    counts = landing.grouped(
        page, Case, (Case.disease, Case.outcome), Case.classification == "confirmed"
    )
    for (disease, outcome), n in counts.items():
        table.setdefault(disease, {})[outcome] = n
    return dict(sorted(table.items()))


@router.get("/care")
def care_page(page: PageContext) -> Response:
    confirmed = Case.classification == "confirmed"
    outcomes = landing.grouped(page, Case, (Case.outcome,), confirmed)
    return page.render(
        "care/landing.html",
        nav="care",
        today=page.today(),
        active=outcomes.get(None, 0),
        recovered=outcomes.get("recovered", 0),
        died=outcomes.get("died", 0),
        outcome_codes=[
            None, "recovered", "died",
            *sorted(o for o in outcomes if o not in (None, "recovered", "died")),
        ],
        diseases=outcomes_by_disease(page),
        areas=landing.by_child(page, Case, confirmed, Case.outcome.is_(None)),
    )
