"""Responses, the cases they cover, their playbook tasks, timeline and notifications.

A response belongs to one jurisdiction (``jurisdiction_id``, the scope column).
Its tasks carry the same ``jurisdiction_id`` so that whoever may read the response
reads all of its tasks, and a separate ``owner_id``: the jurisdiction at the
playbook task's level that must do it. Escalation targets (the owner's parent and
grandparent) are stored on the task when it is created, so that the boards of all
jurisdictions are one indexed, set-based query (docs/architecture.md, "Set-based hot paths").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import (
    Base,
    BigId,
    InJurisdiction,
    Timestamped,
    UTCDateTime,
    Versioned,
    utcnow,
)

RESPONSE_STATUSES = ("open", "closed")
TASK_STATUSES = ("open", "done")
RESPONSE_TRIGGERS = ("case_confirmed", "alert", "cluster")
ESCALATING_TO_PARENT = "status = 'open' AND escalated < 1 AND parent_id IS NOT NULL"
ESCALATING_TO_GRANDPARENT = "status = 'open' AND escalated < 2 AND grandparent_id IS NOT NULL"


class Response(InJurisdiction, Versioned, Timestamped, Base):
    """An activated response: opened by a confirmed case, an alert, a cluster or by hand.

    ``case_id`` and ``alert_id`` are unique, so a case or an alert opens at most one
    response however often the sweep runs. The three 7-1-7 dates may be set by hand;
    when empty they are derived from the cases (see metrics.py).
    """

    __tablename__ = "responses"
    # The list (page and API) is newest first: read in that order from an index and
    # stopped at the page, for the province and for one county, instead of sorting every
    # response in scope (600,000 at the wave) for each page.
    __table_args__ = (
        Index("ix_responses_opened_at_id", "opened_at", "id"),
        Index("ix_responses_jurisdiction_id_opened_at_id", "jurisdiction_id", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    disease: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), unique=True)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str | None] = mapped_column(Text)
    emergence_date: Mapped[date | None] = mapped_column(Date)
    detection_date: Mapped[date | None] = mapped_column(Date)
    notification_date: Mapped[date | None] = mapped_column(Date)
    # When the sweep created the response-level (alert, cluster) tasks; NULL until then.
    tasks_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class ResponseCase(InJurisdiction, Base):
    """A case covered by a response: its index case, or a later case that joined it."""

    __tablename__ = "response_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True, nullable=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # When the sweep created the case's playbook tasks; NULL until then, so that a
    # sweep only looks at new cases.
    tasks_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


BOARD_COLUMNS = ["yellow_at", "jurisdiction_id"]


class ResponseTask(InJurisdiction, Versioned, Timestamped, Base):
    """One playbook task of a response, due ``due_hours`` after its trigger.

    ``yellow_at`` is when less than a quarter of the time is left, stored so that
    the traffic light is a plain CASE over three instants (lights.py).
    """

    __tablename__ = "response_tasks"
    __table_args__ = (
        UniqueConstraint("response_id", "case_id", "playbook_id"),
        # A board's three parts, by light and in due order; what the board's filters and
        # the scope read ride along, so that counting a county's 250,000 open tasks
        # reads the index alone (issue #17). The id completes the board's order: tasks
        # opened together (a bulk day's 100,000 cases) share one due_at, and without it
        # PostgreSQL sorted a county's whole board for the first 40.
        Index(
            "ix_response_tasks_open_owner",
            "status",
            "owner_id",
            "due_at",
            "id",
            postgresql_include=BOARD_COLUMNS,
        ),
        Index(
            "ix_response_tasks_open_parent",
            "status",
            "parent_id",
            "due_at",
            "id",
            postgresql_include=BOARD_COLUMNS,
        ),
        Index(
            "ix_response_tasks_open_grandparent",
            "status",
            "grandparent_id",
            "due_at",
            "id",
            postgresql_include=BOARD_COLUMNS,
        ),
        # A county's yellow tasks (yellow_at <= now < due_at) by yellow_at: read in due
        # order, a board with no yellow task passed every green one to count none (1.14 M
        # index entries for a wave county, issue #17); the planner takes the narrower.
        Index(
            "ix_response_tasks_open_owner_yellow",
            "owner_id",
            "yellow_at",
            postgresql_include=["due_at", "jurisdiction_id"],
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        # Lights and steps of every open task read from the index alone (lights.all_lights).
        Index(
            "ix_response_tasks_open_lights",
            "owner_id",
            "due_at",
            postgresql_include=["yellow_at", "parent_id", "grandparent_id"],
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        # The cases with an open task of a type, which the evidence sweep reads every
        # minute (evidence.py); the unique key above serves lookups by response.
        Index(
            "ix_response_tasks_open_type_case",
            "type",
            "case_id",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        # The tasks that may still escalate to each board, one index per step, so the
        # sweep's steady state reads only these (and not the tasks one step up already).
        Index(
            "ix_response_tasks_escalating_parent",
            "due_at",
            postgresql_where=text(ESCALATING_TO_PARENT),
            sqlite_where=text(ESCALATING_TO_PARENT),
        ),
        Index(
            "ix_response_tasks_escalating_grandparent",
            "due_at",
            postgresql_where=text(ESCALATING_TO_GRANDPARENT),
            sqlite_where=text(ESCALATING_TO_GRANDPARENT),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    playbook_id: Mapped[str] = mapped_column(String(64), nullable=False)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(32), nullable=False)
    # The owner and its parent and grandparent are read from the jurisdiction tree in the
    # statement that writes the task (tasks._owners) and carry no foreign keys of their
    # own: jurisdictions are never deleted, and PostgreSQL checks each key of each row
    # with a lookup of its own; the three took a quarter of writing a bulk day's 800,000
    # tasks (docs/benchmarks.md, "Bulk day"). ``jurisdiction_id`` keeps its key.
    owner_id: Mapped[int] = mapped_column(Integer, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    grandparent_id: Mapped[int | None] = mapped_column(Integer)
    depends_on: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    yellow_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    due_hours: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_team: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What completed it: "contacts", "quarantine_orders", "samples", "isolation_order"
    # (records found by the evidence sweep, linked through case_id) or "user".
    evidence: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(1000))
    # The highest escalation step recorded in response_notifications (0, 1 or 2), kept
    # on the task so that finding new escalations does not anti-join every open task
    # against every notification (3 million tasks at the 600,000-case wave).
    escalated: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, default=0, server_default=text("0")
    )


class ResponseEvent(InJurisdiction, Base):
    """One line of a response's timeline. Details carry ids and codes, never personal data."""

    __tablename__ = "response_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True, nullable=False)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("response_tasks.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str | None] = mapped_column(String(1000))


class ResponseNotification(InJurisdiction, Base):
    """An overdue task shown to a jurisdiction: step 1 its owner's parent, step 2 the
    grandparent. ``jurisdiction_id`` is the board that receives it; the unique key
    makes each step notify once however often the sweep runs."""

    __tablename__ = "response_notifications"
    __table_args__ = (UniqueConstraint("task_id", "step"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("response_tasks.id"), nullable=False)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), nullable=False)
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Delivery outside the app; NULL until sent (or when the channel is not configured).
    webhook_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    email_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
