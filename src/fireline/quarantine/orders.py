"""Use cases of orders: issue (contacts, screening holds, travellers, isolation of cases),
read, change, extend when exposure continues, and issue the self-report link.

Every read and write goes through the acting user's scope (``Actor``); ``today`` and
``now`` come from the injectable clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.quarantine import plans, rooms, tokens
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import IsolationCreate, OrderCreate, OrderUpdate
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact

Profiles = Mapping[str, DiseaseProfile]
# Isolation ends by review, not by a rule; the end date is the horizon within which a
# review must act (the page lists isolations past it). Release sets the real end.
ISOLATION_HORIZON_DAYS = 60


def profile(profiles: Profiles, disease: str | None) -> DiseaseProfile:
    found = profiles.get(disease or "")
    if found is None:
        raise Problem(422, f"unknown disease {disease!r}")
    return found


def get_order(session: Session, actor: Actor, order_id: int) -> QuarantineOrder:
    actor.require("records:read")
    found: QuarantineOrder = actor.get(session, QuarantineOrder, order_id, f"order {order_id}")
    return found


def check_version(order: QuarantineOrder, version: int) -> None:
    if order.version != version:
        raise Conflict(f"order {order.id} is at version {order.version}, not {version}")


def check_active(order: QuarantineOrder) -> None:
    if order.status != "active":
        raise Conflict(f"order {order.id} is {order.status}")


def _contact_facts(
    session: Session, actor: Actor, data: OrderCreate
) -> tuple[int, int | None, str | None, str | None, date | None, int]:
    """(person, contact, disease, category, last exposure, jurisdiction) of a new order."""
    if data.contact_id is not None:
        contact: Contact = actor.get(
            session, Contact, data.contact_id, f"contact {data.contact_id}"
        )
        disease = session.scalar(select(Case.disease).where(Case.id == contact.case_id))
        return (
            contact.person_id,
            contact.id,
            disease,
            contact.category,
            contact.date_last_exposure,
            contact.jurisdiction_id,
        )
    if data.person_id is None:
        raise Problem(422, "give contact_id, or person_id for a screening hold or a traveller")
    person: Person = actor.get(session, Person, data.person_id, f"person {data.person_id}")
    return (
        person.id,
        None,
        data.disease,
        data.category,
        data.last_exposure,
        person.jurisdiction_id,
    )


def _calendar(
    data: OrderCreate, prof: DiseaseProfile, category: str | None, last: date | None, today: date
) -> plans.Plan:
    """The profile's plan, with explicit dates and kind overriding it."""
    if category is not None and last is not None:
        try:
            rule = prof.category(category)
        except LookupError as exc:
            raise Problem(422, str(exc)) from None
        base = plans.plan(rule, last, today)
    elif data.start_date is not None and data.end_date is not None:
        base = plans.Plan(data.start_date, data.end_date, "home", 0)
    else:
        raise Problem(422, "give a category and last_exposure, or start_date and end_date")
    start, end = data.start_date or base.start, data.end_date or base.end
    plans.check_dates(start, end)
    return plans.Plan(start, end, data.kind or base.kind, base.test_mask)


def create_order(
    session: Session, actor: Actor, data: OrderCreate, *, profiles: Profiles, today: date
) -> QuarantineOrder:
    actor.require("cases:write")
    person_id, contact_id, disease, category, last, place_id = _contact_facts(session, actor, data)
    if data.jurisdiction_code:
        place_id = actor.jurisdiction(session, data.jurisdiction_code).id
    prof = profile(profiles, disease)
    cal = _calendar(data, prof, category, last, today)
    order = QuarantineOrder(
        person_id=person_id,
        contact_id=contact_id,
        purpose="quarantine",
        source=data.source,
        disease=prof.code,
        category=category,
        last_exposure=last,
        kind=cal.kind,
        start_date=cal.start,
        end_date=cal.end,
        test_mask=cal.test_mask,
        status="active",
        assignee_id=_assignee(session, actor, data.assignee_id),
        jurisdiction_id=place_id,
        clinical=[],
    )
    rooms.place(session, actor, order, data.room_id)
    session.add(order)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "quarantine_order",
        [order.id],
        jurisdiction_id=place_id,
        person=person_id,
    )
    return order


def create_isolation(
    session: Session, actor: Actor, data: IsolationCreate, *, profiles: Profiles, today: date
) -> QuarantineOrder:
    """Isolate a case until release is reviewed: the end date is a placeholder the review
    moves; flags come from the profile's release rule (release.py)."""
    actor.require("cases:write")
    case: Case = actor.get(session, Case, data.case_id, f"case {data.case_id}")
    profile(profiles, case.disease)
    # Only an isolation counts: a contact's quarantine proposed by tracing names the
    # case it came from in case_id too, and stays active once confirmed.
    open_one = session.scalar(
        select(QuarantineOrder.id).where(
            QuarantineOrder.case_id == case.id,
            QuarantineOrder.purpose == "isolation",
            QuarantineOrder.status == "active",
        )
    )
    if open_one is not None:
        raise Conflict(f"case {case.id} is already isolated (order {open_one})")
    start = data.start_date or today
    order = QuarantineOrder(
        person_id=case.person_id,
        case_id=case.id,
        purpose="isolation",
        source="case",
        disease=case.disease,
        kind=data.kind,
        start_date=start,
        end_date=start + timedelta(days=ISOLATION_HORIZON_DAYS),
        test_mask=0,
        status="active",
        assignee_id=_assignee(session, actor, data.assignee_id),
        jurisdiction_id=case.jurisdiction_id,
        clinical=[],
    )
    rooms.place(session, actor, order, data.room_id)
    session.add(order)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "isolation_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        case=case.id,
    )
    return order


