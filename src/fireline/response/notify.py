"""Escalation notifications: in the app, by webhook to a chat tool, by e-mail.

The sweep records one notification per task and step (unique), set-based; a
second step delivers the new ones outside the app after the transaction, so a
slow chat server never holds a database lock. Messages carry codes, task types
and ids, never personal data (docs/architecture.md, "Privacy").
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from fireline.db.sqlfn import write
from fireline.places.models import Jurisdiction
from fireline.response.lights import record_escalations, utc
from fireline.response.models import Response, ResponseNotification, ResponseTask
from fireline.response.settings import ResponseSettings

log = logging.getLogger(__name__)

Task = ResponseTask
BATCH = 200
# Delivery is at least once: a sweep killed after a POST but before its commit sends
# that escalation again. The key (IETF draft-ietf-httpapi-idempotency-key-header) is
# the same on every resend, so the receiver can drop the repeat.
IDEMPOTENCY_KEY = "Idempotency-Key"


def escalate(session: Session, now: datetime, settings: ResponseSettings) -> int:
    """Record the escalation steps every overdue task has reached; returns how many are new."""
    return record_escalations(session, now, settings)


@dataclass(frozen=True)
class Message:
    """One escalation as sent outside the app."""

    notification_id: int
    payload: dict[str, Any]


def _pending(session: Session, now: datetime, column: Any) -> list[Message]:
    board, owner = aliased(Jurisdiction), aliased(Jurisdiction)
    rows = session.execute(
        select(ResponseNotification, Task, Response.disease, board.code, owner.code)
        .join(Task, Task.id == ResponseNotification.task_id)
        .join(Response, Response.id == ResponseNotification.response_id)
        .join(board, board.id == ResponseNotification.jurisdiction_id)
        .join(owner, owner.id == Task.owner_id)
        .where(column.is_(None), ResponseNotification.created_at >= utc(now) - timedelta(days=1))
        .order_by(ResponseNotification.id)
        .limit(BATCH)
    )
    return [_message(n, t, d, b, o, now) for n, t, d, b, o in rows]


def _message(
    note: ResponseNotification,
    task: ResponseTask,
    disease: str,
    board: str,
    owner: str,
    now: datetime,
) -> Message:
    overdue = (utc(now) - utc(task.due_at)).total_seconds() / 3600
    text = (
        f"Fireline: task '{task.name_en}' ({task.type}) of response {task.response_id} "
        f"({disease}) owned by {owner} is {overdue:.0f} h overdue; escalated to {board}."
    )
    payload = {
        "text": text,
        "event": "task_escalated",
        "notification_id": note.id,
        "step": note.step,
        "board": board,
        "owner": owner,
        "response_id": task.response_id,
        "task_id": task.id,
        "task_type": task.type,
        "disease": disease,
        "due_at": utc(task.due_at).isoformat(),
        "overdue_hours": round(overdue, 1),
    }
    return Message(note.id, payload)


def _mark(session: Session, ids: list[int], column: str, now: datetime) -> None:
    if ids:
        write(
            session,
            update(ResponseNotification)
            .where(ResponseNotification.id.in_(ids))
            .values({column: utc(now)}),
        )


def idempotency_key(message: Message) -> str:
    return f"fireline-notification-{message.notification_id}"


def send_webhooks(
    session: Session, now: datetime, settings: ResponseSettings, client: httpx.Client
) -> int:
    """POST each new escalation as JSON to the webhook; failures are retried next sweep."""
    if not settings.webhook_url:
        return 0
    sent: list[int] = []
    for message in _pending(session, now, ResponseNotification.webhook_at):
        try:
            reply = client.post(
                settings.webhook_url,
                json=message.payload,
                headers={IDEMPOTENCY_KEY: idempotency_key(message)},
            )
            reply.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("response webhook failed: %s", type(exc).__name__)
            break
        sent.append(message.notification_id)
    _mark(session, sent, "webhook_at", now)
    return len(sent)


def send_email(session: Session, now: datetime, settings: ResponseSettings) -> int:
    """One e-mail listing the new escalations, when SMTP is configured."""
    if not (settings.smtp_host and settings.email_to):
        return 0
    messages = _pending(session, now, ResponseNotification.email_at)
    if not messages:
        return 0
    email = EmailMessage()
    email["Subject"] = f"Fireline: {len(messages)} overdue response tasks escalated"
    email["From"], email["To"] = settings.smtp_from, settings.email_to
    email.set_content("\n".join(str(m.payload["text"]) for m in messages))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(email)
    _mark(session, [m.notification_id for m in messages], "email_at", now)
    return len(messages)
