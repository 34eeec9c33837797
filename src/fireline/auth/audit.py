"""The append-only audit log: every write and every read of personal data.

Details carry identifiers and filters, never names or other personal data, so
the log itself is not a second copy of what it protects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
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


def _visible(statement: Select[Any], actor: Actor) -> Select[Any]:
    """Events in the actor's subtree (events without a jurisdiction are the root admin's)."""
    if actor.jurisdiction_path != "/":
        return actor.restrict(statement, AuditEvent)
    return statement


def recent(
    session: Session, actor: Actor, *, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """One page of the newest audit events the actor may see, and how many there are."""
    actor.require("audit:read")
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    total = session.scalar(_visible(select(func.count(AuditEvent.id)), actor)) or 0
    return list(session.scalars(_visible(statement, actor))), total
