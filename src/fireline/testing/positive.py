"""What a stored result sets off: a case created or confirmed, a retest order closed.

The classification a positive result gives follows its test kind (``codes.yaml``,
``classify``: a nucleic acid test confirms, an antigen or antibody test makes a probable
case, after the WHO case definition) and moves only forward along the disease profile's
transitions. Cases are written through the surveillance service, so the response sweep
picks confirmed cases up by itself. A lab user may not write cases by role; the case is
written on its behalf with the investigator's rights (same user, same audit trail).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.lab.models import LabMessage, LabResult, Sample
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance import service as cases
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate
from fireline.testing.codes import codes
from fireline.testing.pooling.models import RetestOrder, ScreeningCampaign

RANK = {"suspected": 0, "probable": 1, "confirmed": 2}


def _writer(actor: Actor, session: Session, person: Person) -> Actor:
    """The actor the case is written as: the caller, with case rights, in the caller's
    scope when the person lives there, else the whole tree (the lab is authoritative)."""
    place = session.get_one(Jurisdiction, person.jurisdiction_id)
    base = (
        actor
        if actor.covers_path(place.path)
        else replace(system_actor(), user_id=actor.user_id, username=actor.username)
    )
    return base if base.can("cases:write") else replace(base, role="investigator")


def _classification(result: LabResult, profile: DiseaseProfile | None) -> str | None:
    target = codes().classify.get(result.test_type)
    if target is None or profile is None:
        return None
    known = {c.code for c in profile.classifications.items}
    return target if target in known else None


def case_for(session: Session, context: Context, result: LabResult, sample: Sample) -> str | None:
    """'created', 'confirmed' (reclassified) or None; links the result to the case."""
    profile = context.profile(sample.disease)
    target = _classification(result, profile)
    if target is None or profile is None:
        return None
    person = session.get_one(Person, sample.person_id)
    writer = replace(context, actor=_writer(context.actor, session, person))
    existing = session.scalars(
        select(Case)
        .where(
            Case.person_id == person.id,
            Case.disease == sample.disease,
            Case.classification != "discarded",
        )
        .order_by(Case.id.desc())
    ).first()
    if existing is not None:
        result.case_id = existing.id
        ahead = RANK.get(target, 0) > RANK.get(existing.classification, 0)
        if ahead and profile.can_transition(existing.classification, target):
            cases.reclassify(
                session,
                writer,
                existing.id,
                to=target,
                version=existing.version,
                reason=f"lab result {result.id}",
                date_confirmation=result.resulted_at.date(),
            )
            return "confirmed"
        return None
    place = session.get_one(Jurisdiction, person.jurisdiction_id)
    case, _ = cases.create_case(
        session,
        writer,
        CaseCreate(
            disease=sample.disease,
            jurisdiction_code=place.code,
            classification=target,
            date_reporting=result.resulted_at.date(),
            person_id=person.id,
            source="lab",
            external_id=f"lab-result-{result.id}",
            date_confirmation=result.resulted_at.date() if target == "confirmed" else None,
        ),
    )
    result.case_id = case.id
    return "created"


def apply(
    session: Session,
    context: Context,
    stored: Sequence[tuple[LabResult, Sample]],
    message: LabMessage,
) -> None:
    """Cases for positive results, then the retest orders these results answer."""
    for result, sample in stored:
        if result.outcome != "positive" or result.status == "preliminary":
            continue
        done = case_for(session, context, result, sample)
        message.cases_created += done == "created"
        message.cases_confirmed += done == "confirmed"
    message.retests_closed += close_retests(session, stored, context.now())


def close_retests(
    session: Session, stored: Sequence[tuple[LabResult, Sample]], now: datetime
) -> int:
    """Close open retest orders answered by a single (non-pool) result of the person:
    negative releases the hold, positive converts it (the case was made above)."""
    closed = 0
    for result, sample in stored:
        if result.outcome not in ("positive", "negative"):
            continue
        orders = session.scalars(
            select(RetestOrder)
            .join(ScreeningCampaign, ScreeningCampaign.id == RetestOrder.campaign_id)
            .where(
                RetestOrder.person_id == sample.person_id,
                RetestOrder.status == "open",
                ScreeningCampaign.disease == sample.disease,
            )
        ).all()
        for order in orders:
            order.status, order.result_id, order.closed_at = result.outcome, result.id, now
            closed += 1
            if order.hold_order_id is not None:
                _end_hold(session, order.hold_order_id, result, now)
    session.flush()
    return closed


def _end_hold(session: Session, order_id: int, result: LabResult, now: datetime) -> None:
    negative = result.outcome == "negative"
    values: dict[str, object] = {
        "status": "released" if negative else "converted",
        "closed_at": now,
        "close_reason": f"single retest {result.outcome} (lab result {result.id})",
        "version": QuarantineOrder.version + 1,
    }
    if not negative:
        values["converted_case_id"] = result.case_id
    session.execute(
        update(QuarantineOrder)
        .where(QuarantineOrder.id == order_id, QuarantineOrder.status == "active")
        .values(values)
    )
