"""7-1-7 timeliness of responses (Frieden et al. 2021, doi:10.1016/S0140-6736(21)01250-2).

Every outbreak should be detected within 7 days of emergence, notified to public
health authorities within 1 day of detection, and have its early response
actions completed within 7 days of notification. The dates of one response:

- emergence: the earliest symptom onset among its cases (or set by hand);
- detection: the first record of the event by any source: the earliest sample of
  the index case's person for the disease, or the case report if earlier; for an
  alert, its signal date;
- notification: completion of the playbook's ``notify_authority`` task; when the
  playbook has none, the index case's report (the report is the notification in a
  direct-reporting system such as China's NNDRS);
- early response completed: the last completion of the response's own tasks and
  its index case's tasks, once all are done.

Intervals are whole calendar days, as in the 7-1-7 paper and the WHO 7-1-7
target review tool. Any of the first three dates may be corrected by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from fireline.lab.models import Sample
from fireline.response.models import Response, ResponseCase, ResponseTask
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import Alert

TARGETS = (("detect", 7), ("notify", 1), ("respond", 7))


@dataclass(frozen=True)
class Timeline:
    """The four dates of a response; None when not (yet) known."""

    emergence: date | None
    detection: date | None
    notification: date | None
    completed: date | None


@dataclass(frozen=True)
class Interval:
    """One 7-1-7 interval: ``met`` is None while it can still be met."""

    name: str
    target_days: int
    days: int | None
    met: bool | None


def _interval(
    name: str, target: int, start: date | None, end: date | None, today: date
) -> Interval:
    if start is None:
        return Interval(name, target, None, None)
    if end is None:
        # Still open: it is already missed once the target has passed.
        late = (today - start).days > target
        return Interval(name, target, None, False if late else None)
    days = (end - start).days
    return Interval(name, target, days, days <= target)


def seven_one_seven(timeline: Timeline, today: date) -> tuple[Interval, Interval, Interval]:
    """Emergence→detection (7 d), detection→notification (1 d), notification→response (7 d)."""
    t = timeline
    return (
        _interval("detect", 7, t.emergence, t.detection, today),
        _interval("notify", 1, t.detection, t.notification, today),
        _interval("respond", 7, t.notification, t.completed, today),
    )


def as_date(value: date | datetime | str | None) -> date | None:
    """A date from a DATE, an instant (its UTC day) or SQLite's text of either."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None else value.astimezone(UTC).date()
    return value


def _earliest(*values: date | datetime | str | None) -> date | None:
    found = [d for d in (as_date(v) for v in values) if d is not None]
    return min(found) if found else None


def _own_tasks(response: Any) -> ColumnElement[bool]:
    """The response's early actions: its own tasks and its index case's."""
    task = ResponseTask
    return and_(
        task.response_id == response.id,
        or_(task.case_id.is_(None), task.case_id == response.case_id),
    )


def _columns(index: Any) -> list[Any]:
    task = ResponseTask
    onset = (
        select(func.min(Case.date_onset))
        .join(ResponseCase, ResponseCase.case_id == Case.id)
        .where(ResponseCase.response_id == Response.id)
    )
    first_sample = select(func.min(Sample.collected_at)).where(
        Sample.person_id == index.person_id, Sample.disease == Response.disease
    )
    notified = select(func.min(task.completed_at)).where(
        task.response_id == Response.id, task.type == "notify_authority"
    )
    has_notify = select(func.count()).where(
        task.response_id == Response.id, task.type == "notify_authority"
    )
    still_open = select(func.count()).where(_own_tasks(Response), task.status == "open")
    last_done = select(func.max(task.completed_at)).where(_own_tasks(Response))
    return [
        Response.id,
        Response.jurisdiction_id,
        Response.emergence_date,
        Response.detection_date,
        Response.notification_date,
        onset.scalar_subquery(),
        first_sample.scalar_subquery(),
        index.date_reporting,
        Alert.signal_date,
        notified.scalar_subquery(),
        has_notify.scalar_subquery(),
        still_open.scalar_subquery(),
        last_done.scalar_subquery(),
    ]


def timelines(session: Session, *where: Any) -> dict[int, tuple[int, Timeline]]:
    """The 7-1-7 dates of the responses matching ``where``, by id: one query for all."""
    index = aliased(Case)
    statement = (
        select(*_columns(index))
        .outerjoin(index, index.id == Response.case_id)
        .outerjoin(Alert, Alert.id == Response.alert_id)
        .where(*where)
    )
    return {row[0]: (row[1], _timeline(row[2:])) for row in session.execute(statement)}


def _timeline(row: Iterable[Any]) -> Timeline:
    (
        set_emergence,
        set_detection,
        set_notification,
        onset,
        sample,
        reported,
        signal,
        notified,
        has_notify,
        still_open,
        last_done,
    ) = row
    detection = _earliest(sample, reported) or as_date(signal)
    notification = as_date(notified) if has_notify else as_date(reported)
    return Timeline(
        emergence=set_emergence or as_date(onset),
        detection=set_detection or detection,
        notification=set_notification or notification,
        completed=as_date(last_done) if not still_open else None,
    )
