"""The case interview: opened on first read, autosaved with its version.

The form's symptoms and contact categories come from the case's disease profile as the
deployment loads it (``Context.profiles``, docs/architecture.md, "Disease profiles"):
a disease a deployment folder adds is interviewed like a shipped one, and nothing here
names a disease.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.tracing import checks
from fireline.tracing.models import Interview
from fireline.tracing.schemas import InterviewUpdate


def case_in_scope(session: Session, actor: Actor, case_id: int) -> Case:
    found: Case = actor.get(session, Case, case_id, f"case {case_id}")
    return found


def profile_of(case: Case, profiles: Mapping[str, DiseaseProfile]) -> DiseaseProfile:
    """The case's disease profile among the deployment's ``profiles``."""
    if case.disease not in profiles:
        raise Problem(422, f"case {case.id} has a disease without a profile: {case.disease}")
    return profiles[case.disease]


def interview_for(session: Session, actor: Actor, case_id: int) -> tuple[Case, Interview]:
    """The case's interview, opened (and audited) the first time it is asked for."""
    actor.require("cases:read")
    case = case_in_scope(session, actor, case_id)
    found = session.scalars(select(Interview).where(Interview.case_id == case.id)).first()
    if found is not None:
        return case, found
    if not actor.can("cases:write"):
        raise Problem(404, f"case {case_id} has no interview yet")
    interview = Interview(
        case_id=case.id,
        jurisdiction_id=case.jurisdiction_id,
        date_onset=case.date_onset,
        symptoms=[],
        interviewer_id=actor.user_id,
    )
    session.add(interview)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "interview",
        [interview.id],
        jurisdiction_id=case.jurisdiction_id,
        case=case.id,
    )
    return case, interview


def update_interview(
    session: Session, context: Context, case_id: int, data: InterviewUpdate
) -> Interview:
    """Apply the sent answers; a stale version is refused so no answer is overwritten."""
    actor = context.actor
    actor.require("cases:write")
    case, interview = interview_for(session, actor, case_id)
    if interview.version != data.version:
        raise Conflict(
            f"the interview is at version {interview.version}, not {data.version}; reload it"
        )
    # Checked before any answer is set: a query meanwhile would flush (and version) twice.
    _check_dates(session, context, case, interview, data)
    if data.symptoms is not None:
        known = {s.code for s in profile_of(case, context.profiles).symptoms.items}
        unknown = sorted(set(data.symptoms) - known)
        if unknown:
            raise Problem(422, f"unknown symptoms for {case.disease}: {', '.join(unknown)}")
        interview.symptoms = list(dict.fromkeys(data.symptoms))
    for field in ("date_onset", "date_isolation", "notes"):
        if field in data.model_fields_set:
            setattr(interview, field, getattr(data, field))
    if data.status is not None and data.status != interview.status:
        interview.status = data.status
        interview.completed_at = context.now() if data.status == "completed" else None
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "interview",
        [interview.id],
        jurisdiction_id=case.jurisdiction_id,
        fields=sorted(data.model_fields_set),
    )
    return interview


def _check_dates(
    session: Session, context: Context, case: Case, interview: Interview, data: InterviewUpdate
) -> None:
    """Onset and isolation as they would be saved: neither after today in the case's
    jurisdiction, and isolation not before onset (``tracing.checks``)."""
    sent = data.model_fields_set
    onset = data.date_onset if "date_onset" in sent else interview.date_onset
    isolated = data.date_isolation if "date_isolation" in sent else interview.date_isolation
    today = context.today(session.get_one(Jurisdiction, case.jurisdiction_id))
    checks.not_in_future("date_onset", onset, today)
    checks.not_in_future("date_isolation", isolated, today)
    checks.not_before(
        "date_isolation",
        isolated,
        onset,
        "The isolation date %(later)s is before the onset %(earlier)s.",
    )


def isolation_day(session: Session, case: Case, interview: Interview | None) -> date | None:
    """When the case was isolated: the interview's answer, else its first isolation order."""
    if interview is not None and interview.date_isolation is not None:
        return interview.date_isolation
    first: date | None = session.scalar(
        select(func.min(QuarantineOrder.start_date)).where(
            QuarantineOrder.case_id == case.id, QuarantineOrder.purpose == "isolation"
        )
    )
    return first


# Cases waiting for their interview that the investigation page lists, newest first.
WAITING_SHOWN: Final = 20


def waiting(session: Session, actor: Actor, place: Jurisdiction) -> list[tuple[Any, ...]]:
    """(case id, disease, classification, report date, interview status or None) for the
    cases under ``place`` not discarded whose interview is not completed: the
    investigation page's way into each interview. Ids and codes only (nothing audited)."""
    actor.require("cases:read")
    statement = (
        select(Case.id, Case.disease, Case.classification, Case.date_reporting, Interview.status)
        .outerjoin(Interview, Interview.case_id == Case.id)
        .where(
            Case.classification != "discarded",
            (Interview.id.is_(None)) | (Interview.status != "completed"),
        )
        .order_by(Case.date_reporting.desc(), Case.id.desc())
        .limit(WAITING_SHOWN)
    )
    return [tuple(row) for row in session.execute(actor.within(place).restrict(statement, Case))]
