"""The figures of the investigation landing page, each one SQL statement over the contacts
and links under the chosen jurisdiction (the actor narrowed to it: ``Actor.within``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.jurisdictions.service import counts_by_child
from fireline.places.models import Jurisdiction
from fireline.tracing.models import Contact, TransmissionLink

# Contacts exposed within this many days are still inside most incubation periods
# shown on the page; the disease profiles hold the exact rules.
RECENT_DAYS: Final = 14


@dataclass(frozen=True)
class Investigation:
    """Counts only (no personal data): nothing here is audited."""

    since: date  # the first day that counts as recent
    contacts: int
    recent: int
    traced: int  # cases with at least one contact listed
    links: int
    categories: list[tuple[str, int, int]]  # (category, contacts, recently exposed)
    areas: list[tuple[Jurisdiction, int]]  # each child jurisdiction, contacts under it


def _number(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(statement) or 0)


def investigation(
    session: Session, actor: Actor, place: Jurisdiction, today: date
) -> Investigation:
    """The landing page's figures for ``place`` (a jurisdiction in the actor's scope)."""
    actor.require("records:read")
    here = actor.within(place)
    since = today - timedelta(days=RECENT_DAYS - 1)
    contacts = here.restrict(select(func.count()).select_from(Contact), Contact)
    return Investigation(
        since=since,
        contacts=_number(session, contacts),
        recent=_number(session, contacts.where(Contact.date_last_exposure >= since)),
        traced=_number(
            session,
            here.restrict(
                select(func.count(distinct(Contact.case_id))).select_from(Contact), Contact
            ),
        ),
        links=_number(
            session,
            here.restrict(select(func.count()).select_from(TransmissionLink), TransmissionLink),
        ),
        categories=by_category(session, here, since),
        areas=contacts_by_area(session, here, place),
    )


def by_category(session: Session, actor: Actor, since: date) -> list[tuple[str, int, int]]:
    """(category, all contacts, recently exposed) in one grouped statement."""
    recent = func.sum(case((Contact.date_last_exposure >= since, 1), else_=0))
    statement = actor.restrict(
        select(Contact.category, func.count(), recent).select_from(Contact), Contact
    )
    rows = session.execute(statement.group_by(Contact.category).order_by(Contact.category))
    return [(category, int(n), int(r or 0)) for category, n, r in rows]


def contacts_by_area(
    session: Session, actor: Actor, place: Jurisdiction
) -> list[tuple[Jurisdiction, int]]:
    """Each child of ``place`` in scope, with the contacts in its subtree: one grouped
    statement, joining each contact's jurisdiction to the child whose path prefixes it."""
    return counts_by_child(session, actor, place.id, Contact)
