"""The county investigator's sections: cases to interview with their response clock,
proposed orders waiting, people to call today, people not reporting, and lab positives
among the people under quarantine.

Each is one statement over the domains' tables in the reader's scope (``Actor.restrict``),
but the lab positives, which are the positive-result service's own list. The follow-up
flags are the due list's own expressions (``quarantine.duelist.flags``), so a count here
is the count on ``/quarantine``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select

from fireline.listing import ListQuery
from fireline.people.models import Person
from fireline.quarantine import duelist
from fireline.quarantine.models import PROPOSED, QuarantineOrder
from fireline.quarantine.positives import service as positives
from fireline.response.models import ResponseTask
from fireline.surveillance.models import Case
from fireline.tracing.models import Interview
from fireline.tracing.overview import RECENT_DAYS
from fireline.work.frame import Frame, audited, paged, utc
from fireline.work.schemas import Light, WorkItem

Q = QuarantineOrder
T = ResponseTask
# The playbook task whose deadline is the interview's clock (diseases/playbook.py).
INTERVIEW_TASK = "interview_case"
Section = tuple[list[WorkItem], int]


def light_of(due_at: Any, yellow_at: Any, frame: Frame) -> Light | None:
    """The response board's light (response/lights.py): red past the deadline, yellow in
    its last quarter, else green; None without a clock."""
    if due_at is None:
        return None
    now = utc(frame.now)
    if utc(due_at) <= now:
        return "red"
    return "yellow" if yellow_at is not None and utc(yellow_at) <= now else "green"


def cases_to_interview(frame: Frame) -> Section:
    """Cases whose interview is not completed: those the playbook's interview task still
    waits for (with its deadline), and recent cases no response covers yet (a suspected
    case, a disease without a playbook), reported within the contact-tracing window
    (``tracing.overview.RECENT_DAYS``). Most urgent deadline first, then the oldest."""
    actor = frame.actor
    clock = actor.restrict(
        select(
            T.case_id.label("case_id"),
            func.min(T.due_at).label("due_at"),
            func.min(T.yellow_at).label("yellow_at"),
            func.min(T.response_id).label("response_id"),
        ).where(T.type == INTERVIEW_TASK, T.status == "open", T.case_id.is_not(None)),
        T,
    ).group_by(T.case_id)
    tasks = clock.subquery()
    any_task = exists().where(T.case_id == Case.id, T.type == INTERVIEW_TASK)
    completed = exists().where(Interview.case_id == Case.id, Interview.status == "completed")
    since = frame.day - timedelta(days=RECENT_DAYS - 1)
    statement = actor.restrict(
        select(
            Case.id,
            Person.id,
            Person.name,
            Case.disease,
            Case.classification,
            Case.date_reporting,
            tasks.c.due_at,
            tasks.c.yellow_at,
            tasks.c.response_id,
        )
        .join(Person, Person.id == Case.person_id)
        .outerjoin(tasks, tasks.c.case_id == Case.id)
        .where(
            Case.classification != "discarded",
            ~completed,
            or_(
                tasks.c.due_at.is_not(None),
                and_(~any_task, Case.date_reporting >= since),
            ),
        ),
        Case,
    ).order_by(
        case((tasks.c.due_at.is_(None), 1), else_=0),
        tasks.c.due_at,
        Case.date_reporting,
        Case.id,
    )
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/investigation/cases/{r[0]}",
            label=r[2],
            disease=r[3],
            code=r[4],
            day=r[5],
            due_at=utc(r[6]) if r[6] is not None else None,
            light=light_of(r[6], r[7], frame),
            link_id=r[8],
        )
        for r in rows
    ]
    audited(frame, "case", "cases_to_interview", [i.id for i in items], [r[1] for r in rows])
    return items, total


def proposals(frame: Frame) -> Section:
    """Orders tracing proposed for listed contacts, longest waiting first (the order of
    the queue on ``/quarantine/proposals``, where they are confirmed or cancelled)."""
    statement = frame.actor.restrict(
        select(
            Q.id,
            Q.person_id,
            Person.name,
            Person.phone,
            Q.disease,
            Q.category,
            Q.last_exposure,
            Q.created_at,
        )
        .join(Person, Person.id == Q.person_id)
        .where(Q.status == PROPOSED),
        Q,
    ).order_by(Q.created_at, Q.id)
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href="/quarantine/proposals",
            label=r[2],
            phone=r[3],
            disease=r[4],
            code=r[5],
            day=r[6],
            at=utc(r[7]),
        )
        for r in rows
    ]
    audited(frame, "quarantine_order", "proposals", [i.id for i in items], [r[1] for r in rows])
    return items, total


def _flag_names(row: Any, frame: Frame) -> list[str]:
    names = ("test_due", "symptomatic", "non_reporting")
    found = [name for name in names if row._mapping[name]]
    if frame.actor.user_id is not None and row._mapping["assignee_id"] == frame.actor.user_id:
        found.append("mine")
    return found


def _due(frame: Frame, key: str, which: str) -> Section:
    """A page of the day's follow-up list ``which`` (``duelist.LISTS``): the reader's own
    orders first, then the due list's order (symptomatic, not reporting, test due, ending
    soonest)."""
    f = duelist.flags(frame.day, frame.now, frame.non_reporting_hours)
    mine = Q.assignee_id == (frame.actor.user_id or 0)
    statement = frame.actor.restrict(
        select(
            Q.id,
            Q.person_id,
            Person.name,
            Person.phone,
            Q.kind,
            Q.end_date,
            Q.last_report_at,
            Q.assignee_id.label("assignee_id"),
            f.test_due.label("test_due"),
            f.symptomatic.label("symptomatic"),
            f.non_reporting.label("non_reporting"),
        )
        .join(Person, Person.id == Q.person_id)
        .where(f.active, f.chosen(which)),
        Q,
    ).order_by(
        case((mine, 0), else_=1),
        f.symptomatic.desc(),
        f.non_reporting.desc(),
        f.test_due.desc(),
        Q.end_date,
        Q.id,
    )
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/quarantine/orders/{r[0]}",
            label=r[2],
            phone=r[3],
            code=r[4],
            day=r[5],
            at=utc(r[6]) if r[6] is not None else None,
            flags=_flag_names(r, frame),
        )
        for r in rows
    ]
    audited(frame, "quarantine_order", key, [i.id for i in items], [r[1] for r in rows])
    return items, total


def contacts_to_call(frame: Frame) -> Section:
    """Who has not reported today (the due list's "to contact")."""
    return _due(frame, "contacts_to_call", "to_contact")


def not_reporting(frame: Frame) -> Section:
    """Who has sent no report for ``non_reporting_hours`` (the due list's flag)."""
    return _due(frame, "not_reporting", "non_reporting")


def lab_positives(frame: Frame) -> Section:
    """The open conversion proposals of positive results among the people under
    quarantine, addressed to the reader or to nobody, newest first: the positive-result
    service's own list (``quarantine.positives.service``), which scopes and audits it.
    Each opens the order page at its conversion panel, where the decision is taken."""
    query = ListQuery(limit=frame.limit, offset=frame.offset)
    rows, total = positives.positives_among_contacts(frame.session, frame.context, query)
    items = [
        WorkItem(
            id=r.proposal_id,
            href=f"{r.url}#conversion",
            label=r.name,
            disease=r.disease,
            code=r.test_type,
            at=utc(r.resulted_at),
            link_id=r.order_id,
        )
        for r in rows
    ]
    return items, total
