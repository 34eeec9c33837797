"""The jurisdiction tree within the actor's scope."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.places.models import Jurisdiction


def list_jurisdictions(
    session: Session, actor: Actor, *, level: str | None = None, parent_code: str | None = None
) -> Select[tuple[Jurisdiction]]:
    """A statement over the jurisdictions in scope, in tree order."""
    statement = actor.restrict(select(Jurisdiction), Jurisdiction).order_by(Jurisdiction.path)
    if level:
        statement = statement.where(Jurisdiction.level == level)
    if parent_code:
        parent = actor.jurisdiction(session, parent_code)
        statement = statement.where(Jurisdiction.parent_id == parent.id)
    return statement


def children(session: Session, actor: Actor, code: str) -> list[Jurisdiction]:
    parent = actor.jurisdiction(session, code)
    statement = select(Jurisdiction).where(Jurisdiction.parent_id == parent.id)
    return list(
        session.scalars(actor.restrict(statement.order_by(Jurisdiction.code), Jurisdiction))
    )
