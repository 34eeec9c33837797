"""How orders end or move: release (early, or after an isolation review; with a reason),
conversion of a symptomatic person to a suspected case (never a second case of the
disease), conversion of a quarantine to isolation after a positive result, transfer to
another jurisdiction and the lists of transfers, and the automatic completion of finished
periods with a clean last report (set-based)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, case, false, func, select, update
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db.sqlfn import write
from fireline.errors import NotFound, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import OrderTransfer, QuarantineOrder
from fireline.quarantine.orders import check_active, check_version, get_order
from fireline.quarantine.positives import service as positives
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate
from fireline.surveillance.service import create_case

Q = QuarantineOrder
S = TypeVar("S", bound=Select[Any])


def _close(
    order: QuarantineOrder, actor: Actor, status: str, reason: str, now: datetime, today: date
) -> None:
    order.status = status
    order.closed_at = now
    order.closed_by = actor.user_id
    order.close_reason = reason
    order.end_date = min(order.end_date, today) if order.start_date <= today else order.end_date
    order.report_token_hash = None  # the self-report link dies with the order


def release(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    reason: str,
    now: datetime,
    today: date,
) -> QuarantineOrder:
    """A person decides: early release of a contact, or release of a case after review."""
    actor.require("cases:write")
    said = positives.check_reason(reason)
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    _close(order, actor, "released", said, now, today)
    # a positive still waiting is answered by the release and its reason
    closed = positives.decide(session, actor, order.id, "dismissed", said, now)
    session.flush()
    audit.record(
        session,
        actor,
        "release",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        proposals=closed,
    )
    return order


def convert(
    session: Session,
    context: Context,
    order_id: int,
    *,
    version: int,
    onset: date | None,
    today: date,
    reason: str | None = None,
) -> tuple[QuarantineOrder, Case]:
    """One action: the person becomes a suspected case with the onset from the reports
    (a case of the deployment's disease profile, at the context's clock). A person who
    already has a case of the disease is refused before anything changes: a second case
    would count them twice, and their quarantine converts to isolation instead."""
    actor, now = context.actor, context.now()
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    if order.purpose != "quarantine" or order.disease is None:
        raise Problem(422, "only a quarantine order of a known disease converts to a case")
    _refuse_second_case(session, order)
    place = session.get_one(Jurisdiction, order.jurisdiction_id)
    onset = onset or order.onset_date
    if onset is not None and onset > today:
        raise Problem(422, "the onset date is in the future")
    data = CaseCreate(
        disease=order.disease,
        jurisdiction_code=place.code,
        person_id=order.person_id,
        classification="suspected",
        date_reporting=today,
        date_onset=onset,
    )
    new_case, _ = create_case(session, context, data)
    said = (reason or "").strip()[: positives.REASON_MAX] or f"suspected case {new_case.id}"
    _close(order, actor, "converted", said, now, today)
    order.converted_case_id = new_case.id
    positives.decide(session, actor, order.id, "converted", said, now)
    session.flush()
    audit.record(
        session,
        actor,
        "convert",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        case=new_case.id,
        to="suspected_case",
    )
    return order, new_case


def _refuse_second_case(session: Session, order: QuarantineOrder) -> None:
    known = positives.existing_case(session, order.person_id, order.disease or "")
    if known is not None:
        raise Problem(
            409,
            f"the person is already case {known.id} ({known.classification}) of "
            f"{known.disease}: open that case, or convert the quarantine to isolation",
            case_id=known.id,
            classification=known.classification,
        )


@dataclass(frozen=True)
class Conversion:
    """A quarantine converted to isolation: the case used or made, the isolation order,
    and the infector the case is linked to (None when no index case is known)."""

    order: QuarantineOrder
    case: Case
    isolation: QuarantineOrder
    infector_case_id: int | None


def convert_to_isolation(
    session: Session,
    context: Context,
    order_id: int,
    *,
    version: int,
    reason: str,
    kind: str,
    today: date,
) -> Conversion:
    """A person confirms, with a reason, what a positive result proposed: the quarantine
    ends as ``converted``, the person's case of the disease is used (a confirmed one is
    made only when there is none), the case is isolated and linked to the contact's index
    case (its infector). Audited as one action."""
    actor, now = context.actor, context.now()
    actor.require("cases:write")
    said = positives.check_reason(reason)
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    if order.purpose != "quarantine" or order.disease is None:
        raise Problem(422, "only a quarantine order of a known disease converts to isolation")
    case = positives.case_to_isolate(session, context, order, today)
    _close(order, actor, "converted", said, now, today)
    order.converted_case_id = case.id
    isolation = positives.isolation_of(session, context, case, kind, today)
    infector = positives.link_infector(session, order, case)
    decided = positives.decide(session, actor, order.id, "converted", said, now)
    audit.record(
        session,
        actor,
        "convert",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        case=case.id,
        to="isolation",
        isolation=isolation.id,
        infector=infector,
        proposals=decided,
    )
    return Conversion(order, case, isolation, infector)


def transfer(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    to_code: str,
    reason: str | None,
    now: datetime,
) -> OrderTransfer:
    """Hand an order to another jurisdiction (e.g. where the contact lives). The target
    need not be in the sender's scope; after the move the sender keeps only the transfer
    line (ids and jurisdictions), not the person."""
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    target = session.scalars(select(Jurisdiction).where(Jurisdiction.code == to_code)).first()
    if target is None:
        raise NotFound(f"jurisdiction {to_code}")
    if target.id == order.jurisdiction_id:
        raise Problem(422, "the order is already in that jurisdiction")
    moved = OrderTransfer(
        order_id=order.id,
        jurisdiction_id=order.jurisdiction_id,
        to_jurisdiction_id=target.id,
        at=now,
        user_id=actor.user_id,
        reason=reason,
    )
    session.add(moved)
    audit.record(
        session,
        actor,
        "transfer",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        to=target.id,
    )
    order.jurisdiction_id = target.id
    positives.follow_order(session, order.id, target.id)
    order.assignee_id = None
    order.room_id = order.facility_id = None
    session.flush()
    return moved


def _directed(statement: S, actor: Actor, direction: str, place: Jurisdiction | None) -> S:
    """Transfers out of (or into) the actor's subtree, and of the chosen place when given."""
    side = OrderTransfer.jurisdiction_id if direction == "out" else OrderTransfer.to_jurisdiction_id
    narrowed = actor.within(place) if place is not None else actor
    return statement.where(narrowed.covers(side))


