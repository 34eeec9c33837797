"""Reading and deciding the positive results of people under quarantine.

"Lab positives among my contacts" (:func:`positives_among_contacts`) is the list the
investigator's work page and ``GET /api/v1/quarantine/positives`` share: the open
proposals in the context's scope addressed to the reader or to nobody. The order page
reads one order's proposal with its evidence (:func:`order_panel`). A person decides: the
conversion (``outcomes.convert_to_isolation``) or a dismissal with a reason (here). Names
are personal data: read with ``persons:read`` only, and audited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.errors import Conflict, Problem
from fireline.lab.models import LabResult
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.orders import create_isolation, get_order
from fireline.quarantine.positives.models import OPEN, ConversionProposal
from fireline.quarantine.schemas import IsolationCreate
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate
from fireline.surveillance.service import create_case
from fireline.tracing.links import link_contacts_who_became_cases
from fireline.tracing.models import Contact, TransmissionLink

P = ConversionProposal
Q = QuarantineOrder
REASON_MAX: Final = 500

POSITIVES: Final = ListSpec(
    sorts={"created": (P.created_at, P.id), "resulted": (LabResult.resulted_at, P.id)},
    default_sort="created",
    filters={"disease": lambda v: P.disease == v},
)


@dataclass(frozen=True)
class PositiveRow:
    """One open proposal as "my work" lists it; ``name`` is None without ``persons:read``.
    The work is done on the order page: ``/quarantine/orders/{order_id}``."""

    proposal_id: int
    order_id: int
    person_id: int
    name: str | None
    disease: str
    result_id: int
    resulted_at: datetime
    test_type: str
    ct_value: float | None
    case_id: int | None
    index_case_id: int | None
    owner_id: int | None
    created_at: datetime

    @property
    def url(self) -> str:
        return f"/quarantine/orders/{self.order_id}"


def _addressed(actor: Actor, mine: bool) -> list[ColumnElement[bool]]:
    """The reader's own and the unaddressed ones (``mine``), else all in scope."""
    return [or_(P.owner_id == actor.user_id, P.owner_id.is_(None))] if mine else []


def positives_among_contacts(
    session: Session, context: Context, query: ListQuery | None = None, *, mine: bool = True
) -> tuple[list[PositiveRow], int]:
    """One page of the open positive-result proposals in the context's scope, newest first,
    and how many; ``mine`` keeps those addressed to the reader or to nobody."""
    actor = context.actor
    actor.require("records:read")
    named = actor.can("persons:read")
    statement = (
        select(P, LabResult, Person.name)
        .join(LabResult, LabResult.id == P.result_id)
        .join(Person, Person.id == P.person_id)
        .join(Q, Q.id == P.order_id)
        .where(P.status == OPEN, Q.status == "active", *_addressed(actor, mine))
    )
    found, total = search_filter_sort_paginate(
        session, actor.restrict(statement, P), POSITIVES, query or ListQuery(), scalars=False
    )
    rows = [_row(p, r, name if named else None) for p, r, name in found]
    if named and rows:
        audit.record(
            session,
            actor,
            "read",
            "conversion_proposal",
            [row.proposal_id for row in rows],
            jurisdiction_id=actor.jurisdiction_id or None,
            persons=[row.person_id for row in rows],
        )
    return rows, total


def _row(p: ConversionProposal, r: LabResult, name: str | None) -> PositiveRow:
    return PositiveRow(
        proposal_id=p.id,
        order_id=p.order_id,
        person_id=p.person_id,
        name=name,
        disease=p.disease,
        result_id=r.id,
        resulted_at=r.resulted_at,
        test_type=r.test_type,
        ct_value=r.ct_value,
        case_id=p.case_id,
        index_case_id=p.index_case_id,
        owner_id=p.owner_id,
        created_at=p.created_at,
    )


def positives_count(session: Session, context: Context, *, mine: bool = True) -> int:
    """How many open proposals the reader has (a figure: no names, not audited)."""
    statement = select(func.count()).select_from(P).where(P.status == OPEN)
    statement = statement.where(*_addressed(context.actor, mine))
    return int(session.scalar(context.actor.restrict(statement, P)) or 0)


def existing_case(session: Session, person_id: int, disease: str) -> Case | None:
    """The person's case of the disease, if any (not a discarded one): the case a
    conversion uses, never a second one. The newest when there are several."""
    statement = (
        select(Case)
        .where(
            Case.person_id == person_id,
            Case.disease == disease,
            Case.classification != "discarded",
        )
        .order_by(Case.id.desc())
    )
    return session.scalars(statement).first()


@dataclass(frozen=True)
class OrderPanel:
    """What the order page shows about conversion: the open proposal and its result, the
    person's case of the disease, and the index case the new case is linked to."""

    order: QuarantineOrder
    proposal: ConversionProposal | None
    result: LabResult | None
    case: Case | None
    index_case_id: int | None


def open_proposal(session: Session, order_id: int) -> ConversionProposal | None:
    statement = select(P).where(P.order_id == order_id, P.status == OPEN).order_by(P.id)
    return session.scalars(statement).first()


