"""The case interview: opened on first read, autosaved with its version, and exposures.

The form's symptoms and contact categories come from the case's disease profile as the
deployment loads it (``Context.profiles``, docs/architecture.md, "Disease profiles"):
a disease a deployment folder adds is interviewed like a shipped one, and nothing here
names a disease.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Venue
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.tracing.models import Exposure, Interview
from fireline.tracing.schemas import ExposureCreate, InterviewUpdate


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


def add_exposure(session: Session, actor: Actor, case_id: int, data: ExposureCreate) -> Exposure:
    actor.require("cases:write")
    case = case_in_scope(session, actor, case_id)
    # A venue outside the actor's subtree answers as a nonexistent one (OWASP API1).
    in_scope = actor.restrict(select(Venue.id).where(Venue.id == data.venue_id), Venue)
    if data.venue_id is not None and session.scalar(in_scope) is None:
        raise Problem(422, f"venue {data.venue_id} does not exist")
    exposure = Exposure(case_id=case.id, jurisdiction_id=case.jurisdiction_id, **data.model_dump())
    session.add(exposure)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "exposure",
        [exposure.id],
        jurisdiction_id=case.jurisdiction_id,
        case=case.id,
    )
    return exposure


EXPOSURES = ListSpec(
    sorts={
        "starts": (Exposure.starts_at, Exposure.id),
        "ends": (Exposure.ends_at, Exposure.id),
        "kind": (Exposure.kind, Exposure.starts_at, Exposure.id),
    },
    default_sort="starts",
    filters={"kind": lambda v: Exposure.kind == v},
    search=lambda text: [Exposure.description.icontains(text, autoescape=True)],
)


def list_exposures(
    session: Session, actor: Actor, case_id: int, query: ListQuery
) -> tuple[list[Exposure], int]:
    """A page of the case's exposures and how many; unless the reader chose a sort, in
    the order they happened."""
    actor.require("cases:read")
    case = case_in_scope(session, actor, case_id)
    statement = actor.restrict(select(Exposure).where(Exposure.case_id == case.id), Exposure)
    if not query.sort:
        query = replace(query, sort="starts", descending=False)
    return search_filter_sort_paginate(session, statement, EXPOSURES, query)
