"""Opening responses automatically: a set-based, idempotent sweep.

Surveillance does not know about responses (dependencies point one way), so
responses are opened by a sweep over confirmed cases and alerts, run every
minute by the server and by ``fireline responses sweep``. A case or an alert
opens at most one response: ``responses.case_id``, ``responses.alert_id`` and
``response_cases.case_id`` are unique and every INSERT selects only what has
none yet. The opening policy is the disease profile's (diseases/playbook.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session, aliased

from fireline.db.sqlfn import add_days, drop, stage, write, write_big
from fireline.diseases.playbook import OpenAfterCleanDays, OpenOnEveryConfirmedCase
from fireline.diseases.schemas import DiseaseProfile
from fireline.response.lights import utc
from fireline.response.models import Response, ResponseCase
from fireline.response.settings import ResponseSettings
from fireline.response.tasks import confirmed_at, insert_case_tasks, insert_tasks
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import Alert


@dataclass(frozen=True)
class OpeningSummary:
    responses: int = 0
    cases_joined: int = 0
    tasks: int = 0


def _unattached(disease: str) -> list[ColumnElement[bool]]:
    """Confirmed cases of ``disease`` in no response yet (aliases: safe inside joins)."""
    member, index = aliased(ResponseCase), aliased(Response)
    return [
        Case.disease == disease,
        Case.classification == "confirmed",
        ~exists().where(member.case_id == Case.id),
        ~exists().where(index.case_id == Case.id),
    ]


def _now(now: datetime) -> Any:
    return literal(utc(now), DateTime(timezone=True))


def _open_for_cases(
    session: Session,
    source: Select[Any],
    level: str,
    now: datetime,
    tasks_at: datetime | None = None,
) -> int:
    """One response per case id of ``source`` (columns: case id, jurisdiction id); with
    ``tasks_at``, stamped as having its tasks (the caller writes them in this transaction)."""
    rows = source.subquery()
    stamp = literal(utc(tasks_at) if tasks_at else None, DateTime(timezone=True))
    opened = select(
        rows.c.jurisdiction_id,
        rows.c.disease,
        literal("case_confirmed"),
        rows.c.case_id,
        literal(level),
        literal("open"),
        rows.c.opened_at,
        literal(1),
        _now(now),
        _now(now),
        stamp,
    )
    columns = [
        "jurisdiction_id",
        "disease",
        "trigger",
        "case_id",
        "level",
        "status",
        "opened_at",
        "version",
        "created_at",
        "updated_at",
        "tasks_at",
    ]
    return write_big(session, insert(Response).from_select(columns, opened), "responses")


def _attach_index_cases(session: Session) -> None:
    """Every response's index case is one of its cases (responses opened by clean days)."""
    pending = select(
        Response.id, Response.case_id, Response.jurisdiction_id, Response.opened_at
    ).where(
        Response.case_id.is_not(None),
        Response.tasks_at.is_(None),
        ~exists().where(ResponseCase.case_id == Response.case_id),
    )
    # Staged first: the NOT EXISTS reads response_cases, the table being written.
    staged = stage(session, "fl_index_cases", pending)
    columns = ["response_id", "case_id", "jurisdiction_id", "joined_at"]
    write_big(session, insert(ResponseCase).from_select(columns, select(staged)), "response_cases")
    drop(session, "fl_index_cases")


def _every_case(
    session: Session, profile: DiseaseProfile, level: str, now: datetime
) -> tuple[int, int]:
    """One response per new confirmed case, that case as its first member, and its tasks;
    returns (responses, tasks).

    The new cases are staged once (one anti-join against the response tables); every
    INSERT then reads the staged rows, never the tables it writes. Responses and members
    are written stamped with ``tasks_at`` and their tasks created from the staged rows in
    the same transaction, so no UPDATE follows (see ``tasks.insert_case_tasks``).
    """
    source = select(
        Case.id.label("case_id"),
        Case.jurisdiction_id,
        Case.disease,
        func.coalesce(confirmed_at(), _now(now)).label("opened_at"),
    ).where(*_unattached(profile.code))
    fresh = stage(session, "fl_new_cases", source)
    opened = _open_for_cases(session, select(fresh), level, now, tasks_at=now)
    members = select(
        Response.id, Response.case_id, Response.jurisdiction_id, Response.opened_at, _now(now)
    ).join(fresh, fresh.c.case_id == Response.case_id)
    columns = ["response_id", "case_id", "jurisdiction_id", "joined_at", "tasks_at"]
    write_big(session, insert(ResponseCase).from_select(columns, members), "response_cases")
    # The task's trigger is the case's confirmation: the staged opened_at, as _case_triggers.
    triggers = select(
        Response.id.label("response_id"),
        fresh.c.case_id,
        fresh.c.jurisdiction_id,
        fresh.c.opened_at.label("started_at"),
    ).join(fresh, fresh.c.case_id == Response.case_id)
    tasks = insert_case_tasks(session, profile, triggers, now)
    drop(session, "fl_new_cases")
    return opened, tasks


