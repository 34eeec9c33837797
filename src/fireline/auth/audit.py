"""The append-only audit log: every write and every read of personal data.

Details carry identifiers and filters, never names or other personal data, so
the log itself is not a second copy of what it protects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    ids: Iterable[int] = (),
    *,
    jurisdiction_id: int | None = None,
    **detail: Any,
) -> None:
    """Add one audit event to the session's transaction."""
    session.add(
        AuditEvent(
            user_id=actor.user_id,
            action=action,
            entity=entity,
            entity_ids=[int(i) for i in ids],
            jurisdiction_id=jurisdiction_id,
            detail={"actor": actor.username, **detail},
        )
    )


def recent(session: Session, actor: Actor, *, limit: int, offset: int) -> list[AuditEvent]:
    """Audit events in the actor's subtree (events without a jurisdiction are the admin's)."""
    actor.require("audit:read")
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if actor.jurisdiction_path != "/":
        statement = actor.restrict(statement, AuditEvent)
    return list(session.scalars(statement))
