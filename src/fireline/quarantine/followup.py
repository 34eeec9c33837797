"""Follow-up reports, by staff or by the person through the self-report link.

A report is an append (``follow_ups``) plus one UPDATE of the order's summary columns,
which the due list and the flags read set-based; the UPDATE leaves ``version`` alone
(see models.py). Symptoms are the profile's codes; a red-flag symptom or a temperature
at or above the fever threshold makes the report symptomatic.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.quarantine import staff
from fireline.quarantine.models import FollowUp, QuarantineOrder
from fireline.quarantine.orders import Profiles, check_active, get_order, profile
from fireline.quarantine.schemas import FollowUpCreate
from fireline.quarantine.settings import QuarantineSettings


def assess(
    prof: DiseaseProfile, data: FollowUpCreate, fever_celsius: float
) -> tuple[list[str], bool, bool]:
    """(symptom codes, fever, symptomatic) of a report, checked against the profile."""
    known = {s.code: s for s in prof.symptoms.items}
    unknown = sorted(set(data.symptoms) - set(known))
    if unknown:
        raise Problem(422, f"unknown symptoms for {prof.code}: {', '.join(unknown)}")
    codes = sorted(set(data.symptoms))
    fever = (data.temperature is not None and data.temperature >= fever_celsius) or (
        "fever" in codes
    )
    if fever and "fever" in known and "fever" not in codes:
        codes.append("fever")
    symptomatic = any(known[c].red_flag for c in codes)
    return codes, fever, symptomatic


def record(
    session: Session,
    actor: Actor,
    order: QuarantineOrder,
    data: FollowUpCreate,
    *,
    channel: str,
    now: datetime,
    day: date,
    profiles: Profiles,
    settings: QuarantineSettings,
) -> FollowUp:
    """Store one report and move the order's summary (never its version)."""
    check_active(order)
    codes, fever, symptomatic = assess(
        profile(profiles, order.disease), data, settings.fever_celsius
    )
    entry = FollowUp(
        order_id=order.id,
        jurisdiction_id=order.jurisdiction_id,
        at=now,
        day=day,
        channel=channel,
        user_id=actor.user_id,
        reached=data.reached,
        temperature=data.temperature,
        fever=fever,
        symptoms=codes,
        symptomatic=symptomatic,
        note=data.note,
    )
    session.add(entry)
    if data.reached:
        _summarise(session, order, now, day, fever=fever, symptomatic=symptomatic)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "follow_up",
        [entry.id],
        jurisdiction_id=order.jurisdiction_id,
        order=order.id,
        channel=channel,
    )
    return entry


def _summarise(
    session: Session,
    order: QuarantineOrder,
    now: datetime,
    day: date,
    *,
    fever: bool,
    symptomatic: bool,
) -> None:
    table = QuarantineOrder
    values: dict[str, object] = {
        "last_report_at": now,
        "last_report_on": day,
        "last_report_symptomatic": symptomatic,
        # Fever-free since the first afebrile report after the last febrile one.
        "fever_free_since": None if fever else func.coalesce(table.fever_free_since, now),
    }
    if symptomatic:  # the first symptomatic day is the onset a suspected case carries
        values["onset_date"] = func.coalesce(table.onset_date, day)
    session.execute(
        update(table).where(table.id == order.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    session.expire(order, list(values))


def staff_report(
    session: Session,
    actor: Actor,
    order_id: int,
    data: FollowUpCreate,
    *,
    now: datetime,
    day: date,
    profiles: Profiles,
    settings: QuarantineSettings,
) -> FollowUp:
    order = get_order(session, actor, order_id)
    staff.require_operator(session, actor, order)  # case workers, or the facility's staff
    return record(
        session,
        actor,
        order,
        data,
        channel="staff",
        now=now,
        day=day,
        profiles=profiles,
        settings=settings,
    )


FOLLOW_UPS = ListSpec(
    sorts={"at": (FollowUp.at, FollowUp.id), "day": (FollowUp.day, FollowUp.at, FollowUp.id)},
    default_sort="at",
    filters={"channel": lambda v: FollowUp.channel == v},
)


def history(
    session: Session, actor: Actor, order_id: int, query: ListQuery
) -> tuple[list[FollowUp], int]:
    """A page of an order's reports, newest first unless the reader chose otherwise, and
    how many (health data: the read is audited)."""
    order = get_order(session, actor, order_id)
    statement = actor.restrict(select(FollowUp).where(FollowUp.order_id == order.id), FollowUp)
    found, total = search_filter_sort_paginate(session, statement, FOLLOW_UPS, query)
    audit.record(
        session,
        actor,
        "read",
        "follow_up",
        [f.id for f in found],
        jurisdiction_id=order.jurisdiction_id,
        order=order.id,
    )
    return found, total