def transfer_count(
    session: Session, actor: Actor, direction: str, place: Jurisdiction | None = None
) -> int:
    """How many transfers went out of (or came into) the subtree: a figure, no names."""
    actor.require("records:read")
    statement = select(func.count()).select_from(OrderTransfer)
    return int(session.scalar(_directed(statement, actor, direction, place)) or 0)


@dataclass(frozen=True)
class TransferRow:
    """A transfer line with both jurisdictions. ``name`` and ``status`` are filled only
    when the order is now in the reader's scope: the sender keeps the line, not the person."""

    transfer: OrderTransfer
    source: Jurisdiction
    target: Jurisdiction
    name: str | None
    status: str | None


def _rows(actor: Actor) -> Select[tuple[OrderTransfer, Jurisdiction, Jurisdiction, Any, Any]]:
    source, target = aliased(Jurisdiction), aliased(Jurisdiction)
    visible = actor.covers(Q.jurisdiction_id)
    # Blanked in SQL, so a name outside the reader's scope never leaves the database.
    named = visible if actor.can("persons:read") else false()
    return (
        select(
            OrderTransfer,
            source,
            target,
            case((named, Person.name), else_=None),
            case((visible, Q.status), else_=None),
        )
        .join(Q, Q.id == OrderTransfer.order_id)
        .join(Person, Person.id == Q.person_id)
        .join(source, source.id == OrderTransfer.jurisdiction_id)
        .join(target, target.id == OrderTransfer.to_jurisdiction_id)
    )


TRANSFERS = ListSpec(
    sorts={"at": (OrderTransfer.at, OrderTransfer.id)},
    default_sort="at",
)


def transfer_rows(
    session: Session,
    actor: Actor,
    direction: str,
    query: ListQuery,
    place: Jurisdiction | None = None,
) -> tuple[list[TransferRow], int]:
    """One page of the transfers out of the subtree (or into it), newest first, and how
    many. Names are personal data: the orders whose name is read are audited."""
    actor.require("records:read")
    statement = _directed(_rows(actor), actor, direction, place)
    rows, total = search_filter_sort_paginate(session, statement, TRANSFERS, query, scalars=False)
    found = [TransferRow(*row) for row in rows]
    shown = [r.transfer.order_id for r in found if r.name is not None]
    if shown:
        audit.record(
            session,
            actor,
            "read",
            "quarantine_order",
            shown,
            jurisdiction_id=place.id if place else None,
            list=f"transfers_{direction}",
        )
    return found, total


def order_transfers(session: Session, actor: Actor, order_id: int) -> list[TransferRow]:
    """Every move of an order the actor may read, newest first: its history travels with it."""
    get_order(session, actor, order_id)
    statement = _rows(actor).where(OrderTransfer.order_id == order_id)
    newest = statement.order_by(OrderTransfer.at.desc(), OrderTransfer.id.desc())
    return [TransferRow(*row) for row in session.execute(newest)]


def transfer_targets(session: Session, actor: Actor) -> list[Jurisdiction]:
    """Where an order may be handed: the whole tree, since the person may live outside the
    sender's scope (jurisdictions are not personal data), in tree order."""
    actor.require("cases:write")
    return list(session.scalars(select(Jurisdiction).order_by(Jurisdiction.path)))


def complete_finished(session: Session, today: date, now: datetime) -> int:
    """Close every active quarantine whose period ended yesterday or before and whose
    last report is clean; one UPDATE (the version moves, so an open edit gets 409)."""
    statement = (
        update(Q)
        .where(
            Q.status == "active",
            Q.purpose == "quarantine",
            Q.end_date < today,
            Q.last_report_at.is_not(None),
            Q.last_report_symptomatic.is_(False),
            ~positives.has_open_proposal(),  # a positive waits for a person
        )
        .values(
            status="completed",
            closed_at=now,
            close_reason="period ended, last report clean",
            report_token_hash=None,
            version=Q.version + 1,
        )
    )
    return write(session, statement)