def _assignee(session: Session, actor: Actor, user_id: int | None) -> int | None:
    """A user in the actor's subtree; one elsewhere answers as a missing one does (404),
    so an order neither names nor reveals another county's staff (OWASP API1)."""
    if user_id is not None:
        actor.get(session, User, user_id, f"user {user_id}")
    return user_id


def _facility_filter(text: str) -> ColumnElement[bool] | None:
    if not text.isdigit() or len(text) > 18:
        return None  # not an id: no filter, as for any value that means nothing here
    return QuarantineOrder.facility_id == int(text)


ORDERS = ListSpec(
    sorts={
        "issued": (QuarantineOrder.id,),
        "start": (QuarantineOrder.start_date, QuarantineOrder.id),
        "end": (QuarantineOrder.end_date, QuarantineOrder.id),
    },
    default_sort="issued",
    filters={
        "status": lambda v: QuarantineOrder.status == v,
        "purpose": lambda v: QuarantineOrder.purpose == v,
        "kind": lambda v: QuarantineOrder.kind == v,
        "disease": lambda v: QuarantineOrder.disease == v,
        "facility_id": _facility_filter,
    },
)


def list_orders(
    session: Session, actor: Actor, query: ListQuery
) -> tuple[list[QuarantineOrder], int]:
    """A page of the orders in scope, newest first unless the reader chose a sort."""
    actor.require("records:read")
    statement = actor.restrict(select(QuarantineOrder), QuarantineOrder)
    return search_filter_sort_paginate(session, statement, ORDERS, query)


def update_order(
    session: Session, actor: Actor, order_id: int, data: OrderUpdate, *, profiles: Profiles
) -> QuarantineOrder:
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, data.version)
    check_active(order)
    start, end = data.start_date or order.start_date, data.end_date or order.end_date
    plans.check_dates(start, end)
    order.start_date, order.end_date = start, end
    if data.kind is not None:
        order.kind = data.kind
    if data.assignee_id is not None:
        order.assignee_id = _assignee(session, actor, data.assignee_id)
    if data.review_after is not None:
        order.review_after = data.review_after
    if data.clinical is not None:
        known = _clinical_codes(profile(profiles, order.disease))
        unknown = sorted(set(data.clinical) - known)
        if unknown:
            raise Problem(422, f"unknown clinical criteria: {', '.join(unknown)}")
        order.clinical = sorted(set(data.clinical))
    if data.clear_room:
        order.room_id = order.facility_id = None
    rooms.place(session, actor, order, data.room_id)
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return order


def _clinical_codes(prof: DiseaseProfile) -> set[str]:
    found: set[str] = set()

    def walk(rules: tuple[object, ...]) -> None:
        for rule in rules:
            if getattr(rule, "kind", None) == "clinical":
                found.add(str(getattr(rule, "code", "")))
            walk(tuple(getattr(rule, "rules", ())))

    walk(prof.isolation_release.rules)
    return found


def extend_order(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    last_exposure: date,
    profiles: Profiles,
) -> QuarantineOrder:
    """Exposure went on (e.g. a household contact of a case still isolating): the end
    and the test days are recounted from the new last exposure, never shortened."""
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    if order.category is None:
        raise Problem(422, "this order has no contact category to recount from")
    if order.last_exposure is not None and last_exposure < order.last_exposure:
        raise Problem(422, "the new last exposure is before the one on the order")
    try:
        rule = profile(profiles, order.disease).category(order.category)
    except LookupError:
        # e.g. a screening hold: its category is no contact category of the profile
        raise Problem(
            422, f"a {order.category} order has no extension rule in the disease profile"
        ) from None
    order.last_exposure = last_exposure
    order.end_date = max(order.end_date, rule.quarantine_end(last_exposure))
    order.test_mask = plans.test_mask(rule.test_days)
    session.flush()
    audit.record(
        session,
        actor,
        "extend",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        last_exposure=last_exposure.isoformat(),
    )
    return order


def issue_token(
    session: Session, actor: Actor, order_id: int, *, version: int
) -> tuple[QuarantineOrder, str]:
    """A new self-report link (the old one stops working); the token is returned once."""
    actor.require("cases:write")
    order = get_order(session, actor, order_id)
    check_version(order, version)
    check_active(order)
    token, hashed = tokens.new_token()
    order.report_token_hash = hashed
    session.flush()
    audit.record(
        session,
        actor,
        "issue_link",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return order, token
