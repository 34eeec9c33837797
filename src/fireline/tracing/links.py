"""Infector → infectee links: by hand (refusing cycles), and from contacts who became cases.

An infectee has at most one infector (a unique column); a link that would close a
cycle (the infectee is already an ancestor of the infector) is refused with the path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import and_, exists, func, insert, literal, select
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact, TransmissionLink
from fireline.tracing.schemas import LinkCreate

# Deeper than any chain the reference outbreaks or the simulator produce (Ebola sim: 14).
MAX_ANCESTRY = 1000


def ancestors(session: Session, case_id: int) -> list[int]:
    """The infector chain above a case, nearest first (recursive CTE)."""
    link = TransmissionLink
    up = (
        select(link.infector_case_id.label("id"), literal(1).label("depth"))
        .where(link.infectee_case_id == case_id)
        .cte("up", recursive=True)
    )
    parent = aliased(link)
    up = up.union_all(
        select(parent.infector_case_id, up.c.depth + 1)
        .join(up, parent.infectee_case_id == up.c.id)
        .where(up.c.depth < MAX_ANCESTRY)
    )
    return list(session.scalars(select(up.c.id).order_by(up.c.depth)))


def add_link(session: Session, actor: Actor, data: LinkCreate) -> TransmissionLink:
    """Record that one case infected another; refuse self-links, second infectors, cycles."""
    actor.require("cases:write")
    infector = actor.get(session, Case, data.infector_case_id, f"case {data.infector_case_id}")
    infectee = actor.get(session, Case, data.infectee_case_id, f"case {data.infectee_case_id}")
    if infector.id == infectee.id:
        raise Problem(422, "a case cannot infect itself")
    known = session.scalar(
        select(TransmissionLink.infector_case_id).where(
            TransmissionLink.infectee_case_id == infectee.id
        )
    )
    if known is not None:
        raise Conflict(f"case {infectee.id} already has an infector: case {known}")
    chain = ancestors(session, infector.id)
    if infectee.id in chain:
        path = [infectee.id, *reversed(chain[: chain.index(infectee.id)]), infector.id]
        shown = " → ".join(str(c) for c in [*path, infectee.id])
        raise Problem(422, f"the link would make a cycle: {shown}", cycle=path)
    link = TransmissionLink(
        infector_case_id=infector.id,
        infectee_case_id=infectee.id,
        jurisdiction_id=infectee.jurisdiction_id,
        certainty=data.certainty,
        source="manual",
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "transmission_link",
        [link.id],
        jurisdiction_id=infectee.jurisdiction_id,
    )
    return link


def link_contacts_who_became_cases(
    session: Session,
    *,
    contact_ids: Sequence[int] | None = None,
    case_ids: Sequence[int] | None = None,
) -> int:
    """Link infector → infectee for contacts who have a case of the same disease.

    Set-based (one INSERT ... SELECT): the infector is the contact's index case for a
    primary contact; among several, the lowest case id. Infectees that already have an
    infector, and pairs whose reverse link exists, are left alone. Call with the new
    contacts, the new cases, or neither (everything).
    """
    index, own = aliased(Case), aliased(Case)
    infector = func.min(Contact.case_id)
    reverse = aliased(TransmissionLink)
    has_infector = exists().where(TransmissionLink.infectee_case_id == own.id)
    statement = (
        select(infector, own.id, own.jurisdiction_id)
        .select_from(Contact)
        .join(index, index.id == Contact.case_id)
        .join(
            own,
            and_(
                own.person_id == Contact.person_id, own.disease == index.disease, own.id != index.id
            ),
        )
        .where(Contact.source_contact_id.is_(None), ~has_infector)
        .where(
            ~exists().where(
                reverse.infector_case_id == own.id, reverse.infectee_case_id == Contact.case_id
            )
        )
        .group_by(own.id, own.jurisdiction_id)
    )
    if contact_ids is not None:
        statement = statement.where(Contact.id.in_(list(contact_ids)))
    if case_ids is not None:
        statement = statement.where(own.id.in_(list(case_ids)))
    columns = ["infector_case_id", "infectee_case_id", "jurisdiction_id"]
    rows = session.execute(statement).all()
    if not rows:
        return 0
    session.execute(
        insert(TransmissionLink),
        [
            {**dict(zip(columns, r, strict=True)), "certainty": "probable", "source": "contact"}
            for r in rows
        ],
    )
    return len(rows)


LINKS = ListSpec(
    sorts={"recorded": (TransmissionLink.id,)},
    default_sort="recorded",
    filters={
        "certainty": lambda v: TransmissionLink.certainty == v,
        "source": lambda v: TransmissionLink.source == v,
    },
)


def list_links(
    session: Session, actor: Actor, case_id: int, query: ListQuery
) -> tuple[list[TransmissionLink], int]:
    """A page of the links in and out of one case, in the order they were recorded unless
    the reader chose otherwise, and how many."""
    actor.require("cases:read")
    actor.get(session, Case, case_id, f"case {case_id}")
    either = (TransmissionLink.infector_case_id == case_id) | (
        TransmissionLink.infectee_case_id == case_id
    )
    statement = actor.restrict(select(TransmissionLink).where(either), TransmissionLink)
    if not query.sort:
        query = replace(query, sort="recorded", descending=False)
    return search_filter_sort_paginate(session, statement, LINKS, query)
