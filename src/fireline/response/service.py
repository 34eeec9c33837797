"""Use cases of responses: the sweep, opening by hand, changing, closing, 7-1-7, timeline.

Every read and write goes through the context's actor (``Context``), and its clock says
when; the sweep runs as the system at the instant its job or command gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db.sqlfn import analyze, write
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.response.evidence import complete_by_evidence
from fireline.response.evidence_watch import EvidenceWatch, Marks, changed_cases, take
from fireline.response.lights import utc
from fireline.response.metrics import Interval, Timeline, seven_one_seven, timelines
from fireline.response.models import (
    Response,
    ResponseCase,
    ResponseEvent,
    ResponseNotification,
    ResponseTask,
)
from fireline.response.notify import escalate
from fireline.response.opening import open_due_responses
from fireline.response.schemas import ResponseCreate, ResponseUpdate, TimelineEntry
from fireline.response.settings import ResponseSettings
from fireline.response.tasks import insert_tasks
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import Alert

BIG_BATCH = 10_000


@dataclass(frozen=True)
class SweepSummary:
    responses: int
    cases_joined: int
    tasks: int
    completed: int
    escalations: int


def sweep(
    session: Session,
    now: datetime,
    *,
    profiles: Mapping[str, DiseaseProfile],
    settings: ResponseSettings,
) -> SweepSummary:
    """Open due responses, complete tasks with evidence, record escalations: all set-based,
    in the caller's transaction."""

    @contextmanager
    def same() -> Iterator[Session]:
        yield session

    return sweep_in_steps(same, now, profiles=profiles, settings=settings)


def sweep_in_steps(
    step: Callable[[], AbstractContextManager[Session]],
    now: datetime,
    *,
    profiles: Mapping[str, DiseaseProfile],
    settings: ResponseSettings,
    watch: EvidenceWatch | None = None,
) -> SweepSummary:
    """The sweep's three steps, each in a transaction ``step()`` opens: each is whole on
    its own (the next sweep does what a failed one left), and the job holds SQLite's
    write lock one step at a time. With a running worker's ``watch``, evidence is
    checked only for the cases changed since its last checks (evidence_watch.py)."""
    with step() as session:
        opened = open_due_responses(session, now, profiles=profiles, settings=settings)
        if opened.tasks > BIG_BATCH:
            # A bulk load opens thousands of responses at once; fresh statistics keep the
            # evidence and escalation queries on index plans (autovacuum would come later).
            analyze(session, "responses", "response_cases", "response_tasks")
    with step() as session:
        completed, checked = _complete(session, now, watch)
    if watch is not None and checked is not None:
        # Recorded once the step has committed: a check rolled back is made again.
        watch.checked(*checked)
    with step() as session:
        escalations = escalate(session, now, settings)
        session.flush()
    return SweepSummary(opened.responses, opened.cases_joined, opened.tasks, completed, escalations)


def _complete(
    session: Session, now: datetime, watch: EvidenceWatch | None
) -> tuple[int, tuple[Marks, bool] | None]:
    """The evidence step: every open task, or those of the cases changed since ``watch``'s
    marks; the marks are taken before the check reads, so nothing added during it is
    skipped by the next. Returns the tasks closed, and the marks and whether the check
    was full, for ``watch`` to record."""
    if watch is None:
        return complete_by_evidence(session, now), None
    marks = take(session, now)
    since = watch.since(marks.taken_at)
    closed = complete_by_evidence(session, now, None if since is None else changed_cases(since))
    return closed, (marks, since is None)


def get_response(session: Session, context: Context, response_id: int) -> Response:
    """One response in scope (else a 404 that does not say whether it exists)."""
    actor = context.actor
    actor.require("records:read")
    found: Response = actor.get(session, Response, response_id, f"response {response_id}")
    return found


def _event(
    session: Session, context: Context, response: Response, kind: str, detail: str | None = None
) -> None:
    session.add(
        ResponseEvent(
            response_id=response.id,
            jurisdiction_id=response.jurisdiction_id,
            at=utc(context.now()),
            kind=kind,
            user_id=context.actor.user_id,
            detail=detail,
        )
    )


def _check_level(level: str, settings: ResponseSettings) -> str:
    if level not in settings.levels:
        raise Problem(422, f"level {level!r} is not one of {', '.join(settings.levels)}")
    return level


def _check_lead(session: Session, actor: Actor, user_id: int | None) -> int | None:
    if user_id is not None:
        actor.get(session, User, user_id, f"user {user_id}")
    return user_id


def _trigger_record(session: Session, actor: Actor, body: ResponseCreate) -> int | None:
    """The jurisdiction of the case or alert a response is opened for, checked in scope."""
    if body.trigger == "case_confirmed":
        if body.case_id is None:
            raise Problem(422, "a response for a confirmed case needs case_id")
        case: Case = actor.get(session, Case, body.case_id, f"case {body.case_id}")
        taken = select(ResponseCase.id).where(ResponseCase.case_id == case.id)
        if case.disease != body.disease or session.scalar(taken) is not None:
            raise Conflict(f"case {case.id} is of another disease or already in a response")
        return case.jurisdiction_id
    if body.trigger == "alert":
        if body.alert_id is None:
            raise Problem(422, "a response for an alert needs alert_id")
        alert: Alert = actor.get(session, Alert, body.alert_id, f"alert {body.alert_id}")
        if session.scalar(select(Response.id).where(Response.alert_id == alert.id)):
            raise Conflict(f"alert {alert.id} already has a response")
        return alert.jurisdiction_id
    return None


