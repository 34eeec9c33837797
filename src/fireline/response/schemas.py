"""API shapes of responses, tasks, the board, notifications, metrics and the league table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ResponseCreate(BaseModel):
    """Open a response by hand: for a case, an alert, a cluster, or anything else."""

    jurisdiction_code: str
    disease: str
    trigger: Literal["case_confirmed", "alert", "cluster"] = "cluster"
    case_id: int | None = None
    alert_id: int | None = None
    level: str | None = None
    lead_user_id: int | None = None


class ResponseUpdate(BaseModel):
    version: int
    level: str | None = None
    lead_user_id: int | None = None
    emergence_date: date | None = None
    detection_date: date | None = None
    notification_date: date | None = None


class ResponseClose(BaseModel):
    version: int
    summary: str = Field(min_length=1, max_length=10_000)


class ResponseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    jurisdiction_id: int
    disease: str
    trigger: str
    case_id: int | None
    alert_id: int | None
    level: str
    status: str
    lead_user_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    summary: str | None
    emergence_date: date | None
    detection_date: date | None
    notification_date: date | None
    version: int


class TaskRead(BaseModel):
    """A task with its traffic light and escalation step at the time of the request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    response_id: int
    case_id: int | None
    playbook_id: str
    type: str
    name_en: str
    name_zh: str
    level: str
    owner_id: int
    depends_on: list[str]
    started_at: datetime
    due_at: datetime
    status: str
    light: str
    escalation: int
    assignee_user_id: int | None
    assignee_team: str | None
    completed_at: datetime | None
    evidence: str | None
    note: str | None
    version: int


class TaskUpdate(BaseModel):
    version: int
    assignee_user_id: int | None = None
    assignee_team: str | None = Field(default=None, max_length=100)


class TaskComplete(BaseModel):
    version: int
    note: str | None = Field(default=None, max_length=1000)


class IntervalRead(BaseModel):
    name: str
    target_days: int
    days: int | None
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
    task_id: int | None = None
    detail: str | None = None


class ResponseDetail(ResponseRead):
    tasks: list[TaskRead]
    metrics: MetricsRead


class BoardRead(BaseModel):
    jurisdiction_code: str
    counts: dict[str, int]
    tasks: list[TaskRead]


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    task_id: int
    response_id: int
    jurisdiction_id: int
    step: int
    created_at: datetime
    read_at: datetime | None


class LeagueCellRead(BaseModel):
    value: float | None
    numerator: int
    denominator: int
    previous: float | None
    trend: float | None
    rank: int | None
    red: bool


class LeagueRowRead(BaseModel):
    jurisdiction_id: int
    code: str
    name_en: str
    name_zh: str
    rank: int | None
    cells: dict[str, LeagueCellRead]


class LeagueRead(BaseModel):
    jurisdiction_code: str
    start: date
    end: date
    target: float
    indicators: list[str]
    rows: list[LeagueRowRead]


class SweepRead(BaseModel):
    responses: int
    cases_joined: int
    tasks: int
    completed: int
    escalations: int
