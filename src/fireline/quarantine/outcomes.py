"""How orders end or move: release (early, or after an isolation review), conversion of a
symptomatic person to a suspected case, transfer to another jurisdiction, and the
automatic completion of finished periods with a clean last report (set-based)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import NotFound, Problem
from fireline.pagination import PageParams, fetch_page
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import OrderTransfer, QuarantineOrder
from fireline.quarantine.orders import check_active, check_version, get_order
from fireline.response.sqlfn import write
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate
from fireline.surveillance.service import create_case

Q = QuarantineOrder


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
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    _close(order, actor, "released", reason, now, today)
    session.flush()
    audit.record(
        session,
        actor,
        "release",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return order


def convert(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    onset: date | None,
    now: datetime,
    today: date,
) -> tuple[QuarantineOrder, Case]:
    """One action: the person becomes a suspected case with the onset from the reports."""
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    if order.purpose != "quarantine" or order.disease is None:
        raise Problem(422, "only a quarantine order of a known disease converts to a case")
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
    new_case, _ = create_case(session, actor, data)
    _close(order, actor, "converted", f"suspected case {new_case.id}", now, today)
    order.converted_case_id = new_case.id
    session.flush()
    audit.record(
        session,
        actor,
        "convert",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        case=new_case.id,
    )
    return order, new_case


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
    order.assignee_id = None
    order.room_id = order.facility_id = None
    session.flush()
    return moved


def transfers(
    session: Session, actor: Actor, direction: str, params: PageParams
) -> tuple[list[OrderTransfer], int]:
    """Transfers out of the actor's subtree, or into it."""
    actor.require("records:read")
    statement = select(OrderTransfer).order_by(OrderTransfer.at.desc(), OrderTransfer.id.desc())
    if direction == "out":
        statement = actor.restrict(statement, OrderTransfer)
    else:
        statement = statement.where(OrderTransfer.to_jurisdiction_id.in_(actor.jurisdiction_ids()))
    return fetch_page(session, statement, params)


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
