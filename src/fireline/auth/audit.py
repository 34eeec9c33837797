"""The append-only audit log: every write and every read of personal data.

Details carry identifiers and filters, never names or other personal data, so
the log itself is not a second copy of what it protects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor
from fireline.listing import Filter, ListQuery, ListSpec, search_filter_sort_paginate


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


def _equals(column: Any) -> Filter:
    return lambda text: column == text


EVENTS: Final = ListSpec(
    sorts={"at": (AuditEvent.at, AuditEvent.id), "id": (AuditEvent.id,)},
    default_sort="id",
    filters={"action": _equals(AuditEvent.action), "entity": _equals(AuditEvent.entity)},
)


def recent(session: Session, actor: Actor, query: ListQuery) -> tuple[list[AuditEvent], int]:
    """One page of the audit events the actor may see (newest first unless sorted
    otherwise; filters ``action`` and ``entity``), and how many there are."""
    actor.require("audit:read")
    return search_filter_sort_paginate(session, _visible(select(AuditEvent), actor), EVENTS, query)
