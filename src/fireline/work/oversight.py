"""The epidemiologist's and the administrator's sections (open alerts, overdue response
tasks) and the viewer's summary: figures only, no personal data.

Alerts and tasks name places and diseases, never people, so their reads are not audited
(docs/architecture.md, "Audit": reads of personal data are).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.response.models import ResponseTask
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import Alert
from fireline.work.frame import Frame, paged, utc
from fireline.work.schemas import SectionKey, WorkItem

T = ResponseTask
Section = tuple[list[WorkItem], int]


def _named(frame: Frame, english: Any, chinese: Any) -> str:
    return str(chinese if frame.language == "zh" and chinese else english)


def open_alerts(frame: Frame) -> Section:
    """Signals that crossed their threshold and wait for a decision, newest and strongest
    first (the order of the surveillance dashboard, where they are decided)."""
    place = aliased(Jurisdiction)
    statement = frame.actor.restrict(
        select(
            Alert.id,
            Alert.disease,
            Alert.method,
            Alert.signal_date,
            place.code,
            place.name_en,
            place.name_zh,
        )
        .join(place, place.id == Alert.jurisdiction_id)
        .where(Alert.status == "open"),
        Alert,
    ).order_by(Alert.signal_date.desc(), Alert.score.desc(), Alert.id.desc())
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/surveillance/alerts?j={r[4]}&q=%23{r[0]}",  # "#12": that alert only
            label=_named(frame, r[5], r[6]),
            disease=r[1],
            code=r[2],
            day=r[3],
            place=r[4],
        )
        for r in rows
    ]
    return items, total


def overdue_tasks(frame: Frame) -> Section:
    """Open playbook tasks past their deadline in the responses in scope, the longest
    overdue first (the red column of the response board)."""
    owner = aliased(Jurisdiction)
    statement = frame.actor.restrict(
        select(
            T.id,
            T.response_id,
            T.type,
            T.name_en,
            T.name_zh,
            T.due_at,
            owner.code,
        )
        .join(owner, owner.id == T.owner_id)
        .where(T.status == "open", T.due_at <= utc(frame.now)),
        T,
    ).order_by(T.due_at, T.id)
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/response/{r[1]}#task-{r[0]}",
            label=_named(frame, r[3], r[4]),
            code=r[2],
            due_at=utc(r[5]),
            light="red",
            place=r[6],
            link_id=r[1],
        )
        for r in rows
    ]
    return items, total


def summary(frame: Frame) -> dict[SectionKey, int]:
    """The viewer's figures in one statement: cases reported today, open alerts, overdue
    tasks and people under an active order (counts only)."""
    actor = frame.actor
    count = select(func.count())
    figures = select(
        actor.restrict(
            count.select_from(Case).where(
                Case.date_reporting == frame.day, Case.classification != "discarded"
            ),
            Case,
        ).scalar_subquery(),
        actor.restrict(
            count.select_from(Alert).where(Alert.status == "open"), Alert
        ).scalar_subquery(),
        actor.restrict(
            count.select_from(T).where(T.status == "open", T.due_at <= utc(frame.now)), T
        ).scalar_subquery(),
        actor.restrict(
            count.select_from(QuarantineOrder).where(QuarantineOrder.status == "active"),
            QuarantineOrder,
        ).scalar_subquery(),
    )
    today, alerts, tasks, held = frame.session.execute(figures).one()
    return {
        "cases_today": int(today or 0),
        "open_alerts": int(alerts or 0),
        "overdue_tasks": int(tasks or 0),
        "under_quarantine": int(held or 0),
    }
