"""Reading the jurisdiction tree within the actor's scope."""

from __future__ import annotations

from zoneinfo import ZoneInfo

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


def ancestors(session: Session, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
    """From the root down to ``jurisdiction``, by the codes in its path."""
    codes = jurisdiction.ancestor_codes
    rows = session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
    found = {j.code: j for j in rows}
    return [found[c] for c in codes if c in found]


def root_timezone(session: Session) -> ZoneInfo:
    """The root jurisdiction's time zone, where daily work is dated and scheduled
    (UTC before any jurisdiction exists)."""
    zone = session.scalars(
        select(Jurisdiction.timezone).order_by(Jurisdiction.depth, Jurisdiction.id).limit(1)
    ).first()
    return ZoneInfo(zone or "UTC")
