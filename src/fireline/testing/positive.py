"""What a stored result sets off: a case created or confirmed, a retest order closed, and
for a person under quarantine a notice to the investigator with a proposal to convert the
quarantine to isolation (a person confirms it: ``quarantine.outcomes.convert_to_isolation``).

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
from typing import cast

from sqlalchemy import Table, and_, bindparam, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.context import Context
from fireline.db.base import UTCDateTime
from fireline.db.sqlfn import write
from fireline.diseases.schemas import DiseaseProfile
from fireline.lab.models import LabMessage, LabResult, Sample
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.positives.models import OPEN, ConversionProposal
from fireline.surveillance import service as cases
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate
from fireline.testing.codes import codes
from fireline.testing.pooling.models import RetestOrder, ScreeningCampaign
from fireline.tracing.models import Contact, Interview

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
    """Cases for positive results, then the retest orders these results answer, then the
    conversions proposed for the people under quarantine they make positive."""
    for result, sample in stored:
        if result.outcome != "positive" or result.status == "preliminary":
            continue
        done = case_for(session, context, result, sample)
        message.cases_created += done == "created"
        message.cases_confirmed += done == "confirmed"
    session.flush()
    message.retests_closed += close_retests(session, message.id, context.now())
    propose_conversions(session, message.id, context.now())


def close_retests(session: Session, message_id: int, now: datetime) -> int:
    """Close the open retest orders answered by a single (non-pool) result of the message:
    a negative releases the hold; a positive leaves it active, so that the conversion is
    proposed to a person (below) rather than made by the lab. Set-based: one SELECT, one
    UPDATE of many parameter sets for the orders and one for the holds released."""
    rows = session.execute(
        select(RetestOrder.id, RetestOrder.hold_order_id, LabResult.id, LabResult.outcome)
        .join(ScreeningCampaign, ScreeningCampaign.id == RetestOrder.campaign_id)
        .join(
            Sample,
            and_(
                Sample.person_id == RetestOrder.person_id,
                Sample.disease == ScreeningCampaign.disease,
            ),
        )
        .join(LabResult, LabResult.sample_id == Sample.id)
        .where(
            LabResult.message_id == message_id,
            LabResult.outcome.in_(("positive", "negative")),
            RetestOrder.status == "open",
        )
        .order_by(RetestOrder.id, LabResult.id)
    ).all()
    first: dict[int, tuple[int | None, int, str]] = {}
    for retest_id, hold_id, result_id, outcome in rows:  # the earliest result answers
        first.setdefault(retest_id, (hold_id, result_id, outcome))
    if not first:
        return 0
    retests = cast(Table, RetestOrder.__table__)  # Core: one statement, many parameter sets
    session.connection().execute(
        update(retests)
        .where(retests.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            result_id=bindparam("b_result"),
            closed_at=now,
            version=retests.c.version + 1,
        ),
        [
            {"b_id": rid, "b_status": outcome, "b_result": result_id}
            for rid, (_, result_id, outcome) in first.items()
        ],
    )
    released = [(h, r) for h, r, o in first.values() if h is not None and o == "negative"]
    if released:
        _release_holds(session, released, now)
    return len(first)


def _release_holds(session: Session, released: list[tuple[int, int]], now: datetime) -> None:
    orders = cast(Table, QuarantineOrder.__table__)
    session.connection().execute(
        update(orders)
        .where(orders.c.id == bindparam("b_id"), orders.c.status == "active")
        .values(
            status="released",
            closed_at=now,
            close_reason=bindparam("b_reason"),
            report_token_hash=None,
            version=orders.c.version + 1,
        ),
        [
            {"b_id": hold, "b_reason": f"single retest negative (lab result {result})"}
            for hold, result in released
        ],
    )


def propose_conversions(session: Session, message_id: int, now: datetime) -> int:
    """Tell the investigator and propose isolation for every person under an active
    quarantine of the disease whom a final positive result of the message concerns: one
    INSERT ... SELECT for the whole message, one proposal per order (the first result),
    none while one is open. Returns how many were proposed."""
    q, r, s = QuarantineOrder, LabResult, Sample
    contact, interview, p = Contact, Interview, ConversionProposal
    index = func.coalesce(contact.case_id, q.case_id)
    owner = func.coalesce(q.assignee_id, contact.listed_by, interview.interviewer_id)
    chosen = (
        select(
            q.id,
            func.min(q.person_id),
            func.min(r.id),
            func.min(q.disease),
            func.max(r.case_id),
            func.min(index),
            func.min(owner),
            literal(OPEN),
            func.min(q.jurisdiction_id),
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        )
        .select_from(r)
        .join(s, s.id == r.sample_id)
        .join(q, and_(q.person_id == s.person_id, q.disease == s.disease))
        .outerjoin(contact, contact.id == q.contact_id)
        .outerjoin(interview, interview.case_id == index)
        .where(
            r.message_id == message_id,
            r.current.is_(True),
            r.outcome == "positive",
            r.status != "preliminary",
            q.status == "active",
            q.purpose == "quarantine",
            ~exists().where(p.order_id == q.id, p.status == OPEN),
        )
        .group_by(q.id)
    )
    columns = (
        "order_id",
        "person_id",
        "result_id",
        "disease",
        "case_id",
        "index_case_id",
        "owner_id",
        "status",
        "jurisdiction_id",
        "created_at",
        "updated_at",
    )
    return write(session, insert(p).from_select(columns, chosen))
