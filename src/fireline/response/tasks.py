"""Creating playbook tasks, set-based: one INSERT ... SELECT per playbook task.

A task is due ``due_hours`` after its trigger (the case's confirmation, or the
opening of the response for alerts and clusters). Its owner is the response's
jurisdiction or, when the playbook puts the task at a higher level (``city``,
``province``), the ancestor at that level; the owner's parent and grandparent are
stored with the task for escalation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Select,
    TableClause,
    and_,
    case,
    func,
    insert,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from fireline.db.sqlfn import BIG_BATCH, add_hours, analyze, drop, stage, write
from fireline.diseases.playbook import PlaybookTask
from fireline.diseases.schemas import DiseaseProfile
from fireline.places.models import Jurisdiction
from fireline.response.lights import utc
from fireline.response.models import RESPONSE_TRIGGERS, Response, ResponseCase, ResponseTask
from fireline.surveillance.models import Case, ClassificationChange

COLUMNS = [
    "jurisdiction_id",
    "response_id",
    "case_id",
    "playbook_id",
    "type",
    "name_en",
    "name_zh",
    "level",
    "owner_id",
    "parent_id",
    "grandparent_id",
    "depends_on",
    "started_at",
    "due_at",
    "yellow_at",
    "due_hours",
    "status",
    "version",
    "created_at",
    "updated_at",
]


def confirmed_at(case: Any = Case) -> ColumnElement[datetime]:
    """When a case became confirmed: its last move to confirmed, else when it was entered."""
    moved = (
        select(func.max(ClassificationChange.at))
        .where(
            ClassificationChange.case_id == case.id,
            ClassificationChange.to_classification == "confirmed",
        )
        .scalar_subquery()
    )
    return func.coalesce(moved, case.created_at)


def _case_triggers(disease: str, now: datetime) -> Select[Any]:
    """New cases of open case responses: the task's trigger is the case's confirmation."""
    started = func.coalesce(confirmed_at(), literal(utc(now), DateTime(timezone=True)))
    return (
        select(
            ResponseCase.response_id,
            ResponseCase.case_id,
            Response.jurisdiction_id,
            started.label("started_at"),
        )
        .join(Response, Response.id == ResponseCase.response_id)
        .join(Case, Case.id == ResponseCase.case_id)
        .where(
            Response.disease == disease,
            Response.status == "open",
            Response.trigger == "case_confirmed",
            ResponseCase.tasks_at.is_(None),
        )
    )


def _response_triggers(disease: str, trigger: str) -> Select[Any]:
    """Each open response opened by ``trigger``: the task's trigger is the opening."""
    return select(
        Response.id.label("response_id"),
        null().cast(BigInteger).label("case_id"),
        Response.jurisdiction_id,
        Response.opened_at.label("started_at"),
    ).where(
        Response.disease == disease,
        Response.status == "open",
        Response.trigger == trigger,
        Response.tasks_at.is_(None),
    )


def _constants(task: PlaybookTask) -> list[Any]:
    """The columns every row of one playbook task shares."""
    return [
        literal(task.id),
        literal(task.type),
        literal(task.names.en),
        literal(task.names.zh),
        literal(task.level),
    ]


def _owners(level: str) -> Subquery:
    """Per jurisdiction: the owner of a task at ``level`` (the ancestor at that level, else
    the jurisdiction itself), its parent and grandparent. One row per jurisdiction."""
    home, owner, above = aliased(Jurisdiction), aliased(Jurisdiction), aliased(Jurisdiction)
    at_level = and_(owner.level == level, home.path >= owner.path, home.path < owner.path + "~")
    parent_id = case((owner.id.is_(None), home.parent_id), else_=owner.parent_id)
    return (
        select(
            home.id.label("home_id"),
            func.coalesce(owner.id, home.id).label("owner_id"),
            parent_id.label("parent_id"),
            above.parent_id.label("grandparent_id"),
        )
        .outerjoin(owner, at_level)
        .outerjoin(above, above.id == parent_id)
        .subquery("owners")
    )


def _insert_one(session: Session, task: PlaybookTask, source: TableClause, now: datetime) -> int:
    """Insert ``task`` for every staged trigger row. One INSERT per playbook task (not one
    over staged rows x playbook) keeps the ids in playbook order, which boards use to
    order tasks due at the same instant; the staged table makes each a plain scan."""
    owners = _owners(task.level)
    stamp = literal(utc(now), DateTime(timezone=True))
    start = source.c.started_at
    values = [
        *(source.c.jurisdiction_id, source.c.response_id, source.c.case_id),
        *_constants(task),
        *(owners.c.owner_id, owners.c.parent_id, owners.c.grandparent_id),
        *(literal(",".join(task.depends_on)), start, add_hours(start, task.due_hours)),
        *(add_hours(start, task.due_hours * 0.75), literal(task.due_hours)),
        *(literal("open"), literal(1), stamp, stamp),
    ]
    rows = (
        select(*values)
        .select_from(source)
        .join(owners, owners.c.home_id == source.c.jurisdiction_id)
    )
    return write(session, insert(ResponseTask).from_select(COLUMNS, rows))


def _mark_done(session: Session, disease: str, now: datetime) -> None:
    """Remember which cases and responses have their tasks, so the next sweep skips them."""
    stamp = utc(now)
    of_disease = select(Response.id).where(Response.disease == disease)
    write(
        session,
        update(ResponseCase)
        .where(ResponseCase.tasks_at.is_(None), ResponseCase.response_id.in_(of_disease))
        .values(tasks_at=stamp),
    )
    write(
        session,
        update(Response)
        .where(Response.tasks_at.is_(None), Response.disease == disease)
        .values(tasks_at=stamp),
    )


def _insert_for(
    session: Session, tasks: list[PlaybookTask], triggers: Select[Any], now: datetime
) -> int:
    """Stage the trigger rows once (a few per new case), then insert their tasks."""
    if not tasks:
        return 0
    staged = stage(session, "fl_task_triggers", triggers)
    created = sum(_insert_one(session, task, staged, now) for task in tasks)
    drop(session, "fl_task_triggers")
    return created


def insert_case_tasks(
    session: Session, profile: DiseaseProfile, triggers: Select[Any], now: datetime
) -> int:
    """The case tasks of ``profile`` for trigger rows the caller selects (response id, case
    id, jurisdiction id, started_at), when it writes their ``response_cases`` rows already
    stamped: PostgreSQL re-checks every foreign key of a row updated in the transaction
    that inserted it, so stamping 100,000 fresh rows afterwards cost as much as writing them."""
    tasks = [task for task in profile.playbook.ordered() if task.trigger == "case_confirmed"]
    return _insert_for(session, tasks, triggers, now)


def insert_tasks(session: Session, profiles: Mapping[str, DiseaseProfile], now: datetime) -> int:
    """Create the playbook tasks of new responses and newly joined cases (idempotent)."""
    created = 0
    for code, profile in sorted(profiles.items()):
        ordered = list(profile.playbook.ordered())
        for trigger in RESPONSE_TRIGGERS:
            tasks = [task for task in ordered if task.trigger == trigger]
            if trigger == "case_confirmed":
                source = _case_triggers(code, now)
            else:
                source = _response_triggers(code, trigger)
            created += _insert_for(session, tasks, source, now)
        _mark_done(session, code, now)
    if created > BIG_BATCH:
        analyze(session, "response_tasks", "response_cases", "responses")
    return created
