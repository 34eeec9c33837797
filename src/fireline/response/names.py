"""Who and where, by id, for the response pages: jurisdictions, staff names and the staff a
task can be given to.

Jurisdiction and staff names are not personal data of the persons under surveillance; the
ids come from rows already read in scope, and the assignable staff are read through the
context's actor, so a page never names someone outside its jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.context import Context
from fireline.places.models import Jurisdiction


def places(session: Session, ids: Iterable[int]) -> dict[int, Jurisdiction]:
    """Jurisdictions by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    found = session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(wanted)))
    return {j.id: j for j in found}


def staff_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Each user's full name (their username when they have none) by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(wanted))
    )
    return {i: full or name for i, full, name in rows}


def assignable_staff(session: Session, context: Context) -> list[tuple[int, str]]:
    """(id, "Full Name (username)") of the active users in the context's subtree."""
    statement = select(User).where(User.is_active.is_(True)).order_by(User.username)
    users = session.scalars(context.actor.restrict(statement, User)).all()
    return [(u.id, f"{u.full_name or u.username} ({u.username})") for u in users]
