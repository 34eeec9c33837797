"""The "My work" page (``/work``, where log-in lands) and the whole list of one section
(``/work/{key}``), for the jurisdiction chosen in the switcher."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.quarantine.deps import settings as quarantine_settings
from fireline.web.deps import Page, PageContext, session_of
from fireline.web.i18n import N_
from fireline.work import service
from fireline.work.frame import Frame

router = APIRouter()
SHOWN: Final = 5  # items per section on /work: a phone screen shows a section at a glance
PER_PAGE: Final = 50
MAX_PAGE: Final = 1_000_000  # an offset the databases take (a larger one is no page at all)
TITLES: Final = {
    "cases_to_interview": N_("Cases to interview"),
    "proposals": N_("Quarantine proposals waiting"),
    "contacts_to_call": N_("People to call today"),
    "not_reporting": N_("Not reporting"),
    "lab_positives": N_("Lab positives among people under quarantine"),
    "samples_waiting": N_("Samples waiting for a result"),
    "holds": N_("Held until their retest"),
    "arrivals": N_("Arrivals to admit"),
    "rooms": N_("Rooms"),
    "releases_due": N_("Releases due"),
    "open_alerts": N_("Open alerts"),
    "overdue_tasks": N_("Overdue response tasks"),
    "cases_today": N_("Cases reported today"),
    "under_quarantine": N_("People under an order"),
}
EMPTY: Final = {
    "cases_to_interview": N_("No case waits for an interview."),
    "proposals": N_("No proposal waits for a decision."),
    "contacts_to_call": N_("Everyone due today has reported."),
    "not_reporting": N_("Everyone is reporting."),
    "lab_positives": N_("No positive result among people under quarantine."),
    "samples_waiting": N_("No received sample waits for a result."),
    "holds": N_("No one is held for a retest."),
    "arrivals": N_("No one waits to be admitted."),
    "rooms": N_("No quarantine facility here."),
    "releases_due": N_("No quarantine in a facility ends today."),
    "open_alerts": N_("No open alert."),
    "overdue_tasks": N_("No task is overdue."),
}


def _frame(page: Page, limit: int, offset: int = 0) -> Frame:
    return service.frame_for(
        session_of(page),
        page.context,
        limit=limit,
        offset=offset,
        non_reporting_hours=quarantine_settings(page.request).non_reporting_hours,
        language=page.language,
    )


@router.get("/work")
def work_page(page: PageContext) -> Response:
    frame = _frame(page, SHOWN)
    work = service.my_work(session_of(page), frame)
    return page.render(
        "work/work.html",
        nav="work",
        today=frame.day,
        now=frame.now,
        work=work,
        figures_only=not service.sections_of(work.role),
        titles=TITLES,
        empty=EMPTY,
    )


@router.get("/work/{key}")
def section_page(key: str, page: PageContext) -> Response:
    query = page.list_query((), per_page=PER_PAGE)  # ``page``: nonsense reads as the first
    number = min(query.offset // PER_PAGE + 1, MAX_PAGE)
    frame = _frame(page, PER_PAGE, (number - 1) * PER_PAGE)
    found = service.section(frame, key)
    return page.render(
        "work/section.html",
        nav="work",
        today=frame.day,
        now=frame.now,
        section=found,
        titles=TITLES,
        empty=EMPTY,
        number=number,
        pages=max(1, -(-found.total // PER_PAGE)),
    )