def open_response(
    session: Session, context: Context, body: ResponseCreate, settings: ResponseSettings
) -> Response:
    """Open a response by hand, with its playbook (from the deployment's profiles) due from
    the context's now."""
    actor, now = context.actor, context.now()
    actor.require("cases:write")
    place = actor.jurisdiction(session, body.jurisdiction_code)
    profile = context.profile(body.disease)
    if profile is None:
        raise Problem(422, f"no disease profile {body.disease!r}")
    response = Response(
        jurisdiction_id=_trigger_record(session, actor, body) or place.id,
        disease=body.disease,
        trigger=body.trigger,
        case_id=body.case_id if body.trigger == "case_confirmed" else None,
        alert_id=body.alert_id if body.trigger == "alert" else None,
        level=_check_level(body.level or settings.default_level, settings),
        lead_user_id=_check_lead(session, actor, body.lead_user_id),
        opened_at=utc(now),
        opened_by=actor.user_id,
    )
    session.add(response)
    session.flush()
    _attach_index(session, response, now)
    insert_tasks(session, {body.disease: profile}, now)
    _event(session, context, response, "opened", f"level {response.level}")
    audit.record(
        session,
        actor,
        "create",
        "response",
        [response.id],
        jurisdiction_id=response.jurisdiction_id,
    )
    return response


def _attach_index(session: Session, response: Response, now: datetime) -> None:
    if response.case_id is not None:
        member = ResponseCase(
            response_id=response.id,
            case_id=response.case_id,
            jurisdiction_id=response.jurisdiction_id,
            joined_at=utc(now),
        )
        session.add(member)
        session.flush()


def _fresh(response: Response, version: int) -> None:
    if response.version != version:
        raise Conflict(f"response {response.id} is at version {response.version}, not {version}")


def update_response(
    session: Session,
    context: Context,
    response_id: int,
    body: ResponseUpdate,
    settings: ResponseSettings,
) -> Response:
    """Change the level, the lead or the 7-1-7 dates; each change goes on the timeline."""
    actor = context.actor
    actor.require("cases:write")
    response = get_response(session, context, response_id)
    _fresh(response, body.version)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"version"})
    if "level" in changes:
        changes["level"] = _check_level(str(changes["level"]), settings)
    if "lead_user_id" in changes:
        _check_lead(session, actor, changes["lead_user_id"])
    for key, value in changes.items():
        if getattr(response, key) != value:
            setattr(response, key, value)
            _event(session, context, response, key, f"{key} = {value}")
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "response",
        [response.id],
        jurisdiction_id=response.jurisdiction_id,
        fields=sorted(changes),
    )
    return response


def close_response(
    session: Session, context: Context, response_id: int, *, summary: str, version: int
) -> Response:
    """Close with a summary; open tasks are cancelled and leave every board."""
    actor, now = context.actor, context.now()
    actor.require("cases:write")
    response = get_response(session, context, response_id)
    _fresh(response, version)
    if response.status == "closed":
        raise Conflict(f"response {response.id} is already closed")
    response.status, response.summary, response.closed_at = "closed", summary, utc(now)
    write(
        session,
        update(ResponseTask)
        .where(ResponseTask.response_id == response.id, ResponseTask.status == "open")
        .values(status="cancelled", version=ResponseTask.version + 1, updated_at=utc(now))
        .execution_options(synchronize_session=False),
    )
    _event(session, context, response, "closed")
    session.flush()
    audit.record(
        session, actor, "close", "response", [response.id], jurisdiction_id=response.jurisdiction_id
    )
    return response


def metrics(
    session: Session, context: Context, response_id: int
) -> tuple[Timeline, tuple[Interval, Interval, Interval]]:
    """The 7-1-7 dates and intervals of one response, as of the context's now."""
    response = get_response(session, context, response_id)
    _, timeline = timelines(session, Response.id == response.id)[response.id]
    return timeline, seven_one_seven(timeline, utc(context.now()).date())


def timeline(session: Session, context: Context, response_id: int) -> list[TimelineEntry]:
    """What happened, in order: opening, cases joining, tasks done, escalations, changes."""
    response = get_response(session, context, response_id)
    opened = TimelineEntry(at=response.opened_at, kind="opened", detail=response.trigger)
    return sorted([opened, *_history(session, response)], key=lambda e: (utc(e.at), e.kind))


def _history(session: Session, response: Response) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in session.scalars(
        select(ResponseEvent).where(ResponseEvent.response_id == response.id)
    ):
        entries.append(
            TimelineEntry(at=event.at, kind=event.kind, task_id=event.task_id, detail=event.detail)
        )
    joined = select(ResponseCase).where(
        ResponseCase.response_id == response.id, ResponseCase.case_id != response.case_id
    )
    for case in session.scalars(joined):
        entries.append(
            TimelineEntry(at=case.joined_at, kind="case_joined", detail=str(case.case_id))
        )
    tasks = select(ResponseTask).where(
        ResponseTask.response_id == response.id, ResponseTask.completed_at.is_not(None)
    )
    for task in session.scalars(tasks):
        assert task.completed_at is not None
        entries.append(
            TimelineEntry(
                at=task.completed_at,
                kind="task_done",
                task_id=task.id,
                detail=f"{task.playbook_id}: {task.evidence}",
            )
        )
    notes = select(ResponseNotification).where(ResponseNotification.response_id == response.id)
    for note in session.scalars(notes):
        entries.append(
            TimelineEntry(
                at=note.created_at,
                kind="escalated",
                task_id=note.task_id,
                detail=f"step {note.step}",
            )
        )
    return entries