def index_case_of(session: Session, order: QuarantineOrder) -> int | None:
    """The contact's index case (who the person caught it from), else the order's case."""
    if order.contact_id is not None:
        found = session.scalar(select(Contact.case_id).where(Contact.id == order.contact_id))
        if found is not None:
            return int(found)
    return order.case_id if order.purpose == "quarantine" else None


def order_panel(session: Session, actor: Actor, order_id: int) -> OrderPanel:
    """The conversion facts of an order in scope (404 otherwise); ids and dates only."""
    order = get_order(session, actor, order_id)
    proposal = open_proposal(session, order.id)
    result = session.get(LabResult, proposal.result_id) if proposal else None
    case = existing_case(session, order.person_id, order.disease) if order.disease else None
    return OrderPanel(order, proposal, result, case, index_case_of(session, order))


def check_reason(reason: str | None) -> str:
    """A decision about a person's liberty says why (audited with the decision)."""
    text = (reason or "").strip()
    if not text:
        raise Problem(422, "give a reason", errors=[{"loc": ["reason"], "msg": "required"}])
    if len(text) > REASON_MAX:
        raise Problem(422, f"the reason is longer than {REASON_MAX} characters")
    return text


def has_open_proposal() -> ColumnElement[bool]:
    """For set-based statements over orders: a positive result waits for a decision."""
    return select(P.id).where(P.order_id == Q.id, P.status == OPEN).exists()


def follow_order(session: Session, order_id: int, jurisdiction_id: int) -> None:
    """An order handed to another jurisdiction takes its open proposal along, addressed to
    that jurisdiction's investigators (the owner was the sender's)."""
    session.execute(
        update(P)
        .where(P.order_id == order_id, P.status == OPEN)
        .values(jurisdiction_id=jurisdiction_id, owner_id=None)
    )


def decide(
    session: Session, actor: Actor, order_id: int, status: str, reason: str, now: datetime
) -> list[int]:
    """Close every open proposal of the order as ``status``; returns their ids."""
    found = list(session.scalars(select(P).where(P.order_id == order_id, P.status == OPEN)))
    for proposal in found:
        proposal.status, proposal.reason = status, reason
        proposal.decided_at, proposal.decided_by = now, actor.user_id
    session.flush()
    return [p.id for p in found]


def dismiss(session: Session, context: Context, order_id: int, *, reason: str) -> list[int]:
    """The investigator judges the positive does not call for isolation (a wrong person on
    the sample, a result withdrawn): the proposal closes with the reason; the quarantine
    goes on as it was."""
    actor = context.actor
    actor.require("cases:write")
    text = check_reason(reason)
    order = get_order(session, actor, order_id)
    closed = decide(session, actor, order.id, "dismissed", text, context.now())
    if not closed:
        raise Conflict(f"order {order.id} has no open conversion proposal")
    audit.record(
        session,
        actor,
        "dismiss",
        "conversion_proposal",
        closed,
        jurisdiction_id=order.jurisdiction_id,
        order=order.id,
    )
    return closed


def case_to_isolate(
    session: Session, context: Context, order: QuarantineOrder, today: date
) -> Case:
    """The person's case of the disease; else a confirmed case from the proposed positive
    (a positive nucleic acid test confirms: WHO COVID-19 case definition, 2022)."""
    disease = order.disease or ""
    known = existing_case(session, order.person_id, disease)
    if known is not None:
        return known
    proposal = open_proposal(session, order.id)
    if proposal is None:
        raise Problem(
            422,
            "there is no positive result or case to convert on: make a suspected case instead",
        )
    result = session.get_one(LabResult, proposal.result_id)
    place = session.get_one(Jurisdiction, order.jurisdiction_id)
    made, _ = create_case(
        session,
        context,
        CaseCreate(
            disease=disease,
            jurisdiction_code=place.code,
            person_id=order.person_id,
            classification="confirmed",
            date_reporting=today,
            date_confirmation=result.resulted_at.date(),
        ),
    )
    return made


def isolation_of(
    session: Session, context: Context, case: Case, kind: str, today: date
) -> QuarantineOrder:
    """The case's active isolation, or a new one from today."""
    active = session.scalars(
        select(Q).where(Q.case_id == case.id, Q.purpose == "isolation", Q.status == "active")
    ).first()
    if active is not None:
        return active
    data = IsolationCreate(case_id=case.id, kind="home" if kind == "home" else "facility")
    data.start_date = today
    return create_isolation(session, context.actor, data, profiles=context.profiles, today=today)


def link_infector(session: Session, order: QuarantineOrder, case: Case) -> int | None:
    """Link the case to the contact's index case (tracing's rule: a contact who became a
    case was infected by the case it was listed for); an infector on file is kept."""
    known = session.scalar(
        select(TransmissionLink.infector_case_id).where(
            TransmissionLink.infectee_case_id == case.id
        )
    )
    if known is None and order.contact_id is not None:
        link_contacts_who_became_cases(session, contact_ids=[order.contact_id], case_ids=[case.id])
        known = session.scalar(
            select(TransmissionLink.infector_case_id).where(
                TransmissionLink.infectee_case_id == case.id
            )
        )
    return int(known) if known is not None else None
