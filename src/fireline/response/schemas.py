"""API shapes of responses, tasks, the board, notifications, metrics and the league table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Count, Day, Id, Int64


class ResponseCreate(BaseModel):
    """Open a response by hand: for a case, an alert, a cluster, or anything else."""

    jurisdiction_code: str
    disease: str
    trigger: Literal["case_confirmed", "alert", "cluster"] = "cluster"
    case_id: Id | None = None
    alert_id: Id | None = None
    level: str | None = None
    lead_user_id: Id | None = None


class ResponseUpdate(BaseModel):
    version: Count
    level: str | None = None
    lead_user_id: Id | None = None
    emergence_date: Day | None = None
    detection_date: Day | None = None
    notification_date: Day | None = None


class ResponseClose(BaseModel):
    version: Count
    summary: str = Field(min_length=1, max_length=10_000)


class ResponseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    jurisdiction_id: Id
    disease: str
    trigger: str
    case_id: Id | None
    alert_id: Id | None
    level: str
    status: str
    lead_user_id: Id | None
    opened_at: datetime
    closed_at: datetime | None
    summary: str | None
    emergence_date: date | None
    detection_date: date | None
    notification_date: date | None
    version: Count


class ResponseListed(ResponseRead):
    """A response in a list: with its open tasks and how many are overdue now."""

    open_tasks: Count
    overdue_tasks: Count


class TaskRead(BaseModel):
    """A task with its traffic light and escalation step at the time of the request."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    response_id: Id
    case_id: Id | None
    playbook_id: str
    type: str
    name_en: str
    name_zh: str
    level: str
    owner_id: Id
    depends_on: list[str]
    started_at: datetime
    due_at: datetime
    status: str
    light: str
    escalation: Int64
    assignee_user_id: Id | None
    assignee_team: str | None
    completed_at: datetime | None
    evidence: str | None
    note: str | None
    version: Count


class TaskUpdate(BaseModel):
    version: Count
    assignee_user_id: Id | None = None
    assignee_team: str | None = Field(default=None, max_length=100)


class TaskComplete(BaseModel):
    version: Count
    note: str | None = Field(default=None, max_length=1000)


class IntervalRead(BaseModel):
    name: str
    target_days: Int64
    days: Int64 | None
    met: bool | None


class MetricsRead(BaseModel):
    """7-1-7 of one response (Frieden et al. 2021)."""

    emergence: date | None
    detection: date | None
    notification: date | None
    completed: date | None
    intervals: list[IntervalRead]


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    task_id: Id | None = None
    detail: str | None = None


class ResponseDetail(ResponseRead):
    tasks: list[TaskRead]
    metrics: MetricsRead


class BoardRead(BaseModel):
    jurisdiction_code: str
    counts: dict[str, Int64]
    capped: list[str] = Field(
        default_factory=list,
        description="Lights whose count is the cap (10,000): more than that many tasks",
    )
    tasks: list[TaskRead]


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    task_id: Id
    response_id: Id
    jurisdiction_id: Id
    step: Int64
    created_at: datetime
    read_at: datetime | None


class LeagueCellRead(BaseModel):
    value: float | None
    numerator: Int64
    denominator: Int64
    previous: float | None
    trend: float | None
    rank: Int64 | None
    red: bool


class LeagueRowRead(BaseModel):
    jurisdiction_id: Id
    code: str
    name_en: str
    name_zh: str
    rank: Int64 | None
    cells: dict[str, LeagueCellRead]


class LeagueRead(BaseModel):
    jurisdiction_code: str
    start: date
    end: date
    target: float
    indicators: list[str]
    rows: list[LeagueRowRead]
