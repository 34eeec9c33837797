""" "My work": what the signed-in user has to do today, gathered by role from the
mechanisms' records, each item linking to the page where it is done.

The role says which sections a user gets (SORMAS opens on a task list by user role; the
design's "who uses it" table says what each role needs); the scope is the context's
actor, narrowed to the jurisdiction chosen (docs/architecture.md, "Scope in one
place"). Each section is one statement (work/frame.py); sections that show people
record the read in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Final

from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.work import desks, oversight, tracer
from fireline.work.frame import Frame
from fireline.work.schemas import SectionKey, WorkItem, WorkRead, WorkSection

Builder = Callable[[Frame], tuple[list[WorkItem], int]]

BUILDERS: Final[dict[SectionKey, Builder]] = {
    "cases_to_interview": tracer.cases_to_interview,
    "proposals": tracer.proposals,
    "contacts_to_call": tracer.contacts_to_call,
    "not_reporting": tracer.not_reporting,
    "lab_positives": tracer.lab_positives,
    "samples_waiting": desks.samples_waiting,
    "holds": desks.holds,
    "arrivals": desks.arrivals,
    "rooms": desks.rooms,
    "releases_due": desks.releases_due,
    "open_alerts": oversight.open_alerts,
    "overdue_tasks": oversight.overdue_tasks,
}
OVERSIGHT: Final[tuple[SectionKey, ...]] = ("open_alerts", "overdue_tasks")
ROLE_SECTIONS: Final[dict[str, tuple[SectionKey, ...]]] = {
    "investigator": (
        "cases_to_interview",
        "proposals",
        "contacts_to_call",
        "not_reporting",
        "lab_positives",
    ),
    "lab": ("samples_waiting", "holds"),
    "facility": ("arrivals", "rooms", "releases_due"),
    "epidemiologist": OVERSIGHT,
    "admin": OVERSIGHT,
}
# The viewer's figures (no personal data, no items) and the pages a viewer may open.
SUMMARY: Final[dict[SectionKey, str | None]] = {
    "cases_today": "/surveillance/cases",
    "open_alerts": "/surveillance",
    "overdue_tasks": "/response",
    "under_quarantine": None,
}
# Where a whole section is worked through: the mechanism's own page where the work is done
# there in bulk, else this package's page of the section (views.py).
SEE_ALL: Final[dict[SectionKey, str]] = {
    "proposals": "/quarantine/proposals",
    "contacts_to_call": "/quarantine?list=to_contact",
    "rooms": "/quarantine/facilities",
}


def sections_of(role: str) -> tuple[SectionKey, ...]:
    """The sections a role works through (none: the viewer's summary)."""
    return ROLE_SECTIONS.get(role, ())


def see_all(key: SectionKey) -> str:
    return SEE_ALL.get(key, f"/work/{key}")


def frame_for(
    session: Session,
    context: Context,
    *,
    limit: int,
    offset: int = 0,
    non_reporting_hours: float,
    language: str = "en",
) -> Frame:
    """The reader's frame: the context's jurisdiction, today there, the clock's instant."""
    place = session.get(Jurisdiction, context.actor.jurisdiction_id)
    if place is None:
        raise NotFound(f"jurisdiction {context.actor.jurisdiction_id}")
    return Frame(
        session=session,
        context=context,
        place=place,
        day=context.today(place),
        now=context.now(),
        non_reporting_hours=non_reporting_hours,
        limit=limit,
        offset=offset,
        language=language,
    )


def _section(frame: Frame, key: SectionKey) -> WorkSection:
    items, total = BUILDERS[key](frame)
    end = frame.offset + len(items)
    return WorkSection(
        key=key,
        href=see_all(key),
        items=items,
        total=total,
        limit=frame.limit,
        offset=frame.offset,
        next_offset=end if end < total else None,
    )


def _summary(frame: Frame) -> list[WorkSection]:
    figures = oversight.summary(frame)
    return [
        WorkSection(
            key=key, href=href, items=[], total=figures[key], limit=0, offset=0, next_offset=None
        )
        for key, href in SUMMARY.items()
    ]


def my_work(session: Session, frame: Frame) -> WorkRead:
    """Every section of the reader's role, the first ``frame.limit`` items of each."""
    actor = frame.actor
    actor.require("records:read")
    keys = sections_of(actor.role)
    sections = [_section(frame, key) for key in keys] if keys else _summary(frame)
    return WorkRead(
        role=actor.role,
        jurisdiction=frame.place.code,
        day=frame.day,
        now=frame.now,
        sections=sections,
    )


def section(frame: Frame, key: str) -> WorkSection:
    """One section of the reader's role, a page of it; another role's section is 404."""
    frame.actor.require("records:read")
    keys = sections_of(frame.actor.role)
    if key not in keys:
        raise NotFound(f"work section {key}")
    return _section(frame, keys[keys.index(key)])  # the key, typed as a section's


def with_page(frame: Frame, limit: int, offset: int) -> Frame:
    return replace(frame, limit=limit, offset=offset)
