"""JSON routes of orders, follow-ups, the due list, release flags, transfers and facilities."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from fireline.auth import audit
from fireline.auth.deps import ApiActor
from fireline.auth.scope import Actor
from fireline.bounds import Count, Id
from fireline.db.deps import DbSession
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.pagination import Page, PageParams, make_page, page_params
from fireline.places.models import Jurisdiction
from fireline.quarantine import (
    deps,
    duelist,
    facilities,
    followup,
    orders,
    outcomes,
    plans,
    proposals,
)
from fireline.quarantine.release import release_flags
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
    OrderCreate,
    OrderDetail,
    OrderRead,
    OrderUpdate,
    ProposalDecisionRead,
    ProposalDecisions,
    ProposalRead,
    ReleaseFlag,
    TransferRead,
    TransferRequest,
    VersionBody,
)
from fireline.quarantine.settings import QuarantineSettings
from fireline.quarantine.tokens import expiry_day

router = APIRouter(prefix="/quarantine", tags=["quarantine"])

Now = Annotated[datetime, Depends(deps.now)]
Profiles = Annotated[Mapping[str, DiseaseProfile], Depends(deps.profiles)]
Settings = Annotated[QuarantineSettings, Depends(deps.settings)]
Params = Annotated[PageParams, Depends(page_params)]
WhichList = Literal["all", "to_contact", "test_due", "non_reporting", "symptomatic", "flagged"]


def _today(
    session: DbSession, actor: Actor, now: datetime, place: Jurisdiction | None = None
) -> date:
    """Today in the chosen (else the actor's) jurisdiction's time zone; UTC for the system."""
    where = place.id if place is not None else actor.jurisdiction_id
    return deps.local_day(session, now, where) if where else now.date()


def _place(session: DbSession, actor: Actor, code: str | None) -> Jurisdiction | None:
    return actor.jurisdiction(session, code) if code else None


@router.post("/orders", response_model=OrderRead, status_code=201)
def create_order(
    body: OrderCreate, actor: ApiActor, session: DbSession, now: Now, profiles: Profiles
) -> OrderRead:
    """Quarantine a contact (dates from the profile's rule), a screening hold or a traveller."""
    order = orders.create_order(
        session, actor, body, profiles=profiles, today=_today(session, actor, now)
    )
    return OrderRead.model_validate(order)


@router.post("/isolations", response_model=OrderRead, status_code=201)
def create_isolation(
    body: IsolationCreate, actor: ApiActor, session: DbSession, now: Now, profiles: Profiles
) -> OrderRead:
    order = orders.create_isolation(
        session, actor, body, profiles=profiles, today=_today(session, actor, now)
    )
    return OrderRead.model_validate(order)


@router.get("/proposals", response_model=Page[ProposalRead])
def read_proposals(
    actor: ApiActor, session: DbSession, params: Params, now: Now, jurisdiction: str | None = None
) -> Page[ProposalRead]:
    """Orders proposed by tracing for listed contacts, waiting for a decision, longest
    waiting first (under ``jurisdiction``, else the whole scope)."""
    place = _place(session, actor, jurisdiction)
    day = _today(session, actor, now, place)
    found, total = proposals.list_proposals(session, actor, place, params, now=now, today=day)
    return make_page(found, total, params)


@router.post("/proposals/decisions", response_model=ProposalDecisionRead)
def decide_proposals(
    body: ProposalDecisions, actor: ApiActor, session: DbSession, now: Now
) -> ProposalDecisionRead:
    """Confirm (the orders become active, issued now, dates kept) or cancel with a reason,
    all or none: an order out of scope is 404, a stale version or an order decided
    already is 409, a period already over is 422, and then nothing is changed."""
    ids = proposals.decide(session, actor, body, now=now, today=_today(session, actor, now))
    return ProposalDecisionRead(decision=body.decision, decided=len(ids), order_ids=ids)


@router.get("/orders", response_model=Page[OrderRead])
def list_orders(
    actor: ApiActor,
    session: DbSession,
    params: Params,
    status: str | None = None,
    purpose: Literal["quarantine", "isolation"] | None = None,
    facility_id: Id | None = None,
) -> Page[OrderRead]:
    found, total = orders.list_orders(
        session, actor, params, status=status, purpose=purpose, facility_id=facility_id
    )
    return make_page([OrderRead.model_validate(o) for o in found], total, params)


@router.get("/orders/{order_id:int}", response_model=OrderDetail)
def read_order(
    order_id: Id, actor: ApiActor, session: DbSession, now: Now, settings: Settings
) -> OrderDetail:
    """An order with its test dates and today's flags (health data: the read is audited)."""
    order = orders.get_order(session, actor, order_id)
    day = deps.local_day(session, now, order.jurisdiction_id)
    flags = duelist.order_flags(
        session, order.id, duelist.flags(day, now, settings.non_reporting_hours)
    )
    audit.record(
        session,
        actor,
        "read",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return OrderDetail(
        **OrderRead.model_validate(order).model_dump(),
        test_dates=plans.test_dates(order.last_exposure, order.test_mask),
        flags=flags,
    )


@router.patch("/orders/{order_id:int}", response_model=OrderRead)
def change_order(
    order_id: Id, body: OrderUpdate, actor: ApiActor, session: DbSession, profiles: Profiles
) -> OrderRead:
    """Dates, kind, room, assignee, extended isolation date, clinical sign-offs."""
    return OrderRead.model_validate(
        orders.update_order(session, actor, order_id, body, profiles=profiles)
    )


@router.post("/orders/{order_id:int}/extend", response_model=OrderRead)
def extend(
    order_id: Id, body: ExtendRequest, actor: ApiActor, session: DbSession, profiles: Profiles
) -> OrderRead:
    order = orders.extend_order(
        session,
        actor,
        order_id,
        version=body.version,
        last_exposure=body.last_exposure,
        profiles=profiles,
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/release", response_model=OrderRead)
def release(
    order_id: Id, body: CloseRequest, actor: ApiActor, session: DbSession, now: Now
) -> OrderRead:
    order = outcomes.release(
        session,
        actor,
        order_id,
        version=body.version,
        reason=body.reason,
        now=now,
        today=_today(session, actor, now),
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/convert", response_model=OrderRead)
def convert(
    order_id: Id, body: ConvertRequest, actor: ApiActor, session: DbSession, now: Now
) -> OrderRead:
    """The person becomes a suspected case; ``converted_case_id`` names it."""
    order, _ = outcomes.convert(
        session,
        actor,
        order_id,
        version=body.version,
        onset=body.date_onset,
        now=now,
        today=_today(session, actor, now),
    )
    return OrderRead.model_validate(order)


@router.post("/orders/{order_id:int}/transfer", response_model=TransferRead)
def transfer(
    order_id: Id, body: TransferRequest, actor: ApiActor, session: DbSession, now: Now
) -> TransferRead:
    moved = outcomes.transfer(
        session,
        actor,
        order_id,
        version=body.version,
        to_code=body.to_jurisdiction_code,
        reason=body.reason,
        now=now,
    )
    return TransferRead.model_validate(moved)


@router.post("/orders/{order_id:int}/link", response_model=IssuedToken)
def issue_link(
    order_id: Id, body: VersionBody, actor: ApiActor, session: DbSession
) -> IssuedToken:
    """A new self-report link (shown once; the previous link stops working)."""
    order, token = orders.issue_token(session, actor, order_id, version=body.version)
    return IssuedToken(token=token, path=f"/r/{token}", expires_on=expiry_day(order))


@router.get("/orders/{order_id:int}/follow-ups", response_model=Page[FollowUpRead])
def read_follow_ups(
    order_id: Id, actor: ApiActor, session: DbSession, params: Params
) -> Page[FollowUpRead]:
    found, total = followup.history(session, actor, order_id, params)
    audit.record(session, actor, "read", "follow_up", [f.id for f in found], order=order_id)
    return make_page([FollowUpRead.model_validate(f) for f in found], total, params)


@router.post("/orders/{order_id:int}/follow-ups", response_model=FollowUpRead, status_code=201)
def add_follow_up(
    order_id: Id,
    body: FollowUpCreate,
    actor: ApiActor,
    session: DbSession,
    now: Now,
    profiles: Profiles,
    settings: Settings,
) -> FollowUpRead:
    order = orders.get_order(session, actor, order_id)
    day = deps.local_day(session, now, order.jurisdiction_id)
    entry = followup.staff_report(
        session, actor, order_id, body, now=now, day=day, profiles=profiles, settings=settings
    )
    return FollowUpRead.model_validate(entry)


@router.get("/due", response_model=DueList)
def due(
    actor: ApiActor,
    session: DbSession,
    now: Now,
    settings: Settings,
    jurisdiction: str | None = None,
    assignee_id: Id | None = None,
    which: Annotated[WhichList, Query(alias="list")] = "all",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Count, Query(ge=0)] = 0,
) -> DueList:
    """Today's follow-up list: who must be contacted or self-report, who is due a test, and
    the flags (non-reporting, symptomatic), most urgent first."""
    place = _place(session, actor, jurisdiction)
    day = _today(session, actor, now, place)
    f = duelist.flags(day, now, settings.non_reporting_hours)
    counts = duelist.summary(session, actor, place, f, assignee_id)
    rows, total = duelist.due_rows(
        session, actor, place, f, which=which, assignee_id=assignee_id, limit=limit, offset=offset
    )
    return DueList(day=day, summary=counts, items=rows, total=total, limit=limit, offset=offset)


@router.get("/release-flags", response_model=list[ReleaseFlag])
def read_release_flags(
    actor: ApiActor,
    session: DbSession,
    now: Now,
    profiles: Profiles,
    jurisdiction: str | None = None,
) -> list[ReleaseFlag]:
    """Cases in isolation whose release rule is met: for a person to review."""
    place = _place(session, actor, jurisdiction)
    return release_flags(
        session, actor, place, now=now, today=_today(session, actor, now), profiles=profiles
    )


@router.get("/transfers", response_model=Page[TransferRead])
def read_transfers(
    actor: ApiActor, session: DbSession, params: Params, direction: Literal["in", "out"] = "in"
) -> Page[TransferRead]:
    found, total = outcomes.transfers(session, actor, direction, params)
    return make_page([TransferRead.model_validate(t) for t in found], total, params)


@router.post("/facilities", response_model=FacilityRead, status_code=201)
def create_facility(
    body: FacilityCreate, actor: ApiActor, session: DbSession, now: Now
) -> FacilityRead:
    facility = facilities.create_facility(session, actor, body)
    return facilities.occupancy(session, actor, None, _today(session, actor, now), facility.id)[0]


@router.get("/facilities", response_model=list[FacilityRead])
def read_facilities(
    actor: ApiActor, session: DbSession, now: Now, jurisdiction: str | None = None
) -> list[FacilityRead]:
    place = _place(session, actor, jurisdiction)
    return facilities.occupancy(session, actor, place, _today(session, actor, now))


@router.get("/facilities/{facility_id:int}", response_model=FacilityRead)
def read_facility(facility_id: Id, actor: ApiActor, session: DbSession, now: Now) -> FacilityRead:
    found = facilities.occupancy(session, actor, None, _today(session, actor, now), facility_id)
    if not found:
        raise NotFound(f"facility {facility_id}")
    return found[0]
