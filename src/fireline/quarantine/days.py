"""Where a quarantine use case works and which day it is there (docs/architecture.md,
"Time": follow-up days, test days and release days are local days)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.places.models import Jurisdiction


def chosen_place(session: Session, actor: Actor, code: str | None) -> Jurisdiction:
    """The jurisdiction ``code`` in the actor's scope (404 outside it), else the actor's
    own: lists are then narrowed to it (``Actor.within``) and dated by its clock."""
    if code:
        return actor.jurisdiction(session, code)
    return session.get_one(Jurisdiction, actor.jurisdiction_id)


def today_in(session: Session, context: Context, jurisdiction_id: int) -> date:
    """Today in the time zone of a jurisdiction (an order's, a case's)."""
    return context.today(session.get_one(Jurisdiction, jurisdiction_id))
