"""JSON routes of orders, follow-ups, the due list, release flags, transfers and facilities."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import Count, Id
from fireline.db.deps import DbSession
from fireline.errors import NotFound
from fireline.pagination import Page, PageParams, make_page
from fireline.quarantine import (
    deps,
    detail,
    duelist,
    facilities,
    followup,
    operate,
    orders,
    outcomes,
    proposals,
    review,
)
from fireline.quarantine.days import chosen_place, today_in
from fireline.quarantine.release import list_release_flags
from fireline.quarantine.schemas import (
    CloseRequest,
    ConvertRequest,
    DueList,
    ExtendRequest,
    FacilityCreate,
    FacilityRead,
    FollowUpCreate,
    FollowUpRead,
    IsolationCreate,
    IssuedToken,
    Kind,
    OrderCreate,
    OrderDetail,
    OrderRead,
    OrderUpdate,
    ProposalDecisionRead,
    ProposalDecisions,
    ProposalRead,
    ReleaseFlag,
    RoomRequest,
    TransferRead,
    TransferRequest,
    VersionBody,
)
from fireline.quarantine.settings import QuarantineSettings
from fireline.quarantine.tokens import expiry_day
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(prefix="/quarantine", tags=["quarantine"])

Settings = Annotated[QuarantineSettings, Depends(deps.settings)]
WhichList = Literal["all", "to_contact", "test_due", "non_reporting", "symptomatic", "flagged"]


def _today(session: DbSession, context: ApiContext) -> date:
    """Today in the user's own jurisdiction's time zone."""
    return context.today(chosen_place(session, context.actor, None))


@router.post("/orders", response_model=OrderRead, status_code=201)
def create_order(body: OrderCreate, context: ApiContext, session: DbSession) -> OrderRead:
    """Quarantine a contact (dates from the profile's rule), a screening hold or a traveller."""
    order = orders.create_order(
        session, context.actor, body, profiles=context.profiles, today=_today(session, context)
    )
    return OrderRead.model_validate(order)


@router.post("/isolations", response_model=OrderRead, status_code=201)
def create_isolation(body: IsolationCreate, context: ApiContext, session: DbSession) -> OrderRead:
    order = orders.create_isolation(
        session, context.actor, body, profiles=context.profiles, today=_today(session, context)
    )
    return OrderRead.model_validate(order)


@router.get("/proposals", response_model=Page[ProposalRead])
def read_proposals(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
    disease: str | None = None,
    category: str | None = None,
    kind: Kind | None = None,
) -> Page[ProposalRead]:
    """Orders proposed by tracing for listed contacts, waiting for a decision, longest
    waiting first (under ``jurisdiction``, else the whole scope; ``q`` searches names;
    ``sort``: waiting, end, last_exposure, name)."""
    place = chosen_place(session, context.actor, jurisdiction)
    found, total = proposals.list_proposals(
        session, context.actor, place, query, now=context.now(), today=context.today(place)
    )
    return make_page(found, total, query)


@router.post("/proposals/decisions", response_model=ProposalDecisionRead)
def decide_proposals(
    body: ProposalDecisions, context: ApiContext, session: DbSession
) -> ProposalDecisionRead:
    """Confirm (the orders become active, issued now, dates kept) or cancel with a reason,
    all or none: an order out of scope is 404, a stale version or an order decided
    already is 409, a period already over is 422, and then nothing is changed."""
    ids = proposals.decide(
        session, context.actor, body, now=context.now(), today=_today(session, context)
    )
    return ProposalDecisionRead(decision=body.decision, decided=len(ids), order_ids=ids)


@router.get("/orders", response_model=Page[OrderRead])
def list_orders(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    status: str | None = None,
    purpose: Literal["quarantine", "isolation"] | None = None,
    kind: Kind | None = None,
    disease: str | None = None,
    facility_id: Id | None = None,
) -> Page[OrderRead]:
    """Orders in scope, newest first (``sort``: issued, start, end)."""
    found, total = orders.list_orders(session, actor, query)
    return make_page([OrderRead.model_validate(o) for o in found], total, query)


@router.get("/orders/{order_id:int}", response_model=OrderDetail)
def read_order(
    order_id: Id, context: ApiContext, session: DbSession, settings: Settings
) -> OrderDetail:
    """An order with its test dates and today's flags (health data: the read is audited)."""
    return detail.order_detail(session, context, order_id, settings.non_reporting_hours)


@router.patch("/orders/{order_id:int}", response_model=OrderRead)
def change_order(
    order_id: Id, body: OrderUpdate, context: ApiContext, session: DbSession
) -> OrderRead:
    """Dates, kind, room, assignee, extended isolation date, clinical sign-offs."""
    return OrderRead.model_validate(
        orders.update_order(session, context.actor, order_id, body, profiles=context.profiles)
    )


@router.post("/orders/{order_id:int}/extend", response_model=OrderRead)
def extend(order_id: Id, body: ExtendRequest, context: ApiContext, session: DbSession) -> OrderRead:
    order = orders.extend_order(
        session,
        context.actor,
        order_id,
        version=body.version,
        last_exposure=body.last_exposure,
        profiles=context.profiles,
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/release", response_model=OrderRead)
def release(order_id: Id, body: CloseRequest, context: ApiContext, session: DbSession) -> OrderRead:
    """Release after review, with a reason: case workers, or the staff of the facility
    holding the order."""
    order = review.release_reviewed(
        session,
        context.actor,
        order_id,
        version=body.version,
        reason=body.reason,
        now=context.now(),
        today=_today(session, context),
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/room", response_model=OrderRead)
def room(order_id: Id, body: RoomRequest, context: ApiContext, session: DbSession) -> OrderRead:
    """Admit to a room or move to another (409 when full; 403 for a facility user outside
    the facilities they work at)."""
    order = operate.assign_room(
        session,
        context.actor,
        order_id,
        version=body.version,
        room_id=body.room_id,
        today=_today(session, context),
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/convert", response_model=OrderRead)
def convert(
    order_id: Id, body: ConvertRequest, context: ApiContext, session: DbSession
) -> OrderRead:
    """The person becomes a suspected case; ``converted_case_id`` names it."""
    order, _ = outcomes.convert(
        session,
        context,
        order_id,
        version=body.version,
        onset=body.date_onset,
        today=_today(session, context),
        reason=body.reason,
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/transfer", response_model=TransferRead)
def transfer(
    order_id: Id, body: TransferRequest, context: ApiContext, session: DbSession
) -> TransferRead:
    moved = outcomes.transfer(
        session,
        context.actor,
        order_id,
        version=body.version,
        to_code=body.to_jurisdiction_code,
        reason=body.reason,
        now=context.now(),
    )
    return TransferRead.model_validate(moved)


@router.post("/orders/{order_id:int}/link", response_model=IssuedToken)
def issue_link(order_id: Id, body: VersionBody, actor: ApiActor, session: DbSession) -> IssuedToken:
    """A new self-report link (shown once; the previous link stops working)."""
    order, token = orders.issue_token(session, actor, order_id, version=body.version)
    return IssuedToken(token=token, path=f"/r/{token}", expires_on=expiry_day(order))


@router.get("/orders/{order_id:int}/follow-ups", response_model=Page[FollowUpRead])
def read_follow_ups(
    order_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    channel: Literal["staff", "self"] | None = None,
) -> Page[FollowUpRead]:
    """The order's reports, newest first (``sort``: at, day)."""
    found, total = followup.history(session, actor, order_id, query)
    return make_page([FollowUpRead.model_validate(f) for f in found], total, query)


@router.post("/orders/{order_id:int}/follow-ups", response_model=FollowUpRead, status_code=201)
def add_follow_up(
    order_id: Id, body: FollowUpCreate, context: ApiContext, session: DbSession, settings: Settings
) -> FollowUpRead:
    """A report by staff, dated today in the order's jurisdiction."""
    order = orders.get_order(session, context.actor, order_id)
    entry = followup.staff_report(
        session,
        context.actor,
        order_id,
        body,
        now=context.now(),
        day=today_in(session, context, order.jurisdiction_id),
        profiles=context.profiles,
        settings=settings,
    )
    return FollowUpRead.model_validate(entry)


@router.get("/due", response_model=DueList)
def due(
    context: ApiContext,
    session: DbSession,
    settings: Settings,
    jurisdiction: str | None = None,
    assignee_id: Id | None = None,
    which: Annotated[WhichList, Query(alias="list")] = "all",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Count, Query(ge=0)] = 0,
) -> DueList:
    """Today's follow-up list: who must be contacted or self-report, who is due a test, and
    the flags (non-reporting, symptomatic), most urgent first."""
    actor, place = context.actor, chosen_place(session, context.actor, jurisdiction)
    day = context.today(place)
    f = duelist.flags(day, context.now(), settings.non_reporting_hours)
    counts = duelist.summary(session, actor, place, f, assignee_id)
    rows, total = duelist.due_rows(
        session, actor, place, f, which=which, assignee_id=assignee_id, limit=limit, offset=offset
    )
    page = make_page(rows, total, PageParams(limit=limit, offset=offset))
    return DueList(
        day=day,
        summary=counts,
        items=rows,
        total=total,
        limit=limit,
        offset=offset,
        next_offset=page.next_offset,
    )


@router.get("/release-flags", response_model=Page[ReleaseFlag])
def read_release_flags(
    context: ApiContext, session: DbSession, query: ApiListQuery, jurisdiction: str | None = None
) -> Page[ReleaseFlag]:
    """Cases in isolation whose release rule is met, isolated longest first: for a person
    to review."""
    place = chosen_place(session, context.actor, jurisdiction)
    found, total = list_release_flags(
        session,
        context.actor,
        place,
        query,
        now=context.now(),
        today=context.today(place),
        profiles=context.profiles,
    )
    return make_page(found, total, query)


@router.get("/transfers", response_model=Page[TransferRead])
def read_transfers(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    direction: Literal["in", "out"] = "in",
) -> Page[TransferRead]:
    """Transfers into (or out of) the user's jurisdiction, newest first."""
    found, total = outcomes.transfer_rows(session, actor, direction, query)
    return make_page([TransferRead.model_validate(t.transfer) for t in found], total, query)


@router.post("/facilities", response_model=FacilityRead, status_code=201)
def create_facility(body: FacilityCreate, context: ApiContext, session: DbSession) -> FacilityRead:
    facility = facilities.create_facility(session, context.actor, body)
    day = _today(session, context)
    return facilities.occupancy(session, context.actor, None, day, facility.id)[0]


@router.get("/facilities", response_model=Page[FacilityRead])
def read_facilities(
    context: ApiContext, session: DbSession, query: ApiListQuery, jurisdiction: str | None = None
) -> Page[FacilityRead]:
    """Open facilities with their rooms and today's occupancy, by name (``q`` searches
    names and addresses)."""
    place = chosen_place(session, context.actor, jurisdiction)
    found, total = facilities.list_facilities(
        session, context.actor, place, context.today(place), query
    )
    return make_page(found, total, query)


@router.get("/facilities/{facility_id:int}", response_model=FacilityRead)
def read_facility(facility_id: Id, context: ApiContext, session: DbSession) -> FacilityRead:
    day = _today(session, context)
    found = facilities.occupancy(session, context.actor, None, day, facility_id)
    if not found:
        raise NotFound(f"facility {facility_id}")
    return found[0]