def _join_open_responses(session: Session, disease: str, now: datetime) -> int:
    """Cases reported on or after an open response's index case join that response."""
    index = aliased(Case)
    joined = (
        select(
            func.min(Response.id).label("response_id"),
            Case.id.label("case_id"),
            Case.jurisdiction_id,
            _now(now).label("joined_at"),
        )
        .join(
            Response,
            and_(
                Response.jurisdiction_id == Case.jurisdiction_id,
                Response.disease == Case.disease,
                Response.status == "open",
                Response.trigger == "case_confirmed",
            ),
        )
        .join(index, index.id == Response.case_id)
        .where(*_unattached(disease), Case.date_reporting >= index.date_reporting)
        .group_by(Case.id, Case.jurisdiction_id)
    )
    staged = stage(session, "fl_joining_cases", joined)  # NOT EXISTS reads the target
    columns = ["response_id", "case_id", "jurisdiction_id", "joined_at"]
    rows = insert(ResponseCase).from_select(columns, select(staged))
    written = write_big(session, rows, "response_cases")
    drop(session, "fl_joining_cases")
    return written


def _first_after_clean_days(
    session: Session, disease: str, clean_days: int, level: str, now: datetime
) -> tuple[int, int]:
    """Open for the first case after ``clean_days`` without a case; later cases join.

    Per jurisdiction, the earliest unattached case with no confirmed case in the
    ``clean_days`` days before its report opens the response.
    """
    joined = _join_open_responses(session, disease, now)
    earlier = aliased(Case)
    recent_case = exists().where(
        earlier.jurisdiction_id == Case.jurisdiction_id,
        earlier.disease == disease,
        earlier.classification == "confirmed",
        earlier.id != Case.id,
        earlier.date_reporting >= add_days(Case.date_reporting, -clean_days),
        (earlier.date_reporting < Case.date_reporting)
        | ((earlier.date_reporting == Case.date_reporting) & (earlier.id < Case.id)),
    )
    first = (
        select(func.min(Case.id).label("case_id"))
        .where(*_unattached(disease), ~recent_case)
        .group_by(Case.jurisdiction_id)
        .subquery()
    )
    source = select(
        Case.id.label("case_id"),
        Case.jurisdiction_id,
        Case.disease,
        func.coalesce(confirmed_at(), _now(now)).label("opened_at"),
    ).where(Case.id.in_(select(first.c.case_id)))
    opened = _open_for_cases(session, source, level, now)
    _attach_index_cases(session)
    return opened, joined + _join_open_responses(session, disease, now)


def _open_for_alerts(session: Session, disease: str, level: str, now: datetime) -> int:
    """An alert that is not dismissed opens one response (when the playbook has alert tasks)."""
    source = select(
        Alert.jurisdiction_id,
        literal(disease),
        literal("alert"),
        Alert.id,
        literal(level),
        literal("open"),
        func.coalesce(Alert.created_at, _now(now)),
        literal(1),
        _now(now),
        _now(now),
    ).where(
        Alert.disease == disease,
        Alert.status != "dismissed",
        ~exists().where(Response.alert_id == Alert.id),
    )
    columns = [
        "jurisdiction_id",
        "disease",
        "trigger",
        "alert_id",
        "level",
        "status",
        "opened_at",
        "version",
        "created_at",
        "updated_at",
    ]
    return write(session, insert(Response).from_select(columns, source))


def open_due_responses(
    session: Session,
    now: datetime,
    *,
    profiles: Mapping[str, DiseaseProfile],
    settings: ResponseSettings,
) -> OpeningSummary:
    """Open every response the profiles' policies call for, and their playbook tasks."""
    opened = joined = tasks = 0
    level = settings.default_level
    for code, profile in sorted(profiles.items()):
        policy = profile.playbook.opening
        if isinstance(policy, OpenOnEveryConfirmedCase):
            new, created = _every_case(session, profile, level, now)
            opened, tasks = opened + new, tasks + created
        elif isinstance(policy, OpenAfterCleanDays):
            new, more = _first_after_clean_days(session, code, policy.clean_days, level, now)
            opened, joined = opened + new, joined + more
        if profile.playbook.tasks_for("alert"):
            opened += _open_for_alerts(session, code, level, now)
    tasks += insert_tasks(session, profiles, now)
    session.flush()
    return OpeningSummary(opened, joined, tasks)
